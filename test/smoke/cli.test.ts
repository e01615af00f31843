// Smoke test of the command-line tools the README and operators use: kubectl against the test
// apiserver, helm lint/template on a chart generated here, and helm's output applied by kubectl.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { restrictedIdentity } from '../helpers/identity.js';
import { ensureCrds, kubeconfigPath, quiverCrdFiles, useTestNamespace } from '../helpers/kube.js';
import { requireTool, run } from '../helpers/tools.js';

const t = useTestNamespace();

function tinyChart(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quiver-chart-'));
  const chart = join(dir, 'quiver-smoke');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(
    join(chart, 'Chart.yaml'),
    ['apiVersion: v2', 'name: quiver-smoke', 'description: Smoke-test chart', 'type: application', 'version: 0.1.0',
      'appVersion: "0.1.0"', 'kubeVersion: ">=1.30.0-0"', 'icon: https://example.invalid/icon.png', ''].join('\n'),
  );
  writeFileSync(join(chart, 'values.yaml'), 'greeting: hello\nreplicas: 1\n');
  writeFileSync(
    join(chart, 'templates', 'configmap.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-settings',
      '  labels:',
      '    app.kubernetes.io/name: {{ .Chart.Name }}',
      'data:',
      '  greeting: {{ .Values.greeting | quote }}',
      '  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}',
      '',
    ].join('\n'),
  );
  return chart;
}

describe('kubectl', () => {
  beforeAll(async () => {
    await ensureCrds(...quiverCrdFiles());
  });

  it('reports the server version and lists namespaces and ModelReleases', async () => {
    const kubectl = requireTool('kubectl');
    const kc = ['--kubeconfig', kubeconfigPath()];
    const version = await run(kubectl, [...kc, 'version', '-o', 'json']);
    expect(version.code, version.stderr).toBe(0);
    const v = JSON.parse(version.stdout) as { serverVersion?: { gitVersion?: string }; clientVersion?: { gitVersion?: string } };
    // Real version stamps (the builds set ldflags), not v0.0.0-master; 1.36.3 unless
    // KUBEBUILDER_ASSETS brought other binaries (1.34-1.37 behave the same here).
    expect(v.serverVersion?.gitVersion).toMatch(/^v1\.3[4-7]\.\d+$/);
    expect(v.clientVersion?.gitVersion).toMatch(/^v1\.3[4-7]\.\d+$/);

    const ns = await run(kubectl, [...kc, 'get', 'namespace', t.namespace(), '-o', 'jsonpath={.status.phase}']);
    expect(ns.code, ns.stderr).toBe(0);
    expect(ns.stdout).toBe('Active');

    const manifest = JSON.stringify({
      apiVersion: 'quiver.dev/v1alpha1',
      kind: 'ModelRelease',
      metadata: { name: 'via-kubectl', namespace: t.namespace() },
      spec: { model: 'dns-tunnel', version: '7', bundleURI: 's3://q/r/dns-tunnel/7/', digest: `sha256:${'0'.repeat(64)}`, metrics: { rocAuc: 0.91 } },
    });
    const created = await run(kubectl, [...kc, 'create', '-f', '-'], { input: manifest });
    expect(created.code, created.stderr).toBe(0);
    // The printer columns of DESIGN §7, through the short name.
    const table = await run(kubectl, [...kc, 'get', 'mr', '-n', t.namespace()]);
    expect(table.code, table.stderr).toBe(0);
    const [header, row] = table.stdout.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['NAME', 'MODEL', 'VERSION', 'AUC', 'INSTALLED', 'AGE']);
    expect(row?.split(/\s+/).slice(0, 4)).toEqual(['via-kubectl', 'dns-tunnel', '7', '0.91']);
  });

  it('answers auth can-i for a restricted identity', async () => {
    const kubectl = requireTool('kubectl');
    const id = await restrictedIdentity({
      namespace: t.namespace(),
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
    });
    const yes = await run(kubectl, ['--kubeconfig', id.kubeconfigPath, 'auth', 'can-i', 'list', 'configmaps']);
    expect(yes.stdout.trim()).toBe('yes');
    const no = await run(kubectl, ['--kubeconfig', id.kubeconfigPath, 'auth', 'can-i', 'delete', 'configmaps']);
    expect(no.stdout.trim()).toBe('no');
    expect(no.code).toBe(1);
  });
});

describe('helm', () => {
  it('lints and templates a chart for Kubernetes 1.36.3, and kubectl applies the output', async () => {
    const helm = requireTool('helm');
    const version = await run(helm, ['version', '--short']);
    expect(version.stdout).toMatch(/^v4\.3\.1/);

    const chart = tinyChart();
    const lint = await run(helm, ['lint', chart, '--kube-version', '1.36.3']);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');

    const out = await run(helm, ['template', 'smoke', chart, '--kube-version', '1.36.3', '--set', 'greeting=hi there']);
    expect(out.code, out.stderr).toBe(0);
    const docs = parseAllDocuments(out.stdout).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> });
    const cm = docs.find((d) => d?.kind === 'ConfigMap');
    expect(cm?.metadata?.name).toBe('smoke-settings');
    expect(cm?.data).toEqual({ greeting: 'hi there', kubeVersion: 'v1.36.3' });

    // The chart's kubeVersion constraint is really evaluated.
    const old = await run(helm, ['template', 'smoke', chart, '--kube-version', '1.20.0']);
    expect(old.code).not.toBe(0);
    expect(old.stderr).toMatch(/kubeVersion|incompatible/i);

    const kubectl = requireTool('kubectl');
    const applied = await run(
      kubectl,
      ['--kubeconfig', kubeconfigPath(), 'apply', '--server-side', '--field-manager=helm-smoke', '-n', t.namespace(), '-f', '-'],
      { input: out.stdout },
    );
    expect(applied.code, applied.stderr).toBe(0);
    const got = await run(kubectl, ['--kubeconfig', kubeconfigPath(), 'get', 'configmap', 'smoke-settings', '-n', t.namespace(), '-o', 'jsonpath={.data.greeting}']);
    expect(got.stdout).toBe('hi there');
  });
});
