import { spawn } from 'node:child_process'
import type { Warning } from '@portrait-animator/core'
import { LOCAL_PROVIDER } from './local-errors.js'
import { createMp4Encoder, type Mp4EncoderOptions } from './mp4-encoder.js'
import { createNativeMp4Encoder, x264Args } from './native-encoder.js'
import type { PixelBounds } from './rgba-to-i420.js'

/**
 * Which H.264 encoder renders MP4s: `auto` uses `ffmpeg` (libx264) when one on PATH works and the
 * WebAssembly encoder otherwise; `wasm` always uses the WebAssembly encoder; `native` uses ffmpeg
 * and fails (`unavailable`) without it. The `PORTRAIT_ANIMATOR_H264_ENCODER` environment variable
 * sets it for a process when the settings do not.
 */
export type EncoderPreference = 'auto' | 'native' | 'wasm'

/** The encoder that wrote a clip, as reported in `providerMetadata.local.encoder`. */
export type EncoderName = 'ffmpeg-libx264' | 'wasm-h264'

/** An MP4 encoder of either kind, as the renderer uses it. */
export interface ClipEncoder {
  readonly name: EncoderName
  /** Why the preferred encoder was not used, if it was not. */
  readonly warnings: readonly Warning[]
  addFrame(rgba: Uint8Array, changed?: PixelBounds): void | Promise<void>
  finish(): Promise<Uint8Array>
  /** Stops without producing a clip; resolves once any encoder process has exited. */
  dispose(): void | Promise<void>
}

/** Whether the native encoder can be used, and why not. */
/** Whether ffmpeg can encode here; `missing` when there is no ffmpeg at all (wasm is then the normal path, not a degradation). */
export type NativeProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly missing: boolean }

const ENV_NAME = 'PORTRAIT_ANIMATOR_H264_ENCODER'
const PROBE_TIMEOUT_MS = 10_000
const probes = new Map<string, Promise<NativeProbe>>()

/** The preference from `setting`, else the environment, else `auto`. */
export function encoderPreference(setting?: EncoderPreference): EncoderPreference {
  const chosen = setting ?? process.env[ENV_NAME]
  return chosen === 'native' || chosen === 'wasm' ? chosen : 'auto'
}

/**
 * Checks once per process and path that `ffmpeg` runs and encodes with libx264 at the settings
 * clips use (two 16x16 frames into nothing). Cheap to call again: the answer is kept.
 */
export function probeNativeEncoder(ffmpegPath = 'ffmpeg'): Promise<NativeProbe> {
  let probe = probes.get(ffmpegPath)
  if (probe === undefined) {
    probe = runProbe(ffmpegPath)
    probes.set(ffmpegPath, probe)
  }
  return probe
}

function runProbe(ffmpegPath: string): Promise<NativeProbe> {
  // The clip settings, on two frames of generated black, written nowhere.
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=black:s=16x16:r=24:d=0.084', ...x264Args({ width: 16, height: 16, fps: 24 }), '-f', 'null', '-']
  return new Promise((resolve) => {
    let stderr = ''
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: PROBE_TIMEOUT_MS })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 2048) stderr += chunk
    })
    child.once('error', (error) => {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
      resolve({ ok: false, missing, reason: missing ? 'ffmpeg is not on PATH' : `ffmpeg could not start (${error.message})` })
    })
    child.once('close', (code, signal) => {
      if (code === 0) resolve({ ok: true })
      else resolve({ ok: false, missing: false, reason: `ffmpeg failed its check (${signal ?? `exit code ${code}`}${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''})` })
    })
  })
}

/** Starts the encoder `preference` asks for (see `EncoderPreference`). */
export async function createClipEncoder(options: Mp4EncoderOptions & { readonly preference?: EncoderPreference; readonly ffmpegPath?: string; readonly signal?: AbortSignal | undefined }): Promise<ClipEncoder> {
  const preference = encoderPreference(options.preference)
  const warnings: Warning[] = []
  if (preference !== 'wasm') {
    const ffmpegPath = options.ffmpegPath ?? 'ffmpeg'
    const probe = await probeNativeEncoder(ffmpegPath)
    if (probe.ok || preference === 'native') {
      const native = await createNativeMp4Encoder({ ...options, ffmpegPath })
      return { name: 'ffmpeg-libx264', warnings, addFrame: native.addFrame, finish: native.finish, dispose: native.dispose }
    }
    // No ffmpeg is the ordinary case (`providerMetadata.local.encoder` says which ran); an ffmpeg
    // that is there but fails is worth a warning.
    if (!probe.missing) warnings.push({ type: 'other', provider: LOCAL_PROVIDER, message: `The H.264 encoder is the slower WebAssembly one: ${probe.reason}.` })
  }
  const wasm = await createMp4Encoder(options)
  return { name: 'wasm-h264', warnings, addFrame: wasm.addFrame, finish: async () => wasm.finish(), dispose: wasm.dispose }
}
