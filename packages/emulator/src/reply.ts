/** What a route handler answers; the server writes it, applying any truncate or reset fault. */
export interface Reply {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  /** A complete body. */
  readonly body?: Buffer | string
  /** A streamed body (server-sent events); each chunk is written as it comes. */
  readonly stream?: AsyncIterable<string>
}

/** A JSON reply. */
export function jsonReply(status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) }
}

/** A reply with no body. */
export function emptyReply(status: number, headers: Readonly<Record<string, string>> = {}): Reply {
  return { status, headers }
}
