import { PortraitAnimatorError, type AnimationResult, type JobStatus, type Timings } from '@portrait-animator/core'
import { kindOfProjectCode, projectCanceled, projectFailure } from './magichour-errors.js'
import type { HandleData } from './magichour-job-handle.js'
import { PROVIDER } from './magichour-limits.js'
import { createProjectOutput, type OutputSources } from './magichour-output.js'
import { chargedCost } from './magichour-pricing.js'
import { firstDownload, type MagicHourProject } from './magichour-schemas.js'

/** Where a project stands, in this adapter's words. */
export type ProjectState = 'queued' | 'running' | 'complete' | 'error' | 'canceled'

/**
 * Magic Hour's status, read tolerantly: `draft` (unused) and `queued` wait, `rendering` runs,
 * `complete`, `error` and `canceled` are final; a status this adapter does not know yet is taken as
 * still running, so a new value never ends a paid job early.
 */
export function stateOf(project: MagicHourProject): ProjectState {
  switch (project.status) {
    case 'draft':
    case 'queued':
      return 'queued'
    case 'complete':
    case 'error':
    case 'canceled':
      return project.status
    default:
      return 'running'
  }
}

/** What is known about the call that led to a completed project. */
export interface CompletionContext {
  readonly modelId: string
  readonly handleData: HandleData
  readonly usdPerCredit: number
  /** When the attempt started (ISO). */
  readonly startedAt: string
  readonly durationMs: number
  readonly timings: Timings
  readonly sources: OutputSources
}

/**
 * The result of a `complete` project: a lazily downloaded video, the charge Magic Hour reported
 * (`credits_charged`), and the warnings recorded at submission.
 *
 * @throws PortraitAnimatorError `provider_error` when the project lists no download.
 */
export function completedResult(project: MagicHourProject, context: CompletionContext): AnimationResult {
  const download = firstDownload(project)
  if (download === undefined) {
    throw new PortraitAnimatorError({
      kind: 'provider_error',
      message: `Magic Hour project ${project.id} is complete but lists no download.`,
      provider: PROVIDER,
      modelId: context.modelId,
      requestId: project.id,
      accepted: true,
    })
  }
  const target = `${PROVIDER}/${context.modelId}`
  const credits = project.credits_charged
  const cost = typeof credits === 'number' ? chargedCost(credits, context.usdPerCredit) : context.handleData.estimate
  return {
    output: createProjectOutput(project, download, context.sources, context.handleData.durationSeconds),
    servedBy: { provider: PROVIDER, modelId: context.modelId, target },
    attempts: [
      {
        target,
        provider: PROVIDER,
        modelId: context.modelId,
        outcome: 'succeeded',
        attempt: 1,
        startedAt: context.startedAt,
        durationMs: context.durationMs,
        accepted: true,
      },
    ],
    warnings: context.handleData.warnings,
    ...(cost === undefined ? {} : { cost }),
    timings: context.timings,
    providerMetadata: {
      [PROVIDER]: {
        requestId: project.id,
        projectId: project.id,
        ...(project.type ? { projectType: project.type } : {}),
        ...(typeof credits === 'number' ? { creditsCharged: credits } : {}),
        ...(project.name ? { name: project.name } : {}),
      },
    },
  }
}

/** A project as a `JobStatus` (for `status()`); a completed one carries its result. */
export function jobStatusOf(project: MagicHourProject, context: CompletionContext): JobStatus {
  const state = stateOf(project)
  switch (state) {
    case 'queued':
    case 'running':
      return { state: 'pending', phase: state }
    case 'complete':
      return { state: 'completed', result: completedResult(project, context) }
    case 'error': {
      const error = projectFailure(project, context.modelId)
      const code = project.error?.code ?? undefined
      return { state: 'failed', errorKind: kindOfProjectCode(code), ...(code ? { providerCode: code } : {}), message: error.message }
    }
    case 'canceled':
      return { state: 'failed', errorKind: 'cancelled', providerCode: 'canceled', message: projectCanceled(project, context.modelId).message }
  }
}
