import { lookup } from 'node:dns/promises'
import { describeUrl } from './describe-url.js'
import { mediaError } from './media-error.js'
import { privateRangeOf } from './private-address.js'

/** Options of `assertPublicUrl`. */
export interface AssertPublicUrlOptions {
  /** The request field the URL came from, for errors (`image`, `motion.audio`). */
  readonly field: string
  /**
   * Allow hosts on private, loopback and link-local networks (a local test server, an intranet).
   * @default false
   */
  readonly allowPrivateNetwork?: boolean
}

const ALLOWED_SCHEMES = 'http: or https:'

/**
 * Checks that a URL may be fetched on a user's behalf: the scheme is `http:` or `https:`, and,
 * unless `allowPrivateNetwork` is set, the host is not (and does not resolve to) a private,
 * loopback, link-local, CGNAT, unique-local, IPv4-mapped or metadata address. Every address DNS
 * returns is checked; one private address is enough to reject. For adapters that hand a URL to a
 * provider without downloading it, and for every redirect hop of a download.
 *
 * @throws PortraitAnimatorError `invalid_input` with rule `url-scheme`, `private-address` or
 *   `url-fetch` (the host does not resolve).
 * @example
 * ```ts
 * const url = await assertPublicUrl(request.image as string, { field: 'image' })
 * ```
 */
export async function assertPublicUrl(url: string | URL, options: AssertPublicUrlOptions): Promise<URL> {
  const parsed = parseUrl(url, options.field)
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw mediaError({
      field: options.field,
      rule: 'url-scheme',
      limit: ALLOWED_SCHEMES,
      actual: parsed.protocol,
      problem: `only http and https URLs can be fetched, not ${parsed.protocol} (${describeUrl(parsed)})`,
    })
  }
  if (options.allowPrivateNetwork === true) return parsed
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname
  const literalRange = isIpLiteral(host) ? privateRangeOf(host) : undefined
  if (literalRange !== undefined) throw privateAddressError(options.field, parsed, host, literalRange)
  if (isIpLiteral(host)) return parsed
  const addresses = await resolve(host, parsed, options.field)
  for (const address of addresses) {
    const range = privateRangeOf(address)
    if (range !== undefined) throw privateAddressError(options.field, parsed, `${host} resolves to ${address}`, range)
  }
  return parsed
}

function parseUrl(url: string | URL, field: string): URL {
  if (url instanceof URL) return new URL(url.href)
  try {
    return new URL(url)
  } catch (cause) {
    throw mediaError({
      field,
      rule: 'url-scheme',
      limit: ALLOWED_SCHEMES,
      actual: 'not a valid URL',
      problem: `"${describeUrl(url)}" is not a valid URL`,
      cause,
    })
  }
}

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':')
}

async function resolve(host: string, url: URL, field: string): Promise<readonly string[]> {
  try {
    const results = await lookup(host, { all: true, verbatim: true })
    return results.map((result) => result.address)
  } catch (cause) {
    throw mediaError({
      field,
      rule: 'url-fetch',
      limit: 'a host name that resolves',
      actual: host,
      problem: `the host of ${describeUrl(url)} could not be resolved`,
      cause,
    })
  }
}

function privateAddressError(field: string, url: URL, found: string, range: string) {
  return mediaError({
    field,
    rule: 'private-address',
    limit: 'a public internet address',
    actual: found,
    problem: `${describeUrl(url)} points to a ${range} address, which is blocked unless allowPrivateNetwork is true`,
  })
}
