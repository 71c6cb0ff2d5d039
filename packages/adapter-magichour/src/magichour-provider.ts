import {
  PortraitAnimatorError,
  createHttpClient,
  type AnimatorProvider,
  type AnimatorProviderFactory,
  type ProviderSettings,
} from '@portrait-animator/core'
import { createMagicHourApi, type MagicHourApi } from './magichour-api.js'
import { createMagicHourAnimator } from './magichour-animator.js'
import { createHostPolicy } from './magichour-hosts.js'
import { imageToVideoModel } from './magichour-image-to-video.js'
import { API_KEY_VARIABLE, PROVIDER } from './magichour-limits.js'
import type { MagicHourAnimator, MagicHourModel, MagicHourModelId } from './magichour-model.js'
import { resolveSettings, type MagicHourSettings } from './magichour-settings.js'
import { talkingPhotoModel } from './magichour-talking-photo.js'
import { MagicHourUploads } from './magichour-uploads.js'

/** Magic Hour as a provider: its two models as `PortraitAnimator`s. */
export interface MagicHourProvider extends AnimatorProvider {
  readonly name: 'magichour'
  readonly models: readonly MagicHourModelId[]
  /**
   * AI Talking Photo: the portrait speaks an audio clip (`motion: { type: 'audio', audio,
   * startSeconds?, endSeconds? }`, at most 60 s). Video output.
   */
  talkingPhoto(): MagicHourAnimator
  /**
   * Image-to-Video serving presets (`live-photo`: a subtle nod and smile, 5 s by default) through a
   * prompt; every result carries a `generative` warning. Video output.
   */
  imageToVideo(): MagicHourAnimator
  /** The animator for a router model id (`talking-photo`, `image-to-video`). */
  animator(modelId: string): MagicHourAnimator
}

const MODELS: Readonly<Record<MagicHourModelId, MagicHourModel>> = {
  'talking-photo': talkingPhotoModel,
  'image-to-video': imageToVideoModel,
}

/**
 * Creates the Magic Hour adapter. The API is reached through the official `magic-hour` SDK
 * (0.43.1); point `baseUrl` at the emulator to run without the cloud. Nothing is sent until a
 * method of an animator is called.
 *
 * @example
 * ```ts
 * import { createMagicHour } from '@portrait-animator/adapter-magichour'
 *
 * const magicHour = createMagicHour({ apiKey: process.env.MAGIC_HOUR_API_KEY })
 * const result = await magicHour.talkingPhoto().animate({
 *   image: 'examples/assets/astronaut.png',
 *   motion: { type: 'audio', audio: 'examples/assets/hello.wav' },
 * })
 * await result.output.save('out/astronaut-talking.mp4')
 * ```
 * @throws PortraitAnimatorError `invalid_config` for a malformed setting.
 */
export function createMagicHour(settings: MagicHourSettings = {}): MagicHourProvider {
  const resolved = resolveSettings(settings)
  const http = createHttpClient({
    provider: PROVIDER,
    timeoutMs: resolved.requestTimeoutMs,
    ...(resolved.fetch === undefined ? {} : { fetch: resolved.fetch }),
  })
  let api: MagicHourApi | undefined
  const getApi = () => {
    if (resolved.apiKey === undefined) return undefined
    api ??= createMagicHourApi({ apiKey: resolved.apiKey, baseUrl: resolved.baseUrl, requestTimeoutMs: resolved.requestTimeoutMs })
    return api
  }
  const isAllowedHost = createHostPolicy(new URL(resolved.baseUrl).origin, resolved.downloadHosts)
  const uploads = new MagicHourUploads(resolved.maxConcurrentUploads)
  const animators = new Map<MagicHourModelId, MagicHourAnimator>()
  const animator = (modelId: string): MagicHourAnimator => {
    if (!(modelId in MODELS)) {
      throw new PortraitAnimatorError({
        kind: 'invalid_config',
        message: `Magic Hour has no model "${modelId}" (models: ${Object.keys(MODELS).join(', ')}).`,
        provider: PROVIDER,
        modelId,
      })
    }
    const id = modelId as MagicHourModelId
    let existing = animators.get(id)
    if (existing === undefined) {
      existing = createMagicHourAnimator({ model: MODELS[id], settings: resolved, api: getApi, http, isAllowedHost, uploads })
      animators.set(id, existing)
    }
    return existing
  }
  return {
    name: PROVIDER,
    models: Object.keys(MODELS) as MagicHourModelId[],
    ...(resolved.apiKey === undefined ? { unconfiguredReason: `${API_KEY_VARIABLE} is not set` } : {}),
    talkingPhoto: () => animator('talking-photo'),
    imageToVideo: () => animator('image-to-video'),
    animator,
  }
}

/**
 * The factory the router loads by name (`adapter: 'magichour'`): the same adapter built from
 * router settings (`apiKey`, `baseUrl` and any `MagicHourSettings`).
 */
export const createProvider: AnimatorProviderFactory = (settings: ProviderSettings) => createMagicHour(settings as MagicHourSettings)
