/**
 * Every default of the router configuration, defined once: the schema's descriptions (and so the
 * generated `config.schema.json`), docs/configuration.md and the router all read these.
 */
export const CONFIG_DEFAULTS = {
  /** `retry`: tries per target (the first included) and backoff timing. */
  retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 30_000 },
  /** `breaker`: consecutive failures that open a target's breaker, and how long it stays open. */
  breaker: { failureThreshold: 5, cooldownMs: 30_000, retiredRecheckMs: 7 * 24 * 60 * 60 * 1000 },
  /**
   * `timeouts.requestMs`: a whole request, every target included. `timeouts.attemptMs` has no
   * default (the schema, docs/configuration.md and the router agree: none): an attempt is bounded
   * only by the request's deadline unless a deadline is set.
   */
  requestTimeoutMs: 900_000,
  /** `unknownAcceptance`: after a paid target may have accepted a job, only free targets are tried. */
  unknownAcceptance: 'offline-only',
  /** `journal`: async job handles are written before polling. */
  journal: true,
  /** `compare` routes: targets running at once. */
  compareConcurrency: 2,
  /** `split` routes (`fallback`): when the chosen arm fails, the other arms are tried. */
  splitFallback: true,
  /** `fallbackOn`: kinds that stop the route unless the config says to try the next target. */
  fallbackOn: { no_face: false, content_policy: false },
} as const
