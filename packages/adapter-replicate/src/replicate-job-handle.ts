import { PortraitAnimatorError, type JobHandle, type JsonValue, type Warning } from '@portrait-animator/core'
import { z } from 'zod'
import { MODEL_ID, PROVIDER } from './replicate-limits.js'

/** What a handle carries besides the prediction id. */
export interface ParsedHandle {
  readonly predictionId: string
  readonly submittedAt: Date
  readonly warnings: readonly Warning[]
}

const handleSchema = z.looseObject({
  specificationVersion: z.literal('v1'),
  provider: z.literal(PROVIDER),
  modelId: z.literal(MODEL_ID),
  jobId: z.string().regex(/^[a-z0-9]{8,64}$/, 'a Replicate prediction id'),
  submittedAt: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO time'),
  data: z.looseObject({ warnings: z.array(z.looseObject({ type: z.string(), message: z.string() })).optional() }).optional(),
})

/** The handle `onJobStarted` receives: enough to follow or cancel the prediction from any process. */
export function createHandle(predictionId: string, submittedAt: Date, warnings: readonly Warning[]): JobHandle {
  return {
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId: MODEL_ID,
    jobId: predictionId,
    submittedAt: submittedAt.toISOString(),
    data: { target: `${PROVIDER}/${MODEL_ID}`, warnings: warnings.map((warning) => ({ ...warning }) as Record<string, JsonValue>) },
  }
}

/**
 * Reads a handle back.
 * @throws PortraitAnimatorError `invalid_input` (field `handle`) for a handle of another target or a malformed one.
 */
export function parseHandle(handle: JobHandle): ParsedHandle {
  const parsed = handleSchema.safeParse(handle)
  if (!parsed.success) {
    throw new PortraitAnimatorError({ kind: 'invalid_input', message: `Not a replicate/live-portrait job handle: ${parsed.error.issues[0]?.message ?? 'invalid'}.`, provider: PROVIDER, modelId: MODEL_ID, field: 'handle' })
  }
  return { predictionId: parsed.data.jobId, submittedAt: new Date(parsed.data.submittedAt), warnings: (parsed.data.data?.warnings ?? []) as unknown as Warning[] }
}
