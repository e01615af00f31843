/**
 * The real kube-apiserver of the integration test bed (test/infra/global-setup.ts).
 *
 *   useTestNamespace()   call at the top level of a test file: a fresh namespace per file,
 *                        created in beforeAll. Returns getters { kubeconfig(), namespace() }.
 *                        The namespace is deleted afterwards without waiting: with no
 *                        controller-manager it stays Terminating forever.
 *   adminKubeConfig()    a KubeConfig for the admin (system:masters, static token).
 *   kubeconfigPath()     path of the admin kubeconfig file (for kubectl, helm, child processes).
 *   ensureCrds(...files) server-side applies every CRD in the YAML files (idempotent, safe from
 *                        parallel test files) and waits until each is Established. Fine in
 *                        beforeAll: where the tests will be skipped it does nothing.
 *   quiverCrdFiles()     the repository's crds/*.yaml.
 *   kubeRequest(kc, method, path, body?, contentType?)
 *                        a raw API call (JSON in and out), for bodies client-node's typed
 *                        serializers would alter (it drops `x-kubernetes-*` schema keys).
 *
 * If the apiserver is not running: CI=true fails the tests, locally they are skipped when its
 * binaries were not built (the message names `bash tools/ensure-test-tools.sh`). Inside tests
 * every helper follows that rule; in beforeAll hooks only useTestNamespace() and ensureCrds()
 * can skip, other calls there fail (vitest has no public way to skip from a beforeAll).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, PatchStrategy, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { TestRunner, afterAll, beforeAll, beforeEach } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeInfra } from '../infra/context.js';
import { repoRoot } from './shared-data.js';
import { skipOrFail, testBed } from './tools.js';

function kubeInfra(): KubeInfra {
  const bed = testBed();
  if (!bed) {
    return skipOrFail('no test bed: this test must run in the `integration` vitest project (test/**), whose global setup starts kube-apiserver', false);
  }
  if (!bed.kube.ok) return skipOrFail(`kube-apiserver is not running: ${bed.kube.problem}`, bed.kube.missing);
  return bed.kube.value;
}

/** Why kube-apiserver is absent if that should skip (local run, binaries not built), else undefined. */
function missingLocally(): string | undefined {
  const bed = testBed();
  if (bed && !bed.kube.ok && bed.kube.missing && !bed.ci) return `kube-apiserver is not running: ${bed.kube.problem}`;
  return undefined;
}

export function kubeconfigPath(): string {
  return kubeInfra().kubeconfigPath;
}

export function adminKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeInfra().kubeconfigPath);
  return kc;
}

/** Readable, unique, DNS-1123: qt-<file stem>-<random>. */
function namespaceName(file: string | undefined): string {
  const stem = (file ?? 'test')
    .replace(/^.*?test\//, '')
    .replace(/\.test\.ts$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `qt-${stem || 'test'}-${randomBytes(3).toString('hex')}`;
}

export interface TestNamespace {
  kubeconfig: () => KubeConfig;
  namespace: () => string;
}

export function useTestNamespace(): TestNamespace {
  let kc: KubeConfig | undefined;
  let ns: string | undefined;
  let skipReason: string | undefined;

  // vitest requires the first hook argument to be a destructuring pattern.
  beforeAll(async ({}, suite) => {
    // Locally, missing binaries skip every test of the file (the reason is each test's note).
    skipReason = missingLocally();
    if (skipReason) {
      console.warn(`[skipping ${suite.file?.name ?? 'file'}] ${skipReason}`);
      return;
    }
    kc = adminKubeConfig();
    const name = namespaceName(suite.file?.name);
    await kc.makeApiClient(CoreV1Api).createNamespace({
      body: { metadata: { name, labels: { 'quiver.dev/test': 'true' } } },
    });
    ns = name;
  });

  beforeEach((ctx) => {
    if (skipReason) ctx.skip(skipReason);
  });

  afterAll(async () => {
    if (kc && ns) {
      // Fire the delete; never wait for Terminating to finish (no namespace controller).
      await kc.makeApiClient(CoreV1Api).deleteNamespace({ name: ns }).catch(() => undefined);
    }
  });

  return {
    kubeconfig: () => {
      if (!kc) throw new Error('useTestNamespace(): kubeconfig() used before beforeAll ran (call it inside tests)');
      return kc;
    },
    namespace: () => {
      if (!ns) throw new Error('useTestNamespace(): namespace() used before beforeAll ran (call it inside tests)');
      return ns;
    },
  };
}

export function quiverCrdFiles(): string[] {
  const dir = join(repoRoot, 'crds');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

function isEstablished(crd: V1CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

export interface KubeResponse {
  status: number;
  body: unknown;
  text: string;
}

/** A raw API request with the kubeconfig's credentials and CA; never throws on HTTP errors. */
export async function kubeRequest(
  kc: KubeConfig,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<KubeResponse> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(path, cluster.server);
  const opts: https.RequestOptions = { method, headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  if (payload !== undefined) opts.headers = { ...opts.headers, 'Content-Type': contentType };
  return new Promise((resolve, reject) => {
    const req = https.request(url, opts, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let parsed: unknown = undefined;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Server-side apply (never client-side apply: the spark-operator CRDs are ~0.8 MB, beyond the
 * last-applied annotation's 256 KiB) of every CustomResourceDefinition in the files, then waits
 * for Established. Safe to call from several test files at once. Sent raw: client-node's typed
 * serializer would drop `x-kubernetes-int-or-string` and friends from the schema.
 */
export async function ensureCrds(...files: string[]): Promise<V1CustomResourceDefinition[]> {
  const local = missingLocally();
  if (local && !TestRunner.getCurrentTest()) {
    // In a beforeAll hook, locally, with no apiserver built: do nothing and let the tests skip
    // (useTestNamespace() or adminKubeConfig() inside them skip with the reason).
    return [];
  }
  const kc = adminKubeConfig();
  const names: string[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message ?? 'YAML error'}`);
      const obj: unknown = doc.toJS();
      if (!obj || typeof obj !== 'object') continue;
      const crd = obj as { kind?: string; metadata?: { name?: string } };
      const name = crd.metadata?.name;
      if (crd.kind !== 'CustomResourceDefinition' || !name) {
        throw new Error(`${file}: expected CustomResourceDefinition documents, found ${crd.kind ?? 'no kind'}`);
      }
      const res = await kubeRequest(
        kc,
        'PATCH',
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}?fieldManager=quiver-tests&force=true`,
        obj,
        PatchStrategy.ServerSideApply,
      );
      if (res.status !== 200 && res.status !== 201) {
        throw new Error(`server-side apply of CRD ${name} from ${file}: HTTP ${res.status}: ${res.text.slice(0, 2000)}`);
      }
      names.push(name);
    }
  }
  const deadline = Date.now() + 60_000;
  const out: V1CustomResourceDefinition[] = [];
  for (const name of names) {
    for (;;) {
      const res = await kubeRequest(kc, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      if (res.status !== 200) throw new Error(`reading CRD ${name}: HTTP ${res.status}: ${res.text.slice(0, 500)}`);
      const crd = res.body as V1CustomResourceDefinition;
      if (isEstablished(crd)) {
        out.push(crd);
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`CRD ${name} not Established after 60s: ${JSON.stringify(crd.status?.conditions ?? [])}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return out;
}
