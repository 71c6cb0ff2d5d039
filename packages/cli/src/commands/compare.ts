import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  checkOutputPath,
  loadMedia,
  redact,
  type AnimationRequest,
  type CompareEntry,
  type Framing,
  type LoadedMedia,
  type Motion,
  type PresetName,
} from '@portrait-animator/core'
import type { CliIo } from '../cli-io.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { openRouter } from '../open-router.js'
import { ProgressReporter } from '../progress-reporter.js'
import { recoveryDirOf } from '../recovery-dir.js'
import { ComparisonReport, type WrittenReport } from '../report/comparison-report.js'
import { redactReport } from '../report/report-json.js'

export const COMPARE_HELP = `Usage: portrait-animator compare IMAGE... (--targets A,B,... | --route NAME) [--out DIR] [options]

Runs every image through several targets and writes a report you can open in a browser:
DIR/report.html (one row per image, one column per target, each output playing inline with its
latency, cost, warnings, errors and figures) and DIR/report.json (the same, for scripts). Outputs
are saved to DIR/media/<image>-<target>.<ext> and the inputs copied to DIR/inputs/, so the folder
is the whole report.

Targets:
  --targets LIST       comma-separated provider/model ids, e.g. fal/live-portrait,local/warp
  --route NAME         every target of a route from the config (default: the default route)
  --config FILE        config file (default: $PORTRAIT_ANIMATOR_CONFIG, ./portrait-animator.json, built-in)
  --concurrency N      targets running at once for each image (default: the route's, else 2)

Motion:
  --preset NAME        live-photo | nod | smile | blink | idle (default live-photo)
  --framing head|full-body

Report:
  -o, --out DIR        the report's folder (default out/compare)
  --inline             also embed every image and video in report.html as data URIs, so that one
                       file is the whole report (bigger; the media/ files are written anyway)
  --json               print the report (report.json plus the file paths) on stdout
  -h, --help           this help

Figures per output: duration, fps, resolution and bytes from the MP4 headers; motion energy (mean
absolute difference of consecutive grayscale frames, in grey levels 0..255); identity similarity
between the input face and the output's middle frame (0..1, above ~0.5 is the same person). A figure
that cannot be measured (e.g. a High-profile H.264 stream: the built-in decoder reads Baseline
only) is left empty with a note.

Exit codes: 0 at least one output, 2 bad input or config, 3 every target failed, 130 interrupted.

Examples:
  portrait-animator compare examples/assets/astronaut.png --targets local/warp,fal/live-portrait --out out/compare
  portrait-animator compare a.jpg b.jpg c.jpg --route default --out report/ --inline
  FAL_KEY=... portrait-animator compare me.jpg --targets fal/live-portrait,magichour/image-to-video --config portrait-animator.json --json`

const PRESETS: readonly string[] = ['live-photo', 'nod', 'smile', 'blink', 'idle']

/** The route `--targets` become, so targets that no route of the config names can be compared too. */
const TARGETS_ROUTE = 'compare:targets'

/** `portrait-animator compare`. */
export async function compareCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      targets: { type: 'string' },
      route: { type: 'string' },
      config: { type: 'string' },
      concurrency: { type: 'string' },
      preset: { type: 'string' },
      framing: { type: 'string' },
      out: { type: 'string', short: 'o' },
      inline: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(`${COMPARE_HELP}\n`)
    return EXIT.ok
  }
  if (positionals.length === 0) throw new UsageError(`compare needs at least one IMAGE.\n\n${COMPARE_HELP}`)
  if (values.targets !== undefined && values.route !== undefined) throw new UsageError('Use either --targets or --route, not both.')
  const targets = values.targets === undefined ? undefined : parseTargets(values.targets)
  const concurrency = values.concurrency === undefined ? undefined : parseConcurrency(values.concurrency)
  const motion = motionFrom(values.preset, values.framing)
  const directory = resolve(io.cwd, values.out ?? 'out/compare')

  // Every input is read before any target is called: a typo must not cost a paid run.
  const inputs: { source: string; loaded: LoadedMedia }[] = []
  for (const source of positionals) {
    const input = /^(https?:|data:)/i.test(source) ? source : resolve(io.cwd, source)
    inputs.push({ source, loaded: await loadMedia(input, { field: 'image', expect: 'image', allowPrivateNetwork: true, signal: io.interrupt }) })
  }

  // The report's folder too: a folder that cannot be written must not cost a paid run.
  await checkOutputPath(directory, { kind: 'directory', inputs: positionals.filter((source) => !/^(https?:|data:)/i.test(source)).map((source) => resolve(io.cwd, source)) })

  const reporter = new ProgressReporter(io, { json: values.json === true })
  let written: WrittenReport | undefined
  try {
    const extraRoute = targets ? { name: TARGETS_ROUTE, config: { strategy: 'compare' as const, targets: [...targets] } } : undefined
    const router = await openRouter(io, { ...(values.config ? { config: values.config } : {}), ...(extraRoute ? { extraRoute } : {}), onEvent: reporter.onEvent })
    let report: ComparisonReport | undefined
    for (const [index, input] of inputs.entries()) {
      reporter.line(`Image ${index + 1}/${inputs.length}: ${describeSource(input.source)}`)
      const request: AnimationRequest = { image: /^(https?:|data:)/i.test(input.source) ? input.source : resolve(io.cwd, input.source), motion }
      const entries = await router.compare(request, {
        ...(targets ? { targets, route: TARGETS_ROUTE } : {}),
        ...(values.route ? { route: values.route } : {}),
        ...(concurrency ? { concurrency } : {}),
        signal: io.interrupt,
        onProgress: reporter.onProgress,
      })
      for (const entry of entries) reporter.line(entryLine(entry))
      report ??= new ComparisonReport({ directory, targets: entries.map((entry) => entry.target), motion: describeMotion(motion), ...(values.route ? { route: values.route } : {}), inline: values.inline === true, recoveryDir: recoveryDirOf(router) })
      try {
        await report.addImage(describeSource(input.source), input.loaded, entries, { signal: io.interrupt })
      } finally {
        // Rewritten after every image, so an interrupted run still leaves a report of what finished.
        written = await report.write()
      }
      if (io.interrupt.aborted) break
    }
    reporter.stop()
    return finish(io, written!, values.json === true)
  } catch (error) {
    if (io.interrupt.aborted) {
      reporter.stop()
      const where = written ? `the report ${displayPath(io, written.htmlPath)} holds the ${written.document.images.length} image(s) that finished` : 'no image had finished, so no report was written'
      io.stderr.write(`Interrupted; remote jobs were cancelled and ${where}.\n`)
      return EXIT.interrupted
    }
    throw error
  } finally {
    reporter.stop()
  }
}

