// Smoke test of the control plane: CRDs (Quiver's and the upstream SparkApplication), schema
// validation by the apiserver, status subresource, watches, and RBAC with a real restricted token.
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { restrictedIdentity } from '../helpers/identity.js';
import { ensureCrds, quiverCrdFiles, useTestNamespace } from '../helpers/kube.js';
import { describeWithSharedData, sparkApplicationCrdPath } from '../helpers/shared-data.js';

const t = useTestNamespace();

const MR = { group: 'quiver.dev', version: 'v1alpha1', plural: 'modelreleases' } as const;
// client-node 1.x sends JSON Patch by default; these bodies are merge patches.
const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const SA = { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications' } as const;

function modelRelease(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'quiver.dev/v1alpha1',
    kind: 'ModelRelease',
    metadata: { name },
    spec: {
      model: 'ssh-bruteforce',
      version: '2026.11.28-1',
      bundleURI: 's3://quiver/releases/ssh-bruteforce/2026.11.28-1/',
      digest: `sha256:${'ab'.repeat(32)}`,
      metrics: { rocAuc: 0.97 },
      lineage: { commit: '0123abc', datasets: { 'ssh-golden': 'k-91f2' } },
      ...overrides,
    },
  };
}

/** Status code of a rejected API call (fails the test if the call succeeded). */
async function rejection(p: Promise<unknown>): Promise<{ code: number; body: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) return { code: err.code, body: String(err.body) };
    throw err;
  }
  throw new Error('expected the apiserver to reject the request, but it accepted it');
}

describe('Quiver CRDs', () => {
  beforeAll(async () => {
    await ensureCrds(...quiverCrdFiles());
  });

  it('serves ModelRelease with a status subresource and validates its schema', async () => {
    const api = t.kubeconfig().makeApiClient(CustomObjectsApi);
    const namespace = t.namespace();
    const created = (await api.createNamespacedCustomObject({ ...MR, namespace, body: modelRelease('mr-valid') })) as {
      metadata: { generation: number };
      spec: { lineage?: unknown };
    };
    expect(created.metadata.generation).toBe(1);
    // x-kubernetes-preserve-unknown-fields survived the CRD install (not pruned).
    expect(created.spec.lineage).toEqual({ commit: '0123abc', datasets: { 'ssh-golden': 'k-91f2' } });

    const bad = await rejection(
      api.createNamespacedCustomObject({ ...MR, namespace, body: modelRelease('mr-bad', { digest: 'md5:nope' }) }),
    );
    expect(bad.code).toBe(422);
    expect(bad.body).toContain('spec.digest');

    // Status goes through the subresource only: it does not bump the generation, and a status
    // field sent with the main resource is dropped.
    const patched = (await api.patchNamespacedCustomObjectStatus({
      ...MR,
      namespace,
      name: 'mr-valid',
      body: { status: { installed: { version: '2026.11.28-1', digest: `sha256:${'ab'.repeat(32)}` } } },
    }, MERGE)) as { metadata: { generation: number }; status?: { installed?: { version?: string } } };
    expect(patched.status?.installed?.version).toBe('2026.11.28-1');
    expect(patched.metadata.generation).toBe(1);
  });
});

describeWithSharedData('upstream SparkApplication CRD (spark-operator v2.5.2)', () => {
  beforeAll(async () => {
    const path = sparkApplicationCrdPath();
    if (!path) throw new Error('../shared is present but vendor-data/spark-operator/sparkoperator.k8s.io_sparkapplications.yaml is not');
    await ensureCrds(path);
  });

  function sparkApp(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      apiVersion: 'sparkoperator.k8s.io/v1beta2',
      kind: 'SparkApplication',
      metadata: { name },
      spec: {
        type: 'Python',
        mode: 'cluster',
        sparkVersion: '4.0.4',
        image: 'apache/spark:4.0.4',
        mainApplicationFile: 'local:///opt/quiver/job.py',
        arguments: ['--plan', 's3://quiver/plans/abc.json'],
        driver: { cores: 1, memory: '1g', serviceAccount: 'spark' },
        executor: { instances: 2, cores: 1, memory: '1g' },
        restartPolicy: { type: 'Never' },
        ...spec,
      },
    };
  }

  it('is installed whole (server-side apply) and Established', async () => {
    const [crd] = await ensureCrds(sparkApplicationCrdPath()!);
    expect(crd?.spec.versions.map((v) => v.name)).toEqual(['v1beta2']);
    expect(crd?.spec.names.shortNames).toContain('sparkapp');
    // The 0.8 MB schema arrived intact, with its int-or-string ports (dropped by client-node's
    // typed serializer, hence the raw apply in ensureCrds).
    expect(JSON.stringify(crd?.spec.versions[0]?.schema)).toContain('"x-kubernetes-int-or-string":true');
    expect(crd?.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined();
  });

  it('accepts a valid SparkApplication and rejects an invalid one', async () => {
    const api = t.kubeconfig().makeApiClient(CustomObjectsApi);
    const namespace = t.namespace();
    await api.createNamespacedCustomObject({ ...SA, namespace, body: sparkApp('parse-openssh-1a2b') });
    const got = (await api.getNamespacedCustomObject({ ...SA, namespace, name: 'parse-openssh-1a2b' })) as {
      spec: { type: string; executor: { instances: number } };
    };
    expect(got.spec.type).toBe('Python');
    expect(got.spec.executor.instances).toBe(2);

    const badType = await rejection(api.createNamespacedCustomObject({ ...SA, namespace, body: sparkApp('bad-type', { type: 'Rust' }) }));
    expect(badType.code).toBe(422);
    expect(badType.body).toContain('spec.type');

    const noDriver = sparkApp('no-driver');
    delete (noDriver.spec as Record<string, unknown>).driver;
    const missing = await rejection(api.createNamespacedCustomObject({ ...SA, namespace, body: noDriver }));
    expect(missing.code).toBe(422);
    expect(missing.body).toContain('spec.driver');
  });

  it('lets a stand-in controller write applicationState through the status subresource', async () => {
    const api = t.kubeconfig().makeApiClient(CustomObjectsApi);
    const namespace = t.namespace();
    await api.createNamespacedCustomObject({ ...SA, namespace, body: sparkApp('status-app') });
    const updated = (await api.patchNamespacedCustomObjectStatus({
      ...SA,
      namespace,
      name: 'status-app',
      body: { status: { applicationState: { state: 'COMPLETED' }, driverInfo: {} } },
    }, MERGE)) as { status?: { applicationState?: { state?: string } } };
    expect(updated.status?.applicationState?.state).toBe('COMPLETED');
  });
});

