import { PortraitAnimatorError, networkError, parseRetryAfter, redact, withDeadline } from '@portrait-animator/core'
import magicHour, { ApiError } from 'magic-hour'
import type { z } from 'zod'
import { raceAbort } from './magichour-abort.js'
import { acceptedAfterCreateFailure, httpError, type Accepted } from './magichour-errors.js'
import { PROVIDER } from './magichour-limits.js'
import {
  createdProjectSchema,
  errorBodySchema,
  projectSchema,
  uploadUrlsSchema,
  type CreatedProject,
  type MagicHourProject,
  type UploadUrl,
} from './magichour-schemas.js'

/*
 * Every call to the Magic Hour API goes through the real `magic-hour` SDK (0.43.1): its transport
 * (node-fetch), its auth header and its request-body schemas. Responses are always read raw with
 * `.asResponse()` and validated by this package's tolerant schemas, because the SDK's own response
 * schemas require deprecated keys the live API may drop (providers.md §3.7).
 */

/**
 * The SDK's client class. 0.43.1 is CommonJS with the class on `exports.default` only: Node's ESM
 * loader hands us `module.exports` (class on `.default`), while bundlers and vitest may already
 * unwrap it.
 */
const SdkClient: typeof magicHour.default =
  (magicHour as unknown as { default?: typeof magicHour.default }).default ?? (magicHour as unknown as typeof magicHour.default)

/** The raw response type the SDK returns from `.asResponse()` (node-fetch's Response under Node). */
type SdkResponse = Awaited<ReturnType<ReturnType<InstanceType<typeof SdkClient>['v1']['videoProjects']['get']>['asResponse']>>

/**
 * The SDK client plus one door to its transport for bodies 0.43.1's request schemas cannot
 * express: the schemas strip unknown keys, so `max_resolution` (added to the API in Jan 2026) never
 * reaches the wire through `aiTalkingPhoto.create`. `_client` is the SDK's protected transport.
 */
class MagicHourSdk extends SdkClient {
  postJson(path: string, body: unknown, timeout: number) {
    return this._client.makeRequest<unknown>({
      method: 'post',
      path,
      auth: ['bearerAuth'],
      contentType: 'application/json',
      body,
      opts: { timeout },
    })
  }
}

/** Talking-photo settings, as the SDK spells them, plus `maxResolution`. */
export interface TalkingPhotoBody {
  readonly imageFilePath: string
  readonly audioFilePath: string
  readonly startSeconds: number
  readonly endSeconds: number
  readonly name?: string
  readonly style?: { readonly generationMode?: 'expressive' | 'pro' | 'stable' | 'standard'; readonly intensity?: number }
  /** Caps the larger output side in pixels (`max_resolution`). */
  readonly maxResolution?: number
}

/** Image-to-video settings, as the SDK spells them. */
export interface ImageToVideoBody {
  readonly imageFilePath: string
  readonly endSeconds: number
  readonly name?: string
  readonly resolution?: '480p' | '720p' | '1080p'
  readonly prompt: string
}

/** One file to upload through `upload-urls`. */
export interface UploadItem {
  readonly type: 'image' | 'audio' | 'video'
  /** Without the dot. */
  readonly extension: string
}

/** What every call needs: the signal that cancels waiting, and the model for errors. */
export interface ApiCall {
  readonly signal: AbortSignal
  readonly modelId?: string
}

/** The Magic Hour calls this adapter makes, with answers validated and failures mapped. */
export interface MagicHourApi {
  /** The API's origin (`https://api.magichour.ai`, or the emulator's). */
  readonly origin: string
  createTalkingPhoto(body: TalkingPhotoBody, call: ApiCall): Promise<CreatedProject>
  createImageToVideo(body: ImageToVideoBody, call: ApiCall): Promise<CreatedProject>
  createUploadUrls(items: readonly UploadItem[], call: ApiCall): Promise<UploadUrl[]>
  getProject(id: string, call: ApiCall): Promise<MagicHourProject>
  deleteProject(id: string, call: ApiCall): Promise<void>
}

/** Options of `createMagicHourApi`. */
export interface MagicHourApiOptions {
  readonly apiKey: string
  readonly baseUrl: string
  /** Per-request timeout passed to the SDK. */
  readonly requestTimeoutMs: number
}

/** Who holds the work when a call fails: a create call decides from the failure itself. */
type AcceptedOnFailure = Accepted | 'create'

