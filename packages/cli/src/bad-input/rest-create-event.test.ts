// Validate first, then act: createEvent (and uploadReservedEvent's event file) refuse a bad argument, option or
// event file with a typed error naming it before any request reaches the server, before the producer is touched,
// and before a graceid is reserved. `null` options are an InvalidOptionError on '(options)', as the producer's
// `produce(v, null)`. The table runs in ../testing/rest-calls.ts.
import { join } from 'node:path'
import { InvalidOptionError } from '@gracedb-kafka/core'
import { GraceDbFileError } from '@gracedb-kafka/rest'
import {
  type CallCase,
  describeRestCalls,
  JWT_KEY,
  OPTION,
  useRestCallFixture,
} from '../testing/rest-calls.js'

const fx = useRestCallFixture()
const file = (name: string) => () => join(fx.dir, name)

const CASES: CallCase[] = [
  // createEvent: the Kafka producer, checked before a graceid is reserved (it used to be reserved, orphaned,
  // and followed by a raw TypeError).
  {
    name: 'createEvent kafka: {}',
    call: (c) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: {} as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafka',
    says: /expected a Kafka producer/,
  },
  {
    name: "createEvent kafka: 'yes'",
    call: (c) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: 'yes' as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafka',
  },
  {
    name: 'createEvent kafka: true',
    call: (c) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: true as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafka',
  },
  {
    name: 'createEvent kafka with a flushTimeout that is text',
    call: (c, p) =>
      c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: { ...p, flushTimeout: 'ten' } as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafka',
  },
  {
    name: 'createEvent kafka without flush()',
    call: (c, p) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: { ...p, flush: undefined } as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'kafka',
  },
  {
    name: 'createEvent options null',
    call: (c) => c.createEvent('CBC', 'gstlal', fx.coinc, null as never),
    error: InvalidOptionError,
    code: OPTION,
    names: '(options)',
    says: /expected an options object/,
  },
  {
    name: 'createEvent options a string',
    call: (c) => c.createEvent('CBC', 'gstlal', fx.coinc, 'AllSky' as never),
    error: InvalidOptionError,
    code: OPTION,
    names: '(options)',
  },
  {
    name: 'createEvent a mistyped option',
    call: (c, p) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: p, httpFalback: true } as never),
    error: InvalidOptionError,
    code: OPTION,
    names: 'httpFalback',
    says: /did you mean "httpFallback"/,
  },
  {
    name: 'createEvent a JWT as an option key',
    call: (c, p) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: p, [JWT_KEY]: 1 } as never),
    error: InvalidOptionError,
    code: OPTION,
    names: '[REDACTED-TOKEN]',
  },
  {
    name: "createEvent gracedbUpload: 'no'",
    call: (c, p) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: p, gracedbUpload: 'no' as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'gracedbUpload',
  },
  {
    name: "createEvent httpFallback: 'yes'",
    call: (c, p) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: p, httpFallback: 'yes' as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'httpFallback',
  },
  {
    name: 'createEvent skipSupervisor: 1',
    call: (c, p) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: p, skipSupervisor: 1 as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'skipSupervisor',
  },
  {
    name: 'createEvent search: 7',
    call: (c, p) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: p, search: 7 as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'search',
  },
  {
    name: "createEvent signal: 'stop'",
    call: (c, p) => c.createEvent('CBC', 'gstlal', fx.coinc, { kafka: p, signal: 'stop' as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'signal',
  },
  {
    name: 'createEvent filecontents: 42',
    call: (c, p) => c.createEvent('CBC', 'gstlal', 'x.xml', { kafka: p, filecontents: 42 as never }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'filecontents',
  },
  {
    name: 'createEvent pipeline: 42',
    call: (c, p) => c.createEvent('CBC', 42 as never, fx.coinc, { kafka: p }),
    error: InvalidOptionError,
    code: OPTION,
    names: 'pipeline',
  },
  // createEvent: the event file, checked before the server is contacted (the API root used to be fetched first).
  ...(
    [
      ['a missing file', 'missing.xml', 'ERR_GRACEDB_FILE_MISSING'],
      ['a FIFO', 'fifo', 'ERR_GRACEDB_FILE_UNREADABLE'],
      ['a directory', 'a-directory', 'ERR_GRACEDB_FILE_UNREADABLE'],
    ] as const
  ).flatMap(([what, name, code]): CallCase[] => [
    {
      name: `createEvent over Kafka, ${what}`,
      call: (c, p) => c.createEvent('CBC', 'gstlal', join(fx.dir, name), { kafka: p }),
      error: GraceDbFileError,
      code,
      names: file(name),
    },
    {
      name: `createEvent over HTTP, ${what}`,
      call: (c) => c.createEvent('CBC', 'gstlal', join(fx.dir, name)),
      error: GraceDbFileError,
      code,
      names: file(name),
    },
    {
      name: `uploadReservedEvent, ${what}`,
      call: (c) => c.uploadReservedEvent('G1', join(fx.dir, name)),
      error: GraceDbFileError,
      code,
      names: file(name),
    },
  ]),
]

describeRestCalls('createEvent validates every argument before acting', fx, CASES)
