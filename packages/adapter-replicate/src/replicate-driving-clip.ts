import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { PortraitAnimatorError } from '@portrait-animator/core'
import { PROVIDER } from './replicate-limits.js'

/**
 * The `live-photo` preset's driving clip: the one `@portrait-animator/adapter-fal` ships (a gentle
 * nod, smile and blink, `assets/live-photo-driving.mp4`), resolved through that package's
 * `./live-photo-driving.mp4` export. Only the file is shared: no fal code is imported.
 */
export const DRIVING_CLIP_SPECIFIER = '@portrait-animator/adapter-fal/live-photo-driving.mp4'

let clip: Promise<Uint8Array> | undefined

/** Reads the bundled clip once per process. */
export function readDrivingClip(): Promise<Uint8Array> {
  clip ??= (async () => {
    try {
      const path = createRequire(import.meta.url).resolve(DRIVING_CLIP_SPECIFIER)
      return new Uint8Array(await readFile(path))
    } catch (cause) {
      clip = undefined
      throw new PortraitAnimatorError({
        kind: 'invalid_config',
        message: `The live-photo driving clip (${DRIVING_CLIP_SPECIFIER}) is missing; install @portrait-animator/adapter-fal or set drivingVideoUrl.`,
        provider: PROVIDER,
        cause,
      })
    }
  })()
  return clip
}
