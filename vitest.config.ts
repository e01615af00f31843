import { defineConfig } from 'vitest/config';

// Two projects:
//   unit         controller/ and agent/ unit tests: no servers, fast (`npx vitest run --project unit`)
//   integration  test/**: real etcd + kube-apiserver + S3 server started once per run by
//                test/infra/global-setup.ts (`npx vitest run --project integration`)
// Build the real components first with `bash tools/ensure-test-tools.sh`.
export default defineConfig({
  test: {
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['controller/src/**/*.test.ts', 'agent/src/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/infra/global-setup.ts'],
          // @aws-sdk/client-s3 is pinned to a release that still supports Node 20; its notice
          // about future releases needing Node 22 is known and only clutters test output.
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          // Spark submissions and CRD installs take seconds each on 2 cores.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
