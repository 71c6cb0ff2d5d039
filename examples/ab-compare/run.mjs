// One command: `node examples/ab-compare/run.mjs` (after `npm run build`).
// A team choosing a provider: a sticky 50/50 A/B split between fal and the offline animator, then
// the same photo through every candidate side by side. Runs against the emulator: no keys needed.
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRouter } from '@portrait-animator/router'
import { startEmulator } from '@portrait-animator/emulator'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const image = join(root, 'examples', 'assets', 'astronaut.png')
const emulator = await startEmulator({ seed: 2, jobDurationMs: 200 })
try {
  const settings = { allowPrivateNetwork: true }
  const router = await createRouter({
    providers: {
      fal: { adapter: 'fal', apiKey: 'fal-emulator-key', baseUrl: emulator.baseUrl, settings },
      magichour: { adapter: 'magichour', apiKey: 'mh-emulator-key', baseUrl: emulator.baseUrl, settings: { ...settings, pollIntervalMs: 500 } },
      local: { adapter: 'local' },
    },
    routes: {
      default: { strategy: 'fallback', targets: ['fal/live-portrait', 'local/warp'] },
      candidates: { strategy: 'compare', targets: ['fal/live-portrait', 'magichour/image-to-video', 'local/warp'], concurrency: 3 },
      experiment: { strategy: 'split', stickyBy: 'userId', targets: [{ target: 'fal/live-portrait', weight: 50 }, { target: 'local/warp', weight: 50 }] },
    },
    stateDir: await mkdtemp(join(tmpdir(), 'portrait-animator-ab-')),
  })

  console.log('A/B split, sticky by user id:')
  const arms = {}
  for (const userId of ['ada', 'ben', 'cleo', 'dev', 'eve', 'finn']) {
    const first = await router.animate({ image, motion: { type: 'preset', preset: 'live-photo' }, context: { userId } }, { route: 'experiment' })
    const again = await router.animate({ image, motion: { type: 'preset', preset: 'live-photo' }, context: { userId } }, { route: 'experiment' })
    if (first.arm !== again.arm) throw new Error(`${userId} changed arms`)
    arms[first.arm] = (arms[first.arm] ?? 0) + 1
    console.log(`  ${userId.padEnd(5)} -> ${first.arm} (same arm on every request)`)
  }
  console.log(`  arms: ${JSON.stringify(arms)}`)

  console.log('Side by side (router.compare):')
  const entries = await router.compare(
    { image, motion: { type: 'preset', preset: 'live-photo' } },
    { route: 'candidates' },
  )
  for (const entry of entries) {
    const cost = entry.result?.cost ? `${entry.result.cost.credits ?? '?'} credits / $${entry.result.cost.usd?.toFixed(3) ?? '?'} (${entry.result.cost.basis})` : 'cost unknown'
    const warnings = entry.result?.warnings.length ? `, ${entry.result.warnings.length} warning(s)` : ''
    console.log(`  ${entry.target.padEnd(26)} ${entry.ok ? 'ok    ' : 'failed'} ${String(entry.durationMs).padStart(6)} ms  ${entry.ok ? cost : entry.error.kind}${warnings}`)
  }
  console.log('For an HTML report with the videos, figures and identity similarity:')
  console.log('  portrait-animator compare examples/assets/astronaut.png --targets fal/live-portrait,local/warp --out out/report')
} finally {
  await emulator.stop()
}
