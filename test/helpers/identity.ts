/**
 * restrictedIdentity({ namespace, rules, name? }) -> { kubeconfig, kubeconfigPath, user, groups }
 *
 * A real, non-admin identity for RBAC tests: a ServiceAccount in `namespace`, a Role with
 * `rules`, a RoleBinding of that Role to the ServiceAccount, and a bearer token from the
 * TokenRequest API. The apiserver authenticates the token and RBAC authorizes every request:
 * nothing is simulated. `user` and `groups` are what the apiserver reports for the token
 * (SelfSubjectReview), e.g. system:serviceaccount:<ns>:<name> and system:serviceaccounts:<ns>.
 *
 * Why ServiceAccount + TokenRequest rather than pre-provisioned static tokens: any number of
 * identities can be made at test time with names the test chooses, with no fixed pool shared
 * between parallel test files and no apiserver restart, and it is how an in-cluster Quiver
 * component really authenticates. The Role binds the ServiceAccount itself (not its group), so
 * two identities in one namespace never share permissions.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1PolicyRule,
} from '@kubernetes/client-node';
import { adminKubeConfig } from './kube.js';
import { testBed } from './tools.js';

export interface RestrictedIdentity {
  kubeconfig: KubeConfig;
  kubeconfigPath: string;
  user: string;
  groups: string[];
}

async function poll<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} after ${timeoutMs / 1000}s${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

export async function restrictedIdentity(opts: {
  namespace: string;
  rules: V1PolicyRule[];
  name?: string;
}): Promise<RestrictedIdentity> {
  const { namespace, rules } = opts;
  const name = opts.name ?? `restricted-${randomBytes(3).toString('hex')}`;
  const admin = adminKubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);

  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  });
  const tr = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = tr.status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);

  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('admin kubeconfig has no current cluster');
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromOptions({
    clusters: [{ name: 'quiver-test', server: cluster.server, caData: cluster.caData, skipTLSVerify: false }],
    users: [{ name, token }],
    contexts: [{ name, cluster: 'quiver-test', user: name, namespace }],
    currentContext: name,
  });
  const dir = join(testBed()?.runDir ?? tmpdir(), 'identities');
  mkdirSync(dir, { recursive: true });
  const kubeconfigPath = join(dir, `${namespace}-${name}.kubeconfig`);
  writeFileSync(kubeconfigPath, kubeconfig.exportConfig(), { mode: 0o600 });

  // The apiserver's ServiceAccount and RBAC caches fill asynchronously: wait until the token
  // authenticates and the first granted permission is in force, so tests see steady state.
  const review = await poll('token not accepted by the apiserver', 15_000, async () => {
    const r = await kubeconfig.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    return r.status?.userInfo;
  });
  const first = rules.find((r) => (r.verbs?.length ?? 0) > 0 && (r.resources?.length ?? 0) > 0);
  if (first) {
    await poll(`Role ${namespace}/${name} not in force`, 15_000, async () => {
      const r = await kubeconfig.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
        body: {
          spec: {
            resourceAttributes: {
              namespace,
              verb: first.verbs[0],
              group: first.apiGroups?.[0] ?? '',
              resource: first.resources?.[0],
            },
          },
        },
      });
      return r.status?.allowed ? true : undefined;
    });
  }
  return {
    kubeconfig,
    kubeconfigPath,
    user: review.username ?? `system:serviceaccount:${namespace}:${name}`,
    groups: review.groups ?? [],
  };
}
