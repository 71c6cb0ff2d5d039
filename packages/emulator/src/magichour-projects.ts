import type { EmulatorRuntime } from './emulator-runtime.js'
import { imageHasFace } from './face-heuristic.js'
import type { MagicHourCreate } from './magichour-validation.js'
import { resolveMedia } from './media-resolver.js'
import { looksLikeAudio, sniffImageFormat } from './media-sniff.js'
import { videoSpecFor, type VideoSpec } from './mp4-output.js'
import { signPath } from './signed-url.js'
import { deliverJobWebhook } from './webhook-delivery.js'
import { signMagicHourWebhook } from './webhook-signing.js'

/** Project states, as `GET /v1/video-projects/{id}` reports them. */
export type MagicHourStatus = 'queued' | 'rendering' | 'complete' | 'error' | 'canceled'

type ProjectOutcome =
  | { readonly ok: true; readonly video: Buffer; readonly spec: VideoSpec }
  | { readonly ok: false; readonly code: string; readonly message: string }

/** One video project. Its status is computed from timestamps. */
export interface MagicHourProject {
  readonly id: string
  readonly account: string
  readonly request: MagicHourCreate
  readonly createdAt: number
  readonly startAt: number
  readonly doneAt: number
  readonly spec: VideoSpec
  outcome?: ProjectOutcome
  preparedAt?: number
  canceledAt?: number
  deletedAt?: number
  refunded: boolean
  settled: boolean
}

const VIDEO_SIZE = 256
const QUEUE_SHARE = 0.3
const DEFAULT_DOWNLOAD_TTL_MS = 24 * 60 * 60 * 1000

function typeOf(project: MagicHourProject): string {
  return project.request.kind === 'ai-talking-photo' ? 'TALKING_PHOTO' : 'IMAGE_TO_VIDEO'
}

/** Every Magic Hour project: creation, status, cancellation, refunds and webhooks. */
export class MagicHourProjectStore {
  readonly #runtime: EmulatorRuntime
  readonly #projects = new Map<string, MagicHourProject>()

