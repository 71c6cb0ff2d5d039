import { ascii } from './byte-reader.js'

/** Element ids (with their length marker bits, as written in the file). */
const EBML_HEADER = 0x1a45dfa3
const DOC_TYPE = 0x4282
const SEGMENT = 0x18538067
const INFO = 0x1549a966
const TIMECODE_SCALE = 0x2ad7b1
const DURATION = 0x4489
const TRACKS = 0x1654ae6b
const TRACK_ENTRY = 0xae
const TRACK_TYPE = 0x83
const VIDEO = 0xe0
const PIXEL_WIDTH = 0xb0
const PIXEL_HEIGHT = 0xba
const CLUSTER = 0x1f43b675

const VIDEO_TRACK = 1
const MAX_ELEMENTS = 10_000

interface Element {
  readonly id: number
  readonly dataStart: number
  /** Past the end of the bytes for an element of unknown size. */
  readonly dataEnd: number
  readonly unknownSize: boolean
}

/** Reads a variable-length integer; `keepMarker` for ids, which keep their length bits. */
function readVint(bytes: Uint8Array, offset: number, keepMarker: boolean): { value: number; length: number; allOnes: boolean } | undefined {
  const first = bytes[offset]
  if (first === undefined || first === 0) return undefined
  const length = Math.clz32(first) - 23 // 1 for 0b1xxxxxxx, 8 for 0b00000001
  if (length > 8 || offset + length > bytes.length) return undefined
  let value = keepMarker ? first : first & (0xff >> length)
  let allOnes = value === 0xff >> length
  for (let index = 1; index < length; index += 1) {
    const byte = bytes[offset + index]!
    value = value * 256 + byte
    if (byte !== 0xff) allOnes = false
  }
  return { value, length, allOnes }
}

function readElement(bytes: Uint8Array, offset: number): Element | undefined {
  const id = readVint(bytes, offset, true)
  if (id === undefined) return undefined
  const size = readVint(bytes, offset + id.length, false)
  if (size === undefined) return undefined
  const dataStart = offset + id.length + size.length
  return { id: id.value, dataStart, dataEnd: size.allOnes ? Number.POSITIVE_INFINITY : dataStart + size.value, unknownSize: size.allOnes }
}

function* children(bytes: Uint8Array, start: number, end: number): Generator<Element> {
  let position = start
  let count = 0
  const limit = Math.min(end, bytes.length)
  while (position < limit && count < MAX_ELEMENTS) {
    const element = readElement(bytes, position)
    if (element === undefined) return
    yield element
    if (element.unknownSize) return
    position = element.dataEnd
    count += 1
  }
}

function readUnsigned(bytes: Uint8Array, element: Element): number | undefined {
  if (element.dataEnd > bytes.length || element.dataEnd - element.dataStart > 8) return undefined
  let value = 0
  for (let index = element.dataStart; index < element.dataEnd; index += 1) value = value * 256 + bytes[index]!
  return value
}

function readFloat(bytes: Uint8Array, element: Element): number | undefined {
  const length = element.dataEnd - element.dataStart
  if (element.dataEnd > bytes.length || (length !== 4 && length !== 8)) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset + element.dataStart, length)
  return length === 4 ? view.getFloat32(0) : view.getFloat64(0)
}

/** The EBML `DocType` (`webm`, `matroska`) when `bytes` starts with an EBML header. */
export function ebmlDocType(bytes: Uint8Array): string | undefined {
  const header = readElement(bytes, 0)
  if (header === undefined || header.id !== EBML_HEADER) return undefined
  for (const element of children(bytes, header.dataStart, header.dataEnd)) {
    if (element.id === DOC_TYPE && element.dataEnd <= bytes.length) {
      return ascii(bytes, element.dataStart, element.dataEnd - element.dataStart)!.replace(/\0+$/, '')
    }
  }
  return undefined
}

/** What the segment header of a WebM/Matroska file says. */
export interface WebmFacts {
  readonly durationSeconds?: number
  readonly width?: number
  readonly height?: number
  /** True when the EBML header is cut short or the file ends before the segment's declared size. */
  readonly truncated: boolean
}

/** Reads `Info` (duration) and the first video `TrackEntry` (pixel size), stopping at the first cluster. */
export function readWebmFacts(bytes: Uint8Array): WebmFacts {
  const header = readElement(bytes, 0)
  if (header === undefined || header.dataEnd > bytes.length) return { truncated: true }
  const segment = readElement(bytes, header.dataEnd)
  if (segment === undefined || segment.id !== SEGMENT) return { truncated: segment === undefined }
  const facts: { durationSeconds?: number; width?: number; height?: number; truncated: boolean } = { truncated: false }
  let timecodeScale = 1_000_000
  let duration: number | undefined
  for (const element of children(bytes, segment.dataStart, segment.dataEnd)) {
    if (element.id === CLUSTER) break
    if (element.id === INFO) {
      for (const info of children(bytes, element.dataStart, element.dataEnd)) {
        if (info.id === TIMECODE_SCALE) timecodeScale = readUnsigned(bytes, info) ?? timecodeScale
        if (info.id === DURATION) duration = readFloat(bytes, info)
      }
    } else if (element.id === TRACKS && facts.width === undefined) {
      const size = firstVideoSize(bytes, element)
      if (size !== undefined) Object.assign(facts, size)
    }
  }
  if (segment.dataEnd > bytes.length && !segment.unknownSize) facts.truncated = true
  if (duration !== undefined && Number.isFinite(duration) && duration >= 0) facts.durationSeconds = (duration * timecodeScale) / 1e9
  return facts
}

function firstVideoSize(bytes: Uint8Array, tracks: Element): { width: number; height: number } | undefined {
  for (const entry of children(bytes, tracks.dataStart, tracks.dataEnd)) {
    if (entry.id !== TRACK_ENTRY) continue
    let type: number | undefined
    let width: number | undefined
    let height: number | undefined
    for (const field of children(bytes, entry.dataStart, entry.dataEnd)) {
      if (field.id === TRACK_TYPE) type = readUnsigned(bytes, field)
      if (field.id === VIDEO) {
        for (const video of children(bytes, field.dataStart, field.dataEnd)) {
          if (video.id === PIXEL_WIDTH) width = readUnsigned(bytes, video)
          if (video.id === PIXEL_HEIGHT) height = readUnsigned(bytes, video)
        }
      }
    }
    if (type === VIDEO_TRACK && width !== undefined && height !== undefined) return { width, height }
  }
  return undefined
}
