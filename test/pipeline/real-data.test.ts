/**
 * The template on real logs (../shared/datasets; see each dataset's SOURCE.txt):
 *
 *   Real logs: the template's three sources parse ssh-auth (openssh, regex),
 *   zeek-conn-stratosphere (zeek_conn, TSV) and web-http-csic2010 (web_http,
 *   multiline) with a reject rate under 1%, and what they parse is what the
 *   files hold (every line / flow / request, with its label).
 *
 *   Real data: two template models train on them — ssh-bruteforce (per client
 *   IP and hour) on ssh-auth and zeek-conn (per flow) on zeek-conn-stratosphere —
 *   with labels as SOURCE.txt gives them, and reach the ROC AUC floors below.
 *
 * One `quiver run` of a template copy whose datasets point at copies of the real
 * files (read from ../shared, never committed). The web model stays in the copy
 * only so that the web dataset is parsed (a run parses what some model needs);
 * its metrics are printed, not asserted. ssh-event and zeek-scanner are removed
 * to keep the run short on 2 cores. Skips where ../shared is absent.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { replaceOnce, templateCopy } from '../helpers/config-repo.js';
import { sharedDataDir, describeWithSharedData } from '../helpers/shared-data.js';
import { localStore, query, quiver, readIndex, sqlString, type CliResult } from './helpers.js';
import type { ParseStats as EngineParseStats } from '../../controller/src/exec/embedded/run-parse.js';
import {
  REAL_DIR,
  REAL_FILES,
  SSH_DATASET,
  WEB_DATASET,
  ZEEK_DATASET,
  lineCount,
  requestCount,
  validationAucSql,
  zeekLabelsCsv,
  zeekRows,
} from './real-data-labels.js';

/** What a parse stage's manifest records (the embedded runner's counts). */
type ParseStats = Pick<EngineParseStats, 'files' | 'records' | 'written' | 'rejected' | 'filtered' | 'skipped'>;
interface Metrics {
  roc_auc: number;
  pr_auc: number;
  threshold: number;
  fpr: number;
  precision: number;
  recall: number;
  target_fpr_met: boolean;
  counts: {
    positives: number;
    negatives: number;
    excluded: number;
    excluded_unlabelled: number;
    rows_read: Record<string, number>;
    train: { rows: number; positives: number; negatives: number };
    validation: { rows: number; positives: number; negatives: number };
  };
}
interface RunJson {
  models: Array<{ model: string; status: string; version: number | null; message: string }>;
}

/**
 * ROC AUC floors, each well below what the data gives (template seeds, and split
 * seeds 1-5 tried while writing this test; the split and forest are seeded, so a
 * run is deterministic and the margin is for changes to the data or the product):
 *
 * ssh-bruteforce: 360 (client IP, hour) rows, 280 attack / 80 benign; the
 *   validation split holds only ~24 benign rows, so one benign row ranked above
 *   every attack row costs ~0.04. Observed ROC AUC 0.963 (seed 7), 0.996, 0.985,
 *   0.960, 0.980, 0.983 (seeds 1-5); PR AUC 0.985-0.998. The classes are well
 *   but not perfectly separable: the labels come from each IP's whole history
 *   (derive_labels.py: >= 5 failure lines, or never authenticated), while a row
 *   sees one hour, and the template's src_ip only matches 'from <ip> port <n>',
 *   so older-sshd lines ('Invalid user x from <ip>', PAM 'rhost=<ip>') add
 *   nothing to a row. 0.90 (also the template's gate) leaves ~0.06 of margin,
 *   one to two more misranked benign rows than the worst seed.
 * zeek-conn: 23,698 labelled flows (14,797 malicious / 8,901 benign; 2,092
 *   Background excluded). In 008-012 "malicious" means "inbound to the monitored
 *   host" (SOURCE.txt caveat), which port, connection state and byte counts nearly
 *   give away, so the data is almost separable: observed 0.99942 (seed 3) and
 *   0.99919-0.99994 (seeds 1-5) over ~7,100 validation flows (2,671 benign), a
 *   spread of < 0.001. 0.99 is ten times that spread below the worst seed, and
 *   still fails on anything real (a label join gone wrong, a broken feature).
 *   The per-file AUC is printed: read it, not the pooled figure, as SOURCE.txt asks.
 */