/** Wraps the SDK. Nothing is sent until a method is called. */
export function createMagicHourApi(options: MagicHourApiOptions): MagicHourApi {
  const sdk = new MagicHourSdk({ token: options.apiKey, baseUrl: options.baseUrl })
  const timeout = options.requestTimeoutMs
  const requestOptions = { timeout }
  const origin = new URL(options.baseUrl).origin

  async function send<Schema extends z.ZodType>(
    operation: string,
    path: string,
    accepted: AcceptedOnFailure,
    call: ApiCall,
    start: () => Promise<SdkResponse>,
    schema: Schema | undefined,
  ): Promise<z.output<Schema>> {
    const context = { operation, accepted, modelId: call.modelId, url: origin + path }
    let response: SdkResponse
    try {
      // Never start a request for a call that is already over.
      call.signal.throwIfAborted()
      // A synchronous throw (the SDK's body schema) becomes a rejection here.
      response = await raceAbort(Promise.resolve().then(start), call.signal, accepted === 'create' ? cancelLateProject : release)
    } catch (error) {
      throw await sdkFailure(error, context, call.signal)
    }
    let text: string
    try {
      text = await readBody(response, call.signal, timeout)
    } catch (error) {
      throw await sdkFailure(error, context, call.signal)
    }
    if (schema === undefined) return undefined as z.output<Schema>
    let value: unknown
    try {
      value = text === '' ? undefined : JSON.parse(text)
    } catch {
      value = undefined
    }
    const parsed = schema.safeParse(value)
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
        .join('; ')
      throw new PortraitAnimatorError({
        kind: 'provider_error',
        message: `Unexpected answer from Magic Hour while ${operation} (HTTP ${response.status}): ${issues}.`,
        provider: PROVIDER,
        ...(call.modelId === undefined ? {} : { modelId: call.modelId }),
        statusCode: response.status,
        // A 200 to a create call whose id cannot be read: a project may exist.
        accepted: accepted === 'create' ? 'unknown' : accepted,
      })
    }
    return parsed.data
  }

  /**
   * A create call the caller stopped waiting for may still succeed: the project it creates would
   * render and be charged with nobody to collect it, so it is cancelled as soon as its id is known.
   */
  function cancelLateProject(response: SdkResponse): void {
    response
      .text()
      .then((text: string) => {
        const created = createdProjectSchema.safeParse(JSON.parse(text))
        if (response.ok && created.success) return sdk.v1.videoProjects.delete({ id: created.data.id }, requestOptions).asResponse().then(release)
        return undefined
      })
      .catch(() => undefined)
  }

  return {
    origin,
    createTalkingPhoto(body, call) {
      const { maxResolution, ...sdkBody } = body
      const start =
        maxResolution === undefined
          ? () => sdk.v1.aiTalkingPhoto.create(toSdkTalkingPhoto(sdkBody), requestOptions).asResponse()
          : () => sdk.postJson('/v1/ai-talking-photo', { ...toWireTalkingPhoto(sdkBody), max_resolution: maxResolution }, timeout).asResponse()
      return send('creating the talking photo', '/v1/ai-talking-photo', 'create', call, start, createdProjectSchema)
    },
    createImageToVideo(body, call) {
      const request = {
        assets: { imageFilePath: body.imageFilePath },
        endSeconds: body.endSeconds,
        style: { prompt: body.prompt },
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.resolution === undefined ? {} : { resolution: body.resolution }),
      }
      return send(
        'creating the image-to-video project',
        '/v1/image-to-video',
        'create',
        call,
        () => sdk.v1.imageToVideo.create(request, requestOptions).asResponse(),
        createdProjectSchema,
      )
    },
    async createUploadUrls(items, call) {
      const answer = await send(
        'requesting upload URLs',
        '/v1/files/upload-urls',
        false,
        call,
        () => sdk.v1.files.uploadUrls.create({ items: items.map((item) => ({ type: item.type, extension: item.extension })) }, requestOptions).asResponse(),
        uploadUrlsSchema,
      )
      if (answer.items.length !== items.length) {
        throw new PortraitAnimatorError({
          kind: 'provider_error',
          message: `Magic Hour returned ${answer.items.length} upload URLs for ${items.length} files.`,
          provider: PROVIDER,
          ...(call.modelId === undefined ? {} : { modelId: call.modelId }),
          accepted: false,
        })
      }
      return answer.items
    },
    getProject(id, call) {
      return send(`checking project ${id}`, `/v1/video-projects/${id}`, true, call, () => sdk.v1.videoProjects.get({ id }, requestOptions).asResponse(), projectSchema)
    },
    async deleteProject(id, call) {
      await send(`cancelling project ${id}`, `/v1/video-projects/${id}`, true, call, () => sdk.v1.videoProjects.delete({ id }, requestOptions).asResponse(), undefined)
    },
  }
}

function toSdkTalkingPhoto(body: Omit<TalkingPhotoBody, 'maxResolution'>) {
  return {
    assets: { imageFilePath: body.imageFilePath, audioFilePath: body.audioFilePath },
    startSeconds: body.startSeconds,
    endSeconds: body.endSeconds,
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.style === undefined ? {} : { style: { ...body.style } }),
  }
}

