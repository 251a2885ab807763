// The broker's warm-up before anything is timed: with the full JIT (`--broker-jvm kafka`), the broker's produce,
// fetch and TLS paths run interpreted or C1-compiled until C2 has compiled them, so the first contender of the
// first round would meet a slower broker than the others. Producing and consuming a few hundred thousand
// messages, compressed and not, on 1 and 3 partitions (the bench's shapes) compiles those paths for everyone.
import { oursConsume } from './node-consumer.js'
import { oursProduce } from './node-producer.js'
import type { PeersEnv } from './setup.js'

/** Run `messages` through the broker per shape (zstd and none, 1 and 3 partitions, then read back). */
export async function warmUpBroker(env: PeersEnv, messages: number): Promise<number> {
  const started = performance.now()
  for (const partitions of [1, 3]) {
    for (const compression of ['zstd', 'none'] as const) {
      const topic = await env.topic(`warm-up-${partitions}p-${compression}`, partitions)
      try {
        await oursProduce(env, topic, messages, compression)
        await oursConsume(env, topic, messages, `warm-up-${partitions}p-${compression}`)
      } finally {
        await env.drop(topic)
      }
    }
  }
  return (performance.now() - started) / 1000
}