const MIN_ROC_AUC = { 'ssh-bruteforce': 0.9, 'zeek-conn': 0.99 } as const;

/** Records each source must yield (SOURCE.txt's counts); the test also recounts them from the files. */
const EXPECTED_RECORDS = { 'ssh-auth': 9121, 'zeek-conn': 25790, 'web-http': 9000 } as const;
const MAX_REJECT_RATE = 0.01;

let repo: { dir: string; cleanup: () => void } | undefined;
let run: CliResult;
let runSeconds = 0;

const store = (): string => localStore(repo?.dir ?? '');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The one parse output of a dataset in the store. */
function parseOutput(dataset: string): { dir: string; stats: ParseStats } {
  const root = join(store(), 'datasets', dataset, 'parsed');
  const keys = readdirSync(root).filter((k) => existsSync(join(root, k, '_SUCCESS')));
  expect(keys, `one parse output of ${dataset}`).toHaveLength(1);
  const dir = join(root, keys[0] as string);
  return { dir, stats: readJson<{ stats: ParseStats }>(join(dir, 'manifest.json')).stats };
}

/** The released training's metrics and validation rows. */
function training(model: string): { metrics: Metrics; validation: string } {
  const index = readIndex(store(), model);
  const key = index.releases.find((r) => r.version === index.current)?.trainKey;
  expect(key, `${model} has a current release`).toBeTruthy();
  const dir = join(store(), 'models', model, key as string);
  return { metrics: readJson<Metrics>(join(dir, 'metrics.json')), validation: join(dir, 'validation.parquet') };
}

const pct = (x: number): string => `${(100 * x).toFixed(3)}%`;

