import { describe, expect, it } from 'vitest'
import { buildUploadMessage } from './upload-message.js'

const binary = Uint8Array.from([0, 1, 2, ...new TextEncoder().encode('binary data'), 0xff])

describe('buildUploadMessage', () => {
  it('has exactly the reference fields, with the file base64-encoded', () => {
    const msg = buildUploadMessage({
      serviceUrl: 'https://gracedb-test.ligo.org/api/',
      graceid: 'G999999',
      submitter: 'albert.einstein@ligo.org',
      pipeline: 'gstlal',
      gracedbUpload: true,
      skipSupervisor: false,
      labels: ['INJ', 'DQV'],
      filename: 'coinc.bin',
      bytes: binary,
      now: 1_700_000_000_500,
    })
    expect(msg).toEqual({
      type: 'upload',
      gracedb_server: 'https://gracedb-test.ligo.org/api/',
      graceid: 'G999999',
      submitter: 'albert.einstein@ligo.org',
      pipeline: 'gstlal',
      gracedb_upload: true,
      skip_supervisor: false,
      labels: ['INJ', 'DQV'],
      eventFile: ['coinc.bin', 'AAECYmluYXJ5IGRhdGH/'],
      _producer_timestamp: 1_700_000_000.5,
    })
    expect(new Uint8Array(Buffer.from(msg.eventFile[1], 'base64'))).toEqual(binary)
  })

  it('carries null graceid/submitter/labels and the flags when nothing was reserved', () => {
    const msg = buildUploadMessage({
      serviceUrl: 'https://gracedb-test.ligo.org/api/',
      graceid: null,
      submitter: null,
      pipeline: 'MBTA',
      gracedbUpload: false,
      skipSupervisor: true,
      labels: null,
      filename: 'x.xml',
      bytes: binary.subarray(3, 9),
    })
    expect(msg.graceid).toBeNull()
    expect(msg.submitter).toBeNull()
    expect(msg.labels).toBeNull()
    expect(msg.gracedb_upload).toBe(false)
    expect(msg.skip_supervisor).toBe(true)
    expect(msg.pipeline).toBe('MBTA')
    expect(Buffer.from(msg.eventFile[1], 'base64').toString()).toBe('binary')
    expect(JSON.parse(JSON.stringify(msg))).toEqual(msg)
  })
})
