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
          // Spark submissions and CRD installs take seconds each on 2 cores.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
