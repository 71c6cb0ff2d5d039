// One command: `node examples/migrate-from-ailab/run.mjs` (after `npm run build`).
// Runs the three stages of a migration against the provider emulator (no keys, no network):
//   1. the old direct call, against an AILab that is now retired -> ERROR_AI_NOT_EXISTS;
//   2. the new call through the router -> a video, from the first target that works;
//   3. the base-URL-only move: the OLD code, pointed at `portrait-animator serve` -> a video.
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmulator } from '@portrait-animator/emulator'
import { livePhoto as oldLivePhoto } from './before.mjs'
import { livePhoto as newLivePhoto } from './after.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const image = join(root, 'examples', 'assets', 'astronaut.png')
const out = join(root, 'out', 'examples')
await mkdir(out, { recursive: true })

const emulator = await startEmulator({ seed: 1, jobDurationMs: 200, ailab: { mode: 'retired' } })
try {
  console.log('1. Before: the direct AILab call')
  try {
    await oldLivePhoto(image, join(out, 'before.mp4'), { baseUrl: emulator.baseUrl, apiKey: 'old-ailab-key' })
  } catch (error) {
    console.log(`   fails as the retired API does: ${error.message}`)
  }

  console.log('2. After: through the router (AILab first, then fal, then the offline animator)')
  const config = {
    providers: {
      ailab: { adapter: 'ailab', apiKey: 'old-ailab-key', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } },
      fal: { adapter: 'fal', apiKey: 'fal-emulator-key', baseUrl: emulator.baseUrl, settings: { allowPrivateNetwork: true } },
      local: { adapter: 'local' },
    },
    routes: { default: { strategy: 'fallback', targets: ['ailab/live-photo', 'fal/live-portrait', 'local/warp'] } },
    // The router remembers retirements here; a fresh folder shows the first encounter.
    stateDir: await mkdtemp(join(tmpdir(), 'portrait-animator-migrate-')),
  }
  const result = await newLivePhoto(image, join(out, 'after.mp4'), { config })
  for (const attempt of result.attempts) console.log(`   ${attempt.target}: ${attempt.outcome}${attempt.errorKind ? ` (${attempt.errorKind})` : ''}`)
  console.log(`   served by ${result.servedBy.target} -> out/examples/after.mp4`)

  console.log('3. Base URL only: the OLD code against `portrait-animator serve`')
  const server = spawn(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'serve', '--port', '0', '--api-key', 'old-ailab-key'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, FAL_KEY: '', MAGIC_HOUR_API_KEY: '', AILAB_API_KEY: '' } })
  const url = await new Promise((resolve, reject) => {
    server.stdout.once('data', (chunk) => resolve(JSON.parse(chunk.toString().split('\n')[0]).url))
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
  })
  try {
    await oldLivePhoto(image, join(out, 'base-url-only.mp4'), { baseUrl: url, apiKey: 'old-ailab-key' })
    console.log(`   the unchanged client got a video from ${url} -> out/examples/base-url-only.mp4`)
  } finally {
    server.kill('SIGTERM')
  }
} finally {
  await emulator.stop()
}
