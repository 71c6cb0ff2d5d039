/** The children of an MP4 box body: type and body bounds (32-bit sizes; 64-bit ones end the walk). */
function* children(bytes: Buffer, start: number, end: number): Generator<{ type: string; start: number; end: number }> {
  let offset = start
  while (offset + 8 <= end) {
    const size = bytes.readUInt32BE(offset)
    if (size < 8 || offset + size > end) return
    yield { type: bytes.toString('latin1', offset + 4, offset + 8), start: offset + 8, end: offset + size }
    offset += size
  }
}

function child(bytes: Buffer, parent: { start: number; end: number }, type: string): { start: number; end: number } | undefined {
  for (const box of children(bytes, parent.start, parent.end)) if (box.type === type) return box
  return undefined
}

/** The number of frames of an MP4's first video track (`moov/trak/mdia/minf/stbl/stsz`), or `undefined`. */
export function mp4VideoFrameCount(bytes: Buffer): number | undefined {
  const moov = child(bytes, { start: 0, end: bytes.length }, 'moov')
  if (!moov) return undefined
  for (const trak of children(bytes, moov.start, moov.end)) {
    if (trak.type !== 'trak') continue
    const mdia = child(bytes, trak, 'mdia')
    const hdlr = mdia && child(bytes, mdia, 'hdlr')
    if (!mdia || !hdlr || hdlr.start + 12 > hdlr.end || bytes.toString('latin1', hdlr.start + 8, hdlr.start + 12) !== 'vide') continue
    const minf = child(bytes, mdia, 'minf')
    const stbl = minf && child(bytes, minf, 'stbl')
    const stsz = stbl && child(bytes, stbl, 'stsz')
    if (!stsz || stsz.start + 12 > stsz.end) return undefined
    return bytes.readUInt32BE(stsz.start + 8)
  }
  return undefined
}
