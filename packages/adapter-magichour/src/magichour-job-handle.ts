import { PortraitAnimatorError, type CostEstimate, type JobHandle, type JsonValue, type Warning } from '@portrait-animator/core'
import { z } from 'zod'
import { PROVIDER } from './magichour-limits.js'
import { projectIdSchema } from './magichour-schemas.js'

/** What a handle carries besides the project id, so `status()` works in a fresh process. */
export interface HandleData {
  readonly warnings: readonly Warning[]
  readonly estimate?: CostEstimate
  /** Output length in seconds, when known before rendering. */
  readonly durationSeconds?: number
}

const warningSchema = z.looseObject({
  type: z.enum(['unsupported', 'clamped', 'translated', 'generative', 'face', 'other']),
  setting: z.string().optional(),
  message: z.string(),
  provider: z.string().optional(),
})

const handleSchema = z.looseObject({
  specificationVersion: z.literal('v1'),
  provider: z.literal(PROVIDER),
  modelId: z.string(),
  jobId: projectIdSchema,
  submittedAt: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO time'),
  data: z
    .looseObject({
      warnings: z.array(warningSchema).optional(),
      estimate: z.looseObject({ credits: z.number().optional(), usd: z.number().optional(), basis: z.literal('estimated'), note: z.string().optional() }).optional(),
      durationSeconds: z.number().optional(),
    })
    .optional(),
})

/** A plain-JSON handle for a submitted project. */
export function createHandle(modelId: string, projectId: string, submittedAt: Date, data: HandleData): JobHandle {
  const payload: Record<string, JsonValue> = {
    target: `${PROVIDER}/${modelId}`,
    warnings: data.warnings.map((warning) => ({ ...warning }) as Record<string, JsonValue>),
  }
  if (data.estimate !== undefined) payload['estimate'] = { ...data.estimate } as Record<string, JsonValue>
  if (data.durationSeconds !== undefined) payload['durationSeconds'] = data.durationSeconds
  return { specificationVersion: 'v1', provider: PROVIDER, modelId, jobId: projectId, submittedAt: submittedAt.toISOString(), data: payload }
}

/** A handle read back (perhaps from a journal after a crash), checked. */
export interface ParsedHandle {
  readonly projectId: string
  readonly submittedAt: Date
  readonly data: HandleData
}

/**
 * Checks that `handle` is a Magic Hour handle for `modelId` and reads its data.
 *
 * @throws PortraitAnimatorError `invalid_input` (field `handle`) for anything else.
 */
export function parseHandle(handle: JobHandle, modelId: string): ParsedHandle {
  const parsed = handleSchema.safeParse(handle)
  const problem = !parsed.success
    ? parsed.error.issues.map((issue) => `${issue.path.join('.') || '(handle)'}: ${issue.message}`).join('; ')
    : parsed.data.modelId !== modelId
      ? `it belongs to ${parsed.data.provider}/${parsed.data.modelId}, not ${PROVIDER}/${modelId}`
      : undefined
  if (problem !== undefined || !parsed.success) {
    throw new PortraitAnimatorError({
      kind: 'invalid_input',
      message: `Not a Magic Hour ${modelId} job handle: ${problem ?? 'unreadable'}.`,
      provider: PROVIDER,
      modelId,
      field: 'handle',
      rule: 'job-handle',
    })
  }
  const data = parsed.data.data
  return {
    projectId: parsed.data.jobId,
    submittedAt: new Date(parsed.data.submittedAt),
    data: {
      warnings: (data?.warnings ?? []) as Warning[],
      ...(data?.estimate === undefined ? {} : { estimate: data.estimate as CostEstimate }),
      ...(data?.durationSeconds === undefined ? {} : { durationSeconds: data.durationSeconds }),
    },
  }
}
