/**
 * A parse plan fused with one feature plan (DuckDB): the parse's ok records that the feature set's
 * filter keeps, each field computed only on the records still in play when it is first needed.
 *
 * The hand-written query a person would write does the same: openssh's ssh_auth_hourly filters
 * `program = 'sshd' AND src_ip IS NOT NULL`, so `src_ip` is extracted from sshd lines only and the
 * timestamp, user and event only from the half of the lines that pass. DuckDB does not do it by
 * itself: its filter pushdown moves the filter below the field projections by substituting their
 * expressions (each regex then runs twice), and its filter pull-up moves a filter written between
 * them back above all of them. A fused run turns both passes off (run-fused.ts) and places the
 * terms here.
 */
import { cte, q, withQuery } from './sql-builder.js';
import type { FeaturePlan, FieldCondition, ParsePlan } from './types.js';

/**
 * The relation `quiver_parsed` for `feature` as one DuckDB query over quiver_lines: the columns of
 * the parse's ok records, only the rows `feature`'s filter can keep (the feature plan still applies
 * its whole filter). Undefined for plans compiled before they carried their parts.
 *
 * Order: `_status = 'ok'`, the source's filter, then each filter term in the order written; before
 * each, the fields it reads (and theirs) that are not computed yet; the remaining fields last. Every
 * expression thus runs on a subset of the records the staged parse runs it on.
 */
export function fusedParseSql(parse: ParsePlan, feature: FeaturePlan): string | undefined {
  const parts = parse.parts;
  const terms = feature.filterTerms;
  if (!parts || !terms) return undefined;
  const byName = new Map(parts.fields.map((f) => [f.name, f]));
  const ctes = [...parts.ctes, cte('_ok', `SELECT * FROM _raw WHERE _status = 'ok'`)];
  let prev = '_ok';
  let n = 0;
  const done = new Set<string>();
  const next = (body: string): void => {
    const name = `_q${n++}`;
    ctes.push(cte(name, body));
    prev = name;
  };
  /** Computes `names` and what they read, in dependency steps: each step only reads earlier ones. */
  const compute = (names: string[]): void => {
    const need: string[] = [];
    const visit = (name: string): void => {
      const f = byName.get(name);
      if (!f || done.has(name) || need.includes(name)) return;
      for (const r of f.reads) visit(r);
      need.push(name);
    };
    for (const name of names) visit(name);
    while (need.length) {
      // Every field whose reads are all computed goes into this step.
      const ready = need.filter((name) => (byName.get(name)?.reads ?? []).every((r) => done.has(r) || !byName.has(r)));
      if (!ready.length) throw new Error(`bug: the fields ${need.join(', ')} of ${parse.source} read each other`);
      next(`SELECT *, ${ready.map((name) => `${byName.get(name)?.duckdb ?? 'NULL'} AS ${q(name, 'duckdb')}`).join(', ')} FROM ${prev}`);
      for (const name of ready) {
        done.add(name);
        need.splice(need.indexOf(name), 1);
      }
    }
  };
  const apply = (c: FieldCondition): void => {
    compute(c.reads);
    next(`SELECT * FROM ${prev} WHERE ${c.duckdb}`);
  };
  if (parts.filter) apply(parts.filter);
  for (const t of terms) apply(t);
  compute(parts.fields.map((f) => f.name));
  ctes.push(cte('_fields', `SELECT * FROM ${prev}`));
  return withQuery(ctes, parts.select);
}
