import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// The harness's own unit tests (pure parts, no broker): npx vitest run --config bench/peers/vitest.config.ts
const conditions = ['@gracedb-kafka/source', ...defaultServerConditions]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { root: new URL('.', import.meta.url).pathname, include: ['*.test.ts'], testTimeout: 20_000 },
})
