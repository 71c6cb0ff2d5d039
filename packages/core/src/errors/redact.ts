/**
 * Secret scrubbing for every message, log line, event and `toJSON()` output.
 *
 * Two layers: known secrets (API keys registered by adapters and config loading) are replaced
 * wherever they appear, and patterns that look like credentials (authorization schemes, key-ish
 * query parameters, signed URL query strings) are masked even when nobody registered them.
 */

const REDACTED = '[redacted]'
const REGISTRY_KEY = Symbol.for('portrait-animator.secrets')

/** Kept on globalThis so two copies of core in one process share the same list. */
function registry(): Set<string> {
  const holder = globalThis as unknown as Record<symbol, Set<string> | undefined>
  holder[REGISTRY_KEY] ??= new Set<string>()
  return holder[REGISTRY_KEY]
}

/**
 * Remembers a secret (an API key, a token) so that it is scrubbed from every message, even one
 * built by a third-party library. Values shorter than 6 characters are ignored: masking them would
 * mangle ordinary text.
 */
export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < 6) return
  const forms = new Set([secret, escapedForm(secret)])
  // A key may be `id:secret`, or have a line break pasted into it; each part alone is still a
  // secret, and libraries quote it with its line break escaped (`\n`).
  for (const part of secret.split(/[:\r\n]+/)) forms.add(part.trim())
  for (const form of forms) if (form.length >= 6) registry().add(form)
}

function escapedForm(secret: string): string {
  return JSON.stringify(secret).slice(1, -1)
}

/**
 * An authorization scheme followed by something that looks like a credential. Case-insensitive,
 * so the value must look like a token, not a word: see `looksLikeToken`.
 */
const AUTH_SCHEME = /\b(Bearer|Key|Basic|Token|Digest)(\s+)([A-Za-z0-9._~+/=:-]{4,})/gi
/** After `authorization:` anything is a credential, token-like or not. */
const AUTHORIZATION_VALUE = /\b(authorization["']?\s*[:=]\s*["']?)(?:(Bearer|Key|Basic|Token|Digest)\s+)?([^\s"',;}]+)/gi
const SECRET_HEADER = /\b(ailabapi-api-key|x-api-key|api-key|x-fal-key|cookie)(["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi
const SECRET_PARAM = /\b(api[-_]?key|key|token|access[-_]?token|secret|password|signature|sig|credential|x-amz-[a-z-]+)=([^&\s"'#]+)/gi
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi
const URL_QUERY = /(https?:\/\/[^\s"'?#<>]+)\?[^\s"'#<>]*/gi

/** Returns `text` with every known secret, credential-like value and URL query string masked. */
export function redact(text: string): string {
  let out = text
  // Longest first, so that a whole key is masked before one of its parts could split it.
  for (const secret of [...registry()].sort((left, right) => right.length - left.length)) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED)
  }
  return out
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(URL_QUERY, `$1?${REDACTED}`)
    .replace(AUTHORIZATION_VALUE, (_match, prefix: string, scheme: string | undefined) => `${prefix}${scheme ? `${scheme} ` : ''}${REDACTED}`)
    .replace(AUTH_SCHEME, (match, scheme: string, space: string, value: string) => (looksLikeToken(value) ? `${scheme}${space}${REDACTED}` : match))
    .replace(SECRET_HEADER, `$1$2${REDACTED}`)
    .replace(SECRET_PARAM, `$1=${REDACTED}`)
}

/**
 * Whether the word after `Bearer`/`Key`/`Basic`/`Token` is a credential rather than English: it
 * has a digit or a symbol other than a hyphen (`sk_live_…`, `id:secret`, base64 padding), a dot or
 * colon inside it, a capital after a small letter (base64: `dXNlcjpwYXNz`), or is very long.
 * Trailing punctuation does not count, so "Basic settings." stays as it is.
 */
function looksLikeToken(value: string): boolean {
  const core = value.replace(/[.:]+$/, '')
  return /[0-9_~+/=]/.test(core) || /[^.:][.:][^.:]/.test(core) || /[a-z].*[A-Z]/.test(core) || core.length >= 24
}

const SECRET_KEY_NAME = /^(authorization|api[-_]?key|apikey|token|access[-_]?token|secret|password|credentials?|ailabapi-api-key|x-api-key|cookie)$/i

/**
 * Deep copy of `value` fit for logs: strings are redacted, properties named like secrets
 * (`apiKey`, `authorization`, ...) are masked, cycles and depth are bounded.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redact(value)
  if (value === null || typeof value !== 'object') return value
  if (depth > 8 || seen.has(value)) return '[…]'
  seen.add(value)
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY_NAME.test(key) && item !== undefined && item !== null ? REDACTED : redactValue(item, depth + 1, seen)
  }
  return out
}
