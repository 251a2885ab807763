/**
 * GraceDB's own error text from an error body: `detail` of a Django REST framework reply, the messages of a
 * field → messages object (`group: Object with name=Foo does not exist.`), a JSON string or list, the `<title>`
 * (or text) of an HTML page, or the plain body.
 *
 * @example
 * ```ts
 * serverMessage('{"detail":"Invalid token."}', 'application/json') // 'Invalid token.'
 * serverMessage('{"group":["Bad group"]}', 'application/json')   // 'group: Bad group'
 * ```
 */
export function serverMessage(body: string, contentType: string): string {
  const text = body.trim()
  if (text.length === 0) return ''
  if (looksLikeHtml(text, contentType)) return htmlText(text)
  try {
    return flatten(JSON.parse(text) as unknown).slice(0, 1000)
  } catch {
    return text.slice(0, 1000)
  }
}

/**
 * Whether a body is an HTML page (by content type or by its first characters).
 *
 * @example
 * ```ts
 * looksLikeHtml('<!DOCTYPE html><html>…', '') // true
 * ```
 */
export function looksLikeHtml(body: string, contentType: string): boolean {
  if (/text\/html|application\/xhtml/i.test(contentType)) return true
  return /^\s*(<!doctype html|<html[\s>])/i.test(body)
}

function htmlText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]
  const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html)?.[1]
  const raw = title ?? heading ?? html.replace(/<[^>]+>/g, ' ')
  return raw.replace(/\s+/g, ' ').trim().slice(0, 300)
}

function flatten(value: unknown, prefix = ''): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return prefix ? `${prefix}: ${value}` : value
  if (typeof value !== 'object') return prefix ? `${prefix}: ${String(value)}` : String(value)
  if (Array.isArray(value)) {
    const parts = value.map((v) => flatten(v)).filter((s) => s.length > 0)
    return prefix ? `${prefix}: ${parts.join('; ')}` : parts.join('; ')
  }
  const record = value as Record<string, unknown>
  if (typeof record.detail === 'string') return record.detail
  if (typeof record.error === 'string') return record.error
  const parts: string[] = []
  for (const [key, v] of Object.entries(record)) {
    const label = key === 'non_field_errors' ? '' : key
    const s = flatten(v, label)
    if (s) parts.push(s)
  }
  return parts.join('; ')
}
