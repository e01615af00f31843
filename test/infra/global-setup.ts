// Global setup of the `integration` vitest project: starts the real components once per run
// and hands them to the tests with provide/inject (types in ./context.ts).
//
//   etcd            random loopback ports, data in <runDir>/etcd, --unsafe-no-fsync
//   kube-apiserver  RBAC on, static token auth (admin: system:masters), ServiceAccount tokens
//                   (TokenRequest) for restricted identities, self-signed serving cert
//   SeaweedFS       master + volume + filer + S3 gateway, one process, SigV4 with a per-run key
//
// Binaries come from tools/ensure-test-tools.sh (QUIVER_* env vars or its env.json). A missing
// binary does not abort the run: it is recorded, and test/helpers/* fail the tests that need it
// in CI (skip them locally) with the tool's name and build command. A binary that exists but
// does not start is recorded as a failure, which fails those tests everywhere.
// Teardown stops the processes by PID (S3, apiserver, then etcd), also on SIGINT/SIGTERM.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { KubeInfra, QuiverInfra, S3Infra, ToolName, ToolStatus } from './context.js';
import { freePorts, httpGet, startProcess, stopProcess, waitFor, type Managed } from './processes.js';
import { isCI, resolveTools } from './tool-paths.js';

type Outcome<T> = { ok: true; value: T } | { ok: false; problem: string; missing?: boolean };

const running: Managed[] = [];

function need(tools: Record<ToolName, ToolStatus>, ...names: ToolName[]): string[] | string {
  const paths: string[] = [];
  for (const n of names) {
    const t = tools[n];
    if (!t.ok) return t.problem;
    paths.push(t.path);
  }
  return paths;
}

async function startKube(tools: Record<ToolName, ToolStatus>, runDir: string): Promise<Outcome<KubeInfra>> {
  const found = need(tools, 'etcd', 'kube-apiserver');
  if (typeof found === 'string') return { ok: false, problem: found, missing: true };
  const [etcdBin, apiserverBin] = found as [string, string];
  const [clientPort, peerPort, apiPort] = (await freePorts(3)) as [number, number, number];
  const dir = join(runDir, 'kube');
  mkdirSync(join(dir, 'certs'), { recursive: true });

  const etcd = startProcess(
    'etcd',
    etcdBin,
    [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${clientPort}`,
      `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
    join(runDir, 'etcd.log'),
  );
  running.push(etcd);
  await waitFor(etcd, 'healthy', 30_000, async () => {
    const r = await httpGet(`http://127.0.0.1:${clientPort}/health`);
    return r.status === 200 && r.body.includes('"true"');
  });

  const adminToken = randomBytes(24).toString('hex');
  const tokenFile = join(dir, 'tokens.csv');
  // Static token for the admin only; restricted identities use ServiceAccount tokens
  // (test/helpers/identity.ts says why).
  writeFileSync(tokenFile, `${adminToken},quiver-admin,quiver-admin,"system:masters"\n`, { mode: 0o600 });
  const saKey = join(dir, 'sa.key');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(saKey, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });

  const server = `https://127.0.0.1:${apiPort}`;
  const apiserver = startProcess(
    'kube-apiserver',
    apiserverBin,
    [
      `--etcd-servers=http://127.0.0.1:${clientPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'certs')}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      '--authorization-mode=RBAC',
      `--token-auth-file=${tokenFile}`,
      `--service-account-issuer=${server}/`,
      `--service-account-key-file=${saKey}`,
      `--service-account-signing-key-file=${saKey}`,
      // No controller-manager creates the default ServiceAccount, so its admission would reject Pods.
      '--disable-admission-plugins=ServiceAccount',
      '--endpoint-reconciler-type=none',
    ],
    join(runDir, 'kube-apiserver.log'),
  );
  running.push(apiserver);
  const caFile = join(dir, 'certs', 'apiserver.crt');
  await waitFor(apiserver, 'ready', 120_000, async () => {
    // The serving cert appears before the port opens; verify TLS against it as clients will.
    const ca = readFileSync(caFile, 'utf8');
    const r = await httpGet(`${server}/readyz`, { token: adminToken, ca });
    return r.status === 200 && r.body.trim() === 'ok';
  });

  const kubeconfigPath = join(runDir, 'admin.kubeconfig');
  writeFileSync(kubeconfigPath, adminKubeconfigYaml(server, caFile, adminToken), { mode: 0o600 });
  return { ok: true, value: { server, kubeconfigPath, caFile, adminToken } };
}

export function adminKubeconfigYaml(server: string, caFile: string, token: string): string {
  const caData = Buffer.from(readFileSync(caFile)).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: quiver-test',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${caData}`,
    'users:',
    '- name: quiver-admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: quiver-test',
    '  context:',
    '    cluster: quiver-test',
    '    user: quiver-admin',
    'current-context: quiver-test',
    '',
  ].join('\n');
}

async function startS3(tools: Record<ToolName, ToolStatus>, runDir: string): Promise<Outcome<S3Infra>> {
  const found = need(tools, 's3-server');
  if (typeof found === 'string') return { ok: false, problem: found, missing: true };
  const [weed] = found as [string];
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = (await freePorts(8)) as [
    number, number, number, number, number, number, number, number,
  ];
  const dir = join(runDir, 's3');
  mkdirSync(join(dir, 'data'), { recursive: true });
  const accessKeyId = `QVR${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(20).toString('hex');
  const config = join(dir, 's3.json');
  writeFileSync(
    config,
    JSON.stringify({
      identities: [
        {
          name: 'quiver-test',
          credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
          actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
        },
      ],
    }),
    { mode: 0o600 },
  );
  const proc = startProcess(
    's3-server (SeaweedFS)',
    weed,
    [
      'server',
      `-dir=${join(dir, 'data')}`,
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-master.port=${master}`,
      `-master.port.grpc=${masterGrpc}`,
      '-master.volumeSizeLimitMB=64', // small volumes: many buckets on a small disk
      `-volume.port=${volume}`,
      `-volume.port.grpc=${volumeGrpc}`,
      '-volume.max=200',
      '-volume.preStopSeconds=0',
      '-filer',
      `-filer.port=${filer}`,
      `-filer.port.grpc=${filerGrpc}`,
      `-filer.localSocket=${join(dir, 'filer.sock')}`,
      '-s3',
      `-s3.port=${s3}`,
      `-s3.port.grpc=${s3Grpc}`,
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
      `-s3.localSocket=${join(dir, 's3.sock')}`,
      `-s3.config=${config}`,
    ],
    join(runDir, 's3-server.log'),
    process.env,
    dir,
  );
  running.push(proc);
  const endpoint = `http://127.0.0.1:${s3}`;
  await waitFor(proc, 'serving S3', 60_000, async () => {
    // An unsigned request must be refused (auth is on) by the S3 gateway itself.
    const r = await httpGet(`${endpoint}/`);
    return r.status === 403 && r.body.includes('AccessDenied');
  });
  return { ok: true, value: { kind: 'seaweedfs', endpoint, region: 'us-east-1', accessKeyId, secretAccessKey } };
}

