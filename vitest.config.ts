import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['controller/src/**/*.test.ts', 'agent/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Starts etcd, kube-apiserver and the S3 server once per run (test/infra/global-setup.ts).
    globalSetup: ['test/infra/global-setup.ts'],
  },
});
