import { PortraitAnimatorError, type JobHandle, type OutputFormat, type OutputKind, type Warning } from '@portrait-animator/core'
import { z } from 'zod'
import type { FalLifetime } from './fal-settings.js'

/** What a handle carries so `status()` can finish the job in a fresh process. */
export interface FalJobData {
  readonly endpointId: string
  readonly outputKind: OutputKind
  readonly outputFormat: OutputFormat
  /** Warnings raised while translating the request, to put on the result. */
  readonly warnings: readonly Warning[]
  /** The lifecycle preference sent with the submit (`null`: none sent, the account's default). */
  readonly outputLifetimeSeconds: FalLifetime | null
}

const warningSchema = z.object({
  type: z.enum(['unsupported', 'clamped', 'translated', 'generative', 'face', 'other']),
  setting: z.string().optional(),
  message: z.string(),
  provider: z.string().optional(),
})

const handleSchema = z.object({
  specificationVersion: z.literal('v1'),
  provider: z.literal('fal'),
  modelId: z.string(),
  jobId: z.string().min(1),
  submittedAt: z.iso.datetime({ offset: true }),
  data: z.object({
    endpointId: z.string().min(1),
    outputKind: z.enum(['video', 'image']),
    outputFormat: z.enum(['mp4', 'webp', 'jpeg', 'png']),
    warnings: z.array(warningSchema).default([]),
    outputLifetimeSeconds: z.union([z.number().int().positive(), z.literal('never'), z.null()]).default(null),
  }),
})

/** Builds the plain-JSON handle of a submitted job. */
export function createFalJobHandle(job: { readonly modelId: string; readonly requestId: string; readonly submittedAt: Date } & FalJobData): JobHandle {
  return {
    specificationVersion: 'v1',
    provider: 'fal',
    modelId: job.modelId,
    jobId: job.requestId,
    submittedAt: job.submittedAt.toISOString(),
    data: {
      endpointId: job.endpointId,
      outputKind: job.outputKind,
      outputFormat: job.outputFormat,
      warnings: job.warnings.map((warning) => ({ ...warning })),
      outputLifetimeSeconds: job.outputLifetimeSeconds,
    },
  }
}

/**
 * Reads a handle (possibly parsed back from a journal) for this model.
 * @throws PortraitAnimatorError `invalid_input` (field `handle`) when it is not a handle of this model.
 */
export function readFalJobHandle(handle: JobHandle, expected: { readonly modelId: string; readonly endpointId: string }): FalJobData & { readonly requestId: string; readonly submittedAt: Date } {
  const parsed = handleSchema.safeParse(handle)
  const problem = !parsed.success
    ? (parsed.error.issues[0]?.path.join('.') ?? 'handle')
    : parsed.data.modelId !== expected.modelId || parsed.data.data.endpointId !== expected.endpointId
      ? 'modelId'
      : undefined
  if (!parsed.success || problem !== undefined) {
    throw new PortraitAnimatorError({
      kind: 'invalid_input',
      message: `Not a job handle of fal/${expected.modelId} (${problem ?? 'handle'} does not match).`,
      provider: 'fal',
      modelId: expected.modelId,
      field: 'handle',
      rule: 'job-handle',
    })
  }
  const { data } = parsed.data
  return {
    requestId: parsed.data.jobId,
    submittedAt: new Date(parsed.data.submittedAt),
    endpointId: data.endpointId,
    outputKind: data.outputKind,
    outputFormat: data.outputFormat,
    warnings: data.warnings.map((warning) => Object.fromEntries(Object.entries(warning).filter(([, value]) => value !== undefined)) as unknown as Warning),
    outputLifetimeSeconds: data.outputLifetimeSeconds,
  }
}
