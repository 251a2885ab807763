import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Workspace packages are imported from their TypeScript source through this export condition,
// so tests never need a prior build.
const conditions = ['@gracedb-kafka/source', ...defaultServerConditions]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // The environment vitest itself loads globalSetup in (testkit's broker start-up imports core): without this,
  // a workspace package is resolved to its dist/, which a fresh clone has not built yet.
  environments: { __vitest__: { resolve: { conditions } } },
  test: {
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Fast unit tests run first, then the integration tests on the real broker.
          sequence: { groupOrder: 0 },
          include: ['packages/*/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: [
            'packages/*/src/**/*.int.test.ts',
            'examples/**/*.int.test.ts',
            'interop/**/*.int.test.ts',
          ],
          globalSetup: ['packages/testkit/src/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
    ],
  },
})
