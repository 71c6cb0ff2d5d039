import { basename, extname, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { checkOutputPath, saveWithRecovery, type AnimationRequest, type Framing, type Motion, type OutputFormat, type PresetName } from '@portrait-animator/core'
import type { CliIo } from '../cli-io.js'
import { confirmCancellations, describeInterruption, JobTracker } from '../cancel-report.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { assertFormatReachable, matchOutputFormat, outputKindFor, routeNameFor } from '../output-format.js'
import { openRouter, singleTargetRoute } from '../open-router.js'
import { parseExpression } from '../parse-expression.js'
import { ProgressReporter } from '../progress-reporter.js'
import { recoveryDirOf } from '../recovery-dir.js'
import { describeResult, resultJson } from '../result-summary.js'

export const ANIMATE_HELP = `Usage: portrait-animator animate IMAGE [options]

Animates one portrait through a route (default: the config's default route) and saves the output.

Motion (pick one; default --preset live-photo):
  --preset NAME            live-photo | nod | smile | blink | idle
  --framing head|full-body framing for presets (default head)
  --expression LIST        re-pose a still: smile=0.8,blink=0.5,yaw=10 (smile/blink/... -1..1, pitch/yaw/roll in degrees)
  --audio FILE             make the portrait speak this audio (talking route)
  --driving-video FILE     transfer the motion of this face video

Routing:
  --route NAME             a route from the config (default: by motion, else "default")
  --target PROVIDER/MODEL  call one target directly, e.g. fal/live-portrait
  --config FILE            config file (JSON or YAML; default: $PORTRAIT_ANIMATOR_CONFIG, ./portrait-animator.json|.yaml|.yml, built-in)

Output:
  -o, --out FILE           where to save (default: out/<image>-<motion>.<ext>); checked before any
                           call: not a folder, not the input, writable, 1 MiB free; missing folders
                           are created
  --format FORMAT          mp4 | webp | jpeg | png (default: from the extension of --out, which
                           must agree with it). A video format no ready target of the route makes
                           is refused before any call; a still is converted to the format asked for
  --strict                 fail instead of translating or ignoring settings
  --max-wait SECONDS       deadline for the whole request, every fallback included (alias: --timeout)
  --json                   print one JSON document on stdout
  -h, --help               this help

Examples:
  portrait-animator animate examples/assets/astronaut.png
  portrait-animator animate me.jpg --preset live-photo --framing full-body -o out/me.mp4
  portrait-animator animate me.jpg --expression smile=0.8,yaw=10 -o out/me.jpg
  portrait-animator animate me.jpg --audio hello.wav --route talking
  portrait-animator animate me.jpg --target fal/live-portrait --config portrait-animator.json --json`

/** `portrait-animator animate`. */
export async function animateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      preset: { type: 'string' },
      framing: { type: 'string' },
      expression: { type: 'string' },
      audio: { type: 'string' },
      'driving-video': { type: 'string' },
      route: { type: 'string' },
      target: { type: 'string' },
      config: { type: 'string' },
      out: { type: 'string', short: 'o' },
      format: { type: 'string' },
      strict: { type: 'boolean' },
      timeout: { type: 'string' },
      'max-wait': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(`${ANIMATE_HELP}\n`)
    return EXIT.ok
  }
  if (positionals.length !== 1) throw new UsageError('animate takes exactly one IMAGE. See --help.')
  if (values.route && values.target) throw new UsageError('Use --route or --target, not both.')
  const image = resolveInput(io, positionals[0]!)
  const motion = motionFrom(io, values)
  const format = values.format as OutputFormat | undefined
  if (format && !['mp4', 'webp', 'jpeg', 'png'].includes(format)) throw new UsageError(`--format must be mp4, webp, jpeg or png (got "${format}").`)
  const maxWait = values['max-wait'] ?? values.timeout
  const timeoutMs = maxWait === undefined ? undefined : Number(maxWait) * 1000
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError(`--${values['max-wait'] === undefined ? 'timeout' : 'max-wait'} must be a positive number of seconds (got "${maxWait}").`)
  const out = resolve(io.cwd, values.out ?? defaultOutPath(positionals[0]!, motion, format))
  // Checked before anything is paid for: a job must never be bought for a file that cannot be written.
  const checked = await checkOutputPath(out, { ...(format ? { format } : {}), inputs: localInputs(image, motion) })
  const outputFormat = format ?? (values.out === undefined ? undefined : checked.format)
  if (outputFormat) assertFormatFitsMotion(outputFormat, motion, values.out === undefined ? '--format' : `-o ${values.out}`)

  const reporter = new ProgressReporter(io, { json: values.json === true })
  const extraRoute = values.target ? singleTargetRoute(values.target) : undefined
  const router = await openRouter(io, { ...(values.config ? { config: values.config } : {}), ...(extraRoute ? { extraRoute } : {}), onEvent: reporter.onEvent })
  const route = routeNameFor(router, motion, values.route ?? extraRoute?.name)
  if (outputFormat) await assertFormatReachable(router, route, outputFormat, motion, values.out === undefined ? `--format ${outputFormat}` : `-o ${values.out}`)
  const jobs = new JobTracker()
  router.on(jobs.onEvent)
  const request: AnimationRequest = {
    image,
    motion,
    ...(outputFormat ? { output: { format: outputFormat, kind: outputKindFor(motion) } } : {}),
    ...(values.strict ? { strict: true } : {}),
    context: { cliOutput: out },
  }
  try {
    const result = await router.animate(request, { signal: io.interrupt, ...(timeoutMs ? { timeoutMs } : {}), route, onProgress: reporter.onProgress })
    const matched = await matchOutputFormat(result.output, outputFormat, out)
    const saved = await saveWithRecovery(matched.output, matched.path, { recoveryDir: recoveryDirOf(router), signal: io.interrupt, details: { servedBy: result.servedBy.target, providerMetadata: result.providerMetadata } })
    reporter.stop()
    const delivered = { ...result, output: matched.output }
    if (values.json) io.stdout.write(`${JSON.stringify(resultJson(delivered, saved.path, matched.note), null, 2)}\n`)
    else if (io.verbosity !== 'quiet') io.stderr.write(`${describeResult(delivered, relative(io.cwd, saved.path) || saved.path, saved.bytes)}\n${matched.note ? `Note: ${matched.note}\n` : ''}`)
    return EXIT.ok
  } catch (error) {
    reporter.stop()
    if (!io.interrupt.aborted) throw error
    // Interrupted: say which remote jobs were stopped (confirmed by the provider) and which may still run.
    io.stderr.write(`${describeInterruption(await confirmCancellations(router, jobs.unfinished()))}\n`)
    return EXIT.interrupted
  } finally {
    reporter.stop()
  }
}

