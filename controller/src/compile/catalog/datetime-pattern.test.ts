import { describe, expect, it } from 'vitest';
import { checkDatetimePattern } from './datetime-pattern.js';

describe('Spark datetime patterns', () => {
  it('translate to strptime with an exact-shape guard', () => {
    expect(checkDatetimePattern('yyyy-MM-dd HH:mm:ss', 'parse')).toEqual({
      ok: true,
      strftime: '%Y-%m-%d %H:%M:%S',
      guard: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\\z',
    });
    const r = checkDatetimePattern("dd/MMM/yyyy:HH:mm:ss.SSS 'UTC'", 'parse');
    expect(r).toMatchObject({ ok: true, strftime: '%d/%b/%Y:%H:%M:%S.%g UTC' });
    expect(checkDatetimePattern("yyyy-MM-dd'T'HH:mm", 'parse')).toMatchObject({ ok: true, strftime: '%Y-%m-%dT%H:%M' });
    expect(checkDatetimePattern("yyyy''M.d h:mm a", 'parse')).toMatchObject({ ok: true, strftime: "%Y'%m.%d %I:%M %p" });
    expect(checkDatetimePattern('100% yyyy', 'format')).toMatchObject({ ok: true, strftime: '100%% %Y' });
  });

  it('use unpadded directives when formatting single letters', () => {
    expect(checkDatetimePattern('EEE MMM d H:m', 'format')).toMatchObject({ ok: true, strftime: '%a %b %-d %-H:%-M' });
  });

  it('refuse what the engines read differently', () => {
    const bad = (p: string, use: 'parse' | 'format' = 'parse'): string => {
      const r = checkDatetimePattern(p, use);
      if (r.ok) throw new Error(`${p} accepted`);
      return r.message;
    };
    expect(bad('yy-MM-dd')).toContain("'yy' is not supported");
    expect(bad('yyyy-MM-dd HH:mm:ss z')).toContain('time-zone');
    expect(bad('yyyy-MM-dd HH:mm:ssXXX')).toContain('time-zone');
    expect(bad('yyyy-MM-dd HH:mm:ss.SS')).toContain("'SS' is not supported");
    expect(bad('MM-dd HH:mm')).toContain('year');
    expect(bad('yyyy-MM-dd hh:mm')).toContain("'h'");
    expect(bad('EEE yyyy-MM-dd')).toContain('formatting');
    expect(bad('yyyy-ww')).toContain("letter 'w'");
    expect(bad("yyyy-MM-dd 'T")).toContain('unterminated');
    expect(bad('')).toContain('empty');
  });

  it('locate the offending letters', () => {
    expect(checkDatetimePattern('yyyy-MM-dd Q', 'parse')).toMatchObject({ ok: false, start: 11, end: 12 });
  });
});