/** The same body as the SDK's `aiTalkingPhoto.create` sends, in wire (snake_case) spelling. */
function toWireTalkingPhoto(body: Omit<TalkingPhotoBody, 'maxResolution'>) {
  const style = body.style
  return {
    assets: { audio_file_path: body.audioFilePath, image_file_path: body.imageFilePath },
    end_seconds: body.endSeconds,
    ...(body.name === undefined ? {} : { name: body.name }),
    start_seconds: body.startSeconds,
    ...(style === undefined
      ? {}
      : {
          style: {
            ...(style.generationMode === undefined ? {} : { generation_mode: style.generationMode }),
            ...(style.intensity === undefined ? {} : { intensity: style.intensity }),
          },
        }),
  }
}

/**
 * The body as text, within `timeoutMs`. node-fetch 2 never ends a body whose connection dies
 * mid-way when the answer has a Content-Length (it only detects that for chunked answers), so a
 * reset there would hang for ever without this bound.
 */
async function readBody(response: SdkResponse, signal: AbortSignal, timeoutMs: number): Promise<string> {
  const deadline = withDeadline(signal, timeoutMs)
  try {
    return await raceAbort(response.text(), deadline.signal)
  } catch (error) {
    const body = response.body as { destroy?: () => void } | null
    body?.destroy?.()
    throw error
  } finally {
    deadline.clear()
  }
}

/** Reads and drops the body of a response nobody waits for any more, so its socket is freed. */
function release(response: SdkResponse): void {
  response.text().catch(() => undefined)
}

interface SdkFailureContext {
  readonly operation: string
  readonly accepted: AcceptedOnFailure
  readonly modelId: string | undefined
  readonly url: string
}

/**
 * Turns whatever the SDK threw into a `PortraitAnimatorError`. The raw `ApiError` is never kept as
 * `cause`: its `.request.headers` hold the bearer key.
 */
async function sdkFailure(error: unknown, context: SdkFailureContext, signal: AbortSignal): Promise<unknown> {
  // An abort is the caller's business: let it through as it is, the animator knows what it means.
  if (signal.aborted) return error
  const withModel = context.modelId === undefined ? {} : { modelId: context.modelId }
  if (isApiError(error)) {
    const response = error.response
    const body = await readErrorBody(response)
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
    const requestId = response.headers.get('x-request-id') ?? undefined
    return httpError(
      {
        status: response.status,
        ...(body === undefined ? {} : { message: body }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        ...(requestId === undefined ? {} : { requestId }),
      },
      { operation: context.operation, accepted: context.accepted === 'create' ? acceptedAfterCreateFailure(response.status) : context.accepted, ...withModel },
    )
  }
  if (PortraitAnimatorError.isInstance(error)) return error
  const name = (error as { name?: unknown } | null)?.name
  if (name === 'ZodError') {
    // The SDK's request schema refused the body before sending: nothing reached Magic Hour.
    return new PortraitAnimatorError({
      kind: 'invalid_input',
      message: `The magic-hour SDK refused the request while ${context.operation}: ${redact(String((error as Error).message)).slice(0, 300)}`,
      provider: PROVIDER,
      ...withModel,
      accepted: false,
      cause: error,
    })
  }
  if (name === 'AbortError' || name === 'TimeoutError') {
    // The SDK's own per-request timer fired, or the body stalled: the request was sent, the answer never came whole.
    return new PortraitAnimatorError({
      kind: 'timeout',
      message: `Magic Hour did not answer in time while ${context.operation}.`,
      provider: PROVIDER,
      ...withModel,
      retryable: true,
      accepted: context.accepted === 'create' ? 'unknown' : context.accepted,
    })
  }
  const transport = networkError(error, { provider: PROVIDER, url: context.url })
  if (context.accepted === 'create') {
    return context.modelId === undefined ? transport : transport.with({ provider: PROVIDER, modelId: context.modelId })
  }
  return new PortraitAnimatorError({
    kind: transport.kind,
    message: `${transport.message.replace(/\.$/, '')} while ${context.operation}.`,
    provider: PROVIDER,
    ...withModel,
    retryable: transport.retryable,
    ...(transport.providerCode === undefined ? {} : { providerCode: transport.providerCode }),
    accepted: context.accepted,
    cause: error,
  })
}

function isApiError(error: unknown): error is ApiError & { response: SdkResponse } {
  if (error instanceof ApiError) return true
  // A second copy of make-api-request-js would defeat `instanceof`; its shape is distinctive.
  const response = (error as { response?: { status?: unknown; headers?: { get?: unknown } } } | null)?.response
  return error instanceof Error && typeof response?.status === 'number' && typeof response.headers?.get === 'function' && / was returned from /.test(error.message)
}

/** The `message` of an error body, or its first 200 characters when it is not the usual JSON. */
async function readErrorBody(response: SdkResponse): Promise<string | undefined> {
  let text: string
  try {
    text = await response.text()
  } catch {
    return undefined
  }
  if (text.trim() === '') return undefined
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text))
    if (parsed.success && parsed.data.message !== undefined) return parsed.data.message
  } catch {
    // not JSON: fall through to the raw text
  }
  return /^\s*</.test(text) ? undefined : text.slice(0, 200)
}
