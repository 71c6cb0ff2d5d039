import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import type { PortraitAnimator } from '@portrait-animator/core'
import type { EncoderPreference } from './encoder-choice.js'
import { defaultFaceCacheDir } from './face-analysis-cache.js'
import { MAX_OUTPUT_SIDE } from './local-capabilities.js'
import { LOCAL_PROVIDER, localError } from './local-errors.js'
import { createLocalWarpAnimator } from './local-warp-animator.js'
import type { NoFaceBehaviour } from './prepare-portrait.js'

/** Settings of the offline provider. */
export interface LocalSettings {
  /**
   * Longest side of outputs in pixels; the aspect ratio is kept and photos are never upscaled.
   * A request's `output.maxSide` overrides it.
   * @default 512
   */
  readonly maxSide?: number
  /**
   * Frames per second of videos.
   * @default 24
   */
  readonly fps?: number
  /**
   * A folder where finished renders are kept, keyed by photo and request. Rendering is
   * deterministic, so a repeated request is answered from the folder at once.
   * @default undefined (no cache)
   */
  readonly cacheDir?: string
  /**
   * What to do with a photo that has no face: `error` fails with `no_face`; `whole-image` moves
   * the whole picture gently and adds a warning. A request can override it with
   * `providerOptions.local.noFace`.
   * @default 'error'
   */
  readonly noFace?: NoFaceBehaviour
  /**
   * Worker threads that render clips, each with its own face models (about 150 MB each), so that
   * several clips render at once and the calling thread stays free; `auto` is one per core, 0
   * renders on the calling thread. Workers start when clips need them.
   * @default 'auto'
   */
  readonly workers?: number | 'auto'
  /**
   * The H.264 encoder of MP4s: `auto` uses an `ffmpeg` on PATH (libx264, several times faster) and
   * the built-in WebAssembly encoder without one (with a warning); `wasm` always uses the built-in
   * one; `native` requires ffmpeg. Both write the same profile, level, colour and quantiser;
   * `providerMetadata.local.encoder` says which ran. The `PORTRAIT_ANIMATOR_H264_ENCODER`
   * environment variable (`auto`, `native`, `wasm`) applies when this is not set.
   * @default 'auto'
   */
  readonly encoder?: EncoderPreference
  /**
   * A folder where the face analysis of each photo is kept (Human's landmarks, about 30 KB per
   * face), keyed by the photo's pixels and the versions and settings of the face models, so that a
   * new process animating a photo seen before does not load the face models at all. Shared safely
   * by processes and threads; a damaged entry is ignored; the folder can be deleted at any time.
   * `false` turns it off.
   * @default `faces` in `$PORTRAIT_ANIMATOR_CACHE_DIR`, else `~/.cache/portrait-animator/faces`
   * (`$XDG_CACHE_HOME` honoured; `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows)
   */
  readonly faceCache?: string | false
}

/** The offline provider: one model, `warp`. */
export interface LocalProvider {
  readonly provider: typeof LOCAL_PROVIDER
  /** The mesh-warp animator (target `local/warp`). */
  warp(): PortraitAnimator
}

/**
 * The offline default animator: works after `npm ci` with no key and no network.
 *
 * @example
 * ```ts
 * import { createLocal } from '@portrait-animator/adapter-local'
 *
 * const animator = createLocal().warp()
 * const result = await animator.animate({
 *   image: 'examples/assets/astronaut.png',
 *   motion: { type: 'preset', preset: 'live-photo' },
 * })
 * await result.output.save('out/astronaut-live.mp4')
 * ```
 */
export function createLocal(settings: LocalSettings = {}): LocalProvider {
  const maxSide = settings.maxSide ?? 512
  const fps = settings.fps ?? 24
  const noFace = settings.noFace ?? 'error'
  if (!Number.isInteger(maxSide) || maxSide < 16 || maxSide > MAX_OUTPUT_SIDE) {
    throw localError({ kind: 'invalid_config', message: `maxSide must be a whole number from 16 to ${MAX_OUTPUT_SIDE}, got ${maxSide}.` })
  }
  if (!Number.isInteger(fps) || fps < 1 || fps > 60) {
    throw localError({ kind: 'invalid_config', message: `fps must be a whole number from 1 to 60, got ${fps}.` })
  }
  if (noFace !== 'error' && noFace !== 'whole-image') {
    throw localError({ kind: 'invalid_config', message: `noFace must be "error" or "whole-image", got ${JSON.stringify(noFace)}.` })
  }
  const workers = settings.workers === undefined || settings.workers === 'auto' ? availableParallelism() : settings.workers
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
    throw localError({ kind: 'invalid_config', message: `workers must be "auto" or a whole number from 0 to 64, got ${JSON.stringify(settings.workers)}.` })
  }
  const encoder = settings.encoder
  if (encoder !== undefined && encoder !== 'auto' && encoder !== 'native' && encoder !== 'wasm') {
    throw localError({ kind: 'invalid_config', message: `encoder must be "auto", "native" or "wasm", got ${JSON.stringify(encoder)}.` })
  }
  const faceCache = settings.faceCache
  if (faceCache !== undefined && faceCache !== false && (typeof faceCache !== 'string' || faceCache === '')) {
    throw localError({ kind: 'invalid_config', message: `faceCache must be a folder or false, got ${JSON.stringify(faceCache)}.` })
  }
  const faceCacheDir = faceCache === false ? undefined : resolve(faceCache ?? defaultFaceCacheDir())
  const settingsForWarp = { maxSide, fps, noFace, cacheDir: settings.cacheDir, workers, encoder, faceCacheDir }
  return {
    provider: LOCAL_PROVIDER,
    warp: () => createLocalWarpAnimator(settingsForWarp),
  }
}
