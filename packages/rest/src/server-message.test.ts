import { describe, expect, it } from 'vitest'
import { looksLikeHtml, serverMessage } from './server-message.js'

describe('serverMessage', () => {
  it('extracts GraceDB/DRF error text', () => {
    expect(serverMessage('{"detail":"Invalid token."}', 'application/json')).toBe('Invalid token.')
    expect(serverMessage('{"group":["Object with name=Nope does not exist."]}', 'application/json')).toBe(
      'group: Object with name=Nope does not exist.',
    )
    expect(serverMessage('{"non_field_errors":["a","b"]}', 'application/json')).toBe('a; b')
    expect(serverMessage('["Bad request"]', 'application/json')).toBe('Bad request')
    expect(serverMessage('plain words', 'text/plain')).toBe('plain words')
  })

  it('uses the title of an HTML page', () => {
    const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>'
    expect(looksLikeHtml(html, '')).toBe(true)
    expect(serverMessage(html, 'text/html')).toBe('502 Bad Gateway')
  })
})
