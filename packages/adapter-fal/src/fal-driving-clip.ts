import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { PortraitAnimatorError } from '@portrait-animator/core'
import type { FalLifetime } from './fal-settings.js'

/**
 * The driving clip behind the `live-photo` preset: a gentle nod, smile and blink rendered by the
 * offline animator from the public-domain sample portrait (see `assets/NOTICE.md` and
 * `scripts/render-driving-clip.mjs`). It ships inside the package and is read from there; the
 * adapter never imports another adapter.
 */
export const BUNDLED_DRIVING_CLIP = new URL('../assets/live-photo-driving.mp4', import.meta.url)

/** Reads the bundled clip. */
export async function readBundledDrivingClip(location: URL = BUNDLED_DRIVING_CLIP): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(fileURLToPath(location)))
  } catch (cause) {
    throw new PortraitAnimatorError({
      kind: 'invalid_config',
      message: `The live-photo driving clip is missing from the package (${fileURLToPath(location)}); reinstall @portrait-animator/adapter-fal or set drivingVideoUrl.`,
      provider: 'fal',
      cause,
    })
  }
}

/**
 * Remembers the fal storage URL of the uploaded clip, so one process uploads it once and reuses it
 * while the upload lives (half its lifetime, to leave room for a queued job to fetch it).
 */
export class DrivingClipUploads {
  #url: string | undefined
  #reusableUntil = 0
  #pending: Promise<string> | undefined

  constructor(private readonly uploadLifetime: FalLifetime) {}

  /** The cached URL, or the one `upload` resolves (concurrent callers share one upload). */
  async get(upload: () => Promise<string>): Promise<string> {
    if (this.#url !== undefined && Date.now() < this.#reusableUntil) return this.#url
    this.#pending ??= upload().then(
      (url) => {
        this.#url = url
        this.#reusableUntil = this.uploadLifetime === 'never' ? Number.POSITIVE_INFINITY : Date.now() + (this.uploadLifetime * 1000) / 2
        this.#pending = undefined
        return url
      },
      (error: unknown) => {
        this.#pending = undefined
        throw error
      },
    )
    return this.#pending
  }
}
