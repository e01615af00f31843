import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { matchRepoPaths } from './rules.js';

/** The plain definition the indexed version must agree with. */
function naive(pattern: string, all: readonly string[]): string[] {
  const p = pattern.replace(/^\.\//, '');
  if (!picomatch.scan(p).isGlob) {
    if (all.includes(p)) return [p];
    const dir = p.endsWith('/') ? p : `${p}/`;
    return all.filter((f) => f.startsWith(dir));
  }
  const isMatch = picomatch(p, { dot: false });
  return all.filter((f) => isMatch(f));
}

const files = [
  'data/a.log', 'data/a.log.gz', 'data/b/c.txt', 'data/b/d/e.txt', 'data/b-x/f.txt', 'data/b.txt', 'data/.hidden/g.txt',
  'data0/h.txt', 'datasets/web.yaml', 'labels.csv', 'x/y/z/data/a.log', 'Z/upper.log', 'data/ünï/ç.log',
].sort();

describe('matchRepoPaths', () => {
  it.each([
    'data/a.log', './data/a.log', 'data/b', 'data/b/', 'data', 'data/*.log', 'data/**/*.txt', 'data/b*/*.txt', '**/*.log', 'data/{a.log,b.txt}',
    '{data,data0}/*.txt', 'data/?.log', 'data/b/**', 'nothing/*', 'missing.log', 'data/ünï/*.log', 'data/.hidden/*.txt', '*.csv',
  ])('%s: the same files as matching every path', (pattern) => {
    expect(matchRepoPaths(pattern, files)).toEqual(naive(pattern, files));
  });

  it('an unsorted listing gives the same files', () => {
    const shuffled = [...files].reverse();
    expect(matchRepoPaths('data/**/*.txt', shuffled).sort()).toEqual(naive('data/**/*.txt', files).sort());
    expect(matchRepoPaths('data/b', shuffled).sort()).toEqual(naive('data/b', files).sort());
  });
});
