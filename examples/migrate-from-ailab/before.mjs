// BEFORE: how an app called AILabTools "Live Photos" directly. This is the old code, unchanged:
// it only reads its base URL from AILAB_BASE_URL (the real service was https://www.ailabapi.com).
import { readFile, writeFile } from 'node:fs/promises'

export async function livePhoto(imagePath, outPath, { baseUrl = process.env.AILAB_BASE_URL ?? 'https://www.ailabapi.com', apiKey = process.env.AILAB_API_KEY } = {}) {
  const form = new FormData()
  form.append('image_target', new Blob([await readFile(imagePath)], { type: 'image/png' }), 'portrait.png')
  form.append('type', '0')
  const response = await fetch(`${baseUrl}/api/portrait/effects/live-photo`, { method: 'POST', headers: { 'ailabapi-api-key': apiKey }, body: form })
  const body = await response.json()
  if (response.status !== 200 || body.error_code) {
    throw new Error(`AILab error ${response.status} ${body.error_detail?.code}: ${body.error_detail?.code_message ?? body.error_msg}`)
  }
  await writeFile(outPath, Buffer.from(body.data.video, 'base64'))
  return outPath
}
