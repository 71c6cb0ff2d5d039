import { describe, expect, it } from 'vitest'
import type { MediaInput } from '../spec/index.js'
import { isRemoteUrl } from './is-remote-url.js'

describe('isRemoteUrl', () => {
  it.each<readonly [string, MediaInput, boolean]>([
    ['an https string', 'https://cdn.example/me.jpg', true],
    ['an upper-case HTTP string', 'HTTP://cdn.example/me.jpg', true],
    ['a URL object', new URL('http://cdn.example/me.jpg'), true],
    ['a relative path', './me.jpg', false],
    ['an absolute path', '/home/me/me.jpg', false],
    ['a file: URL object', new URL('file:///home/me/me.jpg'), false],
    ['an ftp string', 'ftp://cdn.example/me.jpg', false],
    ['a data URI', 'data:image/png;base64,AAAA', false],
    ['bytes', new Uint8Array([1, 2, 3]), false],
    ['a Blob', new Blob(['x']), false],
    ['an unparseable http string', 'http://', false],
  ])('%s -> %s', (_name, input, expected) => {
    expect(isRemoteUrl(input)).toBe(expected)
  })
})
