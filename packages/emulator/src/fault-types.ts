/** Every route a fault can target. Rules may also use `provider.*` or `*`. */
export const FAULT_ROUTES = [
  'ailab.live-photo',
  'fal.submit',
  'fal.run',
  'fal.status',
  'fal.result',
  'fal.cancel',
  'fal.upload',
  'fal.download',
  'magichour.create',
  'magichour.get',
  'magichour.delete',
  'magichour.upload',
  'magichour.download',
  'replicate.create',
  'replicate.get',
  'replicate.cancel',
  'replicate.download',
] as const

/** A route name from `FAULT_ROUTES`. */
export type FaultRouteName = (typeof FAULT_ROUTES)[number]

/** What happens to a request a rule fires on. Effects combine; the earlier rule wins a conflict. */
export interface FaultEffect {
  /**
   * Answer with this HTTP error status (400..599) and the provider's own error body, without
   * processing the request (nothing is accepted or charged).
   */
  readonly status?: number
  /**
   * The provider error code in that body: AILab `error_detail.code`, fal `error_type`, Magic Hour
   * `message`. @default a code typical of the status (AILab 503 `AI_SERVICE_FLOW_RESTRICTION`, ...)
   */
  readonly code?: string
  /** A human-readable message for the body. */
  readonly message?: string
  /** `Retry-After` header: seconds, or an HTTP date string. */
  readonly retryAfter?: number | string
  /** Delay before anything else happens, in milliseconds. Latencies of several rules add up. */
  readonly latencyMs?: number
  /** Reset the connection (TCP RST) halfway through the response body. */
  readonly reset?: boolean
  /**
   * Never answer: the request stays open until the client gives up, `maxHangMs` passes, or the
   * emulator stops.
   */
  readonly hang?: boolean
  /**
   * Send only this fraction (0..1) of the body, with a Content-Length that matches the cut body, so
   * the HTTP exchange succeeds but the JSON or file is broken.
   */
  readonly truncate?: number
  /**
   * Whether the request is processed (accepted, charged) before a `reset` or `hang` strikes: this
   * is the "sent, but no answer" case where a client cannot know whether it will pay.
   * @default true for `reset`, false for `hang`
   */
  readonly processed?: boolean
  /** Treat the submitted image as having no face (submission routes only). */
  readonly noFace?: boolean
  /** Answer as a retired endpoint does (AILab 404 `ERROR_AI_NOT_EXISTS`, fal and Magic Hour 404). */
  readonly retired?: boolean
}

/** One step of a fixed sequence: `'pass'`, a status code, or a whole effect. */
export type FaultStep = 'pass' | number | FaultEffect

/**
 * One fault rule. Without `sequence` it fires with `probability`; with `sequence` the n-th matching
 * request gets the n-th step and the rule is spent after the last step.
 *
 * @example
 * ```ts
 * // the first two submits get 503 with Retry-After, the third goes through
 * { route: 'fal.submit', sequence: [503, 503, 'pass'], retryAfter: 1 }
 * // 10% of AILab calls are rate limited
 * { route: 'ailab.live-photo', status: 503, probability: 0.1 }
 * ```
 */
export interface FaultRule extends FaultEffect {
  /** `fal.submit`, `fal.*` (every fal route) or `*` (every provider route). */
  readonly route: string
  /** Chance (0..1) that the rule fires, drawn from the seeded generator. @default 1 */
  readonly probability?: number
  /** A fixed sequence of outcomes for the matching requests; step effects add to the rule's own. */
  readonly sequence?: readonly FaultStep[]
  /** Fire at most this many times. */
  readonly times?: number
}
