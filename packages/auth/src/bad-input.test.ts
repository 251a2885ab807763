import { mkdir } from 'node:fs/promises'
import { afterEach, describe, expect, test } from 'vitest'
import {
  createOAuthCallback,
  getScitokenForKafka,
  KafkaAuthenticationError,
  KafkaError,
  KafkaTokenError,
} from './index.js'
import { BAD_CASES, BROKER, contextFor } from './testing/bad-input-cases.js'
import { cleanup, tempDir } from './testing/tokens.js'

const dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(cleanup))
})

async function run(index: number) {
  const c = BAD_CASES[index]!
  const dir = await tempDir()
  dirs.push(dir)
  const ctx = contextFor(dir)
  await mkdir(ctx.xdg)
  const { env = {}, req = {} } = await c.setup(ctx)
  return { c, ctx, request: { ...req, env: { XDG_RUNTIME_DIR: ctx.xdg, ...env } } }
}

describe('bad input gets a KafkaTokenError naming the source and what is wrong', () => {
  test('the table has at least 25 cases', () => {
    expect(BAD_CASES.length).toBeGreaterThanOrEqual(25)
  })

  test.each(BAD_CASES.map((c, i) => [c.name, i] as const))('%s', async (_name, index) => {
    const { c, ctx, request } = await run(index)
    const err = await getScitokenForKafka(BROKER, request).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(KafkaTokenError)
    expect(err).toBeInstanceOf(KafkaAuthenticationError)
    expect(err).toBeInstanceOf(KafkaError)
    const tokenErr = err as KafkaTokenError
    expect(tokenErr.code).toBe(c.code)
    expect(tokenErr.source).toBe(c.source(ctx))
    for (const pattern of c.message) expect(tokenErr.message).toMatch(pattern)

    // the OAUTHBEARER callback fails the same way
    const viaCallback = await createOAuthCallback(BROKER, request)().catch((e: unknown) => e)
    expect((viaCallback as KafkaTokenError).code).toBe(c.code)
  })
})
