/**
 * The typed, normalized config of one repository revision: what every later
 * phase (compile, plan, execute) reads. Produced by loadRepo(); every value
 * keeps a way back to where it was written (a Locator), so cross-file checks
 * and the compiler can report file:line:column.
 */
import type { Span } from '../diag/index.js';
import type { DataType } from './data-type.js';
import type { ExprSource } from './text-origin.js';

/** Span of the value at a path inside a definition (e.g. ['fields', 2, 'definition']); the whole file for []. */
export type Locator = (path: ReadonlyArray<string | number>, which?: 'key' | 'value') => Span;

export interface Declared {
  /** Repo-relative POSIX path of the file that declares it. */
  file: string;
  locate: Locator;
  /** The content address of that file (path and bytes), when it was loaded through a cache: compile results are cached by it. */
  contentKey?: string;
}

export interface DelimitedFormat {
  kind: 'delimited';
  delimiter: string;
  quote: string;
  escape: string;
  skipHeaderLines: number;
  commentPrefix: string;
}
export interface RegexFormat {
  kind: 'regex';
  pattern: string;
  /** Number of capture groups in the pattern. */
  groups: number;
}
export interface JsonLinesFormat {
  kind: 'json_lines';
}
export interface MultilineFormat {
  kind: 'multiline';
  startPattern?: string;
  blankLineSeparated: boolean;
  maxLines: number;
  inner: DelimitedFormat | RegexFormat | JsonLinesFormat;
}
export type SourceFormat = DelimitedFormat | RegexFormat | JsonLinesFormat | MultilineFormat;

export interface FieldDef {
  name: string;
  displayName: string;
  description: string;
  dataType: DataType;
  /** Raw field numbers (delimited: 1-based column; regex: capture group). */
  index: number[];
  /** JSON paths (json_lines). */
  path: string[];
  definition?: ExprSource;
  nullValues: string[];
  /** Position in the source's `fields` list. */
  position: number;
}

export interface SourceDef extends Declared {
  kind: 'source';
  name: string;
  description: string;
  format: SourceFormat;
  fields: FieldDef[];
  filter?: ExprSource;
}

export interface FeatureDef {
  name: string;
  displayName: string;
  description: string;
  dataType: DataType;
  definition: ExprSource;
  position: number;
}

export interface FeatureSetDef extends Declared {
  kind: 'featureSet';
  name: string;
  description: string;
  source: string;
  entity?: ExprSource;
  /** Tumbling window length, when the set aggregates. */
  window?: { text: string; seconds: number };
  filter?: ExprSource;
  timeField?: string;
  features: FeatureDef[];
}

export interface LabelJoin {
  file: string;
  /** record field (or _file/_line) -> CSV column */
  join: Record<string, string>;
  column: string;
  default?: string;
}

export interface DatasetPart {
  name: string;
  description: string;
  paths: string[];
  label?: string;
  labels?: LabelJoin;
  position: number;
}

export interface DatasetDef extends Declared {
  kind: 'dataset';
  name: string;
  description: string;
  source: string;
  parts: DatasetPart[];
}

export type Algorithm = 'random_forest' | 'gradient_boosting' | 'logistic_regression';

export interface ModelDef extends Declared {
  kind: 'model';
  name: string;
  description: string;
  dataset: string;
  featureSets: string[];
  label: { positive: string[]; negative: string[] };
  algorithm: Algorithm;
  params: Record<string, string | number | boolean | null>;
  split: { method: 'random' | 'time'; testFraction: number; seed: number };
  fillMissing?: number;
  gates: { minRocAuc?: number; maxRegression?: number; targetFpr: number };
}

export interface EnvironmentDef extends Declared {
  kind: 'environment';
  name: string;
  description: string;
  models: string[];
  wave: number;
}

export interface ParseCase {
  name: string;
  source: string;
  input: string;
  expect?: Array<Record<string, unknown>>;
  rejected?: number;
  filtered?: number;
  position: number;
}
export interface FeatureCase {
  name: string;
  featureSet: string;
  input: string;
  expect: Array<Record<string, unknown>>;
  position: number;
}
export interface TestFileDef extends Declared {
  kind: 'test';
  parse: ParseCase[];
  features: FeatureCase[];
}

export interface Settings extends Declared {
  storageRoot: string;
  s3: { endpoint?: string; region?: string; forcePathStyle?: boolean };
  images: { spark?: string; trainer?: string };
  engine: {
    default: 'duckdb' | 'spark';
    duckdb: { threads?: number; memoryLimit?: string };
    spark: { driverMemory?: string; executorMemory?: string; executorInstances?: number; serviceAccount?: string };
  };
}

export interface RepoConfig {
  /** Absolute path of the repository root on this machine (never stored in outputs). */
  root: string;
  settings: Settings;
  sources: Map<string, SourceDef>;
  featureSets: Map<string, FeatureSetDef>;
  datasets: Map<string, DatasetDef>;
  models: Map<string, ModelDef>;
  environments: Map<string, EnvironmentDef>;
  tests: TestFileDef[];
  /**
   * Names declared by files that failed to parse (kind:name). References to
   * them are not reported again: the broken file has its own errors.
   */
  brokenNames: Set<string>;
}
