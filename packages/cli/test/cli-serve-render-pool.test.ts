import { readFile } from 'node:fs/promises'
import { readMp4Summary } from '@portrait-animator/core'
import { waitUntil } from '@portrait-animator/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, firstLine, SAMPLE, startCli } from './run-cli.test-helpers.js'

const KEY = 'server-key-for-pool-tests-0001'
let server: ReturnType<typeof startCli>
let url: string

beforeAll(async () => {
  // No provider keys: the default route is served by the offline animator, with its default render pool.
  server = startCli(['serve', '--port', '0', '--api-key', KEY], { env: cleanEnv() })
  url = JSON.parse(await firstLine(server)).url
})

afterAll(async () => {
  if (server.exitCode === null) {
    server.kill('SIGTERM')
    await server.done
  }
})

describe('serve with the offline animator', () => {
  it('answers /healthz while two clips render, and then serves both clips', async () => {
    const portrait = await readFile(SAMPLE)
    const finished: boolean[] = [false, false]
    const renders = finished.map(async (_, index) => {
      const body = new FormData()
      body.append('image_target', new Blob([new Uint8Array(portrait)], { type: 'image/png' }), 'portrait.png')
      body.append('type', '0')
      const response = await fetch(`${url}/api/portrait/effects/live-photo`, { method: 'POST', headers: { 'ailabapi-api-key': KEY }, body })
      const envelope = (await response.json()) as { data: { video: string } }
      finished[index] = true
      return { status: response.status, video: Buffer.from(envelope.data.video, 'base64') }
    })
    await waitUntil(async () => ((await (await fetch(`${url}/healthz`)).json()) as { inFlight?: number }).inFlight === 2, { what: 'two renders in flight' })
    // While both render, the server still answers its health check: rendering is off its main thread.
    const health = await fetch(`${url}/healthz`)
    const answeredWhileRendering = finished.every((done) => !done)
    expect(health.status).toBe(200)
    expect(answeredWhileRendering).toBe(true)
    for (const { status, video } of await Promise.all(renders)) {
      expect(status).toBe(200)
      expect(readMp4Summary(video)).toMatchObject({ width: 512, height: 512, frameCount: 72 })
    }
  })
})
