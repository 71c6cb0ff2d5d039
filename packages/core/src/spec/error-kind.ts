/**
 * The error taxonomy. Adapters decide the kind where an error is born; the router reads only the
 * kind and the flags on the error, never status codes.
 *
 * | kind | meaning |
 * |---|---|
 * | `invalid_input` | the request or a media input is wrong (format, size, range, URL) |
 * | `no_face` | no usable face in the portrait |
 * | `content_policy` | a safety checker refused the input or output |
 * | `auth` | the key is missing, wrong, locked, or the plan does not allow this |
 * | `insufficient_credits` | the account cannot pay |
 * | `rate_limited` | too many requests now; retry later (see `retryAfterMs`) |
 * | `unavailable` | the provider is down or unreachable (5xx, connection errors) |
 * | `retired` | the model or endpoint is permanently discontinued |
 * | `timeout` | the work passed its deadline (the remote job was cancelled) |
 * | `cancelled` | the caller aborted |
 * | `job_failed` | an async job ended in error |
 * | `unsupported` | the target cannot serve this request (capabilities, strict mode) |
 * | `budget_exceeded` | the estimated cost is above the configured limit |
 * | `invalid_config` | the configuration is wrong |
 * | `provider_error` | anything a provider returned that is not mapped (the raw code is kept) |
 * | `output_failed` | the output could not be written where asked (disk full, read-only, a folder in the way) |
 */
export type ErrorKind =
  | 'invalid_input'
  | 'no_face'
  | 'content_policy'
  | 'auth'
  | 'insufficient_credits'
  | 'rate_limited'
  | 'unavailable'
  | 'retired'
  | 'timeout'
  | 'cancelled'
  | 'job_failed'
  | 'unsupported'
  | 'budget_exceeded'
  | 'invalid_config'
  | 'provider_error'
  | 'output_failed'
