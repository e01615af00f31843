// What test/infra/global-setup.ts hands to the integration tests through vitest's
// provide/inject. Helpers in test/helpers/ read it; tests rarely need it directly.

/** Names of the real components the tests use (see tools/ensure-test-tools.sh). */
export type ToolName =
  | 'etcd'
  | 'kube-apiserver'
  | 'kubectl'
  | 'helm'
  | 's3-server'
  | 'spark-submit'
  | 'spark-python'
  | 'trainer-python'
  | 'java-home';

/** A resolved tool (a path that exists) or why it is missing. */
export type ToolStatus = { ok: true; path: string } | { ok: false; problem: string };

export interface KubeInfra {
  /** https://127.0.0.1:<port> */
  server: string;
  /** Admin kubeconfig (static token, user quiver-admin in system:masters). */
  kubeconfigPath: string;
  /** PEM of the apiserver's self-signed serving certificate (its own CA). */
  caFile: string;
  adminToken: string;
}

export interface S3Infra {
  kind: 'seaweedfs' | 'moto';
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Unavailable {
  ok: false;
  problem: string;
  missing: boolean;
}

export interface QuiverInfra {
  /** CI=true: a missing component fails the tests that need it instead of skipping them. */
  ci: boolean;
  /** Per-run temp folder (logs, kubeconfigs, data dirs); removed at teardown. */
  runDir: string;
  tools: Record<ToolName, ToolStatus>;
  /**
   * Either the running component or why it is not running. `missing` means a binary was not
   * found (CI fails, local runs skip); otherwise it was found but failed to start (always fails).
   */
  kube: { ok: true; value: KubeInfra } | Unavailable;
  s3: { ok: true; value: S3Infra } | Unavailable;
}

declare module 'vitest' {
  export interface ProvidedContext {
    quiverInfra: QuiverInfra;
  }
}