function resolveInput(io: CliIo, input: string): string {
  return /^(https?:|data:)/i.test(input) ? input : resolve(io.cwd, input)
}

/** The local files a request reads, which the output must never overwrite. */
function localInputs(image: string, motion: Motion): string[] {
  const sources = [image, motion.type === 'audio' ? motion.audio : motion.type === 'driving-video' ? motion.video : undefined]
  return sources.filter((source): source is string => typeof source === 'string' && !/^(https?:|data:)/i.test(source))
}

/** An expression makes a still; every other motion makes a video: a format of the other kind cannot be served. */
function assertFormatFitsMotion(format: OutputFormat, motion: Motion, given: string): void {
  if (motion.type === 'expression' && format === 'mp4') {
    throw new UsageError(`${given}: an expression makes a still image; save it as .jpg, .png or .webp.`)
  }
  if (motion.type !== 'expression' && (format === 'jpeg' || format === 'png')) {
    throw new UsageError(`${given}: this motion makes a video; save it as .mp4 or .webp.`)
  }
}

function motionFrom(io: CliIo, values: { preset?: string; framing?: string; expression?: string; audio?: string; 'driving-video'?: string }): Motion {
  const chosen = [values.preset !== undefined, values.expression !== undefined, values.audio !== undefined, values['driving-video'] !== undefined].filter(Boolean).length
  if (chosen > 1) throw new UsageError('Choose one motion: --preset, --expression, --audio or --driving-video.')
  if (values.framing && !['head', 'full-body'].includes(values.framing)) throw new UsageError(`--framing must be head or full-body (got "${values.framing}").`)
  if (values.expression !== undefined) return { type: 'expression', ...parseExpression(values.expression) }
  if (values.audio !== undefined) return { type: 'audio', audio: resolveInput(io, values.audio) }
  if (values['driving-video'] !== undefined) return { type: 'driving-video', video: resolveInput(io, values['driving-video']) }
  const preset = (values.preset ?? 'live-photo') as PresetName
  if (!['live-photo', 'nod', 'smile', 'blink', 'idle'].includes(preset)) throw new UsageError(`--preset must be live-photo, nod, smile, blink or idle (got "${preset}").`)
  return { type: 'preset', preset, ...(values.framing ? { framing: values.framing as Framing } : {}) }
}

function defaultOutPath(image: string, motion: Motion, format: OutputFormat | undefined): string {
  const name = basename(image.split('?')[0] ?? 'portrait', extname(image.split('?')[0] ?? '')) || 'portrait'
  const label = motion.type === 'preset' ? (motion.preset === 'live-photo' ? 'live' : motion.preset) : motion.type === 'expression' ? 'expression' : motion.type === 'audio' ? 'talking' : 'driven'
  const extension = format ?? (motion.type === 'expression' ? 'jpeg' : 'mp4')
  return `out/${name}-${label}.${extension === 'jpeg' ? 'jpg' : extension}`
}
