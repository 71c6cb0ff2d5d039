/**
 * A failure the fetch hook raises for calls the client must not retry (submits). It has no `code`
 * and no `cause`, so `@fal-ai/client`'s retry check (which walks `cause` looking for transport
 * codes, and retries `ApiError`s with 429/502/503/504) lets it through at once.
 */
export class FalUnretriedFailure extends Error {
  /** HTTP status, when fal answered. */
  readonly status: number | undefined
  /** Response headers, when fal answered. */
  readonly headers: Headers | undefined
  /** The parsed JSON body (or text) of the answer, when there was one. */
  readonly body: unknown
  /** What the transport threw, when no answer came. Not `cause`, on purpose (see above). */
  readonly transportError: unknown
  /** True when the request timed out waiting for the response headers. */
  readonly timedOut: boolean

  constructor(details: {
    readonly status?: number
    readonly headers?: Headers
    readonly body?: unknown
    readonly transportError?: unknown
    readonly timedOut?: boolean
  }) {
    super(details.status === undefined ? 'fal could not be reached.' : `fal answered HTTP ${details.status}.`)
    this.name = 'FalUnretriedFailure'
    this.status = details.status
    this.headers = details.headers
    this.body = details.body
    this.transportError = details.transportError
    this.timedOut = details.timedOut === true
  }
}
