import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Face-model tests load wasm models once per file; forks keep their memory apart.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 120_000,
    // Step Lambdas log JSON through Powertools; tests assert on outcomes, not on log noise.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
  },
});
