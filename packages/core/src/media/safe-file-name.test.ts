import { describe, expect, it } from 'vitest'
import { safeFileName, urlBaseName } from './safe-file-name.js'

describe('safeFileName', () => {
  it.each([
    ['portrait.png', 'jpeg', 'portrait.jpg'],
    ['portrait.JPEG', 'jpeg', 'portrait.jpg'],
    ['/home/me/Photos/me.heic', 'png', 'me.png'],
    ['C:\\Users\\me\\me.bmp', 'bmp', 'me.bmp'],
    ['voice memo (2).m4a', 'mp3', 'voice-memo-2.mp3'],
    ['Crème brûlée.webp', 'webp', 'Creme-brulee.webp'],
    ['../../etc/passwd', 'png', 'passwd.png'],
    ['.hidden', 'gif', 'hidden.gif'],
    ['archive.tar.gz', 'wav', 'archive.tar.wav'],
    ['', 'mp4', 'video.mp4'],
    [undefined, 'flac', 'audio.flac'],
    ['🙂.jpg', 'jpeg', 'image.jpg'],
  ] as const)('%s holding %s is named %s', (original, format, expected) => {
    expect(safeFileName(original, format)).toBe(expected)
  })

  it('keeps names short', () => {
    expect(safeFileName(`${'a'.repeat(300)}.png`, 'png')).toBe(`${'a'.repeat(80)}.png`)
  })
})

describe('urlBaseName', () => {
  it.each([
    ['https://cdn.example/a/b/My%20Photo.jpg?x=1', 'My Photo.jpg'],
    ['https://cdn.example/', undefined],
    ['https://cdn.example/a/%E0%A4%A', '%E0%A4%A'],
  ])('%s -> %s', (url, expected) => {
    expect(urlBaseName(new URL(url))).toBe(expected)
  })
})
