// One command: `node examples/talking-compare/run.mjs` (after `npm run build`).
// Every talking target on the sample portrait and speech clip, side by side: Magic Hour's talking
// photo, fal's SadTalker, Kling AI Avatar v2 Standard and OmniHuman 1.5. Runs against the emulator:
// no keys needed. Prints each target's time, output length and cost (estimated before the call and
// after it), and saves every video under out/examples/.
import { mkdir, mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readMp4Summary } from '@portrait-animator/core'
import { createFal } from '@portrait-animator/adapter-fal'
import { createMagicHour } from '@portrait-animator/adapter-magichour'
import { createRouter } from '@portrait-animator/router'
import { startEmulator } from '@portrait-animator/emulator'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const image = join(root, 'examples', 'assets', 'astronaut.png')
// Bytes in hand, so each target can estimate its cost from the clip's length before any call.
const audio = new Uint8Array(await readFile(join(root, 'examples', 'assets', 'hello.wav')))
const targets = ['magichour/talking-photo', 'fal/sadtalker', 'fal/kling-avatar-v2-standard', 'fal/omnihuman-v1-5']
const outDir = join(root, 'out', 'examples')
await mkdir(outDir, { recursive: true })

const emulator = await startEmulator({ seed: 3, jobDurationMs: 200 })
try {
  const router = await createRouter({
    providers: {
      fal: { adapter: 'fal', apiKey: 'fal-emulator-key', baseUrl: emulator.baseUrl },
      magichour: { adapter: 'magichour', apiKey: 'mh-emulator-key', baseUrl: emulator.baseUrl, settings: { pollIntervalMs: 500 } },
    },
    routes: { talking: { strategy: 'compare', targets, concurrency: 4 } },
    stateDir: await mkdtemp(join(tmpdir(), 'portrait-animator-talking-')),
  })
  const request = { image, motion: { type: 'audio', audio } }

  console.log('Cost estimates before any call (from the clip\'s length and each published price):')
  const providers = { fal: createFal({ apiKey: 'fal-emulator-key', baseUrl: emulator.baseUrl }), magichour: createMagicHour({ apiKey: 'mh-emulator-key', baseUrl: emulator.baseUrl }) }
  for (const target of targets) {
    const [provider, model] = target.split('/')
    const estimate = providers[provider].animator(model).estimateCost?.(request)
    console.log(`  ${target.padEnd(30)} ${estimate ? money(estimate) : 'no published price'}`)
  }

  console.log('Side by side (router.compare), the sample portrait speaking hello.wav:')
  const entries = await router.compare(request, { route: 'talking' })
  for (const entry of entries) {
    if (!entry.ok) {
      console.log(`  ${entry.target.padEnd(30)} failed ${entry.error.kind}: ${entry.error.message}`)
      continue
    }
    const bytes = await entry.result.output.bytes()
    const file = join(outDir, `talking-${entry.target.replace('/', '-')}.mp4`)
    await entry.result.output.save(file)
    const seconds = readMp4Summary(bytes).durationSeconds ?? 0
    const cost = entry.result.cost ? money(entry.result.cost) : 'cost unknown'
    console.log(`  ${entry.target.padEnd(30)} ok ${String(entry.durationMs).padStart(6)} ms  ${seconds.toFixed(1)} s of video  ${cost}  -> ${file.slice(root.length + 1)}`)
  }
  console.log('For an HTML report with identity similarity and lip-sync offset per target:')
  console.log(`  portrait-animator compare examples/assets/astronaut.png --audio examples/assets/hello.wav --targets ${targets.join(',')} --out out/talking-report`)
} finally {
  await emulator.stop()
}

function money(cost) {
  const parts = [cost.usd === undefined ? undefined : `$${cost.usd.toFixed(4)}`, cost.credits === undefined ? undefined : `${cost.credits} credits`].filter(Boolean)
  return `${parts.join(' / ')} (${cost.basis})`
}
