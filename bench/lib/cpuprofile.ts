/**
 * Reads a V8 .cpuprofile (from `node --cpu-prof`) and says where the time
 * went: per phase (the first matching frame walking from the leaf to the
 * root) and the functions with the most self time.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Phase {
  name: string;
  /** Matches a frame; the first phase matching any frame from leaf to root wins. */
  match: (f: CallFrame) => boolean;
}

export interface ProfileSummary {
  totalMs: number;
  phases: Array<{ name: string; ms: number; share: number }>;
  topSelf: Array<{ fn: string; where: string; ms: number; share: number }>;
}

function isProfile(x: unknown): x is CpuProfile {
  return !!x && typeof x === 'object' && Array.isArray((x as CpuProfile).nodes) && Array.isArray((x as CpuProfile).samples) && Array.isArray((x as CpuProfile).timeDeltas);
}

/** Shortens a file:// URL to its repo-relative (or node_modules-relative) path. */
export function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const m = /\/(controller|dist|bench|agent)\/.*$/.exec(url);
  return m ? m[0].slice(1) : url;
}

export function summarizeProfile(path: string, phases: Phase[], top = 15): ProfileSummary {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isProfile(parsed)) throw new Error(`${path} is not a V8 CPU profile`);
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of parsed.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const phaseOf = new Map<number, string>();
  const classify = (id: number): string => {
    const cached = phaseOf.get(id);
    if (cached) return cached;
    let name = 'other';
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (!f) break;
      const hit = phases.find((p) => p.match(f));
      if (hit) {
        name = hit.name;
        break;
      }
    }
    phaseOf.set(id, name);
    return name;
  };
  const phaseMs = new Map<string, number>();
  const selfMs = new Map<number, number>();
  let total = 0;
  parsed.samples.forEach((id, i) => {
    const dt = (parsed.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const p = classify(id);
    phaseMs.set(p, (phaseMs.get(p) ?? 0) + dt);
    selfMs.set(id, (selfMs.get(id) ?? 0) + dt);
  });
  // Self time per function (merge nodes of the same function).
  const fnMs = new Map<string, { fn: string; where: string; ms: number }>();
  for (const [id, ms] of selfMs) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const where = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '(native)';
    const k = `${f.functionName}|${where}`;
    const e = fnMs.get(k) ?? { fn: f.functionName || '(anonymous)', where, ms: 0 };
    e.ms += ms;
    fnMs.set(k, e);
  }
  return {
    totalMs: total,
    phases: [...phaseMs.entries()].map(([name, ms]) => ({ name, ms, share: ms / total })).sort((a, b) => b.ms - a.ms),
    topSelf: [...fnMs.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((e) => ({ ...e, share: e.ms / total })),
  };
}

export function renderSummary(s: ProfileSummary): string {
  const out: string[] = [`  sampled CPU time ${s.totalMs.toFixed(0)} ms`, '  by phase:'];
  for (const p of s.phases) out.push(`    ${p.name.padEnd(44)} ${p.ms.toFixed(0).padStart(6)} ms  ${(p.share * 100).toFixed(1).padStart(5)}%`);
  out.push('  top self time:');
  for (const f of s.topSelf) out.push(`    ${f.ms.toFixed(0).padStart(6)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.fn}  ${f.where}`);
  return out.join('\n');
}
