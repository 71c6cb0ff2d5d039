import type { MediaInput } from '../spec/index.js'

/**
 * True when the input is an `http:` or `https:` URL (a string or a `URL`), i.e. something a
 * provider that `acceptsUrl` could fetch itself. Says nothing about whether the host is public:
 * use `assertPublicUrl` before passing it on.
 *
 * @example
 * ```ts
 * isRemoteUrl('https://example.com/me.jpg') // true
 * isRemoteUrl('./me.jpg')                   // false
 * ```
 */
export function isRemoteUrl(input: MediaInput): boolean {
  if (input instanceof URL) return input.protocol === 'http:' || input.protocol === 'https:'
  if (typeof input !== 'string' || !/^https?:\/\//i.test(input.trim())) return false
  return URL.canParse(input.trim())
}
