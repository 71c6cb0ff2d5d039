import { readFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { loadMedia, writeFileAtomic } from '@portrait-animator/core'
import type { CliIo } from '../cli-io.js'
import { EXIT, UsageError } from '../exit-codes.js'
import { motionFromFlags } from '../motion/motion-flags.js'
import { createIdentityScorer } from '../report/identity-similarity.js'
import { measureOutput, type FigureName, type OutputFigures } from '../report/output-figures.js'

export const MEASURE_HELP = `Usage: portrait-animator measure VIDEO [--reference IMAGE] [--audio FILE [--start S --end S]] [--json]

Prints the figures the comparison report gives, for any clip or still from any source: size,
codec, duration, frame rate, motion energy, identity against a reference portrait, the audio track,
and the lip-sync offset: against --audio (whose length is printed too), or else against the clip's
own audio track. H.264 Baseline is decoded in
process; High/Main profile with B-frames (fal, Magic Hour), VP9 and AV1 through a headless
Chromium when one is installed (chromium on PATH or $PORTRAIT_ANIMATOR_CHROMIUM). A figure that
cannot be measured is printed as "—" with the reason.

Options:
  --reference IMAGE    the input portrait: identity similarity of the clip's middle frame to it
  --audio FILE         the speech that drove the clip (WAV): input audio length, and lip sync
                       against it rather than against the clip's own audio
  --start S, --end S   the part of --audio that was asked for, in seconds
  --strip FILE.jpg     also write six frames side by side to this JPEG
  --max-frames N       frames decoded at most (default 300)
  --json               print the figures as JSON on stdout
  -h, --help           this help

Exit codes: 0 measured (some figures may be empty), 2 bad input (not a video or image, a missing file).

Examples:
  portrait-animator measure out/me-talking.mp4 --reference me.jpg --audio hello.wav
  portrait-animator measure downloaded-from-fal.mp4 --reference me.jpg --json
  portrait-animator measure clip.webm --strip clip-frames.jpg`

/** How each figure is printed: its label and a one-line explanation. */
const LINES: readonly (readonly [keyof OutputFigures, string, (figures: OutputFigures) => string | null, string])[] = [
  ['motionEnergy', 'motion energy', (figures) => figures.motionEnergy?.toFixed(3) ?? null, 'mean grey-level change between consecutive frames, 0..255 (0 still)'],
  ['identitySimilarity', 'identity', (figures) => figures.identitySimilarity?.toFixed(3) ?? null, 'face of the middle frame against --reference, 0..1 (above ~0.5 the same person)'],
  ['audioSeconds', 'audio', (figures) => (figures.hasAudioTrack === false ? 'none' : figures.audioSeconds === null ? null : `${figures.audioSeconds.toFixed(2)} s`), "the clip's audio track"],
  ['inputAudioSeconds', 'input audio', (figures) => (figures.inputAudioSeconds === null ? null : `${figures.inputAudioSeconds.toFixed(2)} s`), 'speech asked for (--start..--end)'],
  ['lipSyncOffsetMs', 'lip sync', (figures) => (figures.lipSyncOffsetMs === null ? null : `${figures.lipSyncOffsetMs > 0 ? '+' : ''}${figures.lipSyncOffsetMs} ms`), 'how late the mouth moves after the sound'],
]

/** `portrait-animator measure`. */
export async function measureCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      reference: { type: 'string' },
      audio: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      strip: { type: 'string' },
      'max-frames': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(`${MEASURE_HELP}\n`)
    return EXIT.ok
  }
  if (positionals.length !== 1) throw new UsageError(`measure needs exactly one VIDEO (got ${positionals.length}).\n\n${MEASURE_HELP}`)
  const path = resolve(io.cwd, positionals[0]!)
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (error) {
    throw new UsageError(`cannot read ${positionals[0]}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  const maxFrames = values['max-frames'] === undefined ? undefined : Number(values['max-frames'])
  if (maxFrames !== undefined && (!Number.isInteger(maxFrames) || maxFrames < 2)) throw new UsageError(`--max-frames must be a whole number of at least 2 (got "${values['max-frames']}").`)
  if (values.strip !== undefined && !/\.jpe?g$/i.test(values.strip)) throw new UsageError('--strip must name a .jpg file.')
  const reference = values.reference === undefined ? undefined : await loadMedia(resolve(io.cwd, values.reference), { field: 'reference', expect: 'image', signal: io.interrupt })
  let audio: { bytes: Uint8Array; startSeconds?: number; endSeconds?: number } | undefined
  if (values.audio !== undefined || values.start !== undefined || values.end !== undefined) {
    const motion = motionFromFlags({ audio: values.audio, start: values.start, end: values.end }, io.cwd)
    if (motion.type !== 'audio') throw new UsageError('--start and --end go with --audio.')
    const loaded = await loadMedia(motion.audio, { field: 'audio', expect: 'audio', signal: io.interrupt })
    audio = { bytes: loaded.bytes, ...(motion.startSeconds === undefined ? {} : { startSeconds: motion.startSeconds }), ...(motion.endSeconds === undefined ? {} : { endSeconds: motion.endSeconds }) }
  }
  const { stripImage, ...measured } = await measureOutput(bytes, {
    ...(reference ? { identity: createIdentityScorer(reference.bytes) } : {}),
    ...(audio ? { audio } : {}),
    ...(maxFrames ? { maxFrames } : {}),
    strip: values.strip !== undefined,
    signal: io.interrupt,
  })
  if (measured.codec === null && measured.width === null) throw new UsageError(`${positionals[0]} is not a video or image this can read (${measured.notes.width ?? 'unknown format'}).`)
  const figures: OutputFigures = reference ? measured : { ...measured, notes: { ...measured.notes, identitySimilarity: 'no --reference portrait was given' } }
  let stripPath: string | null = null
  if (values.strip !== undefined && stripImage) {
    stripPath = resolve(io.cwd, values.strip)
    await writeFileAtomic(stripPath, stripImage, { signal: io.interrupt })
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ file: path, ...figures, strip: stripPath }, null, 2)}\n`)
    return EXIT.ok
  }
  io.stdout.write(`${describe(basename(path), figures, stripPath)}\n`)
  return EXIT.ok
}

/** The figures as a few aligned lines a person reads. */
function describe(name: string, figures: OutputFigures, stripPath: string | null): string {
  const header = [
    figures.width !== null && figures.height !== null ? `${figures.width}x${figures.height}` : null,
    figures.durationSeconds === null ? null : `${figures.durationSeconds.toFixed(2)} s`,
    figures.fps === null ? null : `${Math.round(figures.fps * 100) / 100} fps`,
    `${(figures.bytes / 1024).toFixed(1)} KB`,
    figures.codec,
    figures.decoder === null ? null : `decoded by ${figures.decoder}`,
  ].filter((part) => part !== null)
  const lines = [`${name}: ${header.join(', ')}`]
  for (const [key, label, format, explanation] of LINES) {
    const note = figures.notes[key as FigureName]
    if (note === 'not an audio-driven output') continue
    const value = format(figures)
    lines.push(`  ${label.padEnd(14)} ${(value ?? '—').padEnd(9)} ${value === null && note ? note : explanation}`)
  }
  if (stripPath) lines.push(`  frames         ${stripPath}`)
  return lines.join('\n')
}
