import { PortraitAnimatorError, type AnimatorProvider, type AnimatorProviderFactory, type PortraitAnimator, type ProviderSettings } from '@portrait-animator/core'
import { z } from 'zod'
import { AILAB_KEY_VARIABLE, AILAB_LIVE_PHOTO_MODEL, AILAB_PROVIDER } from './ailab-constants.js'
import { createAilabLivePhoto } from './ailab-live-photo.js'
import { resolveAilabSettings, type AilabSettings } from './ailab-settings.js'

/** The AILabTools provider: one model, Live Photos. */
export interface Ailab {
  /** Provider name, `ailab`. */
  readonly provider: typeof AILAB_PROVIDER
  /**
   * AILabTools "Live Photos" (`POST /api/portrait/effects/live-photo`): a portrait in, a short MP4 of
   * the face nodding and smiling out. Retired by AILabTools; see the capabilities' lifecycle.
   */
  livePhoto(): PortraitAnimator
}

/**
 * Creates the AILabTools adapter.
 *
 * @example
 * ```ts
 * import { createAilab } from '@portrait-animator/adapter-ailab'
 *
 * const animator = createAilab({ baseUrl: 'http://127.0.0.1:8787' }).livePhoto() // key from AILAB_API_KEY
 * const result = await animator.animate({
 *   image: './portrait.jpg',
 *   motion: { type: 'preset', preset: 'live-photo', framing: 'head' },
 * })
 * await result.output.save('out/live.mp4')
 * ```
 * @throws PortraitAnimatorError `invalid_config` for a bad `baseUrl` or `timeoutMs`.
 */
export function createAilab(settings: AilabSettings = {}): Ailab {
  const resolved = resolveAilabSettings(settings)
  let livePhoto: PortraitAnimator | undefined
  return {
    provider: AILAB_PROVIDER,
    livePhoto: () => (livePhoto ??= createAilabLivePhoto(resolved)),
  }
}

const providerSettingsSchema = z.object({
  apiKey: z.string().optional(),
  baseUrl: z.string().optional(),
  timeoutMs: z.number().positive().optional(),
  allowPrivateNetwork: z.boolean().optional(),
  fetch: z.custom<typeof globalThis.fetch>((value) => typeof value === 'function', 'a fetch function').optional(),
})

/**
 * Builds the adapter from router settings (`{ apiKey?, baseUrl?, timeoutMs?, allowPrivateNetwork?, fetch? }`)
 * so the router can load `@portrait-animator/adapter-ailab` by name. Its one model is `live-photo`.
 *
 * @throws PortraitAnimatorError `invalid_config` when a setting has the wrong type.
 */
export const createProvider: AnimatorProviderFactory = (settings: ProviderSettings): AnimatorProvider => {
  const parsed = providerSettingsSchema.safeParse(settings)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new PortraitAnimatorError({
      kind: 'invalid_config',
      message: `AILabTools settings: ${issue?.path.join('.') || '(settings)'}: ${issue?.message ?? 'invalid'}.`,
      provider: AILAB_PROVIDER,
    })
  }
  const ailab = createAilab(parsed.data)
  const hasKey = Boolean(parsed.data.apiKey?.trim() || process.env[AILAB_KEY_VARIABLE]?.trim())
  return {
    name: AILAB_PROVIDER,
    models: [AILAB_LIVE_PHOTO_MODEL],
    ...(hasKey ? {} : { unconfiguredReason: `${AILAB_KEY_VARIABLE} is not set` }),
    animator(modelId: string): PortraitAnimator {
      if (modelId === AILAB_LIVE_PHOTO_MODEL) return ailab.livePhoto()
      throw new PortraitAnimatorError({
        kind: 'invalid_config',
        message: `AILabTools has no model "${modelId}"; its only model is "${AILAB_LIVE_PHOTO_MODEL}".`,
        provider: AILAB_PROVIDER,
        modelId,
      })
    },
  }
}
