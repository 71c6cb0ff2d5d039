import { FalUploads } from './fal-uploads.js'
import { createFalClient } from '@fal-ai/client'
import {
  createHttpClient,
  PortraitAnimatorError,
  registerSecret,
  type AnimatorProvider,
  type AnimatorProviderFactory,
  type PortraitAnimator,
  type ProviderSettings,
} from '@portrait-animator/core'
import { createFalAnimator, type FalRuntime } from './fal-animator.js'
import { FalCallRegistry } from './fal-call.js'
import { DrivingClipUploads } from './fal-driving-clip.js'
import { createFalFetch } from './fal-fetch.js'
import { falKlingAvatar } from './fal-kling-avatar.js'
import { falLivePortrait } from './fal-live-portrait.js'
import { falLivePortraitImage } from './fal-live-portrait-image.js'
import type { FalModelDefinition } from './fal-model.js'
import { falOmniHuman } from './fal-omnihuman.js'
import { FalQueue } from './fal-queue.js'
import { falSadTalker } from './fal-sadtalker.js'
import { resolveFalSettings, type FalSettings } from './fal-settings.js'

/** The router's model ids for fal, in order of preference for a portrait. */
export const FAL_MODEL_IDS = ['live-portrait', 'live-portrait-image', 'sadtalker', 'kling-avatar-v2-standard', 'omnihuman-v1-5'] as const

/** One of `FAL_MODEL_IDS`. */
export type FalModelId = (typeof FAL_MODEL_IDS)[number]

const DEFINITIONS: Readonly<Record<FalModelId, FalModelDefinition>> = {
  'live-portrait': falLivePortrait,
  'live-portrait-image': falLivePortraitImage,
  sadtalker: falSadTalker,
  'kling-avatar-v2-standard': falKlingAvatar,
  'omnihuman-v1-5': falOmniHuman,
}

/** fal as a provider: one animator per model, sharing one fal client. */
export interface FalProvider extends AnimatorProvider {
  readonly name: 'fal'
  /**
   * `fal-ai/live-portrait`: a driving video's motion onto the portrait (MP4), and the
   * `live-photo` preset through a bundled driving clip.
   */
  livePortrait(): PortraitAnimator
  /** `fal-ai/live-portrait/image`: an expression re-posed onto a still (JPEG or PNG). */
  livePortraitImage(): PortraitAnimator
  /** `fal-ai/sadtalker`: the portrait speaks an audio clip (MP4). */
  sadTalker(): PortraitAnimator
  /** `fal-ai/kling-video/ai-avatar/v2/standard`: Kling AI Avatar v2 speaks an audio clip (MP4), $0.0562/s. */
  klingAvatar(): PortraitAnimator
  /** `fal-ai/bytedance/omnihuman/v1.5`: OmniHuman 1.5 speaks an audio clip with gestures (MP4), $0.16/s. */
  omniHuman(): PortraitAnimator
}

/**
 * Creates the fal provider on its own `@fal-ai/client` instance (never the global singleton).
 *
 * @example
 * ```ts
 * import { createFal } from '@portrait-animator/adapter-fal'
 *
 * const fal = createFal() // reads FAL_KEY
 * const result = await fal.livePortrait().animate({
 *   image: './portrait.jpg',
 *   motion: { type: 'preset', preset: 'live-photo' },
 * })
 * await result.output.save('out/live.mp4')
 * ```
 */
export function createFal(settings: FalSettings = {}): FalProvider {
  const resolved = resolveFalSettings(settings)
  registerSecret(resolved.apiKey)
  const calls = new FalCallRegistry()
  const client = createFalClient({
    credentials: () => resolved.apiKey,
    fetch: createFalFetch({ baseUrl: resolved.baseUrl, fetch: resolved.fetch, calls, requestTimeoutMs: resolved.requestTimeoutMs }),
    suppressLocalCredentialsWarning: true,
  })
  const queue = new FalQueue({
    client,
    calls,
    priority: resolved.priority,
    webhookUrl: resolved.webhookUrl,
    outputLifetimeSeconds: resolved.outputLifetimeSeconds,
    uploadLifetimeSeconds: resolved.uploadLifetimeSeconds,
  })
  const runtime: FalRuntime = {
    settings: resolved,
    queue,
    uploads: new FalUploads(queue, resolved.uploadLifetimeSeconds, resolved.maxConcurrentUploads),
    http: createHttpClient({ provider: 'fal', timeoutMs: resolved.requestTimeoutMs, ...(resolved.fetch ? { fetch: resolved.fetch } : {}) }),
    streamSupport: { state: 'unknown' },
    drivingClipUploads: new DrivingClipUploads(resolved.uploadLifetimeSeconds),
  }
  const animators = new Map<FalModelId, PortraitAnimator>()
  const animator = (modelId: string): PortraitAnimator => {
    if (!isFalModelId(modelId)) {
      throw new PortraitAnimatorError({
        kind: 'invalid_config',
        message: `fal has no model "${modelId}"; its models are ${FAL_MODEL_IDS.join(', ')}.`,
        provider: 'fal',
      })
    }
    let existing = animators.get(modelId)
    if (!existing) {
      existing = createFalAnimator(DEFINITIONS[modelId], runtime)
      animators.set(modelId, existing)
    }
    return existing
  }
  return {
    name: 'fal',
    models: FAL_MODEL_IDS,
    ...(resolved.apiKey ? {} : { unconfiguredReason: 'FAL_KEY is not set' }),
    animator,
    livePortrait: () => animator('live-portrait'),
    livePortraitImage: () => animator('live-portrait-image'),
    sadTalker: () => animator('sadtalker'),
    klingAvatar: () => animator('kling-avatar-v2-standard'),
    omniHuman: () => animator('omnihuman-v1-5'),
  }
}

/**
 * Builds the fal provider from router settings (`{ apiKey, baseUrl, ...FalSettings }`), so the
 * router can load this package by name from a configuration file.
 */
export const createProvider: AnimatorProviderFactory = (settings: ProviderSettings) => createFal(settings as FalSettings)

function isFalModelId(value: string): value is FalModelId {
  return (FAL_MODEL_IDS as readonly string[]).includes(value)
}
