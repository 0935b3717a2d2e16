import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// A JSON report for CI's summary line (.ci/run sets the path).
const jsonReport = process.env.VITEST_JSON_REPORT;

// One config for the whole monorepo: tests import packages from their sources
// through the private "@mlblocks/source" export condition, so no build is needed first.
export default defineConfig({
  ssr: {
    resolve: { conditions: ['@mlblocks/source', ...defaultServerConditions] },
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'tools/*/test/**/*.test.ts',
      'scripts/test/**/*.test.ts',
    ],
    pool: 'forks',
    testTimeout: 30_000,
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
  },
});
