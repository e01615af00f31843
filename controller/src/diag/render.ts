import type { Diagnostic } from './diagnostic.js';

/** `path:line:col: error QVnnnn: message (expected …; hint)` — one per line. */
export function renderText(diags: readonly Diagnostic[]): string {
  return diags.map(formatDiagnostic).join('\n') + (diags.length ? '\n' : '');
}

export function formatDiagnostic(d: Diagnostic): string {
  let s = `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`;
  if (d.expected) s += ` (expected ${d.expected})`;
  if (d.hint) s += ` — ${d.hint}`;
  return s;
}

export function renderJson(diags: readonly Diagnostic[]): string {
  return JSON.stringify({ diagnostics: diags }, null, 2) + '\n';
}

/** GitHub Actions workflow commands; data must escape %, CR, LF, and properties also ':' and ','. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function renderGithub(diags: readonly Diagnostic[]): string {
  return diags
    .map((d) => {
      const props = [`file=${escapeProperty(d.file)}`, `line=${d.line}`, `col=${d.column}`];
      if (d.endLine !== undefined) props.push(`endLine=${d.endLine}`);
      if (d.endColumn !== undefined && d.endLine === d.line) props.push(`endColumn=${d.endColumn}`);
      props.push(`title=${escapeProperty(d.code)}`);
      let msg = d.message;
      if (d.expected) msg += ` (expected ${d.expected})`;
      if (d.hint) msg += ` — ${d.hint}`;
      return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(msg)}`;
    })
    .join('\n') + (diags.length ? '\n' : '');
}
