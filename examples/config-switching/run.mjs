// One command: `node examples/config-switching/run.mjs` (after `npm run build`).
// An operator switches providers by editing a config file: the app (here, the CLI) never changes.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startEmulator } from '@portrait-animator/emulator'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const image = join(root, 'examples', 'assets', 'astronaut.png')
const folder = await mkdtemp(join(tmpdir(), 'portrait-animator-config-'))
const configPath = join(folder, 'portrait-animator.json')
const emulator = await startEmulator({ seed: 3, jobDurationMs: 200 })

/** The app: the same command every time; only the file at PORTRAIT_ANIMATOR_CONFIG changes. */
async function app() {
  // Asynchronous on purpose: the emulator runs in this process and must keep answering.
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'animate', image, '-o', join(folder, 'out.mp4'), '--json'], {
    cwd: folder,
    env: { ...process.env, PORTRAIT_ANIMATOR_CONFIG: configPath, FAL_KEY: 'fal-emulator-key', MAGIC_HOUR_API_KEY: 'mh-emulator-key' },
  })
  return JSON.parse(stdout)
}

async function edit(description, targets) {
  const settings = { allowPrivateNetwork: true }
  await writeFile(
    configPath,
    JSON.stringify({
      providers: {
        fal: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: emulator.baseUrl, settings },
        magichour: { adapter: 'magichour', apiKey: 'env:MAGIC_HOUR_API_KEY', baseUrl: emulator.baseUrl, settings: { ...settings, pollIntervalMs: 500 } },
        broken: { adapter: 'fal', apiKey: 'env:FAL_KEY', baseUrl: 'http://127.0.0.1:9', settings: { ...settings } },
        local: { adapter: 'local' },
      },
      routes: { default: { strategy: 'fallback', targets } },
      retry: { maxAttempts: 1 },
      stateDir: join(folder, '.state'),
    }, null, 2),
  )
  const result = await app()
  console.log(`${description}\n  config targets: ${targets.join(' -> ')}\n  served by: ${result.servedBy.target}  (attempts: ${result.attempts.map((attempt) => `${attempt.target} ${attempt.outcome}`).join(', ')})`)
}

try {
  await edit('Monday: fal first', ['fal/live-portrait', 'local/warp'])
  await edit('Tuesday: switch to Magic Hour, no redeploy', ['magichour/image-to-video', 'local/warp'])
  await edit('Wednesday: a provider is down; the router falls back on its own', ['broken/live-portrait', 'fal/live-portrait', 'local/warp'])
} finally {
  await emulator.stop()
}
