import { describe, expect, it } from 'vitest'
import { decodeDataUri } from './data-uri.js'

describe('decodeDataUri', () => {
  it.each([
    ['base64', 'data:image/png;base64,AAEC/w==', [0, 1, 2, 255]],
    ['base64 without padding', 'data:;base64,AAEC/w', [0, 1, 2, 255]],
    ['base64url', 'data:application/octet-stream;base64,AAEC_w==', [0, 1, 2, 255]],
    ['base64 with line breaks', 'data:image/png;base64,AA\nEC\r\n/w==', [0, 1, 2, 255]],
    ['base64 with a percent-encoded padding', 'data:image/png;base64,AAEC%2Fw%3D%3D', [0, 1, 2, 255]],
    ['upper-case scheme and parameters', 'DATA:image/png;charset=binary;BASE64,AAEC/w==', [0, 1, 2, 255]],
    ['percent-encoded bytes', 'data:,%00%01%02%ff', [0, 1, 2, 255]],
    ['plain text', 'data:text/plain,hi', [0x68, 0x69]],
  ])('decodes %s', (_name, uri, expected) => {
    expect(Array.from(decodeDataUri(uri, 'image', 1000))).toEqual(expected)
  })

  it.each([
    ['no comma', 'data:image/png;base64'],
    ['characters outside base64', 'data:image/png;base64,AA*C'],
    ['padding in the middle', 'data:image/png;base64,AA==AAAA'],
    ['an impossible length', 'data:image/png;base64,AAAAA'],
    ['a broken percent escape', 'data:image/png,%G0'],
  ])('rejects %s as rule data-uri', (_name, uri) => {
    expect(() => decodeDataUri(uri, 'image', 1000)).toThrow(expect.objectContaining({ kind: 'invalid_input', field: 'image', rule: 'data-uri' }))
  })

  it('rejects a payload over the cap before decoding it', () => {
    const uri = `data:image/png;base64,${'A'.repeat(4000)}`
    expect(() => decodeDataUri(uri, 'image', 1000)).toThrow(expect.objectContaining({ rule: 'max-bytes', limit: 1000, actual: 3000 }))
  })
})
