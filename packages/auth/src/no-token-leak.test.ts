import { mkdir, rm, writeFile } from 'node:fs/promises'
import { inspect } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import {
  createOAuthCallback,
  decodeToken,
  getScitokenForKafka,
  KafkaTokenError,
  SciTokenRefreshManager,
} from './index.js'
import { BAD_CASES, BROKER, contextFor } from './testing/bad-input-cases.js'
import { cleanup, mint, minted, tempDir } from './testing/tokens.js'

const logged: string[] = []
const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
const dirs: string[] = []

beforeAll(() => {
  for (const m of methods) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '))
    })
  }
  vi.spyOn(process, 'emitWarning').mockImplementation((w: string | Error) => {
    logged.push(String(w))
  })
})
afterAll(() => {
  vi.restoreAllMocks()
})
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(cleanup))
})

/** Every rendering of an error a user or a logger could see. */
function renderings(err: unknown): string[] {
  const e = err as Error & { cause?: unknown }
  return [
    String(e.message),
    String(e.stack),
    String(err),
    JSON.stringify(err),
    inspect(err, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify({ ...(err as object) }),
    inspect(e.cause, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  ]
}

/** The token strings and the parts of them that must never appear. */
function secrets(extra: readonly string[]): string[] {
  const out = new Set<string>()
  for (const token of [...minted, ...extra]) {
    if (token.length < 8) continue
    out.add(token)
    const parts = token.split('.')
    if (parts.length === 3) {
      if (parts[2]!.length >= 16) out.add(parts[2]!) // the signature
      if (parts[1]!.length >= 16) out.add(parts[1]!) // the payload
    }
  }
  return [...out]
}

describe('no error message, stack or log line ever contains a token', () => {
  test('every bad-input case, through every entry point', async () => {
    const errors: unknown[] = []
    const envValues: string[] = []
    for (const c of BAD_CASES) {
      const dir = await tempDir()
      dirs.push(dir)
      const ctx = contextFor(dir)
      await mkdir(ctx.xdg)
      const { env = {}, req = {} } = await c.setup(ctx)
      const request = { ...req, env: { XDG_RUNTIME_DIR: ctx.xdg, ...env } }
      for (const v of [env.SCITOKEN, env.BEARER_TOKEN]) if (v) envValues.push(v.trim())
      errors.push(await getScitokenForKafka(BROKER, request).catch((e: unknown) => e))
      errors.push(await createOAuthCallback(BROKER, request)().catch((e: unknown) => e))
      const manager = new SciTokenRefreshManager(BROKER, request)
      errors.push(await manager.getToken().catch((e: unknown) => e))
      manager.close()
    }
    // decodeToken directly on every malformed value
    for (const value of [...envValues, ...minted]) {
      try {
        decodeToken(value, 'BEARER_TOKEN')
      } catch (err) {
        errors.push(err)
      }
    }
    expect(errors.length).toBeGreaterThan(BAD_CASES.length * 3)
    for (const err of errors) expect(err).toBeInstanceOf(KafkaTokenError)

    const forbidden = secrets(envValues)
    expect(forbidden.length).toBeGreaterThan(BAD_CASES.length)
    const seen = [...errors.flatMap(renderings), ...logged]
    for (const text of seen) {
      for (const secret of forbidden) {
        if (text.includes(secret))
          throw new Error(`a token (or its payload/signature) leaked into: ${text.slice(0, 200)}`)
      }
    }
  })

  test('the refresh manager\'s "expired, nothing fresh" error (which keeps a cause) does not leak either', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const dir = await tempDir()
      dirs.push(dir)
      const ctx = contextFor(dir)
      await mkdir(ctx.xdg)
      const token = await mint({}, 600)
      await writeFile(ctx.bt, token)
      const manager = new SciTokenRefreshManager(BROKER, { env: { XDG_RUNTIME_DIR: ctx.xdg } })
      expect(await manager.getToken()).toBe(token)
      await writeFile(ctx.bt, 'garbage-not-a-token')
      vi.setSystemTime(Date.now() + 601_000)
      const err = await manager.getToken().catch((e: unknown) => e)
      expect((err as KafkaTokenError).code).toBe('ERR_KAFKA_TOKEN_EXPIRED')
      expect((err as Error).cause).toBeInstanceOf(KafkaTokenError)
      for (const text of [...renderings(err), ...logged]) {
        for (const secret of secrets(['garbage-not-a-token'])) expect(text).not.toContain(secret)
      }
      await rm(ctx.bt)
    } finally {
      vi.useRealTimers()
    }
  })

  test('nothing was logged at all', () => {
    expect(logged).toEqual([])
  })
})
