import { diagnostic, SourceText, type Diagnostic } from '../../diag/index.js';
import { Code } from './codes.js';

/**
 * Decodes a config file's bytes. Text format files are UTF-8; an invalid byte
 * is reported at its position (a lenient decode would hide it behind U+FFFD).
 * The returned source is always usable: invalid bytes become U+FFFD.
 */
export function sourceFromBytes(file: string, bytes: Uint8Array): { source: SourceText; diagnostics: Diagnostic[] } {
  try {
    return { source: new SourceText(file, new TextDecoder('utf-8', { fatal: true }).decode(bytes)), diagnostics: [] };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const source = new SourceText(file, new TextDecoder('utf-8').decode(bytes));
    // The valid prefix decodes exactly, so its length is the offset of the bad byte.
    const offset = new TextDecoder('utf-8').decode(bytes.subarray(0, Math.max(0, bad))).length;
    // The bad byte decodes to one U+FFFD: the span covers that character.
    const at = source.span(offset, offset + 1);
    const byte = bytes[bad] ?? 0;
    return {
      source,
      diagnostics: [
        diagnostic(file, at, Code.InvalidFileEncoding, `the file is not valid UTF-8: byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at byte offset ${bad}`, {
          hint: 'save the file as UTF-8',
        }),
      ],
    };
  }
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] ?? 0;
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < lower || c > upper) return i;
      lower = 0x80;
      upper = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}
