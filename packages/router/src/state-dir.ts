import { homedir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'

/** The environment variable that names the state folder when the config does not. */
export const STATE_DIR_ENV = 'PORTRAIT_ANIMATOR_STATE_DIR'

/** Where the platform keeps it: what `defaultStateDir` reads besides the environment. */
export interface PlatformPaths {
  readonly platform?: NodeJS.Platform
  readonly home?: string
}

/**
 * The router's state folder when the config gives no `stateDir`: `$PORTRAIT_ANIMATOR_STATE_DIR`,
 * else the platform's place for application state:
 * - Linux and others: `$XDG_STATE_HOME/portrait-animator`, else `~/.local/state/portrait-animator`
 *   (the XDG Base Directory convention);
 * - macOS: `~/Library/Application Support/portrait-animator` (`$XDG_STATE_HOME` is honoured first);
 * - Windows: `%LOCALAPPDATA%\portrait-animator\state` (`$XDG_STATE_HOME` is honoured first).
 * Never the current directory: state is shared by every run of the same user.
 */
export function defaultStateDir(env: Readonly<Record<string, string | undefined>> = process.env, paths: PlatformPaths = {}): string {
  const explicit = env[STATE_DIR_ENV]
  if (explicit) return resolve(explicit)
  const xdg = env.XDG_STATE_HOME
  // The XDG specification says a relative path is invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'portrait-animator')
  const home = paths.home ?? homedir()
  const platform = paths.platform ?? process.platform
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'portrait-animator')
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'portrait-animator', 'state')
  return join(home, '.local', 'state', 'portrait-animator')
}

/** The state folder in force: the config's `stateDir` (relative to the working directory), else `defaultStateDir`. */
export function resolveStateDir(configured: string | undefined, env?: Readonly<Record<string, string | undefined>>): string {
  return configured ? resolve(configured) : defaultStateDir(env)
}