describeWithSharedData('the template on the real logs in ../shared/datasets', () => {
  beforeAll(async () => {
    const shared = join(sharedDataDir() as string, 'datasets');
    repo = templateCopy({
      'models/ssh-event.yaml': null,
      'models/zeek-scanner.yaml': null,
      'environments/acme-prod.yaml': replaceOnce(
        'models: [ssh-bruteforce, ssh-event, web-attack, zeek-conn, zeek-scanner]',
        'models: [ssh-bruteforce, web-attack, zeek-conn]',
      ),
      'datasets/ssh-auth.yaml': SSH_DATASET,
      'datasets/zeek-conn.yaml': ZEEK_DATASET,
      'datasets/web-http.yaml': WEB_DATASET,
    });
    for (const kind of ['ssh', 'zeek', 'web'] as const) {
      const to = join(repo.dir, REAL_DIR[kind]);
      mkdirSync(to, { recursive: true });
      for (const f of REAL_FILES[kind].files) cpSync(join(shared, REAL_FILES[kind].dir, f), join(to, f));
    }
    const zeekFiles = REAL_FILES.zeek.files.map((f) => join(repo!.dir, REAL_DIR.zeek, f));
    writeFileSync(join(repo.dir, REAL_DIR.zeek, 'labels.csv'), zeekLabelsCsv(zeekFiles));

    const t0 = performance.now();
    run = await quiver(['run', '--repo', repo.dir, '--jobs', '2', '--output', 'json'], { cwd: repo.dir });
    runSeconds = (performance.now() - t0) / 1000;
    console.log(`[real-data] quiver run (3 datasets, 3 models) took ${runSeconds.toFixed(1)}s, exit ${run.code}`);
  }, 600_000);
  afterAll(() => repo?.cleanup());

  it('the run completes and releases the SSH and Zeek models (a web-attack gate failure would only be reported)', () => {
    // Exit 1 is a failed release gate; the web model is only here to get its dataset parsed.
    expect([0, 1], run.err).toContain(run.code);
    const summary = (JSON.parse(run.out) as RunJson).models;
    for (const m of summary) console.log(`[real-data] ${m.model}: ${m.status} v${m.version ?? '-'} (${m.message})`);
    expect(summary.find((m) => m.model === 'ssh-bruteforce')?.status, run.err).toBe('released');
    expect(summary.find((m) => m.model === 'zeek-conn')?.status, run.err).toBe('released');
    if (run.code !== 0) expect(summary.filter((m) => m.status !== 'released').map((m) => m.model)).toEqual(['web-attack']);
  });

  it('real logs: every source parses its real logs with a reject rate under 1%', () => {
    const dir = (kind: keyof typeof REAL_DIR): string => join(repo!.dir, REAL_DIR[kind]);
    // Recounted from the files, independently of the parser.
    const counted = {
      'ssh-auth': REAL_FILES.ssh.files.filter((f) => f.endsWith('.log')).reduce((n, f) => n + lineCount(join(dir('ssh'), f)), 0),
      'zeek-conn': REAL_FILES.zeek.files.reduce((n, f) => n + zeekRows(join(dir('zeek'), f)).length, 0),
      'web-http': REAL_FILES.web.files.filter((f) => f.endsWith('.txt')).reduce((n, f) => n + requestCount(join(dir('web'), f)), 0),
    };
    const sources = { 'ssh-auth': 'openssh', 'zeek-conn': 'zeek_conn', 'web-http': 'web_http' } as const;
    for (const ds of ['ssh-auth', 'zeek-conn', 'web-http'] as const) {
      const { stats } = parseOutput(ds);
      const rate = stats.rejected / stats.records;
      console.log(
        `[real-data] parse ${sources[ds]} (${ds}): ${stats.files} files, ${stats.records} records (${counted[ds]} in the files), ` +
          `${stats.written} written, ${stats.rejected} rejected (${pct(rate)}), ${stats.filtered} filtered, ${stats.skipped} skipped`,
      );
      expect(counted[ds], `${ds}: records in the files (SOURCE.txt)`).toBe(EXPECTED_RECORDS[ds]);
      expect(stats.records, `${ds}: one record per line / flow / request`).toBe(counted[ds]);
      expect(rate, `${ds}: reject rate`).toBeLessThan(MAX_REJECT_RATE);
      // Skipped lines (Zeek's '#' header lines) are not records.
      expect(stats.written + stats.rejected + stats.filtered).toBe(stats.records);
    }
  });

  it('real logs: the parsed rows hold what the files hold (timestamps, ids, methods, labels)', async () => {
    const rows = (ds: string): string => sqlString(join(parseOutput(ds).dir, 'data', '*.parquet'));

    // ssh: every line has a time and its labels.csv label; sshd lines carry the client IP where
    // the message says 'from <ip> port <n>'.
    const ssh = await query(
      `SELECT _file AS file, count(*)::INT AS n, count(ts)::INT AS ts, count(_label)::INT AS labelled,
         count(*) FILTER (WHERE _label = 'attack')::INT AS attack, count(*) FILTER (WHERE program = 'sshd')::INT AS sshd,
         count(src_ip)::INT AS src_ip FROM read_parquet(${rows('ssh-auth')}) GROUP BY ALL ORDER BY ALL`,
    );
    console.log('[real-data] ssh-auth parsed:', JSON.stringify(ssh));
    expect(ssh.map((r) => [r['file'], r['n'], r['ts'], r['labelled'], r['attack']])).toEqual([
      ['elastic_auth.log', 7121, 7121, 7121, 2881],
      ['loghub_OpenSSH_2k.log', 2000, 2000, 2000, 1996],
    ]);

    // zeek: every flow keeps its uid and time, and gets the authors' label (SOURCE.txt's counts).
    const zeek = await query(
      `SELECT count(*)::INT AS n, count(DISTINCT uid)::INT AS uids, count(ts)::INT AS ts, count(resp_p)::INT AS resp_p,
         count(*) FILTER (WHERE _label = 'malicious')::INT AS malicious, count(*) FILTER (WHERE _label = 'benign')::INT AS benign,
         count(*) FILTER (WHERE _label = 'background')::INT AS background FROM read_parquet(${rows('zeek-conn')})`,
    );
    console.log('[real-data] zeek-conn parsed:', JSON.stringify(zeek[0]));
    expect(zeek[0]).toEqual({ n: 25790, uids: 25790, ts: 25790, resp_p: 25790, malicious: 14797, benign: 8901, background: 2092 });

    // web: each record starts where labels.csv says a request starts, with its method, and a
    // POST/PUT body is exactly Content-Length bytes (CRLF endings handled).
    const web = await query(
      `WITH p AS (SELECT * FROM read_parquet(${rows('web-http')})),
         l AS (SELECT file, CAST(start_line AS BIGINT) AS start_line, method, label
               FROM read_csv(${sqlString(join(repo!.dir, REAL_DIR.web, 'labels.csv'))}, all_varchar = true))
       SELECT (SELECT count(*) FROM p)::INT AS records,
         (SELECT count(*) FROM p JOIN l ON p._file = l.file AND p._line = l.start_line AND p.method = l.method AND p._label = l.label)::INT AS matched,
         (SELECT count(*) FROM p WHERE _label = 'attack')::INT AS attack,
         (SELECT count(*) FROM p WHERE method <> 'GET')::INT AS with_body,
         (SELECT count(*) FROM p WHERE method <> 'GET' AND length(body) = content_length)::INT AS body_matches_length`,
    );
    console.log('[real-data] web-http parsed:', JSON.stringify(web[0]));
    expect(web[0]).toEqual({ records: 9000, matched: 9000, attack: 3000, with_body: 2514, body_matches_length: 2514 });
  });

  it.each(['ssh-bruteforce', 'zeek-conn'] as const)('real data: %s reaches its ROC AUC floor', async (model) => {
    const { metrics: m, validation } = training(model);
    const c = m.counts;
    console.log(
      `[real-data] ${model}: roc_auc=${m.roc_auc.toFixed(4)} pr_auc=${m.pr_auc.toFixed(4)} ` +
        `(floor ${MIN_ROC_AUC[model]}); rows ${c.positives} attack / ${c.negatives} benign, ${c.excluded} excluded; ` +
        `train ${c.train.rows} (${c.train.positives} pos), validation ${c.validation.rows} (${c.validation.positives} pos, ${c.validation.negatives} neg); ` +
        `alert threshold ${m.threshold.toFixed(4)}: precision ${m.precision.toFixed(4)} recall ${m.recall.toFixed(4)} fpr ${m.fpr.toFixed(4)}`,
    );
    expect(c.excluded_unlabelled, 'every row found its label').toBe(0);
    expect(m.roc_auc).toBeGreaterThanOrEqual(MIN_ROC_AUC[model]);
    expect(m.target_fpr_met).toBe(true);
    if (model === 'ssh-bruteforce') {
      expect(c.positives + c.negatives).toBeGreaterThan(300);
      expect(c.validation.negatives).toBeGreaterThanOrEqual(15);
    } else {
      // Background flows are left out (neither positive nor negative), as SOURCE.txt suggests.
      expect(c).toMatchObject({ positives: 14797, negatives: 8901, excluded: 2092 });
      // The trainer's figure, recomputed from its validation rows, and per raw file.
      const perFile = await query(validationAucSql(validation));
      for (const r of perFile) {
        const auc = r['roc_auc'] as number | null;
        console.log(`[real-data] zeek-conn validation ${String(r['file'])}: ${r['n']} flows, ${r['pos']} malicious, ROC AUC ${auc === null ? 'n/a (one class)' : auc.toFixed(4)}`);
      }
      expect(perFile.find((r) => r['file'] === 'all')?.['roc_auc']).toBeCloseTo(m.roc_auc, 6);
    }
  });
});
