import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from './start-emulator.js'
import { createTestPortrait } from './test-images.js'

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>
}

describe('ledger input digests', () => {
  let emulator: Emulator
  let first: Buffer
  let second: Buffer

  beforeAll(async () => {
    emulator = await startEmulator({ seed: 5, jobDurationMs: 0, faults: [{ route: 'ailab.live-photo', reset: true, times: 1 }] })
    first = await createTestPortrait({ width: 96, height: 96 })
    second = await createTestPortrait({ width: 128, height: 96 })
  })
  afterAll(() => emulator.stop())

  it('ties an AILab charge whose answer was lost to the image that caused it', async () => {
    const send = () => {
      const form = new FormData()
      form.append('image_target', new Blob([new Uint8Array(first)]), 'p.png')
      return fetch(`${emulator.baseUrl}/api/portrait/effects/live-photo`, { method: 'POST', headers: { 'ailabapi-api-key': 'digest-ailab' }, body: form })
    }
    await expect(send().then((response) => response.json())).rejects.toBeInstanceOf(TypeError)
    const charges = emulator.ledger.charges({ provider: 'ailab', inputDigest: sha256(first) })
    expect(charges).toHaveLength(1)
    expect(charges[0]!.inputDigest).toBe(sha256(first))
    expect(emulator.ledger.jobs({ inputDigest: sha256(first) })).toMatchObject([{ provider: 'ailab', outcome: 'completed' }])
    expect(emulator.ledger.charges({ provider: 'ailab', inputDigest: sha256(second) })).toEqual([])
  })

  it('records the uploaded portrait of a Magic Hour project on its submission and charge', async () => {
    const headers = { authorization: 'Bearer digest-mh', 'content-type': 'application/json' }
    const urls = await json(await fetch(`${emulator.baseUrl}/v1/files/upload-urls`, { method: 'POST', headers, body: JSON.stringify({ items: [{ type: 'image', extension: 'png' }] }) }))
    const item = (urls.items as { upload_url: string; file_path: string }[])[0]!
    expect((await fetch(item.upload_url, { method: 'PUT', body: new Uint8Array(second) })).status).toBe(200)
    const created = await json(await fetch(`${emulator.baseUrl}/v1/image-to-video`, { method: 'POST', headers, body: JSON.stringify({ assets: { image_file_path: item.file_path }, end_seconds: 5 }) }))
    const entries = emulator.ledger.entries({ requestId: String(created.id) })
    expect(entries.map((entry) => [entry.kind, entry.inputDigest])).toEqual([
      ['submission', sha256(second)],
      ['charge', sha256(second)],
    ])
  })

  it('reads the digest of a fal portrait from its storage upload or a data URI, and leaves public URLs without one', async () => {
    const headers = { authorization: 'Key digest-id:digest-secret', 'content-type': 'application/json' }
    const upload = await json(await fetch(`${emulator.baseUrl}/storage/upload/initiate?storage_type=fal-cdn-v3`, { method: 'POST', headers, body: JSON.stringify({ content_type: 'image/png', file_name: 'p.png' }) }))
    expect((await fetch(String(upload.upload_url), { method: 'PUT', body: new Uint8Array(first) })).status).toBe(200)
    const submit = async (imageUrl: string) =>
      String((await json(await fetch(`${emulator.baseUrl}/fal-ai/live-portrait/image`, { method: 'POST', headers, body: JSON.stringify({ image_url: imageUrl }) }))).request_id)
    const uploaded = await submit(String(upload.file_url))
    const inline = await submit(`data:image/png;base64,${second.toString('base64')}`)
    const remote = await submit('https://example.com/portrait.png')
    expect(emulator.ledger.job(uploaded)?.inputDigest).toBe(sha256(first))
    expect(emulator.ledger.job(inline)?.inputDigest).toBe(sha256(second))
    expect(emulator.ledger.job(remote)).not.toHaveProperty('inputDigest')
    expect(emulator.ledger.submissions({ provider: 'fal', inputDigest: sha256(second) }).map((entry) => entry.requestId)).toEqual([inline])
  })
})
