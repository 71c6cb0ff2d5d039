import { PortraitAnimatorError, createHttpClient, type AnimatorProvider, type AnimatorProviderFactory, type PortraitAnimator, type ProviderSettings } from '@portrait-animator/core'
import { createReplicateApi, type ReplicateApi } from './replicate-api.js'
import { createReplicateAnimator } from './replicate-animator.js'
import { API_KEY_VARIABLE, MODEL_ID, PROVIDER } from './replicate-limits.js'
import { resolveSettings, type ReplicateSettings } from './replicate-settings.js'
import { verifyWebhookWith, type ReplicateWebhookRequest, type VerifiedReplicateWebhook, type VerifyReplicateWebhookOptions } from './replicate-webhook.js'

/** Replicate as a provider: LivePortrait (`live-portrait`). */
export interface ReplicateProvider extends AnimatorProvider {
  readonly name: 'replicate'
  readonly models: readonly ['live-portrait']
  /** LivePortrait: a driving video's motion on the portrait, or the live-photo preset. MP4 output. */
  livePortrait(): PortraitAnimator
  animator(modelId: string): PortraitAnimator
  /**
   * `verifyReplicateWebhook` with this provider's HTTP client, price and base URL: verifies a call
   * to `webhookUrl` and answers the prediction's status, its result downloadable like `animate`'s.
   */
  verifyWebhook(request: Request | ReplicateWebhookRequest, options: Pick<VerifyReplicateWebhookOptions, 'secret' | 'toleranceSeconds' | 'now'>): Promise<VerifiedReplicateWebhook>
}

/**
 * Creates the Replicate adapter, over the official `replicate` client (1.4.0). Point `baseUrl` at
 * the emulator (`http://127.0.0.1:4010/v1`) to run without the cloud. Nothing is sent until an
 * animator's method is called.
 *
 * @example
 * ```ts
 * const replicate = createReplicate({ apiKey: process.env.REPLICATE_API_TOKEN })
 * const result = await replicate.livePortrait().animate({ image: 'portrait.jpg', motion: { type: 'preset', preset: 'live-photo' } })
 * await result.output.save('out/live.mp4')
 * ```
 * @throws PortraitAnimatorError `invalid_config` for a malformed setting.
 */
export function createReplicate(settings: ReplicateSettings = {}): ReplicateProvider {
  const resolved = resolveSettings(settings)
  const http = createHttpClient({ provider: PROVIDER, ...(resolved.fetch === undefined ? {} : { fetch: resolved.fetch }) })
  const apiOrigin = new URL(resolved.baseUrl).origin
  let api: ReplicateApi | undefined
  const getApi = () => {
    if (resolved.apiKey === undefined) return undefined
    api ??= createReplicateApi({ ...resolved, apiKey: resolved.apiKey })
    return api
  }
  const isAllowedDownload = (url: string): boolean => {
    try {
      const parsed = new URL(url)
      return parsed.protocol === 'https:' || parsed.origin === apiOrigin
    } catch {
      return false
    }
  }
  let livePortrait: PortraitAnimator | undefined
  const animator = (modelId: string): PortraitAnimator => {
    if (modelId !== MODEL_ID) {
      throw new PortraitAnimatorError({ kind: 'invalid_config', message: `Replicate has no model "${modelId}" (models: ${MODEL_ID}).`, provider: PROVIDER, modelId })
    }
    livePortrait ??= createReplicateAnimator({ settings: resolved, api: getApi, http, isAllowedDownload })
    return livePortrait
  }
  return {
    name: PROVIDER,
    models: [MODEL_ID],
    ...(resolved.apiKey === undefined ? { unconfiguredReason: `${API_KEY_VARIABLE} is not set` } : {}),
    livePortrait: () => animator(MODEL_ID),
    animator,
    verifyWebhook: (request, options) => verifyWebhookWith(request, options, { http, isAllowedDownload, usdPerSecond: resolved.usdPerSecond }),
  }
}

/** The factory the router loads by name (`adapter: 'replicate'`). */
export const createProvider: AnimatorProviderFactory = (settings: ProviderSettings) => createReplicate(settings as ReplicateSettings)
