/**
 * Resolves every dataset part to its raw files and their fingerprints: the
 * only I/O the planner needs. Repository files are hashed (sha256) through
 * the RepoFiles view of the revision being planned; s3:// inputs are listed
 * and fingerprinted by ETag and size.
 */
import { createHash } from 'node:crypto';
import type { ContentCache } from '../cache/content-cache.js';
import picomatch from 'picomatch';
import { matchRepoPaths, type RepoConfig, type RepoFiles } from '../config/index.js';
import type { DatasetInputs, PartInputs } from './graph.js';

export interface RemoteObject {
  uri: string;
  etag: string;
  size: number;
}

/** Lists s3:// objects under a prefix; supplied by the caller (the store module), so planning stays testable. */
export type RemoteLister = (prefixUri: string) => Promise<RemoteObject[]>;

export interface ResolvedFile {
  /** repo-relative path or s3:// URI */
  ref: string;
  fingerprint?: string;
}

/**
 * A file's sha256: once per path per process (`memo`), and across runs
 * through the content cache, keyed by what identifies the content without
 * reading it: a commit's blob id, or a working-tree file's size, times and
 * inode (not when it changed too recently to trust them).
 */
export async function fingerprintRepoFile(files: RepoFiles, path: string, memo: Map<string, Promise<string>>, cache?: ContentCache): Promise<string> {
  const k = `${files.label}\u0000${path}`;
  let p = memo.get(k);
  if (!p) {
    p = (async () => {
      const blob = cache ? files.blobId?.(path) : undefined;
      const stat = cache && blob === undefined ? files.statKey?.(path) : undefined;
      const key = blob !== undefined ? cache?.key('fingerprint:blob', blob) : stat !== undefined ? cache?.key('fingerprint:stat', path, stat) : undefined;
      const hit = key ? cache?.get<string>(key) : undefined;
      if (hit) return hit;
      const fp = files.fingerprint ? await files.fingerprint(path) : `sha256:${createHash('sha256').update(await files.read(path)).digest('hex')}`;
      if (key) cache?.set(key, fp);
      return fp;
    })();
    memo.set(k, p);
  }
  return p;
}

function remotePrefix(uri: string): { prefix: string; glob?: string } {
  const m = /^(s3:\/\/[^*?[{]*\/)?(.*)$/.exec(uri);
  const hasGlob = /[*?[{]/.test(uri);
  if (!hasGlob) return { prefix: uri };
  const prefix = m?.[1] ?? uri;
  return { prefix, glob: uri };
}

export async function resolveDatasetInputs(
  config: RepoConfig,
  files: RepoFiles,
  opts: { lister?: RemoteLister; cache?: Map<string, Promise<string>>; datasets?: Iterable<string>; contentCache?: ContentCache } = {},
): Promise<{ inputs: DatasetInputs; resolved: Map<string, Map<string, ResolvedFile[]>> }> {
  const all = await files.list();
  const cache = opts.cache ?? new Map<string, Promise<string>>();
  const inputs: DatasetInputs = new Map();
  const resolved = new Map<string, Map<string, ResolvedFile[]>>();
  const wanted = opts.datasets ? new Set(opts.datasets) : undefined;
  await Promise.all(
    [...config.datasets.values()]
      .filter((d) => !wanted || wanted.has(d.name))
      .map(async (ds) => {
        const parts = new Map<string, PartInputs>();
        const partFiles = new Map<string, ResolvedFile[]>();
        for (const part of ds.parts) {
          const pi: PartInputs = { files: {} };
          const list: ResolvedFile[] = [];
          for (const p of part.paths) {
            if (p.startsWith('s3://')) {
              if (!opts.lister) {
                pi.problem = `${p} is in S3 and no S3 access was configured`;
                continue;
              }
              try {
                const { prefix, glob } = remotePrefix(p);
                const isMatch = glob ? picomatch(glob) : undefined;
                const objects = await opts.lister(prefix.endsWith('/') || glob ? prefix : p);
                const matched = objects.filter((o) => (isMatch ? isMatch(o.uri) : o.uri === p || o.uri.startsWith(p.endsWith('/') ? p : `${p}/`)));
                if (!matched.length) pi.problem = `${p} matches no object`;
                for (const o of matched) {
                  const fp = `etag:${o.etag.replace(/"/g, '')}:size:${o.size}`;
                  pi.files[o.uri] = fp;
                  list.push({ ref: o.uri, fingerprint: fp });
                }
              } catch (err) {
                pi.problem = `cannot list ${p}: ${(err as Error).message}`;
              }
              continue;
            }
            for (const f of matchRepoPaths(p, all)) {
              const fp = await fingerprintRepoFile(files, f, cache, opts.contentCache);
              pi.files[f] = fp;
              list.push({ ref: f, fingerprint: fp });
            }
          }
          if (part.labels) {
            const lf = part.labels.file;
            if (lf.startsWith('s3://')) {
              if (opts.lister) {
                const objs = await opts.lister(lf).catch(() => [] as RemoteObject[]);
                const o = objs.find((x) => x.uri === lf);
                pi.labelFile = o ? `etag:${o.etag.replace(/"/g, '')}:size:${o.size}` : undefined;
                if (!o) pi.problem = `label file ${lf} not found`;
              } else pi.problem = `${lf} is in S3 and no S3 access was configured`;
            } else if (all.includes(lf)) pi.labelFile = await fingerprintRepoFile(files, lf, cache, opts.contentCache);
          }
          parts.set(part.name, pi);
          partFiles.set(part.name, list.sort((a, b) => (a.ref < b.ref ? -1 : 1)));
        }
        inputs.set(ds.name, parts);
        resolved.set(ds.name, partFiles);
      }),
  );
  return { inputs, resolved };
}
