/**
 * Stable diagnostic codes of the expression compiler (QV4xxx). Tests and docs refer to
 * these; add new codes at the end of their group, never renumber.
 */
export const CODES = {
  // 40xx: size and characters, checked before parsing
  TOO_LONG: 'QV4001',
  TOO_DEEP: 'QV4002',
  BAD_CHARACTER: 'QV4003',
  COMMENT: 'QV4004',
  UNTERMINATED_STRING: 'QV4005',
  UNTERMINATED_IDENTIFIER: 'QV4006',
  BAD_ESCAPE: 'QV4007',
  BAD_NUMBER: 'QV4008',
  UNEXPECTED_CHARACTER: 'QV4009',
  SYNTAX: 'QV4010',
  EMPTY: 'QV4011',
  STATEMENT: 'QV4012',
  STAR: 'QV4013',
  LAMBDA: 'QV4014',
  VARIABLE_SUBSTITUTION: 'QV4015',
  UNSUPPORTED_SYNTAX: 'QV4016',
  // 402x: names and calls
  UNKNOWN_FUNCTION: 'QV4020',
  FORBIDDEN_FUNCTION: 'QV4021',
  UNKNOWN_NAME: 'QV4022',
  ARITY: 'QV4023',
  ARGUMENT_TYPE: 'QV4024',
  LITERAL_REQUIRED: 'QV4025',
  BAD_REGEX: 'QV4026',
  BAD_DATETIME_PATTERN: 'QV4027',
  BAD_LITERAL_VALUE: 'QV4028',
  DISTINCT_NOT_ALLOWED: 'QV4029',
  // 403x: types
  OPERAND_TYPE: 'QV4030',
  RESULT_TYPE: 'QV4031',
  UNSUPPORTED_CAST: 'QV4032',
  UNKNOWN_TYPE: 'QV4033',
  // 404x: aggregation and output
  AGGREGATE_IN_SCALAR: 'QV4040',
  NESTED_AGGREGATE: 'QV4041',
  FIELD_OUTSIDE_AGGREGATE: 'QV4042',
  TOO_COMPLEX: 'QV4043',
} as const;

export type Code = (typeof CODES)[keyof typeof CODES];
