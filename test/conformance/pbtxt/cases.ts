/**
 * The conformance cases, as data: the suite asserts them against our parser,
 * and the oracle test replays the positive ones through protobufjs's own
 * text-format reader to cross-check values.
 */

export interface PositiveCase {
  name: string;
  text: string;
  /** toPlainObject of the result. */
  want: Record<string, unknown>;
  type?: string;
  /** Why protobufjs's reader cannot serve as the oracle for this case. */
  noOracle?: string;
}

export interface NegativeCase {
  name: string;
  text: string;
  /** Every diagnostic, as `line:column code message`, in order. */
  want: string[];
  type?: string;
}

export const positive: PositiveCase[] = [
  { name: 'empty file', text: '', want: {} },
  { name: 'only whitespace and comments', text: '# header\n\t\v\f\r\n  # another # comment\n', want: {} },
  {
    name: 'every scalar type',
    text: `scalars {
  f_double: 1.5 f_float: 2.25 f_int32: -7 f_int64: -9223372036854775808
  f_uint32: 4294967295 f_uint64: 18446744073709551615 f_sint32: -2147483648 f_sint64: 9223372036854775807
  f_fixed32: 0xFFFFFFFF f_fixed64: 0 f_sfixed32: 2147483647 f_sfixed64: -1
  f_bool: true f_string: "s" f_bytes: "b" f_color: BLUE
}`,
    want: {
      scalars: {
        f_double: 1.5,
        f_float: 2.25,
        f_int32: -7,
        f_int64: '-9223372036854775808',
        f_uint32: 4294967295,
        f_uint64: '18446744073709551615',
        f_sint32: -2147483648,
        f_sint64: '9223372036854775807',
        f_fixed32: 4294967295,
        f_fixed64: '0',
        f_sfixed32: 2147483647,
        f_sfixed64: '-1',
        f_bool: true,
        f_string: 's',
        f_bytes: 'Yg==',
        f_color: 'BLUE',
      },
    },
  },
  {
    name: 'hex and octal integers, signed and unsigned',
    text: 'scalars { f_int32: 0x7fffffff f_sint32: -0x80000000 f_uint32: 017 f_int64: -0777 f_uint64: 0X0 }',
    want: { scalars: { f_int32: 2147483647, f_sint32: -2147483648, f_uint32: 15, f_int64: '-511', f_uint64: '0' } },
  },
  {
    name: 'float literal forms',
    text: 'lists { r_double: [1.5, .5, 1., 1e3, 1.5E-2, 2f, 1.0F, 0, -0, 10, 1e+2, 5.e-1, 0f, 10F] }',
    want: { lists: { r_double: [1.5, 0.5, 1, 1000, 0.015, 2, 1, 0, -0, 10, 100, 0.5, 0, 10] } },
  },
  {
    name: 'inf, infinity and nan in any case, with a sign',
    text: 'lists { r_double: [inf, -inf, Infinity, -INFINITY, nan, NaN, -nan, iNf] }',
    want: { lists: { r_double: [Infinity, -Infinity, Infinity, -Infinity, NaN, NaN, NaN, Infinity] } },
  },
  {
    name: 'float overflow is infinity (float32 at its own limit)',
    text: 'scalars { f_float: 1e39 f_double: 1e400 }',
    want: { scalars: { f_float: Infinity, f_double: Infinity } },
    noOracle: 'protobufjs keeps 1e39 in a float field (it only overflows when encoded)',
  },
  {
    name: 'negative float overflow',
    text: 'scalars { f_float: -3.5e38 f_double: -1e400 }',
    want: { scalars: { f_float: -Infinity, f_double: -Infinity } },
    noOracle: 'protobufjs keeps -3.5e38 in a float field (it only overflows when encoded)',
  },
  {
    name: 'every bool spelling',
    text: 'lists { r_bool: [true, True, t, 1, 0x1, 01, false, False, f, 0, 00, 0x0] }',
    want: { lists: { r_bool: [true, true, true, true, true, true, false, false, false, false, false, false] } },
  },
  {
    name: 'enums by name and by number, including a negative one',
    text: 'lists { r_color: [RED, 2, -1, 0x3, COLOR_UNSPECIFIED] }',
    want: { lists: { r_color: ['RED', 'GREEN', 'NEG', 'BLUE', 'COLOR_UNSPECIFIED'] } },
  },
  {
    name: 'simple escapes',
    text: String.raw`name: "\a\b\f\n\r\t\v\\\'\"\?"`,
    want: { name: '\x07\b\f\n\r\t\v\\\'"?' },
  },
  {
    name: 'octal escapes take at most three digits',
    text: String.raw`name: "\101\60\1234\0"`,
    want: { name: 'A0S4\0' },
  },
  {
    name: 'hex escapes take at most two digits',
    text: String.raw`name: "\x41\x4a\x213\x7"`,
    want: { name: 'AJ!3\x07' },
  },
  {
    name: 'unicode escapes',
    text: String.raw`name: "\u00e9\U0001F600\u4e2d\U00000041"`,
    want: { name: 'é😀中A' },
  },
  {
    name: 'a \\u surrogate pair is one character',
    text: String.raw`name: "\uD83D\uDE00"`,
    want: { name: '😀' },
    noOracle: 'protobufjs rejects \\u surrogate pairs, which C++ accepts',
  },
  {
    name: 'byte escapes that form UTF-8',
    text: String.raw`name: "\xc3\xa9\342\202\254\xF0\x9F\x98\x80"`,
    want: { name: 'é€😀' },
  },
  {
    name: 'a UTF-8 sequence split across adjacent literals',
    text: String.raw`name: "\xc3" "\xa9"`,
    want: { name: 'é' },
  },
  {
    name: 'single-quoted strings',
    text: String.raw`name: 'say "hi" \'x\''`,
    want: { name: 'say "hi" \'x\'' },
  },
  {
    name: 'adjacent literals with comments between and mixed quotes',
    text: 'name: "a" # first part\n  \'b\'"c"',
    want: { name: 'abc' },
  },
  { name: 'raw non-ASCII text', text: 'name: "naïve 😀 中"', want: { name: 'naïve 😀 中' } },
  { name: "'#' inside a string is not a comment", text: 'name: "a # b"', want: { name: 'a # b' } },
  {
    name: 'bytes keep invalid UTF-8; unicode escapes become UTF-8',
    text: String.raw`scalars { f_bytes: "\xff\x00a\u00e9" }`,
    want: { scalars: { f_bytes: '/wBhw6k=' } },
  },
  {
    name: "message values in {} or <>, with or without ':'",
    text: 'child: { name: "a" } children < name: "b" > children: { }',
    want: { child: { name: 'a' }, children: [{ name: 'b' }, {}] },
  },
  {
    name: 'repeated fields as entries and lists, in order',
    text: 'lists { r_int32: 1 r_int32: [2, 3] r_int32: 4 r_int32: [] r_int32: [5] }',
    want: { lists: { r_int32: [1, 2, 3, 4, 5] } },
  },
  {
    name: 'an empty list',
    text: 'lists { r_string: [] }',
    want: { lists: { r_string: [] } },
    noOracle: 'protobufjs drops an empty list; we keep that it was written',
  },
  {
    name: "lists of messages, with or without ':', mixed brackets",
    text: 'children [{name: "a"}, <name: "b">] children: [{}]',
    want: { children: [{ name: 'a' }, { name: 'b' }, {}] },
  },
  {
    name: "',' and ';' as optional separators",
    text: 'name: "a"; scalars { f_int32: 1, f_bool: true; }, maybe: "m";',
    want: { name: 'a', scalars: { f_int32: 1, f_bool: true }, maybe: 'm' },
  },
  { name: 'one member of a oneof', text: 'detail { f_int32: 1 }', want: { detail: { f_int32: 1 } } },
  { name: 'a proto3 optional field', text: 'maybe: ""', want: { maybe: '' } },
  {
    name: "whitespace and comments between '-' and the number",
    text: 'scalars { f_int32: - # why not\n 5 f_double: -\n.5 }',
    want: { scalars: { f_int32: -5, f_double: -0.5 } },
  },
  {
    name: "numbers followed directly by ',' or ';'",
    text: 'scalars { f_int32: 10,f_int64: 20;f_uint32: 30 }',
    want: { scalars: { f_int32: 10, f_int64: '20', f_uint32: 30 } },
  },
  { name: 'a byte order mark at the start', text: '\uFEFFname: "a"', want: { name: 'a' }, noOracle: 'protobufjs rejects a BOM' },
  {
    name: 'CRLF line ends',
    text: 'name: "a"\r\nchild {\r\n  name: "b"\r\n}\r\n',
    want: { name: 'a', child: { name: 'b' } },
  },
  {
    name: '64-bit values stay exact',
    text: 'lists { r_uint64: [0, 18446744073709551615, 0x10, 9007199254740993] }',
    want: { lists: { r_uint64: ['0', '18446744073709551615', '16', '9007199254740993'] } },
  },
  {
    name: 'zero values are kept when written',
    text: 'scalars { f_int32: 0 f_string: "" f_bool: false f_color: COLOR_UNSPECIFIED }',
    want: { scalars: { f_int32: 0, f_string: '', f_bool: false, f_color: 'COLOR_UNSPECIFIED' } },
  },
  {
    name: 'field order in the file does not matter',
    text: 'maybe: "m" name: "n" child { } text: "t"',
    want: { maybe: 'm', name: 'n', child: {}, text: 't' },
  },
];

