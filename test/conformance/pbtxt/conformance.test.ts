import { describe, expect, it } from 'vitest';
import { formatDiagnostic, SourceText } from '../../../controller/src/diag/index.js';
import { exprSourceOf, MAX_DEPTH, parseTextFormat, sourceFromBytes, toPlainObject, type ParsedMessage } from '../../../controller/src/config/pbtxt/index.js';
import { negative, nested, positive } from './cases.js';
import { errors, parse, plain, short, testType } from './helpers.js';

describe('text format conformance: values', () => {
  it.each(positive)('$name', ({ text, want, type }) => {
    expect(plain(text, type)).toEqual(want);
  });

  it(`accepts nesting exactly ${MAX_DEPTH} deep`, () => {
    const r = parse(nested(MAX_DEPTH));
    expect(r.diagnostics).toEqual([]);
    let depth = 0;
    let m: ParsedMessage | undefined = r.message;
    while (m) {
      const child = m.fields.get('child')?.values[0];
      m = child?.kind === 'message' ? child.message : undefined;
      if (m) depth++;
    }
    expect(depth).toBe(MAX_DEPTH);
  });

  it('ignores a reserved field with a warning, and still returns the message', () => {
    const r = parse('old_name: 5 name: "a"');
    expect(r.diagnostics.map(short)).toEqual(["1:1 QV1028 field 'old_name' is reserved in quiver.test.Node; its value is ignored"]);
    expect(r.diagnostics[0]?.severity).toBe('warning');
    expect(r.message && toPlainObject(r.message)).toEqual({ name: 'a' });
  });
});

describe('text format conformance: errors', () => {
  it.each(negative)('$name', ({ text, want, type }) => {
    const r = parse(text, type);
    expect(r.diagnostics.map(short)).toEqual(want);
    expect(r.message).toBeUndefined();
  });

  it('suggests the closest field and enum names', () => {
    const [field] = parse('neme: "x"').diagnostics;
    expect(field?.hint).toBe("did you mean 'name'?");
    expect(field?.expected).toBe('one of name, child, children, scalars, lists, text, number, detail, counts, maybe');
    const [value] = parse('scalars { f_color: REDD }').diagnostics;
    expect(value?.hint).toBe("did you mean 'RED'?");
    expect(value?.expected).toBe('one of COLOR_UNSPECIFIED (0), RED (1), GREEN (2), BLUE (3), NEG (-1)');
  });

  it('says what was expected', () => {
    const expected = (text: string): string | undefined => parse(text).diagnostics[0]?.expected;
    expect(expected('name "x"')).toBe("':'");
    expect(expected('child ;')).toBe("':' or '{'");
    expect(expected('child: ;')).toBe("'{' or '<'");
    expect(expected('child: 5')).toBe("'{' or '<'");
    expect(expected('child { name: "x"')).toBe("'}' before the end of the file");
    expect(expected('child < name: "x" }')).toBe("'>'");
    expect(expected('lists { r_int32: [1 2] }')).toBe("',' or ']'");
    expect(expected('scalars { f_uint32: 5000000000 }')).toBe('an unsigned integer from 0 to 4294967295');
    expect(expected('scalars { f_bool: 2 }')).toBe('true or false');
    expect(expected('name: "\\xq"')).toBe('a hex digit');
  });

  it('renders as file:line:column: severity code: message', () => {
    const r = parseTextFormat(new SourceText('sources/ssh.pbtxt', '\n  neme: "x"'), testType('Node'));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      "sources/ssh.pbtxt:2:3: error QV1020: unknown field 'neme' in quiver.test.Node (expected one of name, child, children, scalars, lists, text, number, detail, counts, maybe) — did you mean 'name'?",
    ]);
  });

  it('gives every diagnostic an end position on or after its start', () => {
    for (const c of negative) {
      for (const d of parse(c.text, c.type).diagnostics) {
        expect(d.endLine, c.name).toBeDefined();
        const endLine = d.endLine ?? 0;
        expect(endLine > d.line || (endLine === d.line && (d.endColumn ?? 0) >= d.column), c.name).toBe(true);
      }
    }
  });

  it('reports invalid UTF-8 in the file at its position', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('name: "a"\nchild { name: "é'), 0xff, ...new TextEncoder().encode('" }')]);
    const { source, diagnostics } = sourceFromBytes('a.pbtxt', bytes);
    expect(diagnostics.map(short)).toEqual(['2:17 QV1007 the file is not valid UTF-8: byte 0xFF at byte offset 27']);
    expect(source.text).toContain('\uFFFD');
    expect(sourceFromBytes('b.pbtxt', new TextEncoder().encode('name: "ok"')).diagnostics).toEqual([]);
  });
});

