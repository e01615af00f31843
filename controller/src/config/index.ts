export * from './model.js';
export { DATA_TYPES, NUMERIC_TYPES, isDataType, type DataType } from './data-type.js';
export { syntheticExpr, type ExprSource, type TextOrigin } from './text-origin.js';
export { loadRepo, RepoCodes, type LoadResult } from './load-repo.js';
export { WorkingTreeFiles, type RepoFiles } from './repo-files.js';
export { matchRepoPaths, RuleCodes, timeFieldOf } from './rules.js';
export { DefCodes, parseWindow } from './pbtxt-defs.js';
export { YamlCodes } from './yaml/parse-manifest.js';
export { countCaptureGroups, hasLazyQuantifier, keepCaptureGroups } from './regex-groups.js';
