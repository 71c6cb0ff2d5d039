import { relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { checkOutputPath, loadMedia, redact, type AnimationRequest, type CompareEntry, type LoadedMedia, type Motion } from '@portrait-animator/core'
import type { CliIo } from '../cli-io.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { readCompareManifest, type CompareJob } from '../motion/compare-manifest.js'
import { describeMotion, isRemoteSource, MOTION_OPTIONS, motionFromFlags, sourcePath, type MotionFlags } from '../motion/motion-flags.js'
import type { Router } from '@portrait-animator/router'
import { openRouter } from '../open-router.js'
import { confirmCancellations, describeInterruption, JobTracker } from '../cancel-report.js'
import { ProgressReporter } from '../progress-reporter.js'
import { recoveryDirOf } from '../recovery-dir.js'
import { ComparisonReport, type WrittenReport } from '../report/comparison-report.js'
import { redactReport } from '../report/report-json.js'

export const COMPARE_HELP = `Usage: portrait-animator compare (IMAGE... | --manifest FILE) (--targets A,B,... | --route NAME) [--out DIR] [options]

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

Motion (one of them; every motion the router serves):
  --preset NAME        live-photo | nod | smile | blink | idle (default live-photo)
  --framing head|full-body
  --expression LIST    re-pose a still: smile=0.8,blink=0.5,yaw=10 (expression targets)
  --audio FILE         make the portrait speak this audio (talking targets)
  --start S, --end S   the part of --audio to speak, in seconds
  --driving-video FILE transfer the motion of this face video
  --manifest FILE      CSV (with a header row) or JSONL: one row per image with its own motion, in
                       the columns image, preset, framing, expression, audio, start, end,
                       driving-video; paths relative to the manifest. A row without a motion gets
                       the motion flags above

Report:
  -o, --out DIR        the report's folder (default out/compare)
  --inline             also embed every image and video in report.html as data URIs, so that one
                       file is the whole report (bigger; the media/ files are written anyway)
  --json               print the report (report.json plus the file paths) on stdout
  -h, --help           this help

Figures per output: duration, fps, resolution and bytes from the MP4 headers; motion energy (mean
absolute difference of consecutive grayscale frames, in grey levels 0..255); identity similarity
between the input face and the output's middle frame (0..1, above ~0.5 is the same person); for
audio-driven outputs, the audio track's duration against the input audio and the lip-sync offset.
A figure that cannot be measured is left empty with a note saying why.

Exit codes: 0 at least one output, 2 bad input or config, 3 every target failed, 130 interrupted.

Examples:
  portrait-animator compare examples/assets/astronaut.png --targets local/warp,fal/live-portrait --out out/compare
  portrait-animator compare a.jpg b.jpg c.jpg --route default --out report/ --inline
  portrait-animator compare me.jpg --audio hello.wav --targets fal/sadtalker,magichour/talking-photo
  portrait-animator compare me.jpg --audio hello.wav --targets fal/kling-avatar-v2-standard,fal/omnihuman-v1-5
  portrait-animator compare me.jpg --targets fal/live-portrait,replicate/live-portrait,local/warp
  portrait-animator compare me.jpg --expression smile=0.8,yaw=10 --targets fal/live-portrait-image,local/warp
  portrait-animator compare --manifest photos.csv --route talking --out report/
  FAL_KEY=... portrait-animator compare me.jpg --targets fal/live-portrait,magichour/image-to-video --config portrait-animator.json --json`

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
      ...MOTION_OPTIONS,
      manifest: { type: 'string' },
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
  if (positionals.length === 0 && values.manifest === undefined) throw new UsageError(`compare needs at least one IMAGE or a --manifest.\n\n${COMPARE_HELP}`)
  if (values.targets !== undefined && values.route !== undefined) throw new UsageError('Use either --targets or --route, not both.')
  const targets = values.targets === undefined ? undefined : parseTargets(values.targets)
  const concurrency = values.concurrency === undefined ? undefined : parseConcurrency(values.concurrency)
  const flags: MotionFlags = values
  const motion = motionFromFlags(flags, io.cwd)
  const jobs: CompareJob[] = positionals.map((source) => ({ source, image: sourcePath(source, io.cwd), motion }))
  if (values.manifest !== undefined) jobs.push(...(await readCompareManifest(resolve(io.cwd, values.manifest), { defaults: flags, cwd: io.cwd })))
  const directory = resolve(io.cwd, values.out ?? 'out/compare')

  // Every input (images, audio, driving videos) is read before any target is called: a typo must not cost a paid run.
  const inputs: { job: CompareJob; loaded: LoadedMedia; audio?: LoadedMedia }[] = []
  for (const job of jobs) {
    const loaded = await loadMedia(job.image, { field: 'image', expect: 'image', allowPrivateNetwork: true, signal: io.interrupt })
    const audio = job.motion.type === 'audio' ? await loadMedia(job.motion.audio, { field: 'motion.audio', expect: 'audio', allowPrivateNetwork: true, signal: io.interrupt }) : undefined
    if (job.motion.type === 'driving-video') await loadMedia(job.motion.video, { field: 'motion.video', expect: 'video', allowPrivateNetwork: true, signal: io.interrupt })
    inputs.push({ job, loaded, ...(audio ? { audio } : {}) })
  }

  // The report's folder too: a folder that cannot be written must not cost a paid run.
  await checkOutputPath(directory, { kind: 'directory', inputs: localSources(jobs) })

  const reporter = new ProgressReporter(io, { json: values.json === true })
  let written: WrittenReport | undefined
  const remoteJobs = new JobTracker()
  let router: Router | undefined
  try {
    const extraRoute = targets ? { name: TARGETS_ROUTE, config: { strategy: 'compare' as const, targets: [...targets] } } : undefined
    router = await openRouter(io, { ...(values.config ? { config: values.config } : {}), ...(extraRoute ? { extraRoute } : {}), onEvent: reporter.onEvent })
    router.on(remoteJobs.onEvent)
    let report: ComparisonReport | undefined
    const motions = [...new Set(inputs.map((input) => describeMotion(input.job.motion)))]
    for (const [index, input] of inputs.entries()) {
      reporter.line(`Image ${index + 1}/${inputs.length}: ${describeSource(input.job.source)}${motions.length > 1 ? ` (${describeMotion(input.job.motion)})` : ''}`)
      const request: AnimationRequest = { image: input.job.image, motion: input.job.motion }
      const entries = await router.compare(request, {
        ...(targets ? { targets, route: TARGETS_ROUTE } : {}),
        ...(values.route ? { route: values.route } : {}),
        ...(concurrency ? { concurrency } : {}),
        signal: io.interrupt,
        onProgress: reporter.onProgress,
      })
      for (const entry of entries) reporter.line(entryLine(entry))
      report ??= new ComparisonReport({ directory, targets: entries.map((entry) => entry.target), motion: motions.length === 1 ? motions[0]! : 'one per image', ...(values.route ? { route: values.route } : {}), inline: values.inline === true, recoveryDir: recoveryDirOf(router) })
      try {
        await report.addImage(describeSource(input.job.source), input.loaded, entries, { signal: io.interrupt, motion: describeMotion(input.job.motion), ...(input.audio ? { audio: audioInput(input.audio, input.job.motion) } : {}) })
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
      // Only cancellations the providers confirmed are called cancelled; other jobs are named.
      const jobs = router ? describeInterruption(await confirmCancellations(router, remoteJobs.unfinished()), '') : 'No remote job was running.'
      io.stderr.write(`Interrupted; ${where}.\n${jobs}\n`)
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
  } else if (io.verbosity !== 'quiet') {
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

/** The local files a comparison reads (images, audio, driving videos), which the report must never overwrite. */
function localSources(jobs: readonly CompareJob[]): string[] {
  const sources = jobs.flatMap((job) => [job.image, job.motion.type === 'audio' ? job.motion.audio : job.motion.type === 'driving-video' ? job.motion.video : undefined])
  return [...new Set(sources.filter((source): source is string => typeof source === 'string' && !isRemoteSource(source)))]
}

/** The input audio and the part of it that was asked for, for the report's audio figure. */
function audioInput(audio: LoadedMedia, motion: Motion): { bytes: Uint8Array; startSeconds?: number; endSeconds?: number } {
  if (motion.type !== 'audio') return { bytes: audio.bytes }
  return { bytes: audio.bytes, ...(motion.startSeconds === undefined ? {} : { startSeconds: motion.startSeconds }), ...(motion.endSeconds === undefined ? {} : { endSeconds: motion.endSeconds }) }
}
