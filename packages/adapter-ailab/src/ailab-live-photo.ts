import {
  callOnSubmitting,
  checkMediaLimits,
  createBytesOutput,
  createHttpClient,
  extensionOf,
  loadMedia,
  PortraitAnimatorError,
  toPortraitAnimatorError,
  type AnimationRequest,
  type AnimationResult,
  type CallOptions,
  type LoadedMedia,
  type PortraitAnimator,
  type ProgressPhase,
  validateCallOptions,
  validateRequest,
} from '@portrait-animator/core'
import { AILAB_LIVE_PHOTO_CAPABILITIES, AILAB_MAX_IMAGE_BYTES } from './ailab-capabilities.js'
import { AILAB_KEY_HEADER, AILAB_KEY_VARIABLE, AILAB_LIVE_PHOTO_MODEL, AILAB_LIVE_PHOTO_TARGET, AILAB_PROVIDER } from './ailab-constants.js'
import { AILAB_LIVE_PHOTO_COST } from './ailab-cost.js'
import { startDeadline, type CallDeadline } from './ailab-deadline.js'
import { envelopeReportsFailure, parseAilabEnvelope, type AilabEnvelope } from './ailab-envelope.js'
import { encodeMultipart } from './ailab-multipart.js'
import { ailabResponseError } from './ailab-errors.js'
import { planAilabRequest, type AilabRequestPlan } from './ailab-request-plan.js'
import type { ResolvedAilabSettings } from './ailab-settings.js'
import { decodeAilabVideo } from './ailab-video.js'

/** Largest response accepted: a base64 video of a few seconds is a few MB. */
const MAX_RESPONSE_BYTES = 128 * 1024 * 1024

/**
 * The Live Photos animator: one synchronous multipart call to `POST /api/portrait/effects/live-photo`.
 * The capabilities say `retired`, so a router skips it by default; called directly (or when the
 * router is told to probe it) it really calls `baseUrl`, since a private deployment or an
 * AILab-compatible server may still answer.
 */
export function createAilabLivePhoto(settings: ResolvedAilabSettings): PortraitAnimator {
  const http = createHttpClient({
    provider: AILAB_PROVIDER,
    timeoutMs: settings.timeoutMs,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
    ...(settings.apiKey ? { headers: { [AILAB_KEY_HEADER]: settings.apiKey } } : {}),
  })

  async function animate(request: AnimationRequest, options: CallOptions = {}): Promise<AnimationResult> {
    // Before the deadline starts: a timeoutMs of -1 is a typed error, not a RangeError from a timer.
    validateRequest(request, { provider: AILAB_PROVIDER, modelId: AILAB_LIVE_PHOTO_MODEL })
    validateCallOptions(options, { provider: AILAB_PROVIDER, modelId: AILAB_LIVE_PHOTO_MODEL })
    const startedAt = new Date()
    const started = performance.now()
    const progress = progressReporter(options, started)
    const deadline = startDeadline(options.timeoutMs ?? settings.timeoutMs, options.signal)
    try {
      progress('validating')
      const plan = planAilabRequest(request)
      if (!settings.apiKey) throw missingKey()
      const image = await loadImage(request, deadline)
      deadline.signal.throwIfAborted()

      progress('uploading', 'sending the image to AILabTools')
      await callOnSubmitting(options)
      deadline.signal.throwIfAborted()
      const sentAt = performance.now()
      const envelope = await send(image, plan, deadline)
      const runningMs = performance.now() - sentAt

      progress('downloading', 'decoding the video')
      const video = decodeAilabVideo(envelope.data?.video, envelope.request_id)
      const output = createBytesOutput({
        kind: 'video',
        format: 'mp4',
        ...video,
        provider: AILAB_PROVIDER,
        modelId: AILAB_LIVE_PHOTO_MODEL,
        ...(envelope.request_id ? { requestId: envelope.request_id } : {}),
      })
      // Checked before it is called a success: a video whose frames are cut off is a provider_error.
      await output.bytes()
      const totalMs = performance.now() - started
      progress('completed')
      return {
        output,
        servedBy: { provider: AILAB_PROVIDER, modelId: AILAB_LIVE_PHOTO_MODEL, target: AILAB_LIVE_PHOTO_TARGET },
        attempts: [
          {
            target: AILAB_LIVE_PHOTO_TARGET,
            provider: AILAB_PROVIDER,
            modelId: AILAB_LIVE_PHOTO_MODEL,
            outcome: 'succeeded',
            attempt: 1,
            startedAt: startedAt.toISOString(),
            durationMs: Math.round(totalMs),
            accepted: true,
          },
        ],
        warnings: plan.warnings,
        cost: AILAB_LIVE_PHOTO_COST,
        timings: { runningMs: Math.round(runningMs), totalMs: Math.round(totalMs) },
        providerMetadata: {
          [AILAB_PROVIDER]: {
            ...(envelope.request_id ? { requestId: envelope.request_id } : {}),
            ...(envelope.log_id ? { logId: envelope.log_id } : {}),
          },
        },
      }
    } catch (error) {
      throw withContext(deadline.explain(error, false))
    } finally {
      deadline.dispose()
    }
  }

  /** Reads the image (path, URL, bytes, ...) and checks AILab's limits, before any call. */
  async function loadImage(request: AnimationRequest, deadline: CallDeadline): Promise<LoadedMedia> {
    const image = await loadMedia(request.image, {
      field: 'image',
      expect: 'image',
      // A file over AILab's limit is rejected from its size, without reading it.
      maxBytes: AILAB_MAX_IMAGE_BYTES,
      maxPixels: AILAB_LIVE_PHOTO_CAPABILITIES.inputs.image.maxPixels!,
      allowPrivateNetwork: settings.allowPrivateNetwork,
      signal: deadline.signal,
    })
    checkMediaLimits(image, AILAB_LIVE_PHOTO_CAPABILITIES.inputs.image, 'image')
    return image
  }

  /** Posts the form and returns the parsed success envelope; every failure throws its mapped error. */
  async function send(image: LoadedMedia, plan: AilabRequestPlan, deadline: CallDeadline): Promise<AilabEnvelope> {
    const form = encodeMultipart([
      { name: 'image_target', fileName: `image.${extensionOf(image.format)}`, contentType: image.mimeType, bytes: image.bytes },
      { name: 'type', value: String(plan.type) },
    ])
    let status: number
    let retryAfterMs: number | undefined
    let text: string
    try {
      const response = await http.request(settings.endpoint, {
        method: 'POST',
        headers: { 'content-type': form.contentType },
        body: form.body,
        signal: deadline.signal,
        // Our own deadline decides; the client's idle timer only backs it up.
        timeoutMs: deadline.remainingMs() + 1_000,
        maxBytes: MAX_RESPONSE_BYTES,
      })
      status = response.status
      retryAfterMs = response.retryAfterMs
      text = await response.text()
    } catch (error) {
      // The request left: if the answer is lost, AILab may have rendered (and billed) the video.
      throw withContext(deadline.explain(error, 'unknown'), 'unknown')
    }
    const envelope = parseAilabEnvelope(text)
    const httpSuccess = status >= 200 && status < 300
    if (!httpSuccess || envelopeReportsFailure(envelope)) {
      throw ailabResponseError({
        httpStatus: status,
        envelope,
        typeField: plan.typeField,
        officialHost: settings.officialHost,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      })
    }
    if (envelope === undefined) {
      throw new PortraitAnimatorError({
        kind: 'provider_error',
        message: `AILabTools Live Photos answered HTTP ${status} with a body that is not an AILab JSON envelope.`,
        provider: AILAB_PROVIDER,
        modelId: AILAB_LIVE_PHOTO_MODEL,
        statusCode: status,
        accepted: 'unknown',
      })
    }
    return envelope
  }

  return {
    specificationVersion: 'v1',
    provider: AILAB_PROVIDER,
    modelId: AILAB_LIVE_PHOTO_MODEL,
    capabilities: AILAB_LIVE_PHOTO_CAPABILITIES,
    animate,
    estimateCost: () => AILAB_LIVE_PHOTO_COST,
  }
}

