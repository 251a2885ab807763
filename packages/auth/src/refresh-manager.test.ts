import * as fsp from 'node:fs/promises'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { ClientClosedError, KafkaTokenError, SciTokenRefreshManager, TOKEN_ERROR_CODES } from './index.js'
import { BROKER } from './testing/bad-input-cases.js'
import { btPath, cleanup, mint, tempDir, writeAtomic } from './testing/tokens.js'

// Pass-through spy on fs.open, only to count how many times the token file is read.
vi.mock('node:fs/promises', async (importOriginal) => {
  const mod = await importOriginal<typeof import('node:fs/promises')>()
  return { ...mod, open: vi.fn(mod.open) }
})
const openSpy = vi.mocked(fsp.open)

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0)
let dir: string
let bt: string
let env: NodeJS.ProcessEnv

beforeEach(async () => {
  // Only Date is faked: token `exp`/`iat` (minted with Date.now) and the manager's clock are the same clock.
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(T0)
  dir = await tempDir()
  const xdg = join(dir, 'xdg')
  await mkdir(xdg)
  bt = btPath(xdg)
  env = { XDG_RUNTIME_DIR: xdg }
  openSpy.mockClear()
})
afterEach(async () => {
  vi.useRealTimers()
  await cleanup(dir)
})

const reads = () => openSpy.mock.calls.filter(([path]) => path === bt).length
const at = (seconds: number) => vi.setSystemTime(T0 + seconds * 1000)

describe('SciTokenRefreshManager', () => {
  test('returns the cached token until within refreshBuffer of exp, then the token rewritten on disk', async () => {
    const a = await mint({ sub: 'A' }, 600)
    await writeAtomic(bt, a)
    const manager = new SciTokenRefreshManager(BROKER, { env, refreshBuffer: 300 })
    expect(await manager.getToken()).toBe(a)
    expect(reads()).toBe(1)

    // htgettoken rewrites the file (new token valid for an hour from now)
    const b = await mint({ sub: 'B' }, 3600)
    await writeAtomic(bt, b)
    at(299) // 301 s left > 300: cached, the disk is not touched
    expect(await manager.getToken()).toBe(a)
    expect(reads()).toBe(1)

    at(300) // 300 s left: rediscovered from disk
    expect(await manager.getToken()).toBe(b)
    expect(reads()).toBe(2)
    expect((await manager.getTokenInfo()).principal).toBe('B')
    expect(reads()).toBe(2) // B is cached now
  })

  test('concurrent getToken() calls share one discovery (one read of the file)', async () => {
    const a = await mint({ sub: 'A' }, 600)
    await writeAtomic(bt, a)
    const manager = new SciTokenRefreshManager(BROKER, { env, refreshBuffer: 300 })
    const first = await Promise.all(Array.from({ length: 20 }, () => manager.getToken()))
    expect(new Set(first)).toEqual(new Set([a]))
    expect(reads()).toBe(1)

    const b = await mint({ sub: 'B' }, 3600)
    await writeAtomic(bt, b)
    at(400)
    const infos = await Promise.all([
      ...Array.from({ length: 10 }, () => manager.getToken()),
      ...Array.from({ length: 10 }, () => manager.getTokenInfo().then((i) => i.value)),
    ])
    expect(new Set(infos)).toEqual(new Set([b]))
    expect(reads()).toBe(2)
  })

  test('keeps a still-valid cached token when rediscovery fails, retries each call, throws EXPIRED after exp', async () => {
    const a = await mint({ sub: 'A' }, 600)
    await writeAtomic(bt, a)
    const manager = new SciTokenRefreshManager(BROKER, { env, refreshBuffer: 300 })
    expect(await manager.getToken()).toBe(a)
    await rm(bt)

    at(400)
    expect(await manager.getToken()).toBe(a) // no throw, no log
    expect(await manager.getToken()).toBe(a)
    expect(reads()).toBe(3) // retried at each call

    at(600) // exp reached, nothing fresh
    const err = (await manager.getToken().catch((e: unknown) => e)) as KafkaTokenError
    expect(err).toBeInstanceOf(KafkaTokenError)
    expect(err.code).toBe(TOKEN_ERROR_CODES.EXPIRED)
    expect(err.source).toBe(bt)
    expect(err.message).toMatch(/expired at 2030-01-01 12:10:00 UTC and no fresh token was found/)
    expect(err.message).toMatch(/bt_u\d+ does not exist/)
    expect((err.cause as KafkaTokenError).code).toBe(TOKEN_ERROR_CODES.NOT_FOUND)

    // htgettoken runs again: the next call recovers without a restart
    const c = await mint({ sub: 'C' }, 3600)
    await writeAtomic(bt, c)
    expect(await manager.getToken()).toBe(c)
  })

  test('construction never discovers; the first getToken() rejects with the discovery error', async () => {
    const manager = new SciTokenRefreshManager(BROKER, { env })
    expect(reads()).toBe(0)
    await expect(manager.getToken()).rejects.toMatchObject({ code: TOKEN_ERROR_CODES.NOT_FOUND, source: bt })
  })

  test('createCallback() resolves what kafkajs needs plus expiry, principal, scope and source', async () => {
    const token = await mint({ sub: 'alice', scope: 'kafka.produce' }, 3600)
    await writeAtomic(bt, token)
    const manager = new SciTokenRefreshManager('kafka.example.org:9092', { env })
    const callback = manager.createCallback()
    expect(await callback()).toEqual({
      value: token,
      expiresAt: T0 + 3600_000,
      principal: 'alice',
      scope: 'kafka.produce',
      source: bt,
    })
    expect(manager.audience).toBe('kafka.example.org')
    expect(manager.scope).toBe('kafka.produce')
    expect(manager.refreshBuffer).toBe(300)
  })

  test('close() is idempotent and later calls reject; dispose symbols close it', async () => {
    await writeAtomic(bt, await mint({}, 3600))
    const manager = new SciTokenRefreshManager(BROKER, { env })
    await manager.getToken()
    manager.close()
    manager.close()
    expect(manager.closed).toBe(true)
    await expect(manager.getToken()).rejects.toBeInstanceOf(ClientClosedError)
    await expect(manager.getToken()).rejects.toMatchObject({
      code: 'ERR_CLIENT_CLOSED',
      client: 'token-manager',
    })

    const other = new SciTokenRefreshManager(BROKER, { env })
    await other[Symbol.asyncDispose]()
    expect(other.closed).toBe(true)
    const third = new SciTokenRefreshManager(BROKER, { env })
    third[Symbol.dispose]()
    expect(third.closed).toBe(true)
  })

  test('closing during a discovery rejects that call with ClientClosedError', async () => {
    await writeAtomic(bt, await mint({}, 3600))
    const manager = new SciTokenRefreshManager(BROKER, { env })
    const pending = manager.getToken()
    manager.close()
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CLIENT_CLOSED', client: 'token-manager' })
  })

  test('uses no timers: nothing keeps the process alive', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const before = timers()
    await writeAtomic(bt, await mint({}, 600))
    const manager = new SciTokenRefreshManager(BROKER, { env, refreshBuffer: 300 })
    await manager.getToken()
    at(400)
    await manager.getToken()
    // At most as many as before (a timer an earlier test left may have fired meanwhile), never one more.
    expect(timers()).toBeLessThanOrEqual(before)
    manager.close()
  })

  test('an invalid refreshBuffer is an InvalidOptionError', () => {
    expect(() => new SciTokenRefreshManager(BROKER, { refreshBuffer: -5 })).toThrow(/refreshBuffer/)
  })
})
