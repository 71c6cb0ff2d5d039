/** The path from the top level to an H.264 track's decoder configuration, and where each box's children start. */
const PATH: ReadonlyArray<readonly [string, number]> = [
  ['moov', 8],
  ['trak', 8],
  ['mdia', 8],
  ['minf', 8],
  ['stbl', 8],
  // Full box header (4) and entry count (4).
  ['stsd', 16],
  // Sample entry (8) and the visual sample entry's fixed fields (78).
  ['avc1', 86],
  ['avcC', 8],
]

/**
 * Replaces the SPS of an MP4's first H.264 track (in its `avcC` box) by `rewrite(sps)`, and the
 * level byte of the `avcC` by the new SPS's. The box sizes on the way are updated; the file must
 * have its `moov` after its `mdat` (as the WebAssembly encoder writes it), so no sample offset moves.
 * @returns a new MP4, or the same bytes when there is no H.264 track.
 */
export function rewriteMp4Sps(bytes: Uint8Array, rewrite: (sps: Uint8Array) => Uint8Array): Uint8Array {
  const ancestors = boxPath(bytes, PATH)
  if (ancestors === undefined) return bytes
  const avcC = ancestors.at(-1)! + 8
  // configurationVersion, profile, compatibility, level, lengthSizeMinusOne, numOfSequenceParameterSets.
  if ((bytes[avcC + 5]! & 0x1f) !== 1) throw new Error('expected exactly one SPS in avcC')
  const spsLength = (bytes[avcC + 6]! << 8) | bytes[avcC + 7]!
  const spsStart = avcC + 8
  const sps = rewrite(bytes.subarray(spsStart, spsStart + spsLength))
  const delta = sps.length - spsLength
  const out = new Uint8Array(bytes.length + delta)
  out.set(bytes.subarray(0, spsStart))
  out.set(sps, spsStart)
  out.set(bytes.subarray(spsStart + spsLength), spsStart + sps.length)
  out[avcC + 6] = sps.length >> 8
  out[avcC + 7] = sps.length & 0xff
  out[avcC + 3] = sps[3]!
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  for (const boxStart of ancestors) view.setUint32(boxStart, view.getUint32(boxStart) + delta)
  return out
}

/**
 * Adds a sync-sample table (`stss`) to the first track's `stbl`, listing `syncSamples` (1-based).
 * Without one, every sample counts as a keyframe, which is wrong once most frames are predicted.
 * Same conditions as `rewriteMp4Sps`.
 */
export function addMp4SyncSamples(bytes: Uint8Array, syncSamples: readonly number[]): Uint8Array {
  const ancestors = boxPath(bytes, PATH.slice(0, 5))
  if (ancestors === undefined) return bytes
  const stbl = ancestors.at(-1)!
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const stblEnd = stbl + view.getUint32(stbl)
  const box = new Uint8Array(16 + 4 * syncSamples.length)
  const boxView = new DataView(box.buffer)
  boxView.setUint32(0, box.length)
  box.set([0x73, 0x74, 0x73, 0x73], 4)
  boxView.setUint32(12, syncSamples.length)
  syncSamples.forEach((sample, index) => boxView.setUint32(16 + index * 4, sample))
  const out = new Uint8Array(bytes.length + box.length)
  out.set(bytes.subarray(0, stblEnd))
  out.set(box, stblEnd)
  out.set(bytes.subarray(stblEnd), stblEnd + box.length)
  const outView = new DataView(out.buffer, out.byteOffset, out.byteLength)
  for (const boxStart of ancestors) outView.setUint32(boxStart, outView.getUint32(boxStart) + box.length)
  return out
}

/**
 * The H.264 parameter sets (SPS, then PPS) of an MP4's first track and the byte length of the
 * sample NAL units' size fields, from its `avcC` box; undefined when there is no H.264 track.
 */
export function readMp4AvcConfig(bytes: Uint8Array): { readonly parameterSets: Uint8Array[]; readonly lengthSize: number } | undefined {
  const ancestors = boxPath(bytes, PATH)
  if (ancestors === undefined) return undefined
  const avcC = ancestors.at(-1)! + 8
  const parameterSets: Uint8Array[] = []
  let position = avcC + 5
  // The SPS count (low 5 bits), the SPSs, then the PPS count and the PPSs.
  for (const countMask of [0x1f, 0xff]) {
    const count = bytes[position++]! & countMask
    for (let index = 0; index < count; index++) {
      const length = (bytes[position]! << 8) | bytes[position + 1]!
      parameterSets.push(bytes.subarray(position + 2, position + 2 + length))
      position += 2 + length
    }
  }
  return { parameterSets, lengthSize: (bytes[avcC + 4]! & 3) + 1 }
}

/** The payload of an MP4's top-level `mdat` box (every sample's bytes), or undefined without one. */
export function readMp4MediaData(bytes: Uint8Array): Uint8Array | undefined {
  const found = findBox(bytes, 0, bytes.length, 'mdat', () => {})
  return found === undefined ? undefined : bytes.subarray(found.start + 8, found.end)
}

/** Start offsets of the boxes along `path` (first match at each level), or undefined when one is missing. */
function boxPath(bytes: Uint8Array, path: ReadonlyArray<readonly [string, number]>): number[] | undefined {
  const ancestors: number[] = []
  let start = 0
  let end = bytes.length
  let seenMdat = false
  for (const [type, childrenOffset] of path) {
    const found = findBox(bytes, start, end, type, (other) => {
      if (other === 'mdat') seenMdat = true
    })
    if (found === undefined) return undefined
    if (type === 'moov' && !seenMdat) throw new Error('the moov box comes before the mdat box')
    ancestors.push(found.start)
    start = found.start + childrenOffset
    end = found.end
  }
  return ancestors
}

function findBox(bytes: Uint8Array, start: number, end: number, type: string, onOther: (type: string) => void): { start: number; end: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = start
  while (offset + 8 <= end) {
    const size = view.getUint32(offset)
    const name = String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!, bytes[offset + 6]!, bytes[offset + 7]!)
    if (size < 8 || offset + size > end) return undefined
    if (name === type) return { start: offset, end: offset + size }
    onOther(name)
    offset += size
  }
  return undefined
}
