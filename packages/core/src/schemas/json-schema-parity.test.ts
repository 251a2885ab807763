import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { REQUIRED_FIELDS, validatePingMessage, validateUploadMessage } from '../index.js'

// Equivalence with the JSON schemas ligo-gracedb 2.16.1 ships, judged by the reference itself: every case below
// is validated by the reference's `validate_message` (jsonschema, in the project's Python venv, made by
// scripts/setup-python-peer.mjs) and by ours, and the verdicts must agree. Skipped when the venv is absent.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../..')
const PY = join(ROOT, '.venv/bin/python')
const libDir = existsSync(join(ROOT, '.venv/lib')) ? readdirSync(join(ROOT, '.venv/lib')) : []
const SCHEMAS = libDir
  .map((d) => join(ROOT, '.venv/lib', d, 'site-packages/ligo/gracedb/kafka/schemas'))
  .find((d) => existsSync(d))

const SCRIPT = `
import json, sys
from ligo.gracedb.kafka.schema import validate_message, UPLOAD_MESSAGE_SCHEMA, PING_MESSAGE_SCHEMA
from jsonschema import ValidationError
cases = json.load(sys.stdin)
out = []
for c in cases:
    try:
        validate_message(c)
        out.append(True)
    except ValidationError:
        out.append(False)
    except TypeError:
        # the reference's dispatch looks the type up in a dict: a list or dict "type" raises TypeError,
        # which refuses the message all the same
        out.append(False)
print(json.dumps({"verdicts": out, "upload": UPLOAD_MESSAGE_SCHEMA, "ping": PING_MESSAGE_SCHEMA}))
`

// One value of every JSON type (and the edge cases of each), tried in every field.
const VALUES: unknown[] = [
  undefined, // field absent
  null,
  true,
  0,
  -1.5,
  1774900000.25,
  '',
  'text',
  [],
  ['a'],
  ['a', 'b'],
  ['a', 'b', 'c'],
  ['a', 1],
  [null, 'b'],
  {},
  { nested: true },
]
const UPLOAD = {
  type: 'upload',
  gracedb_server: 'https://gracedb-test.ligo.org/api/',
  graceid: 'G123456',
  submitter: 'user@ligo.org',
  pipeline: 'gstlal',
  gracedb_upload: true,
  skip_supervisor: false,
  labels: ['DQV'],
  eventFile: ['coinc.xml', 'PGh0bWw+PC9odG1sPg=='],
  content_id: '550e8400-e29b-41d4-a716-446655440000',
  _producer_timestamp: 1774900000.0,
}
const PING = {
  type: 'ping',
  timestamp: 1774900000.0,
  client: 'ligo-gracedb',
  sub: 'alice',
  scope: 'gracedb.read',
}

function variants(base: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [base, { ...base, extra_field: { any: 'thing' } }]
  for (const key of [...Object.keys(base), 'extra_field']) {
    for (const value of VALUES) {
      const msg: Record<string, unknown> = { ...base }
      if (value === undefined) delete msg[key]
      else msg[key] = value
      out.push(msg)
    }
  }
  return out
}

describe.runIf(existsSync(PY) && SCHEMAS !== undefined)('parity with the reference JSON schemas', () => {
  const cases = [...variants(UPLOAD), ...variants(PING)]
  const run = spawnSync(PY, ['-c', SCRIPT], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 60_000,
  })
  const reference = JSON.parse(run.status === 0 ? run.stdout : '{}') as {
    verdicts: boolean[]
    upload: { required: string[]; properties: Record<string, unknown>; additionalProperties: boolean }
    ping: { required: string[]; properties: Record<string, unknown>; additionalProperties: boolean }
  }

  it('the reference ran', () => {
    expect(run.stderr).toBe('')
    expect(reference.verdicts).toHaveLength(cases.length)
  })

  it('same required fields and same properties', () => {
    expect(REQUIRED_FIELDS.upload).toEqual(reference.upload.required)
    expect(REQUIRED_FIELDS.ping).toEqual(reference.ping.required)
    expect(Object.keys(reference.upload.properties).sort()).toEqual(Object.keys(UPLOAD).sort())
    expect(Object.keys(reference.ping.properties).sort()).toEqual(Object.keys(PING).sort())
    expect(reference.upload.additionalProperties).toBe(true)
    expect(reference.ping.additionalProperties).toBe(true)
  })

  it(`every one of ${cases.length} messages gets the reference's verdict`, () => {
    const disagreements = cases.flatMap((msg, i) => {
      const validate = msg.type === 'ping' ? validatePingMessage : validateUploadMessage
      let ours: boolean
      try {
        validate(msg)
        ours = true
      } catch {
        ours = false
      }
      return ours === reference.verdicts[i] ? [] : [{ msg, reference: reference.verdicts[i], ours }]
    })
    expect(disagreements).toEqual([])
    // The matrix exercises both verdicts in quantity.
    expect(reference.verdicts.filter(Boolean).length).toBeGreaterThan(30)
    expect(reference.verdicts.filter((v) => !v).length).toBeGreaterThan(150)
  })
})