describe('watch', () => {
  beforeAll(async () => {
    await ensureCrds(...quiverCrdFiles());
  });

  it('receives ADDED and MODIFIED events for ModelReleases', async () => {
    const kc = t.kubeconfig();
    const namespace = t.namespace();
    const api = kc.makeApiClient(CustomObjectsApi);
    const events: string[] = [];
    let resolveSeen: () => void = () => undefined;
    const seen = new Promise<void>((r) => (resolveSeen = r));
    const controller = await new Watch(kc).watch(
      `/apis/quiver.dev/v1alpha1/namespaces/${namespace}/modelreleases`,
      {},
      (phase: string, obj: { metadata?: { name?: string } }) => {
        if (obj.metadata?.name === 'mr-watched') events.push(phase);
        if (events.includes('MODIFIED')) resolveSeen();
      },
      () => undefined,
    );
    try {
      await api.createNamespacedCustomObject({ ...MR, namespace, body: modelRelease('mr-watched') });
      await api.patchNamespacedCustomObjectStatus({
        ...MR,
        namespace,
        name: 'mr-watched',
        body: { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Installed' }] } },
      }, MERGE);
      await Promise.race([seen, new Promise((_, rej) => setTimeout(() => rej(new Error(`events so far: ${events.join(',')}`)), 15_000))]);
      expect(events.slice(0, 2)).toEqual(['ADDED', 'MODIFIED']);
    } finally {
      controller.abort();
    }
  });
});

describe('RBAC with a restricted identity', () => {
  beforeAll(async () => {
    await ensureCrds(...quiverCrdFiles());
  });

  it('is allowed exactly what its Role grants', async () => {
    const namespace = t.namespace();
    const admin = t.kubeconfig().makeApiClient(CustomObjectsApi);
    await admin.createNamespacedCustomObject({ ...MR, namespace, body: modelRelease('mr-agent') });

    // What DESIGN §7 gives an environment's agent: read ModelReleases, write their status.
    const agent = await restrictedIdentity({
      namespace,
      name: 'agent-env1',
      rules: [
        { apiGroups: ['quiver.dev'], resources: ['modelreleases'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['quiver.dev'], resources: ['modelreleases/status'], verbs: ['get', 'update', 'patch'] },
      ],
    });
    expect(agent.user).toBe(`system:serviceaccount:${namespace}:agent-env1`);
    expect(agent.groups).toContain(`system:serviceaccounts:${namespace}`);

    const api = agent.kubeconfig.makeApiClient(CustomObjectsApi);
    const list = (await api.listNamespacedCustomObject({ ...MR, namespace })) as { items: unknown[] };
    expect(list.items.length).toBeGreaterThanOrEqual(1);
    await api.patchNamespacedCustomObjectStatus({
      ...MR,
      namespace,
      name: 'mr-agent',
      body: { status: { installed: { version: '2026.11.28-1' } } },
    }, MERGE);

    const create = await rejection(api.createNamespacedCustomObject({ ...MR, namespace, body: modelRelease('mr-forged') }));
    expect(create.code).toBe(403);
    const specPatch = await rejection(
      api.patchNamespacedCustomObject({ ...MR, namespace, name: 'mr-agent', body: { spec: { version: 'evil' } } }, MERGE),
    );
    expect(specPatch.code).toBe(403);
    const secrets = await rejection(agent.kubeconfig.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace }));
    expect(secrets.code).toBe(403);
    const otherNs = await rejection(api.listNamespacedCustomObject({ ...MR, namespace: 'default' }));
    expect(otherNs.code).toBe(403);
  });
});
