import { extname } from 'node:path'
import { createBytesOutput, ownEntry, type AnimationOutput, type Motion, type OutputFormat, type OutputKind } from '@portrait-animator/core'
import type { Router } from '@portrait-animator/router'
import sharp from 'sharp'
import { UsageError } from './exit-codes.js'

const EXTENSION: Readonly<Record<OutputFormat, string>> = { mp4: '.mp4', webp: '.webp', jpeg: '.jpg', png: '.png' }

/** The kind of output a motion makes: an expression re-poses a still, every other motion is a video. */
export function outputKindFor(motion: Motion): OutputKind {
  return motion.type === 'expression' ? 'image' : 'video'
}

/** The route a request takes: the one named, else the motion's route, else `default`. */
export function routeNameFor(router: Router, motion: Motion, named: string | undefined): string {
  return named ?? ownEntry(router.config.config.motionRoutes, motion.type) ?? 'default'
}

/**
 * Refuses, before anything is paid for, a video format that no ready target of the route makes
 * (an MP4 would otherwise land in a `.webp` file). Stills are not refused: any still is converted
 * to the format asked for (see `matchOutputFormat`).
 */
export async function assertFormatReachable(router: Router, route: string, format: OutputFormat, motion: Motion, given: string): Promise<void> {
  const kind = outputKindFor(motion)
  if (kind === 'image') return
  const routeConfig = ownEntry(router.config.config.routes, route)
  if (!routeConfig) return // the router says which routes exist
  const ids = new Set(routeConfig.targets.map((target) => (typeof target === 'string' ? target : target.target)))
  const retired = new Set((await router.retirements()).map((record) => record.target))
  const ready = router.targets().filter((info) => ids.has(info.target) && info.configured && !retired.has(info.target) && info.capabilities?.lifecycle.status !== 'retired' && info.capabilities?.outputs.includes(kind))
  if (ready.length === 0 || ready.some((info) => info.capabilities?.outputFormats.includes(format))) return
  const makes = ready.map((info) => `${info.target} makes ${info.capabilities!.outputFormats.filter((item) => item === 'mp4' || item === 'webp').join(' or ')}`).join(', ')
  const better = ready[0]!.capabilities!.outputFormats.find((item) => item === 'mp4' || item === 'webp') ?? 'mp4'
  throw new UsageError(`${given}: no ready target of route "${route}" makes ${format} video (${makes}); save it as ${EXTENSION[better]}.`)
}

/**
 * The output in the format asked for. A still in another still format is converted (sharp); a
 * video in another container cannot be, so it is saved under its own extension instead of a
 * misleading one, and `note` says so.
 */
export async function matchOutputFormat(output: AnimationOutput, wanted: OutputFormat | undefined, path: string): Promise<{ output: AnimationOutput; path: string; note?: string }> {
  if (!wanted || output.format === wanted) return { output, path }
  if (output.kind === 'image' && wanted !== 'mp4') {
    const converted = await sharp(await output.bytes()).toFormat(wanted === 'jpeg' ? 'jpeg' : wanted).toBuffer()
    const size = { ...(output.width ? { width: output.width } : {}), ...(output.height ? { height: output.height } : {}) }
    return { output: createBytesOutput({ kind: 'image', format: wanted, bytes: converted, ...size }), path, note: `the target delivered ${output.format}; it was converted to ${wanted}.` }
  }
  const own = `${path.slice(0, path.length - extname(path).length)}${EXTENSION[output.format]}`
  return { output, path: own, note: `the target delivered ${output.format}, not ${wanted}: it was saved as ${own} rather than under a misleading extension.` }
}