describe('text format conformance: positions of values', () => {
  it('records the span of each name and value', () => {
    const r = parse('name: "ab" "c"\nchild {\n}');
    const name = r.message?.fields.get('name');
    expect(name?.nameSpan).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 5 });
    expect(name?.values[0]?.span).toEqual({ line: 1, column: 7, endLine: 1, endColumn: 15 });
    expect(r.message?.fields.get('child')?.values[0]?.span).toEqual({ line: 2, column: 7, endLine: 3, endColumn: 2 });
  });

  it('maps each decoded character back through escapes and across literals', () => {
    // Decoded: a \t b c é d
    const r = parse('name: "a\\tb"\n  "c\\u00e9d"');
    const v = r.message?.fields.get('name')?.values[0];
    if (v?.kind !== 'string') throw new Error('expected a string');
    expect(v.value).toBe('a\tbcéd');
    const at = (i: number): string => {
      const p = v.origin.positionAt(i);
      return `${p.line}:${p.column}`;
    };
    expect([0, 1, 2, 3, 4, 5, 6].map(at)).toEqual(['1:8', '1:9', '1:11', '2:4', '2:5', '2:11', '2:12']);
    expect(v.origin.file).toBe('test.pbtxt');
    const expr = exprSourceOf(v);
    expect(expr.text).toBe('a\tbcéd');
    expect(expr.origin.positionAt(4)).toEqual({ line: 2, column: 5 });
  });

  it('maps both UTF-16 units of a non-BMP character', () => {
    const r = parse('name: "x😀\\U0001F600y"');
    const v = r.message?.fields.get('name')?.values[0];
    if (v?.kind !== 'string') throw new Error('expected a string');
    expect(v.value).toBe('x😀😀y');
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => v.origin.positionAt(i).column)).toEqual([8, 9, 10, 11, 11, 21, 22]);
  });

  it('maps a multi-escape UTF-8 sequence to its first escape', () => {
    const r = parse('name: "-\\xc3\\xa9-"');
    const v = r.message?.fields.get('name')?.values[0];
    if (v?.kind !== 'string') throw new Error('expected a string');
    expect(v.value).toBe('-é-');
    expect([0, 1, 2, 3].map((i) => v.origin.positionAt(i).column)).toEqual([8, 9, 17, 18]);
  });

  it('keeps values as typed parse results', () => {
    const r = parse('scalars { f_int64: -0x10 f_color: 2 f_float: 1.5f f_bytes: "\\001" }');
    const s = r.message?.fields.get('scalars')?.values[0];
    if (s?.kind !== 'message') throw new Error('expected a message');
    const val = (n: string): unknown => {
      const { span: _span, ...rest } = s.message.fields.get(n)?.values[0] ?? { span: undefined };
      return rest;
    };
    expect(val('f_int64')).toEqual({ kind: 'int', value: -16n });
    expect(val('f_color')).toEqual({ kind: 'enum', value: 2, name: 'GREEN' });
    expect(val('f_float')).toEqual({ kind: 'float', value: 1.5 });
    expect(val('f_bytes')).toEqual({ kind: 'bytes', value: new Uint8Array([1]) });
  });
});

describe('text format conformance: counts', () => {
  it('has at least 60 cases', () => {
    expect(positive.length + negative.length).toBeGreaterThanOrEqual(60);
    expect(errors('')).toEqual([]);
  });
});
