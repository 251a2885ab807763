import { describe, expect, it } from 'vitest'
import { WireOrder } from './wire-order.js'

/** An encoding that finishes when the test says so; its send records the order requests were written in. */
function encoding(name: string, written: string[]) {
  let finish = (): void => {}
  let fail = (_e: Error): void => {}
  const encoded = new Promise<() => Promise<string>>((resolve, reject) => {
    finish = () =>
      resolve(async () => {
        written.push(name)
        return `answer ${name}`
      })
    fail = reject
  })
  return { encoded, finish, fail }
}

describe('WireOrder', () => {
  it('writes requests in the order they were started, though later encodings finish first', async () => {
    const order = new WireOrder()
    const written: string[] = []
    const [a, b, c] = ['a', 'b', 'c'].map((n) => encoding(n, written)) as [
      ReturnType<typeof encoding>,
      ReturnType<typeof encoding>,
      ReturnType<typeof encoding>,
    ]
    const answers = [order.send(a.encoded), order.send(b.encoded), order.send(c.encoded)]
    c.finish()
    b.finish()
    await new Promise((resolve) => setImmediate(resolve))
    expect(written).toEqual([]) // b and c wait for a's turn
    a.finish()
    expect(await Promise.all(answers)).toEqual(['answer a', 'answer b', 'answer c'])
    expect(written).toEqual(['a', 'b', 'c'])
  })

  it('a failed encoding rejects its own send and lets the next request go', async () => {
    const order = new WireOrder()
    const written: string[] = []
    const a = encoding('a', written)
    const b = encoding('b', written)
    const first = order.send(a.encoded)
    const second = order.send(b.encoded)
    b.finish()
    a.fail(new Error('encoding failed'))
    await expect(first).rejects.toThrow('encoding failed')
    await expect(second).resolves.toBe('answer b')
    expect(written).toEqual(['b'])
  })

  it('the next request is written before the previous answer arrives (pipelining)', async () => {
    const order = new WireOrder()
    const written: string[] = []
    let answerA = (): void => {}
    const slow = Promise.resolve(async () => {
      written.push('a')
      await new Promise<void>((resolve) => (answerA = resolve))
      return 'answer a'
    })
    const first = order.send(slow)
    const b = encoding('b', written)
    const second = order.send(b.encoded)
    b.finish()
    await expect(second).resolves.toBe('answer b')
    expect(written).toEqual(['a', 'b'])
    answerA()
    await expect(first).resolves.toBe('answer a')
  })

  it('counts the requests not yet handed over, and calls back each time one is', async () => {
    let handedOver = 0
    const order = new WireOrder(() => handedOver++)
    const written: string[] = []
    const a = encoding('a', written)
    const b = encoding('b', written)
    const answers = [order.send(a.encoded), order.send(b.encoded)]
    expect(order.waiting).toBe(2)
    b.finish()
    await new Promise((resolve) => setImmediate(resolve))
    expect([order.waiting, handedOver]).toEqual([2, 0]) // b waits for a's turn
    a.finish()
    await Promise.all(answers)
    expect([order.waiting, handedOver]).toEqual([0, 2])
  })
})
