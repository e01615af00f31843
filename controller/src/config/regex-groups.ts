/**
 * Counts the capture groups of a regular expression without compiling it: the
 * patterns are RE2/Java syntax ((?s), (?m) inline flags), which JavaScript's
 * RegExp does not accept. Also catches unbalanced parentheses and brackets.
 */
export function countCaptureGroups(pattern: string): { count: number; error?: string } {
  let count = 0;
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      i++;
      if (i >= pattern.length) return { count, error: 'it ends with a lone backslash' };
      continue;
    }
    if (ch === '[') {
      // A character class: skip to its closing ']' (a ']' right after '[' or '[^' is literal).
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      for (; j < pattern.length && pattern[j] !== ']'; j++) if (pattern[j] === '\\') j++;
      if (j >= pattern.length) return { count, error: `the '[' at offset ${i} is never closed` };
      i = j;
      continue;
    }
    if (ch === '(') {
      depth++;
      if (pattern[i + 1] !== '?') count++;
      else if (/^\?P?<[A-Za-z_]/.test(pattern.slice(i + 1, i + 5))) count++;
      continue;
    }
    if (ch === ')') {
      depth--;
      if (depth < 0) return { count, error: `the ')' at offset ${i} has no matching '('` };
    }
  }
  if (depth > 0) return { count, error: `${depth} '(' never closed` };
  return { count };
}
