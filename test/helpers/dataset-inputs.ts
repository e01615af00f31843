import { basename, join } from 'node:path';
import type { ParsePlan } from '../../controller/src/compile/index.js';
import type { ParseInputFile } from '../../controller/src/exec/embedded/run-parse.js';
import type { Revision } from '../../controller/src/plan/index.js';

/**
 * A dataset's compiled parse plan, raw inputs and label files, bound the way the pipeline's
 * parse stage binds them (exec/pipeline.ts), for a repository whose data files are local.
 */
export function localDatasetInputs(revision: Revision, dataset: string, root: string): { plan: ParsePlan; inputs: ParseInputFile[]; labelFiles: Record<string, string> } {
  const ds = revision.config.datasets.get(dataset);
  const plan = revision.compiled.datasets.get(dataset);
  if (!ds || !plan) throw new Error(`dataset ${dataset} is not compiled`);
  const files = revision.inputFiles.get(dataset) ?? new Map();
  const inputs: ParseInputFile[] = [];
  for (const part of ds.parts) {
    for (const f of files.get(part.name) ?? []) {
      inputs.push({ part: part.name, file: basename(f.ref), path: f.ref, localPath: join(root, ...f.ref.split('/')), ...(part.label ? { label: part.label } : {}) });
    }
  }
  const labelFiles: Record<string, string> = {};
  for (const t of plan.labelTables) labelFiles[t.table] = join(root, ...t.file.split('/'));
  return { plan, inputs, labelFiles };
}
