type SignalName = 'SIGINT' | 'SIGTERM'
const SIGNALS: readonly SignalName[] = ['SIGINT', 'SIGTERM']

type Listener = (signal: SignalName) => void

const active = new Set<Listener>()
// rawListeners(), not listeners(): a `once` handler is kept as its once-wrapper, so restoring it with `on` keeps it
// a one-shot handler (and `removeListener(sig, original)` still finds it).
let saved: Map<SignalName, NodeJS.SignalsListener[]> | undefined

const handlers: Record<SignalName, () => void> = {
  SIGINT: () => dispatch('SIGINT'),
  SIGTERM: () => dispatch('SIGTERM'),
}

function dispatch(signal: SignalName): void {
  for (const l of [...active]) l(signal)
}

/**
 * While at least one subscription is open, SIGINT and SIGTERM are routed to the subscribers instead of the
 * handlers that were installed before (which would usually end the process). When the last subscription closes,
 * the original handlers are put back, so a second Ctrl-C after the stream has ended behaves as usual.
 * Several concurrent streams share one installation.
 *
 * @returns a function that removes this subscription (idempotent).
 * @example
 * ```ts
 * const release = onStopSignal((sig) => console.log('stopping on', sig))
 * try { await work() } finally { release() }
 * ```
 */
export function onStopSignal(listener: Listener): () => void {
  if (active.size === 0) {
    saved = new Map()
    for (const sig of SIGNALS) {
      saved.set(sig, process.rawListeners(sig) as NodeJS.SignalsListener[])
      process.removeAllListeners(sig)
      process.on(sig, handlers[sig])
    }
  }
  const wrapped: Listener = (s) => listener(s)
  active.add(wrapped)
  let released = false
  return () => {
    if (released) return
    released = true
    active.delete(wrapped)
    if (active.size > 0) return
    for (const sig of SIGNALS) {
      process.removeListener(sig, handlers[sig])
      for (const original of saved?.get(sig) ?? []) process.on(sig, original)
    }
    saved = undefined
  }
}
