const TYPES: Readonly<Record<string, string>> = {
  xml: 'application/xml',
  json: 'application/json',
  txt: 'text/plain',
  gz: 'application/gzip',
  png: 'image/png',
  html: 'text/html',
  csv: 'text/csv',
  hdf5: 'application/x-hdf5',
  h5: 'application/x-hdf5',
  fits: 'application/fits',
}

/**
 * The MIME type sent with an uploaded event file, guessed from its extension as the Python reference does
 * (`.xml` → `application/xml`); unknown extensions give `application/octet-stream`.
 *
 * @example
 * ```ts
 * guessMimeType('coinc.xml') // 'application/xml'
 * guessMimeType('frame.gwf') // 'application/octet-stream'
 * ```
 */
export function guessMimeType(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? ''
  const dot = base.lastIndexOf('.')
  if (dot <= 0) return 'application/octet-stream'
  return TYPES[base.slice(dot + 1).toLowerCase()] ?? 'application/octet-stream'
}
