/**
 * Compiles a FeatureSet into a FeaturePlan over `quiver_parsed` (the ok rows
 * of its source's parse stage). Aggregate sets group by entity and tumbling
 * window; event-level sets keep one row per record. See FeaturePlan for the
 * output columns, which the trainer reads.
 */
import type { Diagnostic } from '../../diag/index.js';
import type { ExprSource, FeatureSetDef, SourceDef } from '../../config/index.js';
import { timeFieldOf } from '../../config/index.js';
import { COMPILER_VERSION } from '../../version.js';
import { compileExpression, type CompiledExpr, type Scope, type ScopeEntry } from '../expr/compile.js';
import { renderWindowStart } from '../catalog/window.js';
import { renderCast, sqlTypeOf, type Engine } from '../types/index.js';
import { both, cte, q, withQuery, type Both } from './sql-builder.js';
import type { Expr } from '../expr/ast.js';
import type { FeaturePlan, FieldCondition } from './types.js';

function sourceScope(src: SourceDef): Scope {
  const entries = new Map<string, ScopeEntry>();
  for (const f of src.fields) entries.set(f.name, { name: f.name, type: f.dataType, sql: both((e) => q(f.name, e)) });
  return { lookup: (n) => entries.get(n), names: () => [...entries.keys()] };
}

function timeText(col: string, e: Engine): string {
  return e === 'duckdb' ? `strftime(${col}, '%Y-%m-%dT%H:%M:%SZ')` : `date_format(${col}, "yyyy-MM-dd'T'HH:mm:ss'Z'")`;
}

/** The semantic definition of a feature set, for stage keys (see CanonicalSource). */
export interface CanonicalFeatureSet {
  entity: Both | null;
  window_seconds: number | null;
  time_field: string | null;
  filter: Both | null;
  features: Record<string, { data_type: string; definition: Both }>;
}

export function compileFeaturePlan(fs: FeatureSetDef, src: SourceDef): { plan?: FeaturePlan; canonical?: CanonicalFeatureSet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const scope = sourceScope(src);
  const aggregate = !!(fs.entity && fs.window);
  const features: Array<{ name: string; sql: Both }> = [];
  for (const f of fs.features) {
    const r = compileExpression(f.definition, scope, { mode: aggregate ? 'aggregate' : 'scalar', expected: f.dataType, what: `feature '${f.name}' definition` });
    diagnostics.push(...r.diagnostics);
    if (r.expr) features.push({ name: f.name, sql: castTo(r.expr, f.dataType) });
  }
  let filter: CompiledExpr | undefined;
  if (fs.filter) {
    const r = compileExpression(fs.filter, scope, { mode: 'scalar', expected: 'BOOLEAN', what: `feature set '${fs.name}' filter` });
    diagnostics.push(...r.diagnostics);
    filter = r.expr;
  }
  let entity: CompiledExpr | undefined;
  if (fs.entity) {
    const r = compileExpression(fs.entity, scope, { mode: 'scalar', what: `feature set '${fs.name}' entity` });
    diagnostics.push(...r.diagnostics);
    entity = r.expr;
  }
  const timeField = timeFieldOf(fs, src);
  if (diagnostics.some((d) => d.severity === 'error') || features.length !== fs.features.length) return { diagnostics };
  if (aggregate && (!entity || !timeField || !fs.window)) return { diagnostics }; // reported by the config rules

  const render = (e: Engine): string => {
    const where = filter ? `WHERE coalesce(${filter[e]}, FALSE)` : '';
    const featureCols = features.map((f) => `${f.sql[e]} AS ${q(f.name, e)}`).join(',\n  ');
    const text = e === 'duckdb' ? 'VARCHAR' : 'STRING';
    if (aggregate && entity && timeField && fs.window) {
      const entitySql = entity.type === 'STRING' ? entity[e] : `CAST(${entity[e]} AS ${text})`;
      const ws = renderWindowStart(q(timeField, e), fs.window.seconds, e);
      const labels =
        e === 'duckdb'
          ? `coalesce(list_sort(list_distinct(list(_label) FILTER (WHERE _label IS NOT NULL))), CAST([] AS VARCHAR[]))`
          : `array_sort(collect_set(_label))`;
      return withQuery(
        [cte('_in', `SELECT *, ${entitySql} AS _entity, ${ws} AS _window_start FROM quiver_parsed ${where}`)],
        [
          `SELECT concat(_entity, '|', ${timeText('_window_start', e)}) AS _row_key,`,
          `  _window_start AS _time,`,
          `  ${labels} AS _labels,`,
          `  _entity, _window_start, count(*) AS _events,`,
          `  ${featureCols}`,
          `FROM _in WHERE _entity IS NOT NULL AND _window_start IS NOT NULL`,
          `GROUP BY _entity, _window_start`,
        ].join('\n'),
      );
    }
    const ts = src.fields.find((f) => f.dataType === 'TIMESTAMP');
    const time = ts ? q(ts.name, e) : `CAST(NULL AS ${sqlTypeOf('TIMESTAMP', e)})`;
    const labels = e === 'duckdb' ? `CASE WHEN _label IS NULL THEN CAST([] AS VARCHAR[]) ELSE [_label] END` : `CASE WHEN _label IS NULL THEN CAST(array() AS ARRAY<STRING>) ELSE array(_label) END`;
    return [
      `SELECT concat(_path, ':', CAST(_line AS ${text})) AS _row_key,`,
      `  ${time} AS _time,`,
      `  ${labels} AS _labels,`,
      `  ${featureCols}`,
      `FROM quiver_parsed ${where}`,
    ].join('\n');
  };

  const canonical: CanonicalFeatureSet = {
    entity: aggregate && entity ? { duckdb: entity.duckdb, spark: entity.spark } : null,
    window_seconds: aggregate ? (fs.window?.seconds ?? null) : null,
    time_field: aggregate ? (timeField ?? null) : null,
    filter: filter ? { duckdb: filter.duckdb, spark: filter.spark } : null,
    features: Object.fromEntries(
      features
        .map((f, i) => [f.name, { data_type: fs.features[i]?.dataType ?? 'STRING', definition: f.sql }] as const)
        .sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    ),
  };
  return {
    canonical,
    plan: {
      kind: 'features',
      featureSet: fs.name,
      source: src.name,
      compilerVersion: COMPILER_VERSION,
      grain: aggregate ? 'aggregate' : 'event',
      ...(aggregate && fs.entity ? { entity: fs.entity.text } : {}),
      ...(aggregate && fs.window ? { windowSeconds: fs.window.seconds } : {}),
      features: fs.features.map((f) => ({ name: f.name, type: f.dataType })),
      sql: { duckdb: render('duckdb'), spark: render('spark') },
      filterTerms: fs.filter && filter ? filterTerms(fs.filter, filter, scope, fs.name) : [],
    },
    diagnostics,
  };
}