/** Nesting exactly at the limit parses. */
export function nested(depth: number): string {
  return 'child { '.repeat(depth) + '}'.repeat(depth);
}

export const negative: NegativeCase[] = [
  { name: 'unknown field', text: 'neme: "x"', want: ["1:1 QV1020 unknown field 'neme' in quiver.test.Node"] },
  {
    name: "an unknown field's message value is skipped whole",
    text: 'child { bogus { a: 1 b { } } name: "x" }',
    want: ["1:9 QV1020 unknown field 'bogus' in quiver.test.Node"],
  },
  {
    name: 'unknown enum name',
    text: 'scalars { f_color: REDD }',
    want: ["1:20 QV1032 'REDD' is not a value of enum quiver.test.Color"],
  },
  { name: 'unknown enum number', text: 'scalars { f_color: 7 }', want: ['1:20 QV1033 7 is not a value of enum quiver.test.Color'] },
  {
    name: 'enum number beyond int32',
    text: 'scalars { f_color: 2147483648 }',
    want: ["1:20 QV1031 '2147483648' is out of range for an enum number"],
  },
  { name: "'-' before an enum name", text: 'scalars { f_color: -RED }', want: ["1:20 QV1030 field 'f_color' is quiver.test.Color, found '-RED'"] },
  { name: 'an enum as a string', text: 'scalars { f_color: "RED" }', want: ["1:20 QV1030 field 'f_color' is quiver.test.Color, found a string"] },
  { name: 'a singular field twice', text: 'name: "a"\nname: "b"', want: ["2:1 QV1022 field 'name' is set more than once"] },
  { name: 'a message field twice', text: 'child {} child {}', want: ["1:10 QV1022 field 'child' is set more than once"] },
  {
    name: 'two members of a oneof',
    text: 'text: "a" number: 5',
    want: ["1:11 QV1023 'number' and 'text' are both set, but they belong to oneof 'choice' of quiver.test.Node"],
  },
  {
    name: 'a message member after a scalar member of a oneof',
    text: 'number: 1\ndetail { }',
    want: ["2:1 QV1023 'detail' and 'number' are both set, but they belong to oneof 'choice' of quiver.test.Node"],
  },
  { name: "missing ':' before a scalar", text: 'name "x"', want: ["1:6 QV1011 unexpected string after field name 'name'"] },
  { name: "missing ':' before a scalar list", text: 'lists { r_int32 [1] }', want: ["1:17 QV1011 unexpected '[' after field name 'r_int32'"] },
  { name: 'a list for a singular field', text: 'name: ["a"]', want: ["1:7 QV1024 field 'name' is not repeated, so it cannot take a list"] },
  {
    name: 'int32 overflow',
    text: 'scalars { f_int32: 2147483648 }',
    want: ["1:20 QV1031 '2147483648' is out of range for int32 field 'f_int32'"],
  },
  {
    name: 'sfixed32 underflow',
    text: 'scalars { f_sfixed32: -2147483649 }',
    want: ["1:23 QV1031 '-2147483649' is out of range for sfixed32 field 'f_sfixed32'"],
  },
  { name: 'uint32 given -0', text: 'scalars { f_uint32: -0 }', want: ["1:21 QV1031 field 'f_uint32' is uint32 and cannot be negative"] },
  {
    name: 'fixed64 overflow',
    text: 'scalars { f_fixed64: 18446744073709551616 }',
    want: ["1:22 QV1031 '18446744073709551616' is out of range for fixed64 field 'f_fixed64'"],
  },
  {
    name: 'int64 underflow',
    text: 'scalars { f_int64: -9223372036854775809 }',
    want: ["1:20 QV1031 '-9223372036854775809' is out of range for int64 field 'f_int64'"],
  },
  {
    name: 'a thousand-digit integer',
    text: `scalars { f_int64: 1${'0'.repeat(1000)} }`,
    want: [`1:20 QV1031 '1${'0'.repeat(39)}…' is out of range for int64 field 'f_int64'`],
  },
  { name: 'a float for an int', text: 'scalars { f_int32: 1.5 }', want: ["1:20 QV1030 field 'f_int32' is int32, found '1.5'"] },
  { name: "an 'f' float for an int", text: 'scalars { f_int64: 1f }', want: ["1:20 QV1030 field 'f_int64' is int64, found '1f'"] },
  { name: 'hex for a double', text: 'scalars { f_double: 0x10 }', want: ["1:21 QV1030 field 'f_double' is double, found '0x10'"] },
  { name: 'octal for a float', text: 'scalars { f_float: 010 }', want: ["1:20 QV1030 field 'f_float' is float, found '010'"] },
  { name: 'a string for an int', text: 'scalars { f_int32: "1" }', want: ["1:20 QV1030 field 'f_int32' is int32, found a string"] },
  { name: 'a number for a string', text: 'name: 5', want: ["1:7 QV1030 field 'name' is string, found '5'"] },
  { name: 'a name for a string', text: 'name: foo', want: ["1:7 QV1030 field 'name' is string, found 'foo'"] },
  { name: 'a string for a double', text: 'scalars { f_double: "1.5" }', want: ["1:21 QV1030 field 'f_double' is double, found a string"] },
  {
    name: 'bad bools',
    text: 'lists { r_bool: [yes, 2, TRUE, -1] }',
    want: [
      "1:18 QV1030 field 'r_bool' is bool, found 'yes'",
      "1:23 QV1030 field 'r_bool' is bool, found '2'",
      "1:26 QV1030 field 'r_bool' is bool, found 'TRUE'",
      "1:32 QV1030 field 'r_bool' is bool, found '-1'",
    ],
  },
  { name: "'-' before a bool", text: 'scalars { f_bool: -true }', want: ["1:19 QV1030 field 'f_bool' is bool, found '-true'"] },
  { name: 'inf for an int', text: 'scalars { f_int32: inf }', want: ["1:20 QV1030 field 'f_int32' is int32, found 'inf'"] },
  { name: 'a wrong name for a double', text: 'scalars { f_double: infinite }', want: ["1:21 QV1030 field 'f_double' is double, found 'infinite'"] },
  {
    name: 'every kind of bad escape, each at its own column',
    text: String.raw`name: "\q\x\u12\U00110000\uD800x\uDC00\777"`,
    want: [
      "1:8 QV1003 invalid escape sequence '\\q'",
      "1:10 QV1003 '\\x' must be followed by one or two hex digits",
      "1:12 QV1003 '\\u' must be followed by exactly 4 hex digits",
      "1:16 QV1003 '\\U00110000' is above U+10FFFF, the largest code point",
      "1:26 QV1004 '\\uD800' is a high surrogate not followed by a \\u low surrogate",
      "1:33 QV1004 '\\uDC00' is a low surrogate without a high surrogate before it",
      "1:39 QV1003 octal escape '\\777' is above \\377 (255)",
    ],
  },
  { name: '\\X is not an escape', text: String.raw`name: "\X41"`, want: ["1:8 QV1003 invalid escape sequence '\\X'"] },
  {
    name: 'a surrogate written with \\U',
    text: String.raw`name: "\U0000D800"`,
    want: ["1:8 QV1004 '\\U0000D800' is a surrogate, not a character"],
  },
  {
    name: 'an incomplete UTF-8 sequence in a string field',
    text: String.raw`name: "\xc3"`,
    want: ["1:8 QV1005 byte escapes do not form valid UTF-8: '\\xc3' is an incomplete sequence"],
  },
  {
    name: 'a byte that cannot start UTF-8',
    text: String.raw`name: "ok\xff"`,
    want: ['1:10 QV1005 byte escapes do not form valid UTF-8: \\xFF cannot start a UTF-8 sequence'],
  },
  {
    name: 'stray continuation bytes are one error',
    text: String.raw`name: "\x80\x81\x82ok"`,
    want: ['1:8 QV1005 byte escapes do not form valid UTF-8: \\x80 cannot start a UTF-8 sequence'],
  },
  {
    name: 'a lead byte followed by a non-continuation byte',
    text: String.raw`name: "\xc3\x41"`,
    want: ["1:8 QV1005 byte escapes do not form valid UTF-8: '\\xc3' is an incomplete sequence"],
  },
  {
    name: 'UTF-8 for a surrogate code point',
    text: String.raw`name: "\xed\xa0\x80"`,
    want: ["1:8 QV1005 byte escapes do not form valid UTF-8: '\\xed\\xa0' is not a valid sequence"],
  },
  {
    name: 'a raw character inside a pending UTF-8 sequence',
    text: String.raw`name: "\xc3a"`,
    want: ["1:8 QV1005 byte escapes do not form valid UTF-8: '\\xc3' is an incomplete sequence"],
  },
  {
    name: 'an unterminated string; the next line still parses',
    text: 'name: "abc\nchild { nmae: 1 }',
    want: ['1:7 QV1002 string literal is not closed before the end of the line', "2:9 QV1020 unknown field 'nmae' in quiver.test.Node"],
  },
  { name: 'an unterminated string at the end of the file', text: "name: 'abc", want: ['1:7 QV1002 string literal is not closed before the end of the line'] },
  {
    name: 'malformed numbers',
    text: 'scalars { f_int32: 08 f_int64: 10bar f_double: 1.2.3 f_float: 0x f_sint32: 1e }',
    want: [
      "1:20 QV1006 invalid number '08'",
      "1:32 QV1006 invalid number '10bar'",
      "1:48 QV1006 invalid number '1.2.3'",
      "1:63 QV1006 invalid number '0x'",
      "1:76 QV1006 invalid number '1e'",
    ],
  },
  { name: 'an unexpected character', text: 'name: "a" @ child {}', want: ["1:11 QV1001 unexpected character '@'"] },
  {
    name: 'a run of unexpected characters is one error',
    text: 'name: "a" @$%+ child {}',
    want: ["1:11 QV1001 unexpected characters starting with '@'"],
  },
  { name: 'NUL in a string', text: 'name: "a\0b"', want: ['1:9 QV1001 NUL character in a string literal'] },
  { name: 'a lone surrogate in a string', text: 'name: "a\uD800b"', want: ['1:9 QV1001 unpaired surrogate U+D800 in a string literal'] },
  { name: 'an unclosed message', text: 'child { name: "x"', want: ["1:7 QV1012 '{' is never closed"] },
  { name: 'a message closed with the wrong bracket', text: 'child { name: "x" >', want: ["1:19 QV1012 '{' at 1:7 is closed with '>'"] },
  { name: "a stray '}'", text: 'name: "a" }', want: ["1:11 QV1010 unexpected '}': no message is open here"] },
  { name: 'an extension field', text: '[com.foo.ext]: 1 name: "a"', want: ['1:1 QV1021 extension and Any fields ([com.foo.ext]) are not supported'] },
  {
    name: 'an Any expansion',
    text: 'child { [type.googleapis.com/foo.Bar] { a: 1 } name: "x" }',
    want: ['1:9 QV1021 extension and Any fields ([type.googleapis.com/foo.Bar]) are not supported'],
  },
  { name: 'an unclosed extension name', text: '[foo.bar: 1', want: ["1:9 QV1010 unexpected ':' in an extension name"] },
  {
    name: 'a map field',
    text: 'counts { key: "a" value: 1 }',
    want: ["1:1 QV1027 field 'counts' is a map, which Quiver's text-format parser does not support"],
  },
  { name: 'a scalar for a message', text: 'child: 5', want: ["1:8 QV1025 field 'child' is a message (quiver.test.Node), found '5'"] },
  { name: "no '{' after a message field", text: 'child ;', want: ["1:7 QV1010 unexpected ';' after field name 'child'"] },
  { name: 'a message for a scalar', text: 'name { }', want: ["1:6 QV1026 field 'name' is string, not a message"] },
  { name: 'a missing value at the end', text: 'name:', want: ["1:6 QV1010 unexpected end of file after 'name:'"] },
  { name: 'a missing value before the next field', text: 'name:\nchild {}', want: ["2:1 QV1010 unexpected 'child' after 'name:'"] },
  { name: 'a trailing comma in a list', text: 'lists { r_int32: [1,] }', want: ["1:21 QV1010 unexpected ']' in the list for 'r_int32'"] },
  { name: 'an unclosed list', text: 'lists { r_int32: [1, 2 r_string: "x" }', want: ["1:18 QV1013 the list for 'r_int32' is never closed"] },
  { name: 'a missing comma in a list', text: 'lists { r_int32: [1 2] }', want: ["1:21 QV1010 unexpected '2' in the list for 'r_int32'"] },
  {
    name: 'a list cut off by the end of the file',
    text: 'lists { r_int32: [1',
    want: ["1:7 QV1012 '{' is never closed", "1:18 QV1013 the list for 'r_int32' is never closed"],
  },
  { name: 'a nested list', text: 'lists { r_int32: [[1]] }', want: ['1:19 QV1010 lists cannot be nested'] },
  { name: 'a scalar in a list of messages', text: 'children: [5]', want: ["1:12 QV1025 field 'children' is a list of messages (quiver.test.Node), found '5'"] },
  { name: "'-' before a string", text: 'name: - "x"', want: ["1:9 QV1010 unexpected string after '-'"] },
  { name: "a stray ';' first", text: '; name: "a"', want: ["1:1 QV1010 unexpected ';'"] },
  { name: "a doubled ';'", text: 'name: "a";;', want: ["1:11 QV1010 unexpected ';'"] },
  {
    name: 'several independent errors in one run',
    text: 'name: 5\nchild { nmae: "x" }\nscalars { f_int32: 1.5 f_bool: true }\nlists { r_color: [RED, PURPLE] }\n',
    want: [
      "1:7 QV1030 field 'name' is string, found '5'",
      "2:9 QV1020 unknown field 'nmae' in quiver.test.Node",
      "3:20 QV1030 field 'f_int32' is int32, found '1.5'",
      "4:24 QV1032 'PURPLE' is not a value of enum quiver.test.Color",
    ],
  },
  { name: 'positions after CRLF', text: 'name: "a"\r\n\r\nbogus: 1', want: ["3:1 QV1020 unknown field 'bogus' in quiver.test.Node"] },
  { name: 'a tab is one column', text: '\tbogus: 1', want: ["1:2 QV1020 unknown field 'bogus' in quiver.test.Node"] },
  {
    name: 'columns count UTF-16 units, as editors do',
    text: 'name: "😀" bogus: 1',
    want: ["1:12 QV1020 unknown field 'bogus' in quiver.test.Node"],
  },
  {
    name: 'nesting deeper than the limit',
    text: 'child { '.repeat(101) + '}'.repeat(101),
    want: [`1:${100 * 8 + 7} QV1014 messages are nested more than 100 levels deep`],
  },
  {
    name: 'too many errors',
    text: 'bogus: 1\n'.repeat(150),
    want: [
      ...Array.from({ length: 100 }, (_, i) => `${i + 1}:1 QV1020 unknown field 'bogus' in quiver.test.Node`),
      '101:1 QV1015 too many errors (100); stopped parsing here',
    ],
  },
];
