/**
 * Bounds-checked reads from a byte array. Every reader returns `undefined` past the end instead of
 * throwing, so header parsers can tell "cut short" from "corrupt".
 */

/** Unsigned 16-bit big-endian at `offset`. */
export function u16be(bytes: Uint8Array, offset: number): number | undefined {
  if (offset < 0 || offset + 2 > bytes.length) return undefined
  return (bytes[offset]! << 8) | bytes[offset + 1]!
}

/** Unsigned 16-bit little-endian at `offset`. */
export function u16le(bytes: Uint8Array, offset: number): number | undefined {
  if (offset < 0 || offset + 2 > bytes.length) return undefined
  return bytes[offset]! | (bytes[offset + 1]! << 8)
}

/** Unsigned 24-bit little-endian at `offset`. */
export function u24le(bytes: Uint8Array, offset: number): number | undefined {
  if (offset < 0 || offset + 3 > bytes.length) return undefined
  return bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16)
}

/** Unsigned 32-bit big-endian at `offset`. */
export function u32be(bytes: Uint8Array, offset: number): number | undefined {
  if (offset < 0 || offset + 4 > bytes.length) return undefined
  return bytes[offset]! * 0x1000000 + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!)
}

/** Unsigned 32-bit little-endian at `offset`. */
export function u32le(bytes: Uint8Array, offset: number): number | undefined {
  if (offset < 0 || offset + 4 > bytes.length) return undefined
  return bytes[offset + 3]! * 0x1000000 + ((bytes[offset + 2]! << 16) | (bytes[offset + 1]! << 8) | bytes[offset]!)
}

/** Signed 32-bit little-endian at `offset`. */
export function i32le(bytes: Uint8Array, offset: number): number | undefined {
  const value = u32le(bytes, offset)
  return value === undefined ? undefined : value | 0
}

/** Unsigned 64-bit big-endian at `offset`, as a number (exact up to 2^53). */
export function u64be(bytes: Uint8Array, offset: number): number | undefined {
  const high = u32be(bytes, offset)
  const low = u32be(bytes, offset + 4)
  return high === undefined || low === undefined ? undefined : high * 0x100000000 + low
}

/** Unsigned 64-bit little-endian at `offset`, as a number (exact up to 2^53). */
export function u64le(bytes: Uint8Array, offset: number): number | undefined {
  const low = u32le(bytes, offset)
  const high = u32le(bytes, offset + 4)
  return high === undefined || low === undefined ? undefined : high * 0x100000000 + low
}

/** `length` bytes at `offset` read as Latin-1 text (four-character codes, tags). */
export function ascii(bytes: Uint8Array, offset: number, length: number): string | undefined {
  if (offset < 0 || offset + length > bytes.length) return undefined
  let text = ''
  for (let index = offset; index < offset + length; index += 1) text += String.fromCharCode(bytes[index]!)
  return text
}

/** True when `bytes` holds exactly `expected` at `offset`. */
export function startsWithAt(bytes: Uint8Array, offset: number, expected: readonly number[]): boolean {
  if (offset < 0 || offset + expected.length > bytes.length) return false
  return expected.every((value, index) => bytes[offset + index] === value)
}

/** True when `bytes` holds the ASCII text `expected` at `offset`. */
export function hasAsciiAt(bytes: Uint8Array, offset: number, expected: string): boolean {
  return ascii(bytes, offset, expected.length) === expected
}

/** Index of the first occurrence of `needle` at or after `from`, or -1. Uses native search. */
export function indexOfBytes(bytes: Uint8Array, needle: readonly number[], from = 0): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(Uint8Array.from(needle), from)
}
