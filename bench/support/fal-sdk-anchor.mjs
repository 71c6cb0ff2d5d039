// The anchor the fal benchmarks compare with: the same live-photo jobs through fal's own SDK
// (`@fal-ai/client`), the way its documentation shows: one shared Blob as `image_url` (the SDK
// uploads it for every job), `fal.subscribe` with the status stream, then the output downloaded
// with `fetch` and streamed to a file. The driving clip is uploaded once beforehand, as the
// adapter does. Not a benchmark itself: scripts/bench.mjs only runs the .mjs files in bench/.
import { createWriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createFalClient } from '@fal-ai/client'

/** fal's API hosts, sent to the emulator (as the emulator's `falFetch` does; inlined so this process loads nothing of the project). */
const FAL_HOSTS = new Set(['queue.fal.run', 'fal.run', 'rest.fal.ai', 'rest.alpha.fal.ai'])
function falFetch(baseUrl) {
  return (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    if (url.protocol !== 'https:' || !FAL_HOSTS.has(url.hostname)) return fetch(input, init)
    const path = url.hostname === 'fal.run' ? `/fal-run${url.pathname}` : url.pathname
    const target = `${baseUrl}${path}${url.search}`
    return typeof input === 'string' || input instanceof URL ? fetch(target, init) : fetch(new Request(target, input), init)
  }
}

const DRIVING_CLIP = new URL('../../packages/adapter-fal/assets/live-photo-driving.mp4', import.meta.url)

/**
 * Prepares the SDK side: a client on the emulator and the driving clip's URL. `run(index)` runs
 * one job end to end and resolves with the bytes written to `folder`.
 */
export async function falSdkAnchor({ baseUrl, image, folder }) {
  const fal = createFalClient({ credentials: 'bench-id:bench-secret', fetch: falFetch(baseUrl), suppressLocalCredentialsWarning: true })
  const clip = new Blob([new Uint8Array(await readFile(DRIVING_CLIP))], { type: 'video/mp4' })
  const videoUrl = await fal.storage.upload(clip)
  const portrait = new Blob([image], { type: 'image/png' })
  const anchor = {
    /** Steps run again after a transport failure (`fetch failed`: EPIPE or ECONNRESET on a reused connection). */
    retries: 0,
    async run(index) {
      // Neither the SDK's upload PUT nor a plain fetch retries: a caller would, a few times.
      const result = await retried(() => fal.subscribe('fal-ai/live-portrait', { input: { image_url: portrait, video_url: videoUrl }, mode: 'streaming' }))
      const path = join(folder, `sdk-${index}.mp4`)
      await retried(async () => {
        const response = await fetch(result.data.video.url)
        if (!response.ok) throw new Error(`download: HTTP ${response.status}`)
        await pipeline(Readable.fromWeb(response.body), createWriteStream(path))
      })
      return path
    },
  }
  async function retried(step) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step()
      } catch (error) {
        if (!(error instanceof TypeError) || attempt === 4) throw error
        anchor.retries += 1
      }
    }
  }
  return anchor
}
