import { both, col, ex, fn, p, s, T } from '../build.js';
import type { CatalogEntry } from '../entry.js';

const A = (values: unknown[]) => col('a', 'STRING', values);
const B = (values: unknown[]) => col('b', 'STRING', values);

export const NULLS: CatalogEntry[] = [
  {
    name: 'coalesce',
    kind: 'function',
    category: 'null',
    aggregate: false,
    signatures: [{ params: [p('value', T('any'), { variadic: true })], result: 'T' }],
    doc: 'The first argument that is not NULL.',
    semantics: 'All arguments must share one type after implicit widening.',
    render: both(fn('coalesce')),
    examples: [ex("coalesce(a, b, '-')", ['x', 'y', '-'], [A(['x', null, null]), B(['y', 'y', null])]), ex('coalesce(x, 0.5)', [1, 0.5], [col('x', 'INT', [1, null])])],
  },
  {
    name: 'nvl',
    kind: 'function',
    category: 'null',
    aggregate: false,
    signatures: [{ params: [p('value', T('any')), p('fallback', T('any'))], result: 'T' }],
    doc: 'value if it is not NULL, else fallback (coalesce with two arguments).',
    render: both((c) => `coalesce(${s(c, 0)}, ${s(c, 1)})`),
    examples: [ex("nvl(a, 'unknown')", ['x', 'unknown'], [A(['x', null])])],
  },
  {
    name: 'nullif',
    kind: 'function',
    category: 'null',
    aggregate: false,
    signatures: [{ params: [p('value', T('orderable')), p('other', T('orderable'))], result: 'T' }],
    doc: 'NULL if value equals other, else value.',
    semantics: "Typical use: nullif(s, '') turns empty fields into NULL.",
    render: both(fn('nullif')),
    examples: [ex("nullif(a, '')", ['x', null, null], [A(['x', '', null])])],
  },
  {
    name: 'if',
    kind: 'function',
    category: 'conditional',
    aggregate: false,
    signatures: [{ params: [p('condition', 'BOOLEAN'), p('then', T('any')), p('else', T('any'))], result: 'T' }],
    doc: 'then when condition is TRUE, else the else value (also when condition is NULL).',
    render: both((c) => `(CASE WHEN ${s(c, 0)} THEN ${s(c, 1)} ELSE ${s(c, 2)} END)`),
    examples: [ex("if(x > 0, 'pos', 'other')", ['pos', 'other', 'other'], [col('x', 'INT', [1, -1, null])])],
  },
];
