import { PortraitAnimatorError, createRemoteOutput, type AnimationOutput, type HttpClient } from '@portrait-animator/core'
import type { MagicHourApi } from './magichour-api.js'
import { untrustedHostError } from './magichour-hosts.js'
import { attribute } from './magichour-inputs.js'
import { PROVIDER } from './magichour-limits.js'
import { firstDownload, type MagicHourProject, type ProjectDownload } from './magichour-schemas.js'

/**
 * How many times an expired download URL is replaced by a fresh one (a new `GET` of the project)
 * before giving up. Download URLs live 24 h; generated files are kept indefinitely (providers.md §3.3).
 */
export const MAX_URL_REFRESHES = 2

/** Redirects followed by one download. */
const MAX_REDIRECTS = 3


/** Statuses a storage host answers for a signed URL that has expired (or been replaced). */
const EXPIRED_STATUSES = new Set([401, 403, 404, 410])

/** What downloading a project's output needs. */
export interface OutputSources {
  readonly http: HttpClient
  readonly api: MagicHourApi
  readonly modelId: string
  readonly isAllowedHost: (url: string) => boolean
}

/**
 * The video of a completed project, downloaded lazily on `bytes()`/`save()` (saves are atomic).
 * Nothing carries the API key. An expired URL is swapped for a fresh one from the project.
 */
export function createProjectOutput(project: MagicHourProject, download: ProjectDownload, sources: OutputSources, durationSeconds?: number): AnimationOutput {
  const positive = (value: number | null | undefined) => (typeof value === 'number' && value > 0 ? value : undefined)
  const duration =
    durationSeconds ?? (typeof project.end_seconds === 'number' ? project.end_seconds - (project.start_seconds ?? 0) : undefined)
  return createRemoteOutput({
    kind: 'video',
    format: 'mp4',
    url: download.url,
    ...(download.expires_at ? { expiresAt: download.expires_at } : {}),
    ...(positive(project.width) === undefined ? {} : { width: positive(project.width)! }),
    ...(positive(project.height) === undefined ? {} : { height: positive(project.height)! }),
    ...(positive(project.fps) === undefined ? {} : { fps: positive(project.fps)! }),
    ...(positive(duration) === undefined ? {} : { durationSeconds: positive(duration)! }),
    provider: PROVIDER,
    modelId: sources.modelId,
    requestId: project.id,
    open: (signal) => openDownload(project.id, download, sources, signal),
  })
}

async function openDownload(projectId: string, initial: ProjectDownload, sources: OutputSources, signal: AbortSignal | undefined): Promise<AsyncIterable<Uint8Array>> {
  let current = initial
  let refreshes = 0
  const refresh = async () => {
    refreshes += 1
    const project = await sources.api.getProject(projectId, { signal: signal ?? new AbortController().signal, modelId: sources.modelId })
    const next = firstDownload(project)
    if (next === undefined) {
      throw new PortraitAnimatorError({
        kind: 'provider_error',
        message: `Magic Hour project ${projectId} no longer lists a download.`,
        provider: PROVIDER,
        modelId: sources.modelId,
        requestId: projectId,
        accepted: true,
      })
    }
    current = next
  }
  for (;;) {
    if (isExpired(current) && refreshes < MAX_URL_REFRESHES) {
      await refresh()
      continue
    }
    try {
      return await fetchFollowingRedirects(current.url, projectId, sources, signal)
    } catch (error) {
      const status = PortraitAnimatorError.isInstance(error) ? error.statusCode : undefined
      if (status !== undefined && EXPIRED_STATUSES.has(status) && refreshes < MAX_URL_REFRESHES) {
        await refresh()
        continue
      }
      throw error
    }
  }
}

function isExpired(download: ProjectDownload): boolean {
  if (!download.expires_at) return false
  const expiresAt = Date.parse(download.expires_at)
  // Storage checks expiry when a request starts, so a URL still valid now is used as it is.
  return !Number.isNaN(expiresAt) && expiresAt <= Date.now()
}

async function fetchFollowingRedirects(start: string, projectId: string, sources: OutputSources, signal: AbortSignal | undefined): Promise<AsyncIterable<Uint8Array>> {
  if (!sources.isAllowedHost(start)) throw untrustedHostError(start, 'a download URL', sources.modelId, true)
  let url = start
  for (let hop = 0; ; hop += 1) {
    const response = await sources.http.request(url, { maxBytes: Number.MAX_SAFE_INTEGER, ...(signal === undefined ? {} : { signal }) }).catch((error: unknown) => {
      throw attribute(error, sources.modelId, true)
    })
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location !== null && hop < MAX_REDIRECTS) {
      await response.discard()
      const next = new URL(location, url)
      // No credentials travel with a download, so any https host may serve it; plain http only on a trusted host.
      if (next.protocol !== 'https:' && !sources.isAllowedHost(next.href)) throw untrustedHostError(next.href, 'a download redirect', sources.modelId, true)
      url = next.href
      continue
    }
    if (response.ok) return response.stream()
    await response.discard()
    throw new PortraitAnimatorError({
      kind: response.status >= 500 ? 'unavailable' : 'provider_error',
      message: `Downloading the output of Magic Hour project ${projectId} failed with HTTP ${response.status}.`,
      provider: PROVIDER,
      modelId: sources.modelId,
      statusCode: response.status,
      requestId: projectId,
      ...(response.retryAfterMs === undefined ? {} : { retryAfterMs: response.retryAfterMs }),
      accepted: true,
    })
  }
}
