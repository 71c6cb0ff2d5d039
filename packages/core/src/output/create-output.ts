import type { AnimationOutput, OutputFormat, OutputKind, SavedOutput } from '../spec/index.js'
import { writeFileAtomic } from './write-file-atomic.js'

const MIME_TYPES: Readonly<Record<OutputFormat, string>> = {
  mp4: 'video/mp4',
  webp: 'image/webp',
  jpeg: 'image/jpeg',
  png: 'image/png',
}

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

/** An output whose bytes are already in memory (local rendering, base64 responses). */
export function createBytesOutput(description: OutputDescription & { readonly bytes: Uint8Array }): AnimationOutput {
  const { bytes, ...rest } = description
  return {
    ...withoutUndefined(rest),
    mimeType: outputMimeType(description.format),
    bytes: async () => bytes,
    save: (path: string, options?: { signal?: AbortSignal }): Promise<SavedOutput> => writeFileAtomic(path, bytes, options),
  }
}

/**
 * An output a provider hosts: nothing is downloaded until `bytes()` or `save()`.
 * `save()` streams straight to disk (never the whole file in memory) and renames into place.
 */
export function createRemoteOutput(
  description: OutputDescription & {
    /** Streams the bytes; called once per `bytes()`/`save()` call. */
    readonly open: (signal?: AbortSignal) => Promise<AsyncIterable<Uint8Array>>
  },
): AnimationOutput {
  const { open, ...rest } = description
  let cached: Promise<Uint8Array> | undefined
  return {
    ...withoutUndefined(rest),
    mimeType: outputMimeType(description.format),
    bytes: (options?: { signal?: AbortSignal }) => {
      cached ??= collect(open(options?.signal)).catch((error: unknown) => {
        cached = undefined
        throw error
      })
      return cached
    },
    save: async (path: string, options?: { signal?: AbortSignal }): Promise<SavedOutput> =>
      writeFileAtomic(path, await open(options?.signal), options),
  }
}

async function collect(source: Promise<AsyncIterable<Uint8Array>>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const chunk of await source) parts.push(chunk)
  return Buffer.concat(parts)
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T
}
