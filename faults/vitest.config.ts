import { fileURLToPath } from 'node:url'
import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** R1..R5 in file-name order (vitest's default runs the files it remembers as slow first). */
class ByName extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId))
  }
}

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
    globalSetup: ['faults/global-setup.ts'],
    fileParallelism: false,
    sequence: { shuffle: false, sequencer: ByName },
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/faults-report.json' },
  },
})
