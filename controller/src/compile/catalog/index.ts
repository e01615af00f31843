export type { CatalogEntry, Category, Example, ExampleInput, Signature, Param } from './entry.js';
export { CATALOG, functionNames, lookupFunction, operatorEntry } from './registry.js';
export { catalogExamples, type CatalogExample } from './examples.js';
export { renderWindowStart, parseWindowSize } from './window.js';
export { checkRegex } from './regex-subset.js';
export { checkDatetimePattern } from './datetime-pattern.js';
