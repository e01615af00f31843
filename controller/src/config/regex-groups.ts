/**
 * Capture groups (and lazy quantifiers) of a regular expression, found without compiling it: the
 * patterns are RE2/Java syntax ((?s), (?m) inline flags), which JavaScript's
 * RegExp does not accept. Also catches unbalanced parentheses and brackets.
 */

/** One capture group's opening: where its '(' is, and how long its header is ('(' or '(?P<name>'). */
interface GroupOpen {
  offset: number;
  headerLength: number;
}

/** Every capture group's opening in order (group k is element k-1), or the first syntax problem. */
function scanGroups(pattern: string): { groups: GroupOpen[]; lazy: boolean; error?: string } {
  const groups: GroupOpen[] = [];
  let depth = 0;
  let lazy = false;
  let afterQuantifier = false; // the previous token was *, +, ?, or {n,m}: a '?' now makes it lazy
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    const quantified = afterQuantifier;
    afterQuantifier = false;
    if (ch === '*' || ch === '+') {
      afterQuantifier = true;
      continue;
    }
    if (ch === '?') {
      if (quantified) lazy = true;
      else afterQuantifier = true;
      continue;
    }
    if (ch === '{') {
      const rep = /^\{[0-9]+(?:,[0-9]*)?\}/.exec(pattern.slice(i));
      if (rep) {
        i += rep[0].length - 1;
        afterQuantifier = true;
      }
      continue;
    }
    if (ch === '\\') {
      i++;
      if (i >= pattern.length) return { groups, lazy, error: 'it ends with a lone backslash' };
      continue;
    }
    if (ch === '[') {
      // A character class: skip to its closing ']' (a ']' right after '[' or '[^' is literal).
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      for (; j < pattern.length && pattern[j] !== ']'; j++) if (pattern[j] === '\\') j++;
      if (j >= pattern.length) return { groups, lazy, error: `the '[' at offset ${i} is never closed` };
      i = j;
      continue;
    }
    if (ch === '(') {
      depth++;
      if (pattern[i + 1] !== '?') groups.push({ offset: i, headerLength: 1 });
      else {
        const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(pattern.slice(i + 1));
        if (named) groups.push({ offset: i, headerLength: 1 + named[0].length });
        // (?U) swaps greedy and lazy: count it as lazy.
        const flags = /^\?([a-zA-Z-]*)[:)]/.exec(pattern.slice(i + 1));
        if (flags?.[1]?.split('-')[0]?.includes('U')) lazy = true;
        i++; // the '?' of the group syntax is no quantifier
      }
      continue;
    }
    if (ch === ')') {
      depth--;
      if (depth < 0) return { groups, lazy, error: `the ')' at offset ${i} has no matching '('` };
    }
  }
  if (depth > 0) return { groups, lazy, error: `${depth} '(' never closed` };
  return { groups, lazy };
}

export function countCaptureGroups(pattern: string): { count: number; error?: string } {
  const { groups, error } = scanGroups(pattern);
  return error === undefined ? { count: groups.length } : { count: groups.length, error };
}

/**
 * Whether the pattern has a lazy quantifier (*?, +?, ??, {n,m}? or the (?U) flag). A lazy
 * quantifier only matters where the pattern is ambiguous, and RE2's fast one-pass engine
 * takes no ambiguous pattern. On an invalid pattern it tells what came before the problem
 * (config checks report the problem itself).
 */
export function hasLazyQuantifier(pattern: string): boolean {
  return scanGroups(pattern).lazy;
}

/**
 * The same pattern with only the listed groups (1-based) capturing: every
 * other group becomes non-capturing '(?:'. The kept groups are renumbered
 * 1.. in their order in the pattern, so with `keep` ascending, group
 * `keep[i]` of the original is group i+1 of the result. It captures the same
 * text: the match RE2 chooses does not depend on which groups capture. Throws
 * on a pattern countCaptureGroups reports as invalid (config checks come first).
 */
export function keepCaptureGroups(pattern: string, keep: readonly number[]): string {
  const { groups, error } = scanGroups(pattern);
  if (error !== undefined) throw new Error(`keepCaptureGroups: ${error}`);
  const kept = new Set(keep);
  let out = '';
  let at = 0;
  groups.forEach((g, i) => {
    if (kept.has(i + 1)) return;
    out += `${pattern.slice(at, g.offset)}(?:`;
    at = g.offset + g.headerLength;
  });
  return out + pattern.slice(at);
}
