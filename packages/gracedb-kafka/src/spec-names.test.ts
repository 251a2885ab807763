import { describe, expect, it } from 'vitest'
import * as api from './index.js'

// Every name the Python reference documents (ligo.gracedb.kafka and ligo.gracedb.rest's Kafka part), mapped to
// its TypeScript name, kind and arity. The spec is ../shared/reference/000_2c380401f386d04d.txt; the Python
// signatures are those of ligo-gracedb 2.16.1. Arity is JavaScript's `Function.length`: the parameters before
// the first optional one. Python's required positional arguments stay positional; its keyword arguments become
// one trailing options object (which is optional, so it is not counted).

type Fn = ((...args: never[]) => unknown) & { prototype?: object }
const exported = api as unknown as Record<string, unknown>

/** A method of a class, by its Python and TypeScript names, with the arity of the TypeScript method. */
interface Method {
  python: string
  ts: string
  arity: number
}
interface SpecClass {
  kind: 'class'
  ts: string
  /** `new X(...)` arity. */
  arity: number
  methods: Method[]
  /** Python methods that take no argument and became read-only properties. */
  getters?: Array<{ python: string; ts: string }>
}
interface SpecFunction {
  kind: 'function'
  ts: string
  arity: number
}

const m = (python: string, ts: string, arity: number): Method => ({ python, ts, arity })

const SPEC: Record<string, SpecClass | SpecFunction> = {
  // GraceDbKafkaProducer(bootstrap_servers, topic=None, …) → new GraceDbKafkaProducer({ bootstrapServers, … })
  GraceDbKafkaProducer: {
    kind: 'class',
    ts: 'GraceDbKafkaProducer',
    arity: 1,
    methods: [
      m('produce', 'produce', 1), // produce(value, topic=None, key=None, headers=None, …)
      m('flush', 'flush', 0), // flush(timeout=-1, strict=False)
      m('close', 'close', 0), // close(timeout=30)
      m('ping', 'ping', 0), // ping(topic=None, timeout=10)
    ],
    getters: [{ python: 'pending_messages', ts: 'pendingMessages' }],
  },
  // GraceDbKafkaConsumer(bootstrap_servers, topics=None, …)
  GraceDbKafkaConsumer: {
    kind: 'class',
    ts: 'GraceDbKafkaConsumer',
    arity: 1,
    methods: [
      m('subscribe', 'subscribe', 1), // subscribe(topics)
      m('poll', 'poll', 1), // poll(timeout=1.0): `poll(timeout?: number)`
      m('stream', 'stream', 1), // stream(timeout=1.0, count=None): `stream(options?: StreamOptions)`
      m('stop', 'stop', 0),
      m('close', 'close', 0),
    ],
  },
  // SciTokenRefreshManager(broker_url, scope=…, audience=None, refresh_buffer=300)
  SciTokenRefreshManager: {
    kind: 'class',
    ts: 'SciTokenRefreshManager',
    arity: 1,
    methods: [m('get_token', 'getToken', 0), m('create_callback', 'createCallback', 0)],
  },
  // GraceDb(service_url=…, …)
  GraceDb: {
    kind: 'class',
    ts: 'GraceDb',
    arity: 0,
    methods: [
      m('create_event', 'createEvent', 3), // create_event(group, pipeline, filename, search=None, …)
      m('upload_reserved_event', 'uploadReservedEvent', 2), // upload_reserved_event(graceid, filename, …)
      m('create_kafka_producer', 'createKafkaProducer', 1), // create_kafka_producer(bootstrap_servers, …)
    ],
  },
  get_scitoken_for_kafka: { kind: 'function', ts: 'getScitokenForKafka', arity: 1 }, // (broker_url, scope=…, audience=None)
  create_oauth_callback: { kind: 'function', ts: 'createOAuthCallback', arity: 1 }, // (broker_url, scope=…, audience=None)
  derive_instance_name: { kind: 'function', ts: 'deriveInstanceName', arity: 1 }, // (service_url)
  make_topic_name: { kind: 'function', ts: 'makeTopicName', arity: 2 }, // (instance_name, pipeline)
  parse_topic_name: { kind: 'function', ts: 'parseTopicName', arity: 1 }, // (namespaced_topic)
  // ligo.gracedb.kafka.schema
  validate_message: { kind: 'function', ts: 'validateMessage', arity: 1 }, // (message)
}

/** ligo.gracedb.kafka.exceptions: each class and its direct base. */
const ERROR_BASES: Array<[name: string, base: string | undefined]> = [
  ['KafkaError', undefined],
  ['KafkaAuthenticationError', 'KafkaError'],
  ['KafkaTokenError', 'KafkaAuthenticationError'],
  ['KafkaProducerError', 'KafkaError'],
  ['KafkaConsumerError', 'KafkaError'],
  ['KafkaConnectionError', 'KafkaError'],
  ['KafkaMessageDeliveryError', 'KafkaProducerError'],
  ['KafkaTopicError', 'KafkaMessageDeliveryError'],
]

