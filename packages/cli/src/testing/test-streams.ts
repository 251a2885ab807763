import { PassThrough, Readable } from 'node:stream'
import type { Streams } from '../output.js'

/** In-memory streams for running the command in-process (tests). */
export function memoryStreams(input = '', tty = false): Streams & { out(): string; err(): string } {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c: Buffer) => {
    out += c.toString()
  })
  stderr.on('data', (c: Buffer) => {
    err += c.toString()
  })
  const stdin = Readable.from(input.length > 0 ? [input] : []) as Readable & { isTTY?: boolean }
  stdin.isTTY = tty && input.length === 0
  return { stdout, stderr, stdin, out: () => out, err: () => err }
}
