import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** Names a Chromium-family browser goes by on PATH. */
const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']

/**
 * The Chromium to decode with: `$PORTRAIT_ANIMATOR_CHROMIUM` when set (an empty value turns
 * Chromium off), else the first of `chromium`, `chromium-browser`, `google-chrome` on `PATH`.
 *
 * @returns the executable's path, or `undefined` when there is none.
 * @example
 * ```ts
 * findChromium() // '/usr/bin/chromium'
 * ```
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.PORTRAIT_ANIMATOR_CHROMIUM
  if (chosen !== undefined) return chosen === '' ? undefined : chosen
  for (const folder of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of BROWSER_NAMES) {
      const path = join(folder, name)
      try {
        accessSync(path, constants.X_OK)
        return path
      } catch {
        // Not here; keep looking.
      }
    }
  }
  return undefined
}
