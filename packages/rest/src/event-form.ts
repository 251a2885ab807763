import type { EventFile } from './event-file.js'
import { guessMimeType } from './mime-type.js'

/** One form field: a value, several values (repeated field), or nothing (field left out). */
export type FormValue = string | readonly string[] | undefined

/**
 * The multipart body of an event upload: the fields in order (arrays become repeated fields, `undefined` is
 * left out), then the file as `eventFile` with its guessed MIME type.
 *
 * @example
 * ```ts
 * const form = eventForm({ group: 'CBC', pipeline: 'gstlal', labels: ['INJ', 'DQV'] }, { filename: 'coinc.xml', bytes })
 * ```
 */
export function eventForm(fields: Readonly<Record<string, FormValue>>, file: EventFile): FormData {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue
    for (const v of typeof value === 'string' ? [value] : value) form.append(name, v)
  }
  form.append('eventFile', new Blob([file.bytes], { type: guessMimeType(file.filename) }), file.filename)
  return form
}
