import {
  createRemoteOutput,
  PortraitAnimatorError,
  redact,
  type AnimationResult,
  type Cost,
  type HttpClient,
  type OutputFormat,
  type OutputKind,
  type Timings,
  type Warning,
} from '@portrait-animator/core'
import { isTrustedOutputUrl } from './fal-hosts.js'
import type { FalJobData } from './fal-job-handle.js'
import type { FalModelDefinition } from './fal-model.js'
import type { FalFile } from './fal-schemas.js'
import type { FalLifetime } from './fal-settings.js'

/** Everything needed to turn a completed job into an `AnimationResult`. */
export interface FalResultParts {
  readonly modelId: string
  readonly endpointId: string
  readonly requestId: string
  readonly file: FalFile
  /** What the job cost by fal's published price, for models that have one. */
  readonly cost?: Cost | undefined
  readonly output: { readonly kind: OutputKind; readonly format: OutputFormat }
  readonly warnings: readonly Warning[]
  readonly outputLifetimeSeconds: FalLifetime | null
  readonly completedAt: Date
  readonly startedAt: Date
  readonly timings: Timings
  readonly inferenceSeconds?: number | undefined
  readonly logs?: readonly string[] | undefined
  readonly http: HttpClient
  readonly baseUrl: URL | undefined
  readonly trustedOutputHosts: readonly string[]
}

/** The parts of a result that come from the job, its output and the settings alone. */
export type FalJobResultParts = Pick<FalResultParts, 'modelId' | 'endpointId' | 'requestId' | 'file' | 'cost' | 'output' | 'warnings' | 'outputLifetimeSeconds' | 'baseUrl' | 'trustedOutputHosts'>

/**
 * What a completed job's result takes from the job and fal's output, the same whether the call
 * followed the job (`animate`) or a handle was checked later (`status`); the caller adds times,
 * logs and its HTTP client.
 */
export function falJobResultParts(
  job: { readonly modelId: string; readonly requestId: string; readonly data: FalJobData },
  definition: Pick<FalModelDefinition, 'readOutput' | 'resultCost'>,
  outputData: unknown,
  settings: Pick<FalResultParts, 'baseUrl' | 'trustedOutputHosts'>,
): FalJobResultParts {
  const { data } = job
  return {
    modelId: job.modelId,
    endpointId: data.endpointId,
    requestId: job.requestId,
    file: definition.readOutput(outputData),
    cost: definition.resultCost?.(outputData),
    output: { kind: data.outputKind, format: data.outputFormat },
    warnings: data.warnings,
    outputLifetimeSeconds: data.outputLifetimeSeconds,
    baseUrl: settings.baseUrl,
    trustedOutputHosts: settings.trustedOutputHosts,
  }
}

/**
 * The result of a completed fal job. The output stays on fal's CDN until `bytes()` or `save()`;
 * its URL and (when the lifecycle preference was set) expiry are on the output.
 *
 * @throws PortraitAnimatorError `provider_error` when the output URL is not on a host fal serves
 *   files from: a response body is never trusted to pick where we download from.
 */
export function buildFalResult(parts: FalResultParts): AnimationResult {
  const url = parseOutputUrl(parts)
  const format = outputFormat(parts.file, parts.output)
  const lifetime = parts.outputLifetimeSeconds
  const expiresAt = typeof lifetime === 'number' ? new Date(parts.completedAt.getTime() + lifetime * 1000).toISOString() : undefined
  const width = parts.file.width ?? undefined
  const height = parts.file.height ?? undefined
  const output = createRemoteOutput({
    kind: parts.output.kind,
    format,
    url: url.href,
    ...(expiresAt ? { expiresAt } : {}),
    ...(width ? { width } : {}),
    ...(height ? { height } : {}),
    provider: 'fal',
    modelId: parts.modelId,
    requestId: parts.requestId,
    // fal reports the file's size: a download of any other size is cut short or foreign.
    ...(parts.file.file_size ? { expectedBytes: parts.file.file_size } : {}),
    open: (signal) => parts.http.open(url.href, signal ? { signal } : {}),
  })
  const target = `fal/${parts.modelId}`
  return {
    output,
    servedBy: { provider: 'fal', modelId: parts.modelId, target },
    attempts: [
      {
        target,
        provider: 'fal',
        modelId: parts.modelId,
        outcome: 'succeeded',
        attempt: 1,
        startedAt: parts.startedAt.toISOString(),
        durationMs: parts.timings.totalMs,
        accepted: true,
      },
    ],
    warnings: parts.warnings,
    ...(parts.cost ? { cost: parts.cost } : {}),
    timings: parts.timings,
    providerMetadata: {
      fal: {
        requestId: parts.requestId,
        endpointId: parts.endpointId,
        outputLifetime: lifetime === null ? 'account default' : lifetime === 'never' ? 'never' : `${lifetime} s`,
        ...(parts.inferenceSeconds === undefined ? {} : { inferenceSeconds: parts.inferenceSeconds }),
        ...(parts.file.file_size ? { outputBytes: parts.file.file_size } : {}),
        ...(parts.logs && parts.logs.length > 0 ? { logs: parts.logs.slice(-50) } : {}),
      },
    },
  }
}

function parseOutputUrl(parts: FalResultParts): URL {
  let url: URL | undefined
  try {
    url = new URL(parts.file.url)
  } catch {
    url = undefined
  }
  if (url && isTrustedOutputUrl(url, { baseUrl: parts.baseUrl, trustedHosts: parts.trustedOutputHosts })) return url
  throw new PortraitAnimatorError({
    kind: 'provider_error',
    message: `fal returned an output URL on a host this adapter does not download from (${redact(url ? url.origin : 'not a URL')}); add it to trustedOutputHosts if it is legitimate.`,
    provider: 'fal',
    modelId: parts.modelId,
    requestId: parts.requestId,
    accepted: true,
  })
}

const FORMAT_BY_TYPE: Readonly<Record<string, OutputFormat>> = {
  'video/mp4': 'mp4',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
}

/** The format fal says the file has, else the one asked for. */
function outputFormat(file: FalFile, expected: { readonly kind: OutputKind; readonly format: OutputFormat }): OutputFormat {
  const byType = file.content_type ? FORMAT_BY_TYPE[file.content_type.split(';')[0]?.trim().toLowerCase() ?? ''] : undefined
  if (byType && (expected.kind === 'video') === (byType === 'mp4')) return byType
  return expected.format
}
