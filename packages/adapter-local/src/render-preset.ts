import type { Framing, MediaInput, PresetName } from '@portrait-animator/core'
import { loadHumanRuntime } from './human-runtime.js'
import { LOCAL_WARP_CAPABILITIES } from './local-capabilities.js'
import { invalidInput } from './local-errors.js'
import { loadImage } from './load-image.js'
import { presetTimeline } from './motion-curves.js'
import type { NoFaceBehaviour } from './prepare-portrait.js'
import type { RenderedAnimation } from './render-animation.js'

/** Options of `renderPreset`. */
export interface RenderPresetOptions {
  /** @default 512 */
  readonly maxSide?: number
  /** @default 24 */
  readonly fps?: number
  /** @default 'head' */
  readonly framing?: Framing
  /** @default 'mp4' */
  readonly format?: 'mp4' | 'webp'
  /** @default 'error' */
  readonly noFace?: NoFaceBehaviour
  readonly signal?: AbortSignal
  /** Receives a copy of every rendered RGBA frame before encoding. */
  readonly onFrame?: (frame: Uint8Array, index: number, size: { readonly width: number; readonly height: number }) => void
}

/**
 * Renders a preset of any portrait straight to video bytes: the lower-level piece behind
 * `createLocal().warp()`, also used to make driving clips for other providers.
 *
 * @example
 * ```ts
 * const clip = await renderPreset('examples/assets/astronaut.png', 'live-photo')
 * await writeFile('live-photo.mp4', clip.bytes) // 3 s, 24 fps, 512x512 H.264
 * ```
 */
export async function renderPreset(image: MediaInput, preset: PresetName, options: RenderPresetOptions = {}): Promise<RenderedAnimation> {
  if (!LOCAL_WARP_CAPABILITIES.presets.includes(preset)) throw invalidInput('preset', 'enum', `Unknown preset ${JSON.stringify(preset)}.`)
  const fps = options.fps ?? 24
  const loaded = await loadImage(image, LOCAL_WARP_CAPABILITIES.inputs.image, { signal: options.signal })
  // Imported on first use, so that importing the package stays light (see `createLocal`'s pool).
  const [{ renderAnimation }] = await Promise.all([import('./render-animation.js'), loadHumanRuntime()])
  const onFrame = options.onFrame
  return renderAnimation(
    loaded.bytes,
    {
      kind: 'video',
      format: options.format ?? 'mp4',
      states: presetTimeline(preset, fps),
      fps,
      maxSide: options.maxSide ?? 512,
      framing: options.framing ?? 'head',
      noFace: options.noFace ?? 'error',
    },
    { signal: options.signal, ...(onFrame === undefined ? {} : { onFrame: (frame, index, portrait) => onFrame(frame, index, portrait) }) },
  )
}
