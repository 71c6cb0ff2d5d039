import { redact } from '../errors/index.js'

/**
 * A URL fit for an error message: no user name or password, no query string, no fragment (they
 * often carry signatures and tokens), and the rest passed through `redact`.
 */
export function describeUrl(url: string | URL): string {
  let parsed: URL
  try {
    parsed = typeof url === 'string' ? new URL(url) : url
  } catch {
    const text = String(url)
    return redact(text.length > 80 ? `${text.slice(0, 77)}...` : text).replace(/[?#].*$/, '')
  }
  if (parsed.protocol === 'data:' || parsed.protocol === 'javascript:') return `${parsed.protocol} URL`
  const host = parsed.host === '' ? '' : `//${parsed.host}`
  const query = parsed.search === '' ? '' : '?[redacted]'
  return redact(`${parsed.protocol}${host}${parsed.pathname}${query}`)
}
