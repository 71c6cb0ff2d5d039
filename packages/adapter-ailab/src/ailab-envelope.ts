import { z } from 'zod'

// AILab has shipped two envelopes: the older one with `error_code`, `error_code_str`, `error_msg` and
// `error_detail.status_code`, and the newer one with only `error_detail.{code, code_message, message}`.
// Every field is optional and a wrong-typed field is dropped rather than failing the whole parse.
const text = z.union([z.string(), z.number()]).transform(String).optional().catch(undefined)
const integer = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number).optional().catch(undefined)

const errorDetailSchema = z
  .object({ status_code: integer, code: text, code_message: text, message: text })
  .optional()
  .catch(undefined)

/** The public fields of every AILabTools response, and Live Photos' `data.video`. */
export const ailabEnvelopeSchema = z.object({
  request_id: text,
  log_id: text,
  error_code: integer,
  error_code_str: text,
  error_msg: text,
  error_detail: errorDetailSchema,
  data: z
    .object({ video: z.string().optional().catch(undefined) })
    .optional()
    .catch(undefined),
})

/** An AILabTools response body, every field optional. */
export type AilabEnvelope = z.output<typeof ailabEnvelopeSchema>

/**
 * Reads a response body as an AILab envelope. Anything that is not a JSON object (an HTML error
 * page from a proxy, an empty body) gives `undefined`: the caller then decides from the status.
 */
export function parseAilabEnvelope(body: string): AilabEnvelope | undefined {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const parsed = ailabEnvelopeSchema.safeParse(value)
  return parsed.success ? parsed.data : undefined
}

/** The envelope's error code: `error_detail.code` first, then the older `error_code_str`. Empty strings are no code. */
export function envelopeCode(envelope: AilabEnvelope | undefined): string | undefined {
  const detail = envelope?.error_detail?.code?.trim()
  if (detail) return detail
  const older = envelope?.error_code_str?.trim()
  return older || undefined
}

/**
 * True when the envelope reports a failure even though HTTP said 200: a non-zero `error_code`, a
 * non-200 `error_detail.status_code`, or a non-empty `error_detail.code`.
 */
export function envelopeReportsFailure(envelope: AilabEnvelope | undefined): boolean {
  if (envelope === undefined) return false
  if (envelope.error_code !== undefined && envelope.error_code !== 0) return true
  const detailStatus = envelope.error_detail?.status_code
  if (detailStatus !== undefined && detailStatus !== 0 && detailStatus !== 200) return true
  return Boolean(envelope.error_detail?.code?.trim())
}

/** The status AILab means: HTTP's own unless it is 200, then the envelope's `error_code` or `error_detail.status_code`. */
export function envelopeStatus(httpStatus: number, envelope: AilabEnvelope | undefined): number {
  if (httpStatus !== 200) return httpStatus
  if (envelope?.error_code !== undefined && envelope.error_code !== 0) return envelope.error_code
  const detailStatus = envelope?.error_detail?.status_code
  if (detailStatus !== undefined && detailStatus !== 0) return detailStatus
  return httpStatus
}
