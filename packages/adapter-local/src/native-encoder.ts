import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { threadId } from 'node:worker_threads'
import { DEFAULT_H264_SETTINGS, h264Level, NATIVE_QUANTIZER, X264_SMALL_CHANGES, type H264Settings } from './h264-settings.js'
import { localError } from './local-errors.js'
import { clearMp4Timestamps } from './mp4-boxes.js'
import type { Mp4EncoderOptions } from './mp4-encoder.js'
import { rgbaToI420, type PixelBounds } from './rgba-to-i420.js'

let nextFile = 0
const STDERR_LIMIT = 4096
const QUEUED_FRAMES = 12

/** An MP4 encoder whose frames go to an `ffmpeg` process (libx264) while the clip renders. */
export interface NativeMp4Encoder {
  /** Converts one RGBA frame to YUV and writes it to ffmpeg; resolves once ffmpeg can take more. */
  addFrame(rgba: Uint8Array, changed?: PixelBounds): Promise<void>
  /** Closes ffmpeg's input, waits for it and returns the file's bytes (deterministic: no timestamps). */
  finish(): Promise<Uint8Array>
  /** Kills ffmpeg (if running) and removes its file, without producing one; resolves once ffmpeg has exited. */
  dispose(): Promise<void>
  /** The ffmpeg process id, while it runs (for tests: an abort must leave no process behind). */
  readonly pid: number | undefined
}

/**
 * The ffmpeg arguments that encode raw I420 frames from stdin into `output` with the same H.264
 * settings as the WebAssembly encoder: Baseline profile (x264 marks it Constrained Baseline, a subset
 * every Baseline decoder plays), the level `h264Level` gives, constant quantiser, the keyframe
 * interval (one keyframe per clip by default), BT.601 colour signalled in the VUI, a 90 kHz track
 * timescale, moov after mdat (no faststart, like the wasm encoder's files), one thread (so the
 * same frames always give the same bytes).
 */
export function nativeEncoderArgs(options: Mp4EncoderOptions, output: string): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${options.width}x${options.height}`, '-r', String(options.fps), '-i', 'pipe:0',
    ...x264Args(options),
    '-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1', '-video_track_timescale', '90000',
    '-an', '-f', 'mp4', output,
  ]
}

/** The libx264 part of `nativeEncoderArgs`: codec, profile, level, quantiser, keyframes, colour, and P frames that code small changes. */
export function x264Args(options: Mp4EncoderOptions): string[] {
  const settings: H264Settings = { ...DEFAULT_H264_SETTINGS, quantizer: NATIVE_QUANTIZER, ...options.settings }
  const level = h264Level(options.width, options.height, options.fps)
  const interval = Number.isFinite(settings.keyframeInterval) ? Math.max(1, Math.round(settings.keyframeInterval)) : 1_000_000
  const range = settings.colourRange === 'full' ? 'pc' : 'tv'
  return [
    '-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'baseline', '-level:v', (level / 10).toFixed(1),
    '-qp', String(settings.quantizer), '-g', String(interval), '-keyint_min', String(interval), '-sc_threshold', '0', '-threads', '1',
    '-x264-params', `colorprim=smpte170m:transfer=smpte170m:colormatrix=smpte170m:range=${range}:${X264_SMALL_CHANGES}`,
    '-color_range', range, '-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m',
  ]
}

/**
 * Starts `ffmpeg` (at `ffmpegPath`) encoding frames into a temporary MP4. Frames are converted to
 * YUV here, with the same conversion as the WebAssembly path, so both paths encode the same pictures.
 * @throws PortraitAnimatorError `unavailable` when ffmpeg cannot be started or fails.
 */
/**
 * Starts ffmpeg for one clip. An abort of `signal` kills it at once: a frame waiting for the pipe
 * to drain is released, and a worker that is then terminated leaves no ffmpeg behind.
 */
export async function createNativeMp4Encoder(options: Mp4EncoderOptions & { readonly ffmpegPath: string; readonly signal?: AbortSignal | undefined }): Promise<NativeMp4Encoder> {
  if (options.width % 2 !== 0 || options.height % 2 !== 0 || options.width < 2 || options.height < 2) {
    throw new RangeError(`H.264 needs even dimensions, got ${options.width}x${options.height}`)
  }
  const settings: H264Settings = { ...DEFAULT_H264_SETTINGS, quantizer: NATIVE_QUANTIZER, ...options.settings }
  const output = join(tmpdir(), `portrait-animator-${process.pid}-${threadId}-${nextFile++}.mp4`)
  const child: ChildProcessByStdio<Writable, null, Readable> = spawn(options.ffmpegPath, nativeEncoderArgs(options, output), { stdio: ['pipe', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += chunk
  })
  let failure: Error | undefined
  child.stdin.on('error', (error) => {
    failure ??= error
  })
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      failure ??= error
      resolve(null)
    })
    child.once('close', (code) => resolve(code))
  })
  let running = true
  void exited.then(() => {
    running = false
  })
  const failed = (what: string, cause?: unknown): Error =>
    localError({ kind: 'unavailable', retryable: true, message: `ffmpeg ${what}${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`, cause })
  const yuv = new Uint8Array((options.width * options.height * 3) / 2)
  let frames = 0
  let disposed = false
  let stopped: Promise<void> | undefined
  const onAbort = (): void => void dispose()
  const dispose = (): Promise<void> => {
    options.signal?.removeEventListener('abort', onAbort)
    if (stopped !== undefined) return stopped
    if (!disposed && running) child.kill('SIGKILL')
    disposed = true
    // Resolves once ffmpeg is reaped: a render worker terminated before that would leave a zombie.
    stopped = exited.then(() => rm(output, { force: true }))
    return stopped
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  return {
    get pid() {
      return running ? child.pid : undefined
    },
    async addFrame(rgba, changed) {
      if (failure !== undefined || !running) throw failed('stopped while frames were being written', failure)
      rgbaToI420(rgba, options.width, options.height, settings.colourRange, yuv, frames === 0 ? undefined : changed)
      frames++
      // A copy: the converted buffer is updated in place for the next frame while this one may still be queued.
      // Up to QUEUED_FRAMES wait in the pipe, so ffmpeg encodes while the next frames render.
      if (!child.stdin.write(Buffer.from(yuv)) && child.stdin.writableLength > QUEUED_FRAMES * yuv.byteLength) {
        await new Promise<void>((resolve) => {
          child.stdin.once('drain', resolve)
          void exited.then(() => resolve())
        })
      }
    },
    async finish() {
      options.signal?.removeEventListener('abort', onAbort)
      child.stdin.end()
      const code = await exited
      try {
        if (code !== 0 || failure !== undefined) throw failed(`exited with code ${code}`, failure)
        return clearMp4Timestamps(new Uint8Array(await readFile(output)))
      } finally {
        disposed = true
        await rm(output, { force: true })
      }
    },
    dispose,
  }
}
