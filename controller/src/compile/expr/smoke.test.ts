import { it } from 'vitest';
import { syntheticExpr } from '../../config/text-origin.js';
import { compileExpression, makeScope, columnEntry } from './index.js';

it('smoke', () => {
  const scope = makeScope([columnEntry('s', 'STRING'), columnEntry('x', 'INT'), columnEntry('$1', 'STRING', 'raw1')]);
  for (const t of [
    "to_timestamp(concat('2024 ', $1), 'yyyy MMM d HH:mm:ss')",
    "regexp_extract($1, 'for (invalid user )?(\\\\S+) from', 2)",
    'substr(s, x, x + 1)',
    "split(s, ',')[x]",
    'x + 1 > 2 AND s LIKE \'a%\'',
    'shannon_entropy(s)',
    "read_csv('/etc/passwd')",
    'lowr(s)',
    'count(*)',
    "s = 'а'",
    'lоwer(s)',
    'x / 0',
  ]) {
    const r = compileExpression(syntheticExpr(t), scope, { mode: 'scalar', what: 'test' });
    console.log(t, '\n  ', r.expr?.duckdb, '\n  ', r.expr?.spark, '\n  ', r.diagnostics.map((d) => `${d.column}-${d.endColumn} ${d.code} ${d.message} ${d.hint ?? ''}`).join(' | '));
  }
});
