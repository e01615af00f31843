/**
 * Stable diagnostic codes of the text-format parser (the QV1xxx range).
 * Codes never change meaning once released; retire a code rather than reuse it.
 *
 * | code   | severity | meaning                                                                     |
 * | ------ | -------- | --------------------------------------------------------------------------- |
 * | QV1001 | error    | a character that cannot start any token (or NUL / a lone surrogate)         |
 * | QV1002 | error    | a string literal not closed before the end of its line                      |
 * | QV1003 | error    | an invalid escape sequence in a string literal                              |
 * | QV1004 | error    | an unpaired or out-of-range surrogate in a \u / \U escape                   |
 * | QV1005 | error    | byte escapes in a `string` field that do not form valid UTF-8               |
 * | QV1006 | error    | a malformed number literal (`08`, `0x`, `10bar`, `1.2.3`)                   |
 * | QV1007 | error    | the file is not valid UTF-8 (sourceFromBytes)                               |
 * | QV1010 | error    | an unexpected token: something else was expected here                       |
 * | QV1011 | error    | a missing ':' between a scalar field's name and its value                   |
 * | QV1012 | error    | a message `{`/`<` that is never closed, or closed with the wrong bracket    |
 * | QV1013 | error    | a list `[` that is never closed                                             |
 * | QV1014 | error    | messages nested deeper than the limit (100)                                 |
 * | QV1015 | error    | too many errors; the parser stopped                                         |
 * | QV1020 | error    | a field name the message type does not have                                 |
 * | QV1021 | error    | an extension or Any field name (`[...]`): not supported                     |
 * | QV1022 | error    | a non-repeated field given more than once                                   |
 * | QV1023 | error    | a second member of a oneof set                                              |
 * | QV1024 | error    | list syntax `[...]` on a field that is not repeated                         |
 * | QV1025 | error    | a message field given a scalar value                                        |
 * | QV1026 | error    | a scalar field given a message value                                        |
 * | QV1027 | error    | a map field: not supported                                                  |
 * | QV1028 | warning  | a reserved field name: its value is ignored                                 |
 * | QV1030 | error    | a value of the wrong kind for the field's type (string for int, ...)        |
 * | QV1031 | error    | an integer outside the range of the field's type                            |
 * | QV1032 | error    | an enum value name the enum does not have                                   |
 * | QV1033 | error    | an enum value number the enum does not have (our enums are closed)          |
 * | QV1099 | error    | an internal parser error (a bug: please report it)                          |
 */
export const Code = {
  UnexpectedCharacter: 'QV1001',
  UnterminatedString: 'QV1002',
  InvalidEscape: 'QV1003',
  InvalidSurrogate: 'QV1004',
  InvalidUtf8: 'QV1005',
  InvalidNumber: 'QV1006',
  InvalidFileEncoding: 'QV1007',
  UnexpectedToken: 'QV1010',
  MissingColon: 'QV1011',
  UnclosedMessage: 'QV1012',
  UnclosedList: 'QV1013',
  TooDeep: 'QV1014',
  TooManyErrors: 'QV1015',
  UnknownField: 'QV1020',
  ExtensionNotSupported: 'QV1021',
  DuplicateField: 'QV1022',
  OneofConflict: 'QV1023',
  ListOnSingular: 'QV1024',
  ScalarForMessage: 'QV1025',
  MessageForScalar: 'QV1026',
  MapNotSupported: 'QV1027',
  ReservedField: 'QV1028',
  WrongValueKind: 'QV1030',
  IntegerOutOfRange: 'QV1031',
  UnknownEnumName: 'QV1032',
  UnknownEnumNumber: 'QV1033',
  Internal: 'QV1099',
} as const;

export type CodeValue = (typeof Code)[keyof typeof Code];
