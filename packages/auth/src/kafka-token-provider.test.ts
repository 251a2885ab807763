import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ClientClosedError, createKafkaTokenProvider, InvalidOptionError, KafkaTokenError } from './index.js'
import { BROKER } from './testing/bad-input-cases.js'
import { btPath, cleanup, mint, tempDir, writeAtomic } from './testing/tokens.js'

let dir: string
let bt: string
let env: NodeJS.ProcessEnv

beforeEach(async () => {
  dir = await tempDir()
  const xdg = join(dir, 'xdg')
  await mkdir(xdg)
  bt = btPath(xdg)
  env = { XDG_RUNTIME_DIR: xdg }
})
afterEach(async () => {
  await cleanup(dir)
})

const audience = BROKER.split(':')[0]
const token = (sub: string, lifetime = 3600) =>
  mint({ sub, aud: audience, scope: 'kafka.produce kafka.consume' }, lifetime)

describe('createKafkaTokenProvider', () => {
  it('reloadCred: false discovers afresh at every authentication, like the reference create_oauth_callback', async () => {
    const tokens = createKafkaTokenProvider(BROKER, {
      scope: 'kafka.produce',
      reloadCred: false,
      reloadBuffer: 300,
      env,
    })
    await writeAtomic(bt, await token('first'))
    expect((await tokens.provide()).principal).toBe('first')
    await writeAtomic(bt, await token('second'))
    expect((await tokens.provide()).principal).toBe('second')
    tokens.close()
  })

  it('reloadCred: true caches the token until it is within reloadBuffer of expiry', async () => {
    const tokens = createKafkaTokenProvider(BROKER, {
      scope: 'kafka.consume',
      reloadCred: true,
      reloadBuffer: 300,
      env,
    })
    await writeAtomic(bt, await token('cached'))
    const first = await tokens.provide()
    expect(first.principal).toBe('cached')
    expect(first.source).toBe(bt)
    await writeAtomic(bt, await token('newer'))
    expect((await tokens.provide()).principal).toBe('cached') // an hour left: no re-read yet
    tokens.close()
    tokens.close() // idempotent
  })

  it('reloadCred: true re-reads a token that is already within reloadBuffer of expiry', async () => {
    const tokens = createKafkaTokenProvider(BROKER, {
      scope: 'kafka.consume',
      reloadCred: true,
      reloadBuffer: 3590,
      env,
    })
    await writeAtomic(bt, await token('short', 3500))
    expect((await tokens.provide()).principal).toBe('short')
    await writeAtomic(bt, await token('rewritten', 3500))
    expect((await tokens.provide()).principal).toBe('rewritten') // 3500 s left < reloadBuffer: re-read
    tokens.close()
  })

  it('a malformed option throws InvalidOptionError at creation, before any provide()', () => {
    expect(() =>
      createKafkaTokenProvider(BROKER, { scope: 'kafka.produce', reloadCred: true, reloadBuffer: -1, env }),
    ).toThrow(InvalidOptionError)
  })

  it('close() before the first provide() makes provide() fail with the manager-closed error', async () => {
    await writeAtomic(bt, await token('never-used'))
    const tokens = createKafkaTokenProvider(BROKER, {
      scope: 'kafka.produce',
      reloadCred: true,
      reloadBuffer: 300,
      env,
    })
    tokens.close()
    const err = await tokens.provide().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClientClosedError)
    expect(err).toMatchObject({ code: 'ERR_CLIENT_CLOSED', client: 'token-manager' })
  })

  it('creating one reads nothing; the first provide() reports a missing token', async () => {
    const tokens = createKafkaTokenProvider(BROKER, {
      scope: 'kafka.produce',
      reloadCred: true,
      reloadBuffer: 300,
      env,
    })
    await expect(tokens.provide()).rejects.toBeInstanceOf(KafkaTokenError)
  })

  it('provide is a plain function that kafkajs can call unbound', async () => {
    const { provide } = createKafkaTokenProvider(BROKER, {
      scope: 'kafka.produce',
      reloadCred: false,
      reloadBuffer: 300,
      env,
    })
    await writeAtomic(bt, await token('unbound'))
    expect((await provide()).value.split('.')).toHaveLength(3)
  })
})