function failure(err: unknown): { ok: false; problem: string; missing?: boolean } {
  return { ok: false, problem: err instanceof Error ? err.message : String(err), missing: false };
}

async function stopAll(): Promise<void> {
  // S3 first, then the apiserver, then etcd (the apiserver needs etcd to shut down cleanly).
  const order = ['s3-server (SeaweedFS)', 'kube-apiserver', 'etcd'];
  for (const name of order) {
    for (const p of running.filter((r) => r.name === name)) {
      const t0 = Date.now();
      // SeaweedFS needs ~15 s to stop cleanly (retrying its own peers); its data is throwaway.
      await stopProcess(p, name === 'kube-apiserver' ? 15_000 : name === 'etcd' ? 5_000 : 2_000);
      if (process.env.QUIVER_DEBUG_TEARDOWN) console.log(`stopped ${name} in ${Date.now() - t0}ms (${p.status ?? '?'})`);
    }
  }
}

/** Synchronous last resort (process 'exit' cannot await): SIGKILL by PID what is left. */
function killLeftovers(): void {
  for (const p of running) {
    if (!p.done) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function removeRunDir(runDir: string): void {
  try {
    rmSync(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (err) {
    console.warn(`quiver test bed: could not remove ${runDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const ci = isCI();
  const runDir = mkdtempSync(join(tmpdir(), 'quiver-test-'));
  const tools = resolveTools();

  // Interrupted runs: stop gracefully if vitest lets us finish, and in any case kill by PID and
  // remove the run dir when the process exits (vitest may exit before an async teardown ends).
  const onSignal = (signal: NodeJS.Signals): void => {
    void stopAll().finally(() => {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  const onExit = (): void => {
    killLeftovers();
    if (!process.env.QUIVER_KEEP_RUN_DIR) removeRunDir(runDir);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', onExit);

  const [kube, s3] = await Promise.all([
    startKube(tools, runDir).catch(failure),
    startS3(tools, runDir).catch(failure),
  ]);

  const infra: QuiverInfra = {
    ci,
    runDir,
    tools,
    kube: kube.ok ? kube : { ok: false, problem: kube.problem, missing: kube.missing === true },
    s3: s3.ok ? s3 : { ok: false, problem: s3.problem, missing: s3.missing === true },
  };
  project.provide('quiverInfra', infra);

  const lines = [`quiver test bed (${((Date.now() - started) / 1000).toFixed(1)}s, run dir ${runDir}${ci ? ', CI' : ''}):`];
  lines.push(kube.ok ? `  kube-apiserver ${kube.value.server} (kubeconfig ${kube.value.kubeconfigPath})` : `  kube: NOT RUNNING: ${kube.problem}`);
  lines.push(s3.ok ? `  S3 (SeaweedFS) ${s3.value.endpoint}` : `  S3: NOT RUNNING: ${s3.problem}`);
  for (const t of Object.values(tools)) if (!t.ok) lines.push(`  missing: ${t.problem}`);
  console.log(lines.join('\n'));

  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    try {
      await stopAll();
    } finally {
      killLeftovers();
      process.off('exit', onExit);
      const startFailed = (!kube.ok && !kube.missing) || (!s3.ok && !s3.missing);
      if (process.env.QUIVER_KEEP_RUN_DIR || startFailed) console.log(`quiver test bed: kept ${runDir} (logs)`);
      else removeRunDir(runDir);
    }
  };
}
