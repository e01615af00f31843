export type ChangeKind = 'added' | 'removed' | 'modified';
export interface JsonChange {
  path: string[];
  change: ChangeKind;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Differences between two JSON values: objects recurse by key; arrays and scalars compare whole. */
export function jsonDiff(a: unknown, b: unknown, path: string[] = []): JsonChange[] {
  if (isObj(a) && isObj(b)) {
    const out: JsonChange[] = [];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      if (!(k in a) || a[k] === undefined) out.push({ path: [...path, k], change: 'added' });
      else if (!(k in b) || b[k] === undefined) out.push({ path: [...path, k], change: 'removed' });
      else out.push(...jsonDiff(a[k], b[k], [...path, k]));
    }
    return out;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, change: 'modified' }];
}