/**
 * The router for a comparison. With `--targets`, a compare route of exactly those targets is added
 * to the config, as `openRouter` does for `--target`: the router only builds targets that a route
 * names, and a comparison should not depend on how the config's routes are laid out.
 */
function finish(io: CliIo, written: WrittenReport, json: boolean): number {
  const results = written.document.images.flatMap((image) => image.results)
  const succeeded = results.filter((result) => result.ok).length
  const code = io.interrupt.aborted ? EXIT.interrupted : succeeded === 0 ? EXIT.allFailed : EXIT.ok
  if (json) {
    io.stdout.write(`${JSON.stringify({ ok: code === EXIT.ok, html: written.htmlPath, json: written.jsonPath, ...redactReport(written.document) }, null, 2)}\n`)
  } else {
    io.stderr.write(`Report: ${displayPath(io, written.htmlPath)} (${written.document.images.length} image(s) × ${written.document.targets.length} target(s): ${succeeded} of ${results.length} succeeded)\n`)
    for (const [target, summary] of Object.entries(written.document.summary)) {
      const latency = summary.medianLatencyMs === null ? '' : `, median ${(summary.medianLatencyMs / 1000).toFixed(1)} s`
      const cost = summary.totalUsd === null ? '' : `, $${summary.totalUsd.toFixed(3)}`
      io.stderr.write(`  ${target}: ${summary.successes} ok, ${summary.failures} failed${latency}${cost}\n`)
    }
  }
  if (code === EXIT.allFailed) io.stderr.write('Every target failed: see the errors in the report.\n')
  if (code === EXIT.interrupted) io.stderr.write(`Interrupted; the report holds the ${written.document.images.length} image(s) that finished.\n`)
  return code
}

/** The input as the user gave it, for the report: a data URI is cut to its type, a URL loses its query. */
function describeSource(source: string): string {
  if (/^data:/i.test(source)) return `${source.slice(0, source.indexOf(',') + 1 || 40)}… (${source.length} characters)`
  return redact(source)
}

/** A path relative to the working directory when it lies inside it, else absolute. */
function displayPath(io: CliIo, path: string): string {
  const shown = relative(io.cwd, path)
  return shown && !shown.startsWith('..') ? shown : path
}

function entryLine(entry: CompareEntry): string {
  const seconds = `${(entry.durationMs / 1000).toFixed(1)} s`
  return entry.ok ? `  ok ${entry.target} (${seconds})` : `  x  ${entry.target}: ${entry.error?.kind ?? 'failed'}, ${entry.error?.message ?? 'no output'}`
}

function parseTargets(text: string): string[] {
  const targets = [...new Set(text.split(',').map((item) => item.trim()).filter(Boolean))]
  if (targets.length === 0) throw new UsageError('--targets needs at least one provider/model, e.g. --targets fal/live-portrait,local/warp.')
  for (const target of targets) {
    if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(target)) throw new UsageError(`--targets: "${target}" is not provider/model, e.g. fal/live-portrait.`)
  }
  return targets
}

function parseConcurrency(text: string): number {
  const number = Number(text)
  if (!Number.isInteger(number) || number < 1 || number > 64) throw new UsageError(`--concurrency must be a whole number from 1 to 64 (got "${text}").`)
  return number
}

function motionFrom(preset: string | undefined, framing: string | undefined): Motion {
  if (preset !== undefined && !PRESETS.includes(preset)) throw new UsageError(`--preset must be ${PRESETS.join(', ')} (got "${preset}").`)
  if (framing !== undefined && framing !== 'head' && framing !== 'full-body') throw new UsageError(`--framing must be head or full-body (got "${framing}").`)
  return { type: 'preset', preset: (preset ?? 'live-photo') as PresetName, ...(framing ? { framing: framing as Framing } : {}) }
}

function describeMotion(motion: Motion): string {
  return motion.type === 'preset' ? `preset ${motion.preset}${motion.framing ? ` (${motion.framing})` : ''}` : motion.type
}