function missingKey(): PortraitAnimatorError {
  return new PortraitAnimatorError({
    kind: 'auth',
    message: `No AILabTools API key: pass apiKey to createAilab() or set ${AILAB_KEY_VARIABLE}.`,
    accepted: false,
  })
}

/** Every error leaves with the provider, the model and `accepted` (`fallback` unless it says otherwise). */
function withContext(error: unknown, fallback: false | 'unknown' = false): PortraitAnimatorError {
  const wrapped = toPortraitAnimatorError(error, { provider: AILAB_PROVIDER, modelId: AILAB_LIVE_PHOTO_MODEL })
  if (wrapped.provider === AILAB_PROVIDER && wrapped.modelId === AILAB_LIVE_PHOTO_MODEL && wrapped.accepted !== undefined) return wrapped
  return new PortraitAnimatorError({
    kind: wrapped.kind,
    message: wrapped.message,
    provider: AILAB_PROVIDER,
    modelId: AILAB_LIVE_PHOTO_MODEL,
    retryable: wrapped.retryable,
    accepted: wrapped.accepted ?? fallback,
    ...pick(wrapped),
    cause: wrapped.cause ?? wrapped,
  })
}

function pick(error: PortraitAnimatorError) {
  const { retryAfterMs, providerCode, requestId, statusCode, field, rule, limit, actual } = error
  return Object.fromEntries(Object.entries({ retryAfterMs, providerCode, requestId, statusCode, field, rule, limit, actual }).filter(([, value]) => value !== undefined))
}

/** `onProgress` for this call; a throwing listener never breaks the call. */
function progressReporter(options: CallOptions, started: number) {
  return (phase: ProgressPhase, message?: string) => {
    if (!options.onProgress) return
    try {
      options.onProgress({
        target: AILAB_LIVE_PHOTO_TARGET,
        phase,
        elapsedMs: Math.round(performance.now() - started),
        ...(message ? { message } : {}),
      })
    } catch {
      // Progress is advisory.
    }
  }
}
