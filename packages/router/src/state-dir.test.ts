import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultStateDir, resolveStateDir } from './state-dir.js'

const home = '/home/ada'

describe('the state folder', () => {
  it('is the config stateDir when there is one, relative to the working directory', () => {
    expect(resolveStateDir('state', { PORTRAIT_ANIMATOR_STATE_DIR: '/elsewhere' })).toBe(resolve('state'))
  })

  it('is PORTRAIT_ANIMATOR_STATE_DIR, else XDG_STATE_HOME, else ~/.local/state on Linux; never the working directory', () => {
    expect(defaultStateDir({ PORTRAIT_ANIMATOR_STATE_DIR: '/srv/pa', XDG_STATE_HOME: '/x' }, { platform: 'linux', home })).toBe('/srv/pa')
    expect(defaultStateDir({ XDG_STATE_HOME: '/x/state' }, { platform: 'linux', home })).toBe('/x/state/portrait-animator')
    expect(defaultStateDir({ XDG_STATE_HOME: 'relative/ignored' }, { platform: 'linux', home })).toBe('/home/ada/.local/state/portrait-animator')
    expect(defaultStateDir({}, { platform: 'linux', home })).toBe('/home/ada/.local/state/portrait-animator')
  })

  it('follows the platform convention on macOS and Windows', () => {
    expect(defaultStateDir({}, { platform: 'darwin', home })).toBe('/home/ada/Library/Application Support/portrait-animator')
    expect(defaultStateDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, { platform: 'win32', home })).toBe(join('C:\\Users\\ada\\AppData\\Local', 'portrait-animator', 'state'))
  })
})
