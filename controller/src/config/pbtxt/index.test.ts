import { describe, expect, it } from 'vitest';
import { SourceText } from '../../diag/index.js';
import { loadQuiverSchema } from '../proto-schema.js';
import { exprSourceOf, parseTextFormat, toPlainObject } from './index.js';

const schema = loadQuiverSchema();

function parseAs(typeName: string, text: string): ReturnType<typeof parseTextFormat> {
  return parseTextFormat(new SourceText('sources/openssh.pbtxt', text), schema.lookupType(typeName));
}

// The examples of DESIGN.md §2.
const SOURCE = String.raw`name: "openssh"
description: "sshd auth log, syslog framing"
format { regex { pattern: "^(\\w{3}\\s+\\d+ [\\d:]+) (\\S+) sshd\\[(\\d+)\\]: (.*)$" } }
fields {
  name: "ts"  display_name: "Event time"  data_type: TIMESTAMP
  index: 1
  definition: "to_timestamp(concat('2024 ', $1), 'yyyy MMM d HH:mm:ss')"
}
fields { name: "host" display_name: "Host" data_type: STRING index: 2 }
fields {
  name: "user" display_name: "User" data_type: STRING index: 4
  definition: "regexp_extract($1, 'for (invalid user )?(\\S+) from', 2)"
}
`;

describe('parseTextFormat on quiver.v1', () => {
  it('parses the LogSource example of the design', () => {
    const r = parseAs('quiver.v1.LogSource', SOURCE);
    expect(r.diagnostics).toEqual([]);
    expect(r.message && toPlainObject(r.message)).toEqual({
      name: 'openssh',
      description: 'sshd auth log, syslog framing',
      format: { regex: { pattern: String.raw`^(\w{3}\s+\d+ [\d:]+) (\S+) sshd\[(\d+)\]: (.*)$` } },
      fields: [
        {
          name: 'ts',
          display_name: 'Event time',
          data_type: 'TIMESTAMP',
          index: [1],
          definition: "to_timestamp(concat('2024 ', $1), 'yyyy MMM d HH:mm:ss')",
        },
        { name: 'host', display_name: 'Host', data_type: 'STRING', index: [2] },
        { name: 'user', display_name: 'User', data_type: 'STRING', index: [4], definition: String.raw`regexp_extract($1, 'for (invalid user )?(\S+) from', 2)` },
      ],
    });
  });

  it('maps a definition back to the file through its escapes', () => {
    const r = parseAs('quiver.v1.LogSource', SOURCE);
    const user = r.message?.fields.get('fields')?.values[2];
    if (user?.kind !== 'message') throw new Error('expected a message');
    const def = user.message.fields.get('definition')?.values[0];
    if (def?.kind !== 'string') throw new Error('expected a string');
    const expr = exprSourceOf(def);
    // "\\S" is two characters in the file and one backslash in the text: 'S' is one column further on.
    const s = expr.text.indexOf('S+');
    expect(expr.text.slice(s - 1, s + 1)).toBe('\\S');
    expect(expr.origin.positionAt(0)).toEqual({ line: 12, column: 16 });
    expect(expr.origin.positionAt(s - 1)).toEqual({ line: 12, column: 16 + s - 1 });
    expect(expr.origin.positionAt(s)).toEqual({ line: 12, column: 16 + s + 1 });
    // The end is the closing quote.
    expect(expr.origin.positionAt(expr.text.length)).toEqual({ line: 12, column: 16 + expr.text.length + 1 });
  });

  it('parses the FeatureSet example and reports a misspelt enum with a suggestion', () => {
    const ok = parseAs(
      'quiver.v1.FeatureSet',
      'name: "ssh_auth_daily" source: "openssh" entity: "src_ip" window: "1d"\n' +
        'features { name: "failed_logins" data_type: LONG definition: "count_if(message LIKE \'Failed password%\')" }',
    );
    expect(ok.diagnostics).toEqual([]);
    const bad = parseAs('quiver.v1.FeatureSet', 'features { name: "x" data_type: LONGG }');
    expect(bad.message).toBeUndefined();
    expect(bad.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.hint}`)).toEqual(["1:33 QV1032 did you mean 'LONG'?"]);
  });

  it('rejects two formats of a oneof, naming both', () => {
    const r = parseAs('quiver.v1.LogSource', 'format { regex { pattern: "x" } delimited { delimiter: "," } }');
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([
      "1:33 QV1023 'delimited' and 'regex' are both set, but they belong to oneof 'kind' of quiver.v1.Format",
    ]);
  });
});
