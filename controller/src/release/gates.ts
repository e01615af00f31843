/** Release gates (DESIGN §4): checked in TypeScript at the release stage, before a version exists. */
export interface GateSettings {
  minRocAuc?: number;
  maxRegression?: number;
  targetFpr: number;
}

export interface GateMetrics {
  roc_auc: number;
  fpr: number;
  target_fpr_met: boolean;
}

export interface GateResult {
  gate: 'min_roc_auc' | 'max_regression' | 'target_fpr';
  passed: boolean;
  message: string;
}

const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x));

export function checkGates(metrics: GateMetrics, gates: GateSettings, current?: { version: number; metrics: GateMetrics }): { passed: boolean; results: GateResult[] } {
  const results: GateResult[] = [];
  if (gates.minRocAuc !== undefined) {
    const ok = metrics.roc_auc >= gates.minRocAuc;
    results.push({ gate: 'min_roc_auc', passed: ok, message: `ROC AUC ${f(metrics.roc_auc)} ${ok ? '>=' : '<'} minimum ${f(gates.minRocAuc)}` });
  }
  if (gates.maxRegression !== undefined && current) {
    const drop = current.metrics.roc_auc - metrics.roc_auc;
    const ok = drop <= gates.maxRegression + 1e-12;
    results.push({
      gate: 'max_regression',
      passed: ok,
      message: `ROC AUC ${f(metrics.roc_auc)} vs ${f(current.metrics.roc_auc)} in v${current.version}: ${drop > 0 ? `a drop of ${f(drop)}` : 'no drop'}${ok ? '' : `, more than the allowed ${f(gates.maxRegression)}`}`,
    });
  }
  const fprOk = metrics.target_fpr_met && metrics.fpr <= gates.targetFpr + 1e-12;
  results.push({
    gate: 'target_fpr',
    passed: fprOk,
    message: fprOk ? `FPR ${f(metrics.fpr)} <= target ${f(gates.targetFpr)} on the validation split` : `no threshold meets the target FPR ${f(gates.targetFpr)} on the validation split`,
  });
  return { passed: results.every((r) => r.passed), results };
}
