import type { Plan, PlannedStage, Reason } from './diff.js';

export function reasonText(r: Reason): string {
  const where = r.file ? `${r.file}: ` : '';
  switch (r.kind) {
    case 'upstream changed':
      return `upstream changed: ${r.detail ?? ''}`;
    case 'unkeyable':
      return `unkeyable (always runs): ${r.detail ?? ''}`;
    case 'output missing':
      return 'output missing in the store';
    case 'forced':
      return 'forced';
    case 'new':
      return r.field ? `${where}${r.field} added` : 'new stage';
    case 'deleted':
      return `${where}${r.field ?? ''} removed`;
    case 'modified':
      return r.field ? `${where}${r.field} modified${r.detail ? ` (${r.detail})` : ''}` : `${where}${r.detail ?? 'modified'}`;
  }
}

function short(key?: string): string {
  return key ? key.slice(0, 12) : '-';
}

export function renderPlanText(plan: Plan, opts: { color?: boolean } = {}): string {
  void opts;
  const lines: string[] = [];
  const run = plan.stages.filter((s) => s.action === 'run');
  const reuse = plan.stages.filter((s) => s.action === 'reuse');
  if (!plan.stages.length) lines.push('Nothing to run: no stage is affected.');
  else lines.push(`${run.length} stage${run.length === 1 ? '' : 's'} to run${reuse.length ? `, ${reuse.length} to reuse from the store` : ''}:`);
  for (const s of plan.stages) {
    lines.push(`  ${s.action === 'run' ? '+' : '='} ${s.id}  ${short(s.key)}`);
    for (const r of s.reasons) lines.push(`      ${reasonText(r)}`);
  }
  if (plan.deleted.length) {
    lines.push('', 'Stages no longer in the config:');
    for (const d of plan.deleted) lines.push(`  - ${d}`);
  }
  lines.push('');
  lines.push(plan.releases.length ? `Models that would get new releases: ${plan.releases.join(', ')}` : 'No model would get a new release.');
  for (const e of plan.environments) lines.push(`  environment ${e.name} (wave ${e.wave}) receives ${e.models.join(', ')}`);
  if (plan.unaffectedModels.length) lines.push(`Unaffected models: ${plan.unaffectedModels.join(', ')}`);
  lines.push(`Unaffected stages: ${plan.unchanged.length}`);
  return lines.join('\n') + '\n';
}

export function planJson(plan: Plan): unknown {
  return {
    stages: plan.stages.map((s: PlannedStage) => ({ ...s, reasonsText: s.reasons.map(reasonText) })),
    deleted: plan.deleted,
    releases: plan.releases,
    environments: plan.environments,
    unaffected: { models: plan.unaffectedModels, stages: plan.unchanged },
  };
}

const md = (s: string): string => s.replace(/\|/g, '\\|').replace(/</g, '&lt;');

/** For a pull-request comment. */
export function renderPlanMarkdown(plan: Plan, title = 'Quiver plan'): string {
  const out: string[] = [`### ${title}`, ''];
  const run = plan.stages.filter((s) => s.action === 'run');
  if (!plan.stages.length) out.push('**Nothing to run**: this change affects no stage.', '');
  else {
    out.push(`**${run.length}** stage${run.length === 1 ? '' : 's'} to run.`, '', '| stage | action | key | why |', '| --- | --- | --- | --- |');
    for (const s of plan.stages) out.push(`| \`${md(s.id)}\` | ${s.action} | \`${short(s.key)}\` | ${s.reasons.map((r) => md(reasonText(r))).join('<br>')} |`);
    out.push('');
  }
  if (plan.releases.length) {
    out.push(`**New releases:** ${plan.releases.map((m) => `\`${m}\``).join(', ')}`, '');
    if (plan.environments.length) {
      out.push('| environment | wave | receives |', '| --- | --- | --- |');
      for (const e of plan.environments) out.push(`| \`${md(e.name)}\` | ${e.wave} | ${e.models.map((m) => `\`${m}\``).join(', ')} |`);
      out.push('');
    }
  }
  if (plan.deleted.length) out.push(`**Removed stages:** ${plan.deleted.map((d) => `\`${md(d)}\``).join(', ')}`, '');
  out.push(`<details><summary>Unaffected: ${plan.unaffectedModels.length} models, ${plan.unchanged.length} stages</summary>`, '', plan.unaffectedModels.map((m) => `\`${m}\``).join(', ') || '(none)', '', '</details>', '');
  return out.join('\n');
}
