import { PortraitAnimatorError } from '../errors/index.js'
import { assertPublicUrl } from './assert-public-url.js'
import { describeUrl } from './describe-url.js'
import { formatBytes, mediaError } from './media-error.js'
import { PRIVATE_ADDRESS_CODE } from './public-address-lookup.js'
import { publicOnlyFetch } from './public-only-fetch.js'

/** Redirects followed before giving up. */
export const MAX_REDIRECTS = 5

const ACCEPT = 'image/*, audio/*, video/*, */*;q=0.5'

/** Options of `downloadMedia`. */
export interface DownloadMediaOptions {
  readonly field: string
  readonly maxBytes: number
  readonly allowPrivateNetwork?: boolean
  readonly signal?: AbortSignal
  /** When missing, an undici fetch whose connections re-check every resolved address. */
  readonly fetch?: typeof fetch
}

/** The downloaded body and the URL it finally came from (after redirects). */
export interface DownloadedMedia {
  readonly bytes: Uint8Array
  readonly finalUrl: URL
}

/**
 * Downloads a URL for a user: checks the URL and every redirect hop with `assertPublicUrl`,
 * follows at most `MAX_REDIRECTS` redirects itself, and streams the body, stopping the moment it
 * passes `maxBytes`. Errors never show the query string.
 *
 * @throws PortraitAnimatorError `invalid_input` with rule `url-scheme`, `private-address`,
 *   `url-fetch` or `download-too-large`; abort errors from `signal` are thrown as they are.
 */
export async function downloadMedia(url: string | URL, options: DownloadMediaOptions): Promise<DownloadedMedia> {
  const check = { field: options.field, allowPrivateNetwork: options.allowPrivateNetwork ?? false }
  const fetchImpl = options.fetch ?? (check.allowPrivateNetwork ? globalThis.fetch : await publicOnlyFetch())
  let current = await checkHop(url, check)
  for (let redirects = 0; ; redirects += 1) {
    options.signal?.throwIfAborted()
    const response = await send(fetchImpl, current, options)
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      discard(response)
      const location = response.headers.get('location')
      if (location === null) throw fetchFailed(options.field, current, `HTTP ${response.status} without a Location header`, response.status)
      if (redirects >= MAX_REDIRECTS) {
        throw mediaError({
          field: options.field,
          rule: 'url-fetch',
          limit: `at most ${MAX_REDIRECTS} redirects`,
          actual: `more than ${MAX_REDIRECTS} redirects`,
          problem: `the download of ${describeUrl(url)} was redirected more than ${MAX_REDIRECTS} times`,
        })
      }
      current = await checkHop(new URL(location, current), check)
      continue
    }
    if (response.status === 0 || response.type === 'opaqueredirect') {
      throw fetchFailed(options.field, current, 'a redirect that could not be followed (the fetch implementation hid it)')
    }
    if (!response.ok) {
      discard(response)
      const reason = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
      throw fetchFailed(options.field, current, reason, response.status)
    }
    const declared = Number(response.headers.get('content-length') ?? Number.NaN)
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      discard(response)
      throw tooLarge(options.field, current, options.maxBytes, declared, false)
    }
    return { bytes: await readCapped(response, current, options), finalUrl: current }
  }
}

/** `assertPublicUrl`, and no credentials: fetch refuses them with a message that repeats the password. */
async function checkHop(url: string | URL, check: { readonly field: string; readonly allowPrivateNetwork: boolean }): Promise<URL> {
  const checked = await assertPublicUrl(url, check)
  if (checked.username === '' && checked.password === '') return checked
  throw mediaError({
    field: check.field,
    rule: 'url-fetch',
    limit: 'a URL without a user name or password',
    actual: 'a URL with credentials',
    problem: `${describeUrl(checked)} holds a user name or password, which cannot be sent`,
  })
}

async function send(fetchImpl: typeof fetch, url: URL, options: DownloadMediaOptions): Promise<Response> {
  try {
    return await fetchImpl(url, { redirect: 'manual', headers: { accept: ACCEPT }, ...(options.signal ? { signal: options.signal } : {}) })
  } catch (error) {
    if (options.signal?.aborted) throw error
    const code = errorCode(error)
    if (code === PRIVATE_ADDRESS_CODE) {
      throw mediaError({
        field: options.field,
        rule: 'private-address',
        limit: 'a public internet address',
        actual: url.hostname,
        problem: `${describeUrl(url)} resolved to a non-public address when connecting, which is blocked unless allowPrivateNetwork is true`,
        cause: error,
      })
    }
    const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)
    throw fetchFailed(options.field, url, `a network error (${code ?? withoutUrls(message)})`, undefined, error)
  }
}

async function readCapped(response: Response, url: URL, options: DownloadMediaOptions): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > options.maxBytes) {
        reader.cancel().catch(() => undefined)
        throw tooLarge(options.field, url, options.maxBytes, total, true)
      }
      chunks.push(value)
    }
  } catch (error) {
    if (options.signal?.aborted || PortraitAnimatorError.isInstance(error)) throw error
    throw fetchFailed(options.field, url, 'the connection broke while downloading', undefined, error)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

/** Lets the connection go without reading the body. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined)
}

/** Replaces every URL in a foreign message by its safe description (no credentials, no query). */
function withoutUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (match) => describeUrl(match))
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== null && typeof current === 'object' && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

function fetchFailed(field: string, url: URL, reason: string, statusCode?: number, cause?: unknown) {
  return mediaError({
    field,
    rule: 'url-fetch',
    limit: 'a successful (2xx) download',
    actual: statusCode === undefined ? reason : `HTTP ${statusCode}`,
    problem: `the download of ${describeUrl(url)} failed with ${reason}`,
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(cause === undefined ? {} : { cause }),
  })
}

/** `streamed`: the body passed the cap while reading (`actual` is what was read before stopping). */
function tooLarge(field: string, url: URL, maxBytes: number, actual: number, streamed: boolean) {
  return mediaError({
    field,
    rule: 'download-too-large',
    limit: maxBytes,
    actual,
    limitText: formatBytes(maxBytes),
    actualText: streamed ? `more than ${formatBytes(maxBytes)}` : formatBytes(actual),
    problem: streamed
      ? `${describeUrl(url)} sent more than the download limit of ${formatBytes(maxBytes)}; the download was stopped there`
      : `${describeUrl(url)} declares ${formatBytes(actual)}, over the download limit of ${formatBytes(maxBytes)}; nothing was downloaded`,
  })
}
