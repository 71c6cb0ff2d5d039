/** Walks the boxes of an MP4 between `start` and `end`, yielding type and payload bounds. */
function* boxes(bytes: Buffer, start: number, end: number): Generator<{ type: string; bodyStart: number; bodyEnd: number }> {
  let offset = start
  while (offset + 8 <= end) {
    let size = bytes.readUInt32BE(offset)
    const type = bytes.toString('latin1', offset + 4, offset + 8)
    let header = 8
    if (size === 1) {
      if (offset + 16 > end) return
      size = Number(bytes.readBigUInt64BE(offset + 8))
      header = 16
    } else if (size === 0) {
      size = end - offset
    }
    if (size < header || offset + size > end) return
    yield { type, bodyStart: offset + header, bodyEnd: offset + size }
    offset += size
  }
}

/** The duration in seconds from an MP4's `moov/mvhd`, or `undefined`. */
export function mp4DurationSeconds(bytes: Buffer): number | undefined {
  for (const box of boxes(bytes, 0, bytes.length)) {
    if (box.type !== 'moov') continue
    for (const child of boxes(bytes, box.bodyStart, box.bodyEnd)) {
      if (child.type !== 'mvhd') continue
      const version = bytes[child.bodyStart]
      const base = child.bodyStart + 4
      if (version === 1) {
        if (base + 28 > child.bodyEnd) return undefined
        const timescale = bytes.readUInt32BE(base + 16)
        const duration = Number(bytes.readBigUInt64BE(base + 20))
        return timescale > 0 ? duration / timescale : undefined
      }
      if (base + 16 > child.bodyEnd) return undefined
      const timescale = bytes.readUInt32BE(base + 8)
      return timescale > 0 ? bytes.readUInt32BE(base + 12) / timescale : undefined
    }
  }
  return undefined
}

/** The duration in seconds of a PCM WAV file, or `undefined`. */
export function wavDurationSeconds(bytes: Buffer): number | undefined {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') return undefined
  let byteRate: number | undefined
  let offset = 12
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('latin1', offset, offset + 4)
    const size = bytes.readUInt32LE(offset + 4)
    if (id === 'fmt ' && offset + 16 <= bytes.length) byteRate = bytes.readUInt32LE(offset + 16)
    if (id === 'data') return byteRate ? Math.min(size, bytes.length - offset - 8) / byteRate : undefined
    offset += 8 + size + (size % 2)
  }
  return undefined
}
