/**
 * The smallest outputs that pass `checkOutputIntegrity`, for fakes that serve an output: adapters and
 * the router check what they hand over, so a fake CDN must serve real media, not placeholder text.
 * @module
 */

const box = (type: string, ...content: Uint8Array[]): Buffer => {
  const body = Buffer.concat(content)
  const header = Buffer.alloc(8)
  header.writeUInt32BE(8 + body.length, 0)
  header.write(type, 4, 'latin1')
  return Buffer.concat([header, body])
}
const words = (...values: number[]): Buffer => {
  const buffer = Buffer.alloc(values.length * 4)
  values.forEach((value, index) => buffer.writeUInt32BE(value, index * 4))
  return buffer
}

function tinyMp4(): Uint8Array {
  const ftyp = box('ftyp', Buffer.from('isom'), words(0x200), Buffer.from('isomiso2avc1mp41'))
  const mvhd = Buffer.alloc(100)
  mvhd.writeUInt32BE(1000, 12)
  mvhd.writeUInt32BE(1000, 16)
  const tkhd = Buffer.alloc(84)
  tkhd.writeUInt32BE(2 * 0x10000, 76)
  tkhd.writeUInt32BE(2 * 0x10000, 80)
  const hdlr = Buffer.alloc(25)
  hdlr.write('vide', 8, 'latin1')
  const frame = Buffer.from([0, 0, 0, 3, 0x65, 0x88, 0x84])
  const moov = (frameOffset: number) => {
    const stbl = box('stbl', box('stsz', words(0, frame.length, 1)), box('stsc', words(0, 1, 1, 1, 1)), box('stco', words(0, 1, frameOffset)))
    return box('moov', box('mvhd', mvhd), box('trak', box('tkhd', tkhd), box('mdia', box('hdlr', hdlr), box('minf', stbl))))
  }
  return new Uint8Array(Buffer.concat([ftyp, moov(ftyp.length + moov(0).length + 8), box('mdat', frame)]))
}

/** A 2x2 MP4 with one (not decodable) frame whose boxes and sample table are whole. */
export const TINY_MP4: Uint8Array = tinyMp4()

/** A real 2x2 JPEG. */
export const TINY_JPEG: Uint8Array = new Uint8Array(
  Buffer.from(
    '/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAACAAIDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAb/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAABf/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AK0AKff/2Q==',
    'base64',
  ),
)

/** A real 2x2 PNG. */
export const TINY_PNG: Uint8Array = new Uint8Array(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEklEQVQImWM4Ma3ixLQKBggFADS2B1mGGXjMAAAAAElFTkSuQmCC', 'base64'),
)
