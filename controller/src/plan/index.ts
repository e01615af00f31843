export { canonicalJson, keyOf, sha256Hex } from '../canonical-json.js';
export { jsonDiff, type JsonChange } from './json-diff.js';
export { buildGraph, outputPrefix, stageId, type DatasetInputs, type PartInputs, type Stage, type StageGraph, type StageKind } from './graph.js';
export { computePlan, explain, type Plan, type PlannedStage, type Reason, type ReasonKind, type StoreIndex } from './diff.js';
export { resolveDatasetInputs, fingerprintRepoFile, type RemoteLister, type ResolvedFile } from './inputs.js';
export { GitRevisionFiles } from './git-revision.js';
export { planJson, reasonText, renderPlanMarkdown, renderPlanText } from './render.js';
export { loadBaseRevision, loadRevision, type BaseRevision, type Revision } from './load-revision.js';