  constructor(runtime: EmulatorRuntime) {
    this.#runtime = runtime
    runtime.ledger.onBeforeRead(() => {
      for (const project of this.#projects.values()) this.settle(project)
    })
    runtime.onReset(() => this.#projects.clear())
  }

  get(id: string): MagicHourProject | undefined {
    return this.#projects.get(id)
  }

  /**
   * Accepts a paid project and starts its "render" in the background. `inputDigest` is the SHA-256
   * of the uploaded portrait, for the ledger.
   */
  create(account: string, request: MagicHourCreate, noFace: boolean, inputDigest?: string): MagicHourProject {
    const runtime = this.#runtime
    const createdAt = Date.now()
    const id = `cm${runtime.ids.hex(23)}`
    const project: MagicHourProject = {
      id,
      account,
      request,
      createdAt,
      startAt: createdAt + Math.round(runtime.jobDurationMs * QUEUE_SHARE),
      doneAt: createdAt + runtime.jobDurationMs,
      spec: videoSpecFor(request.endSeconds - request.startSeconds, VIDEO_SIZE, VIDEO_SIZE),
      refunded: false,
      settled: false,
    }
    this.#projects.set(id, project)
    const route = 'magichour.create'
    const model = request.kind
    runtime.ledger.openJob({ provider: 'magichour', account, requestId: id, model, submittedAt: createdAt, ...(inputDigest === undefined ? {} : { inputDigest }) })
    runtime.ledger.record({ provider: 'magichour', account, route, kind: 'submission', requestId: id, model, at: createdAt })
    runtime.ledger.record({ provider: 'magichour', account, route, kind: 'charge', requestId: id, model, credits: request.credits, at: createdAt })
    const webhook = runtime.options.magichour?.webhook
    if (webhook) {
      setTimeout(() => {
        if (project.canceledAt === undefined && this.#projects.get(id) === project) void this.#sendWebhook('video.started', project)
      }, project.startAt - createdAt).unref()
    }
    void this.#render(project, noFace)
      .catch((error: unknown): ProjectOutcome => ({ ok: false, code: 'unknown_error', message: error instanceof Error ? error.message : String(error) }))
      .then((outcome) => {
        project.outcome = outcome
        project.preparedAt = Date.now()
        if (webhook) setTimeout(() => this.settle(project), Math.max(0, project.doneAt - Date.now())).unref()
      })
    return project
  }

  status(project: MagicHourProject, now = Date.now()): MagicHourStatus {
    if (project.canceledAt !== undefined) return 'canceled'
    if (now < project.startAt) return 'queued'
    if (now < project.doneAt || !project.outcome) return 'rendering'
    return project.outcome.ok ? 'complete' : 'error'
  }

  /** Cancels a project still queued or rendering (refunding it), and marks it deleted. */
  delete(project: MagicHourProject): void {
    const now = Date.now()
    if (project.deletedAt !== undefined) return
    project.deletedAt = now
    const status = this.status(project, now)
    if (status !== 'queued' && status !== 'rendering') return
    project.canceledAt = now
    const { ledger } = this.#runtime
    const base = { provider: 'magichour' as const, account: project.account, route: 'magichour.delete', requestId: project.id, model: project.request.kind }
    ledger.record({ ...base, kind: 'cancel', at: now })
    this.#refund(project, now)
    ledger.finishJob(project.id, 'cancelled', now)
    project.settled = true
  }

  /** Refunds a failed project once it is terminal and sends the final webhook. */
  settle(project: MagicHourProject): void {
    if (project.settled || !project.outcome || project.preparedAt === undefined) return
    // A project from before a reset is forgotten: it must not touch the fresh balances or ledger.
    if (this.#projects.get(project.id) !== project) return
    const completedAt = Math.max(project.doneAt, project.preparedAt)
    if (completedAt > Date.now()) return
    project.settled = true
    if (project.outcome.ok) {
      this.#runtime.ledger.finishJob(project.id, 'completed', completedAt)
    } else {
      this.#refund(project, completedAt)
      this.#runtime.ledger.finishJob(project.id, 'failed', completedAt, project.outcome.code)
    }
    if (this.#runtime.options.magichour?.webhook) {
      void this.#sendWebhook(project.outcome.ok ? 'video.completed' : 'video.errored', project)
    }
  }

  /** The body of `GET /v1/video-projects/{id}`, with a freshly signed download URL. */
  toJson(project: MagicHourProject, now = Date.now()): Record<string, unknown> {
    this.settle(project)
    const status = this.status(project, now)
    const enabled = project.deletedAt === undefined
    const ttl = this.#runtime.options.magichour?.downloadUrlTtlMs ?? DEFAULT_DOWNLOAD_TTL_MS
    const downloads =
      status === 'complete' && enabled
        ? [
            {
              url: this.#runtime.url(signPath(this.#runtime.urlSecret, `/__magichour/cdn/${project.id}/output.mp4`, now + ttl)),
              expires_at: new Date(now + ttl).toISOString(),
            },
          ]
        : []
    const outcome = project.outcome
    return {
      id: project.id,
      name: project.request.name,
      status,
      type: typeOf(project),
      created_at: new Date(project.createdAt).toISOString(),
      width: project.spec.width,
      height: project.spec.height,
      enabled,
      start_seconds: project.request.startSeconds,
      end_seconds: project.request.endSeconds,
      fps: project.spec.fps,
      credits_charged: project.refunded ? 0 : project.request.credits,
      total_frame_cost: project.refunded ? 0 : project.request.credits,
      error: status === 'error' && outcome && !outcome.ok ? { code: outcome.code, message: outcome.message } : null,
      downloads,
      download: downloads[0] ?? null,
    }
  }

  #refund(project: MagicHourProject, at: number): void {
    if (project.refunded) return
    project.refunded = true
    const { credits, kind } = project.request
    this.#runtime.accounts.refund('magichour', project.account, credits)
    this.#runtime.ledger.record({
      provider: 'magichour',
      account: project.account,
      route: project.canceledAt === undefined ? 'magichour.create' : 'magichour.delete',
      kind: 'refund',
      requestId: project.id,
      model: kind,
      credits,
      at,
    })
  }

  async #media(path: string): Promise<Buffer | 'missing' | undefined> {
    if (path.startsWith('api-assets/')) return this.#runtime.files.get(path)?.bytes ?? 'missing'
    const resolved = await resolveMedia(path, { files: this.#runtime.files, baseUrl: this.#runtime.baseUrl, signal: this.#runtime.stopSignal })
    if (resolved.kind === 'bytes') return resolved.bytes
    return resolved.kind === 'remote' ? undefined : 'missing'
  }

  async #render(project: MagicHourProject, noFace: boolean): Promise<ProjectOutcome> {
    const { request } = project
    const image = await this.#media(request.imagePath)
    if (image === 'missing') return { ok: false, code: 'invalid_file_format', message: 'Could not read assets.image_file_path' }
    if (image && sniffImageFormat(image) === 'unknown') {
      return { ok: false, code: 'invalid_file_format', message: 'assets.image_file_path is not a supported image' }
    }
    const portrait = image ?? undefined
    if (request.kind === 'ai-talking-photo') {
      const audio = request.audioPath === undefined ? undefined : await this.#media(request.audioPath)
      if (audio === 'missing' || (audio && !looksLikeAudio(audio))) {
        return { ok: false, code: 'invalid_file_format', message: 'assets.audio_file_path is not a supported audio file' }
      }
      const hasFace = noFace ? false : image ? await imageHasFace(image) : true
      if (hasFace === false) return { ok: false, code: 'no_source_face', message: 'No face was detected in the source image' }
      const speech = { audio, startSeconds: request.startSeconds, endSeconds: request.endSeconds }
      return { ok: true, video: await this.#runtime.videos.render(project.spec, { portrait, speech }), spec: project.spec }
    }
    return { ok: true, video: await this.#runtime.videos.render(project.spec, { portrait }), spec: project.spec }
  }

  async #sendWebhook(type: string, project: MagicHourProject): Promise<void> {
    const webhook = this.#runtime.options.magichour?.webhook
    if (!webhook) return
    const body = JSON.stringify({ type, payload: this.toJson(project) })
    const delivered = await deliverJobWebhook(this.#runtime, {
      jobId: project.id,
      url: webhook.url,
      body,
      headers: (timestamp) => ({ 'magic-hour-event-timestamp': timestamp, 'magic-hour-event-signature': signMagicHourWebhook(webhook.secret, timestamp, body) }),
    })
    if (delivered && type !== 'video.started') this.#runtime.ledger.markCompletionSeen(project.id)
  }
}
