import { fileURLToPath } from 'node:url'
import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// The fault suite (`npm run test:faults`): long scenarios on their own testkit brokers, one file at a time,
// in file-name order (R1..R5). Each prints its figures; vitest's JSON report is kept for the summary.
const conditions = ['@gracedb-kafka/source', ...defaultServerConditions]
const root = fileURLToPath(new URL('..', import.meta.url))

export default defineConfig({
  root,
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'faults',
    include: ['faults/**/*.fault.test.ts'],
    fileParallelism: false,
    sequence: { shuffle: false },
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/faults-report.json' },
  },
})
