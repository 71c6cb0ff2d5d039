/** One environment variable the project reads. */
export interface EnvironmentVariable {
  readonly name: string
  readonly readBy: string
  readonly meaning: string
}

/**
 * Every environment variable portrait-animator reads (a test checks this list against the
 * sources). Besides these, a config may name any variable as a key with `"apiKey": "env:NAME"`.
 */
export const ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: 'PORTRAIT_ANIMATOR_CONFIG', readBy: 'every command', meaning: 'the config file when --config is not given' },
  { name: 'FAL_KEY', readBy: 'fal adapter, default config', meaning: 'fal.ai key' },
  { name: 'FAL_KEY_ID', readBy: 'fal adapter', meaning: 'with FAL_KEY_SECRET, a fal key in two parts (when FAL_KEY is not set)' },
  { name: 'FAL_KEY_SECRET', readBy: 'fal adapter', meaning: 'see FAL_KEY_ID' },
  { name: 'MAGIC_HOUR_API_KEY', readBy: 'magichour adapter, default config', meaning: 'Magic Hour key' },
  { name: 'REPLICATE_API_TOKEN', readBy: 'replicate adapter, default config', meaning: 'Replicate API token' },
  { name: 'AILAB_API_KEY', readBy: 'ailab adapter, default config', meaning: 'AILabTools key' },
  { name: 'PORTRAIT_ANIMATOR_SERVER_KEYS', readBy: 'serve', meaning: "the server's own client keys, comma-separated (with --api-key)" },
  { name: 'PORTRAIT_ANIMATOR_CHROMIUM', readBy: 'compare, measure', meaning: 'the Chromium that decodes High-profile video; empty turns it off' },
  { name: 'PATH', readBy: 'compare, measure', meaning: 'where chromium is looked for' },
  { name: 'NO_COLOR', readBy: 'every command', meaning: 'honoured: the CLI prints no colour at all' },
  { name: 'PORTRAIT_ANIMATOR_STATE_DIR', readBy: 'router', meaning: 'the state folder (journal, retirements, recovered outputs) when the config gives no stateDir' },
  { name: 'XDG_STATE_HOME', readBy: 'router', meaning: 'the default state folder is $XDG_STATE_HOME/portrait-animator (else ~/.local/state/portrait-animator)' },
  { name: 'LOCALAPPDATA', readBy: 'router (Windows)', meaning: 'the default state folder is %LOCALAPPDATA%\\portrait-animator\\state' },
  { name: 'PORTRAIT_ANIMATOR_H264_ENCODER', readBy: 'local adapter', meaning: '`wasm` forces the built-in H.264 encoder, `native` requires ffmpeg; default: ffmpeg when on PATH' },
  { name: 'PORTRAIT_ANIMATOR_CACHE_DIR', readBy: 'local adapter', meaning: 'the cache folder; face analyses go to its faces folder when the settings give no faceCache' },
  { name: 'XDG_CACHE_HOME', readBy: 'local adapter', meaning: 'the default cache folder is $XDG_CACHE_HOME/portrait-animator (else ~/.cache/portrait-animator)' },
  { name: 'REDIS_SERVER', readBy: 'queue package tests', meaning: 'the redis-server binary the tests start (default: redis-server on PATH)' },
]

/** The table as text, for `--help`. */
export function environmentHelp(): string {
  const width = Math.max(...ENVIRONMENT.map((variable) => variable.name.length))
  const rows = ENVIRONMENT.map((variable) => `  ${variable.name.padEnd(width)}  ${variable.meaning} (${variable.readBy})`)
  return ['Environment:', ...rows, '  and any variable the config names as a key with "apiKey": "env:NAME"'].join('\n')
}