/**
 * A filter's top-level AND terms, each compiled on its own (the text it spans, positions kept), in
 * the order written. `a AND b` keeps a record exactly when both terms are TRUE, so applying the
 * terms one after another keeps the same records. A term that does not compile alone (it cannot
 * happen for a filter that compiled; this is the safe answer if it does) gives the whole filter.
 */
function filterTerms(src: ExprSource, whole: CompiledExpr, scope: Scope, featureSet: string): FieldCondition[] {
  const leaves: Expr[] = [];
  const walk = (x: Expr): void => {
    if (x.kind === 'binary' && x.op === 'AND') {
      walk(x.left);
      walk(x.right);
    } else leaves.push(x);
  };
  walk(whole.ast);
  const all: FieldCondition[] = [{ duckdb: whole.duckdb, reads: whole.references }];
  if (leaves.length < 2) return all;
  const terms: FieldCondition[] = [];
  for (const leaf of leaves) {
    const text: ExprSource = { text: src.text.slice(leaf.start, leaf.end), origin: { file: src.origin.file, positionAt: (o) => src.origin.positionAt(o + leaf.start) } };
    const r = compileExpression(text, scope, { mode: 'scalar', expected: 'BOOLEAN', what: `feature set '${featureSet}' filter` });
    if (!r.expr) return all;
    terms.push({ duckdb: r.expr.duckdb, reads: r.expr.references });
  }
  return terms;
}

/** Always ends in an explicit CAST: engines widen (DuckDB's sum(BIGINT) is HUGEINT), the Parquet must not. */
function castTo(expr: CompiledExpr, to: FeaturePlan['features'][number]['type']): Both {
  return both((e) => {
    const sql = expr.type === to ? expr[e] : renderCast(expr[e], expr.type, to, e);
    return `CAST(${sql} AS ${sqlTypeOf(to, e)})`;
  });
}
