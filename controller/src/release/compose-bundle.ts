/**
 * What goes into a model bundle (DESIGN §5): the ONNX model and, so that an
 * environment scores exactly as training computed its features, the same
 * compiled parse and feature plans, with the schemas, threshold, metrics and
 * lineage.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeaturePlan, ParsePlan } from '../compile/index.js';
import { COMPILER_VERSION } from '../version.js';
import { BUNDLE_API_VERSION, BUNDLE_KIND, type BundleManifest } from './bundle-manifest.js';
import { writeBundle, type WrittenBundle } from './bundle.js';

export const BUNDLE_FILES = {
  model: 'model.onnx',
  metrics: 'metrics.json',
  schema: 'schema.json',
  parsePlan: 'plan/parse.json',
  featurePlan: (fs: string) => `plan/features/${fs}.json`,
} as const;

/** The scoring contract recorded in bundle.json's inputSchema. */
export interface ScoringSchema {
  source: string;
  grain: 'event' | 'aggregate';
  featureSets: string[];
  /** Model input columns, in ONNX column order. */
  features: string[];
  fillMissing: number | null;
  parsePlan: string;
  featurePlans: string[];
}

export interface ComposeInput {
  model: string;
  /** Folder the trainer wrote: model.onnx, metrics.json, schema.json. */
  trainerOutput: string;
  parsePlan: ParsePlan;
  featurePlans: FeaturePlan[];
  features: string[];
  fillMissing: number | null;
  lineage: { configCommit?: string; stageKeys: Record<string, string>; trainerVersion: string };
}

export async function composeBundle(outPath: string, input: ComposeInput): Promise<{ bundle: WrittenBundle; manifest: BundleManifest }> {
  const metricsText = await readFile(join(input.trainerOutput, 'metrics.json'), 'utf8');
  const metrics = JSON.parse(metricsText) as Record<string, unknown>;
  const threshold = Number(metrics['threshold']);
  // Scoring never joins labels: the bundle's parse plan has no label tables.
  const parsePlan: ParsePlan = { ...input.parsePlan, labelTables: [] };
  const files: Record<string, Buffer | string> = {
    [BUNDLE_FILES.model]: await readFile(join(input.trainerOutput, 'model.onnx')),
    [BUNDLE_FILES.metrics]: metricsText,
    [BUNDLE_FILES.schema]: await readFile(join(input.trainerOutput, 'schema.json')),
    [BUNDLE_FILES.parsePlan]: JSON.stringify(parsePlan, null, 2) + '\n',
  };
  for (const fp of input.featurePlans) files[BUNDLE_FILES.featurePlan(fp.featureSet)] = JSON.stringify(fp, null, 2) + '\n';
  const scoring: ScoringSchema = {
    source: parsePlan.source,
    grain: input.featurePlans[0]?.grain ?? 'event',
    featureSets: input.featurePlans.map((f) => f.featureSet),
    features: input.features,
    fillMissing: input.fillMissing,
    parsePlan: BUNDLE_FILES.parsePlan,
    featurePlans: input.featurePlans.map((f) => BUNDLE_FILES.featurePlan(f.featureSet)),
  };
  const manifest: BundleManifest = {
    apiVersion: BUNDLE_API_VERSION,
    kind: BUNDLE_KIND,
    model: input.model,
    threshold,
    inputSchema: scoring,
    outputSchema: { tensor: 'probabilities', positiveColumn: 1, alertWhen: 'probability >= threshold' },
    metrics,
    lineage: { ...input.lineage, compilerVersion: COMPILER_VERSION },
  };
  const bundle = await writeBundle(outPath, files, manifest);
  return { bundle, manifest };
}