const isClass = (value: unknown): boolean =>
  typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value))

function findMember(ctor: Fn, name: string): PropertyDescriptor | undefined {
  for (
    let proto = ctor.prototype;
    proto != null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const d = Object.getOwnPropertyDescriptor(proto, name)
    if (d !== undefined) return d
  }
  return undefined
}

describe('the meta-package exports every documented name with its kind and arity', () => {
  it.each(Object.entries(SPEC))('%s', (_python, spec) => {
    const value = exported[spec.ts]
    expect(typeof value, spec.ts).toBe('function')
    const fn = value as Fn
    expect(isClass(fn), `${spec.ts} is a ${spec.kind}`).toBe(spec.kind === 'class')
    expect(fn.length, `${spec.ts} arity`).toBe(spec.arity)
    if (spec.kind === 'function') return
    // A class constructor cannot be called without `new`.
    expect(() => (fn as () => unknown)()).toThrow(TypeError)
    for (const method of spec.methods) {
      const d = findMember(fn, method.ts)
      expect(typeof d?.value, `${spec.ts}.${method.ts} (Python ${method.python}) is a method`).toBe(
        'function',
      )
      expect((d!.value as Fn).length, `${spec.ts}.${method.ts} arity`).toBe(method.arity)
    }
    for (const getter of spec.getters ?? []) {
      const d = findMember(fn, getter.ts)
      expect(typeof d?.get, `${spec.ts}.${getter.ts} (Python ${getter.python}()) is a getter`).toBe(
        'function',
      )
      expect(d?.set, `${spec.ts}.${getter.ts} is read-only`).toBeUndefined()
    }
  })

  it.each(ERROR_BASES)('%s is a class whose direct base is %s', (name, base) => {
    const ctor = exported[name] as Fn
    expect(isClass(ctor), name).toBe(true)
    const parent = Object.getPrototypeOf(ctor) as Fn
    if (base === undefined) {
      expect(new (ctor as unknown as new (message: string) => Error)('x')).toBeInstanceOf(Error)
    } else {
      expect(parent, `${name} extends ${base}`).toBe(exported[base])
    }
    const err = new (ctor as unknown as new (message: string) => Error)('boom')
    expect(err.name).toBe(name)
    expect(err.message).toBe('boom')
    expect(typeof (err as { code?: unknown }).code).toBe('string')
  })

  it.each(['GraceDbKafkaProducer', 'GraceDbKafkaConsumer', 'GraceDb', 'SciTokenRefreshManager'])(
    '%s has close() and [Symbol.asyncDispose]() (await using)',
    (name) => {
      const ctor = exported[name] as Fn
      expect(typeof findMember(ctor, 'close')?.value, `${name}.close`).toBe('function')
      const dispose = Object.getOwnPropertyDescriptor(ctor.prototype, Symbol.asyncDispose)
      expect(typeof dispose?.value, `${name}[Symbol.asyncDispose]`).toBe('function')
      expect((dispose!.value as Fn).length).toBe(0)
    },
  )

  it('ClientClosedError is the one closed error: a KafkaError class with code ERR_CLIENT_CLOSED', () => {
    const ctor = exported.ClientClosedError as Fn
    expect(isClass(ctor)).toBe(true)
    expect(Object.getPrototypeOf(ctor)).toBe(exported.KafkaError)
    expect(ctor.length, 'new ClientClosedError(client, message?, options = {})').toBe(2) // `message?` counts
    const err = new (ctor as unknown as new (client: string) => Error & { code: string; client: string })(
      'producer',
    )
    expect(err).toMatchObject({ name: 'ClientClosedError', code: 'ERR_CLIENT_CLOSED', client: 'producer' })
  })

  it('keeps internals out of the public surface', () => {
    for (const internal of [
      'connectionOptionsShape',
      'connectionOptionsSchema',
      'createOauthBearerAuthenticator',
      'parseProducerOptions',
      'parseConsumerOptions',
      'parseGraceDbOptions',
      'readEventFile',
      'buildKafkaConfig',
      'toKafkaError',
      'createKafkaTokenProvider',
    ]) {
      expect(exported, internal).not.toHaveProperty(internal)
    }
  })

  it('topic utilities behave as the spec examples say', () => {
    expect(api.deriveInstanceName('https://gracedb-dev.ligo.org/api/')).toBe('gracedb-dev')
    expect(api.makeTopicName('gracedb-dev', 'gstlal')).toBe('gracedb-dev.gstlal')
    expect(api.parseTopicName('gracedb-dev.gstlal')).toEqual(['gracedb-dev', 'gstlal'])
  })
})
