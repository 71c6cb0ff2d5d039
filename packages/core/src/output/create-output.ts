import { setTimeout as delay } from 'node:timers/promises'
import { PortraitAnimatorError } from '../errors/index.js'
import type { AnimationOutput, OutputFormat, OutputKind, SavedOutput } from '../spec/index.js'
import { checkOutputIntegrity } from './check-output-integrity.js'
import { writeFileAtomic } from './write-file-atomic.js'

const MIME_TYPES: Readonly<Record<OutputFormat, string>> = {
  mp4: 'video/mp4',
  webp: 'image/webp',
  jpeg: 'image/jpeg',
  png: 'image/png',
}

/** Downloads after the first when a download breaks (cut short, unplayable, connection lost): downloads are free. */
export const DOWNLOAD_RETRIES = 2

/** Milliseconds before the n-th download retry (doubled each time). */
const RETRY_DELAY_MS = 250

/** The rule on the `provider_error` of an output that is broken (cut short, unplayable). */
export const OUTPUT_INTEGRITY_RULE = 'output-integrity'

/** The MIME type of an output format. */
export function outputMimeType(format: OutputFormat): string {
  return MIME_TYPES[format]
}

/** What is known about an output before its bytes are read. */
export interface OutputDescription {
  readonly kind: OutputKind
  readonly format: OutputFormat
  readonly width?: number
  readonly height?: number
  readonly durationSeconds?: number
  readonly fps?: number
  /** Remote location, for outputs a provider hosts. */
  readonly url?: string
  /** ISO time after which `url` stops working. */
  readonly expiresAt?: string
}

/** Who made an output and what they said about it, for its verification and its errors. */
export interface OutputOrigin {
  /** Provider name, on the error when the output is broken. */
  readonly provider?: string
  readonly modelId?: string
  /** The provider's job or request id. */
  readonly requestId?: string
  /** The size the provider reported (fal's `file_size`); a download of any other size is broken. */
  readonly expectedBytes?: number
  /**
   * `false` skips the integrity check: only for test doubles whose bytes are placeholders.
   * @default true
   */
  readonly verify?: boolean
}

/**
 * An output whose bytes are already in memory (local rendering, base64 responses). The bytes are
 * checked (container parsed, images decoded) on the first `bytes()` or `save()`: a broken output
 * is a `provider_error` with rule `output-integrity`, never a saved file.
 *
 * @example
 * ```ts
 * const output = createBytesOutput({ kind: 'video', format: 'mp4', bytes, provider: 'ailab' })
 * await output.save('out/live.mp4')
 * ```
 */
export function createBytesOutput(description: OutputDescription & OutputOrigin & { readonly bytes: Uint8Array }): AnimationOutput {
  const { bytes, provider, modelId, requestId, expectedBytes, verify, ...rest } = description
  const origin = withoutUndefined({ provider, modelId, requestId, expectedBytes, verify })
  let checked: Promise<Uint8Array> | undefined
  const verified = () => {
    checked ??= verifyBytes(bytes, description.format, origin, 1)
    return checked
  }
  return {
    ...withoutUndefined(rest),
    mimeType: outputMimeType(description.format),
    bytes: verified,
    save: async (path: string, options?: { signal?: AbortSignal }): Promise<SavedOutput> => writeFileAtomic(path, await verified(), options),
  }
}

/**
 * An output a provider hosts: nothing is downloaded until `bytes()` or `save()`.
 * `save()` streams straight to disk (never the whole file in memory), checks the complete temporary
 * file (size against `expectedBytes`, container parsed from box headers and `moov` only, images
 * decoded) and only then renames it into place. A download that breaks is tried again
 * (`DOWNLOAD_RETRIES` times); one that stays broken is a `provider_error` with rule
 * `output-integrity`.
 *
 * @example
 * ```ts
 * const output = createRemoteOutput({
 *   kind: 'video', format: 'mp4', url, provider: 'fal', requestId, expectedBytes: file.file_size,
 *   open: (signal) => http.open(url, { signal }),
 * })
 * ```
 */
export function createRemoteOutput(
  description: OutputDescription &
    OutputOrigin & {
      /** Streams the bytes; called once per download (a retry opens again). */
      readonly open: (signal?: AbortSignal) => Promise<AsyncIterable<Uint8Array>>
    },
): AnimationOutput {
  const { open, provider, modelId, requestId, expectedBytes, verify, ...rest } = description
  const origin: OutputOrigin = withoutUndefined({ provider, modelId, requestId, expectedBytes, verify })
  let cached: Promise<Uint8Array> | undefined
  return {
    ...withoutUndefined(rest),
    mimeType: outputMimeType(description.format),
    bytes: (options?: { signal?: AbortSignal }) => {
      cached ??= withDownloadRetries(options?.signal, async (attempt) => verifyBytes(await collect(open(options?.signal)), description.format, origin, attempt)).catch(
        (error: unknown) => {
          cached = undefined
          throw error
        },
      )
      return cached
    },
    save: (path: string, options?: { signal?: AbortSignal }): Promise<SavedOutput> =>
      withDownloadRetries(options?.signal, async (attempt) =>
        writeFileAtomic(path, await open(options?.signal), {
          ...(options?.signal ? { signal: options.signal } : {}),
          verify: async (temporary) => {
            if (origin.verify === false) return
            const problem = await checkOutputIntegrity(temporary, { format: description.format, ...(expectedBytes ? { expectedBytes } : {}) })
            if (problem) throw brokenOutput(problem, origin, attempt)
          },
        }),
      ),
  }
}

/** Runs `download` again when it fails in a way another download may fix. */
async function withDownloadRetries<T>(signal: AbortSignal | undefined, download: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await download(attempt)
    } catch (error) {
      if (attempt > DOWNLOAD_RETRIES || !mayRetryDownload(error) || signal?.aborted) throw error
      await delay(RETRY_DELAY_MS * 2 ** (attempt - 1), undefined, signal ? { signal } : {})
    }
  }
}

function mayRetryDownload(error: unknown): boolean {
  if (!PortraitAnimatorError.isInstance(error)) return false
  return error.rule === OUTPUT_INTEGRITY_RULE || error.kind === 'unavailable' || (error.kind === 'timeout' && error.retryable)
}

async function verifyBytes(bytes: Uint8Array, format: OutputFormat, origin: OutputOrigin, attempt: number): Promise<Uint8Array> {
  if (origin.verify === false) return bytes
  const problem = await checkOutputIntegrity(bytes, { format, ...(origin.expectedBytes ? { expectedBytes: origin.expectedBytes } : {}) })
  if (problem) throw brokenOutput(problem, origin, attempt)
  return bytes
}

function brokenOutput(problem: string, origin: OutputOrigin, attempt: number): PortraitAnimatorError {
  const from = origin.provider ? ` from ${origin.provider}` : ''
  const tries = attempt > 1 ? ` (downloaded ${attempt} times)` : ''
  return new PortraitAnimatorError({
    kind: 'provider_error',
    message: `The output${from} is broken${tries}: ${problem}.`,
    rule: OUTPUT_INTEGRITY_RULE,
    retryable: false,
    accepted: true,
    ...(origin.provider ? { provider: origin.provider } : {}),
    ...(origin.modelId ? { modelId: origin.modelId } : {}),
    ...(origin.requestId ? { requestId: origin.requestId } : {}),
  })
}

async function collect(source: Promise<AsyncIterable<Uint8Array>>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const chunk of await source) parts.push(chunk)
  return Buffer.concat(parts)
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T
}
