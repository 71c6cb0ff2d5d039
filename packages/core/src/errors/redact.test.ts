import { describe, expect, it } from 'vitest'
import { redact, registerSecret } from './redact.js'

describe('redact', () => {
  it.each([
    'the key during upload',
    'Token limit reached',
    'Basic settings',
    'Basic settings.',
    'key point',
    'bearer of bad news',
    'The bearer token expired; sign in again.',
    'Key frames are extracted every 2 seconds.',
    'Token counts: 42',
    'Digest mismatch between the upload and the file',
    'Key well-known hosts are trusted.',
    'image is 6000x6000 px; the limit is 4096x4096 px',
    'The API key is missing: set FAL_KEY.',
  ])('leaves an ordinary sentence unchanged: %s', (sentence) => {
    expect(redact(sentence)).toBe(sentence)
  })

  it.each([
    ['Authorization: Bearer tok_live_abcdef', 'tok_live_abcdef'],
    ['authorization: Bearer abcdefgh', 'abcdefgh'],
    ['Authorization: hunter2hunter2', 'hunter2hunter2'],
    ['headers {"authorization":"Key a1b2c3d4-e5f6:0f1e2d3c4b5a"}', 'a1b2c3d4-e5f6:0f1e2d3c4b5a'],
    ['sent Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'eyJhbGciOiJIUzI1NiJ9'],
    ['sent Basic dXNlcjpwYXNz to the proxy', 'dXNlcjpwYXNz'],
    ['sent Basic dXNlcjpwYXNzd29yZA== to the proxy', 'dXNlcjpwYXNzd29yZA=='],
    ['the header was Key sk-live-SECRET', 'sk-live-SECRET'],
    ['token abcdefghijklmnopqrstuvwxyz', 'abcdefghijklmnopqrstuvwxyz'],
    ['Token 4f9a8b7c6d5e', '4f9a8b7c6d5e'],
    ['x-fal-key: zzzzzzzzzzzz', 'zzzzzzzzzzzz'],
    ['GET https://api.example.com/run?api_key=qqqqqqqq', 'qqqqqqqq'],
  ])('still masks a credential: %s', (text, secret) => {
    const scrubbed = redact(text)
    expect(scrubbed).not.toContain(secret)
    expect(scrubbed).toContain('[redacted]')
  })

  it('masks a registered key with a line break in it, its lines, its halves and its escaped form', () => {
    const key = 'pasted-key-first\nline-two-77:half-secret-99'
    registerSecret(key)
    const texts = [
      `Headers.append: "Key ${key}" is an invalid header value.`,
      `header value ${JSON.stringify(key)} is invalid`,
      'only pasted-key-first leaked',
      'only line-two-77 leaked',
      'only half-secret-99 leaked',
    ]
    for (const text of texts) {
      const scrubbed = redact(text)
      for (const part of ['pasted-key-first', 'line-two-77', 'half-secret-99']) expect(scrubbed).not.toContain(part)
    }
  })
})
