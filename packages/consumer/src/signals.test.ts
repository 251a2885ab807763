import { afterEach, describe, expect, it } from 'vitest'
import { onStopSignal } from './signals.js'

const original = (): void => {}

afterEach(() => {
  process.removeListener('SIGINT', original)
  process.removeListener('SIGTERM', original)
})

describe('onStopSignal', () => {
  it('routes SIGINT/SIGTERM to the subscriber instead of the previous handlers, then restores them', () => {
    process.on('SIGINT', original)
    process.on('SIGTERM', original)
    const seen: string[] = []
    const release = onStopSignal((s) => seen.push(s))
    expect(process.listeners('SIGINT')).not.toContain(original)
    process.emit('SIGINT')
    process.emit('SIGTERM')
    expect(seen).toEqual(['SIGINT', 'SIGTERM'])
    release()
    release() // idempotent
    expect(process.listeners('SIGINT')).toContain(original)
    expect(process.listeners('SIGTERM')).toContain(original)
  })
  it('shares one installation between concurrent streams and restores after the last one ends', () => {
    process.on('SIGINT', original)
    const a: string[] = []
    const b: string[] = []
    const releaseA = onStopSignal((s) => a.push(s))
    const releaseB = onStopSignal((s) => b.push(s))
    process.emit('SIGINT')
    releaseA()
    expect(process.listeners('SIGINT')).not.toContain(original)
    process.emit('SIGINT')
    releaseB()
    expect(a).toEqual(['SIGINT'])
    expect(b).toEqual(['SIGINT', 'SIGINT'])
    expect(process.listeners('SIGINT')).toEqual(expect.arrayContaining([original]))
  })
  it('a once() handler installed before is still a once() handler afterwards: it fires once', () => {
    // Emitting SIGINT outside a subscription reaches every SIGINT listener: set the test runner's aside.
    const others = process.rawListeners('SIGINT') as NodeJS.SignalsListener[]
    process.removeAllListeners('SIGINT')
    try {
      let calls = 0
      const onceHandler = (): void => {
        calls++
      }
      process.once('SIGINT', onceHandler)
      const release = onStopSignal(() => {})
      process.emit('SIGINT')
      expect(calls).toBe(0) // routed to the subscriber while it is active
      release()
      expect(process.listeners('SIGINT')).toEqual([onceHandler])
      process.emit('SIGINT')
      process.emit('SIGINT')
      expect(calls).toBe(1)
      expect(process.listeners('SIGINT')).toEqual([])
    } finally {
      process.removeAllListeners('SIGINT')
      for (const l of others) process.on('SIGINT', l)
    }
  })
})
