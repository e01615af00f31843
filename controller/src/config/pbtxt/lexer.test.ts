import { describe, expect, it } from 'vitest';
import { SourceText } from '../../diag/index.js';
import { tokenize, type Token } from './lexer.js';
import { Reporter } from './reporter.js';

function lex(text: string): { tokens: string[]; errors: string[] } {
  const reporter = new Reporter(new SourceText('t', text));
  const tokens = tokenize(text, reporter).map((t: Token) => `${t.kind}${t.base ? `/${t.base}` : ''}:${t.text}@${t.start}`);
  return { tokens, errors: reporter.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`) };
}

describe('lexer', () => {
  it('splits names, numbers, strings and punctuation, with offsets', () => {
    expect(lex('a_1: -0x1F { "s\\"" \'t\' } # c\n[x.y/z]').tokens).toEqual([
      'ident:a_1@0',
      'punct::@3',
      'punct:-@5',
      'int/hex:0x1F@6',
      'punct:{@11',
      'string:"s\\""@13',
      "string:'t'@19",
      'punct:}@23',
      'punct:[@29',
      'ident:x@30',
      'punct:.@31',
      'ident:y@32',
      'punct:/@33',
      'ident:z@34',
      'punct:]@35',
      'eof:@36',
    ]);
  });

  it('classifies whole number tokens by the spec', () => {
    const kinds = (s: string): string => lex(s).tokens[0]?.split(':')[0] ?? '';
    expect(['0', '7', '10', '017', '00', '0x0', '0XaF'].map(kinds)).toEqual(['int/dec', 'int/dec', 'int/dec', 'int/oct', 'int/oct', 'int/hex', 'int/hex']);
    expect(['1.', '.5', '1.5e3', '1e-3', '1E+3', '2f', '0F', '1.5f', '.5e1F'].map(kinds)).toEqual(Array(9).fill('float'));
    expect(['08', '0x', '1e', '10bar', '1.2.3', '0xg', '1f2', '01.5'].map(kinds)).toEqual(Array(8).fill('invalid'));
  });

  it('ends a comment at the line feed and skips a leading byte order mark', () => {
    expect(lex('\uFEFF# x { "\n}').tokens).toEqual(['punct:}@9', 'eof:@10']);
  });

  it('keeps an unterminated string to the end of its line', () => {
    const r = lex('"abc\\"\nx');
    expect(r.tokens).toEqual(['string:"abc\\"@0', 'ident:x@7', 'eof:@8']);
    expect(r.errors).toEqual(['1:1 QV1002']);
  });

  it('reports a run of unexpected characters once', () => {
    expect(lex('a @@@ b $').errors).toEqual(['1:3 QV1001', '1:9 QV1001']);
  });
});
