/**
 * A small seeded pseudo-random source (mulberry32), so that the same seed gives the same ids and
 * the same fault decisions run after run.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number
  /** An unsigned 32-bit integer. */
  nextUint32(): number
  /** `length` lowercase hex characters. */
  hex(length: number): string
  /** A version-4 shaped UUID. */
  uuid(): string
}

/** Turns any seed (number or text) into a 32-bit state, the same way every time. */
export function seedToState(seed: number | string): number {
  const text = String(seed)
  let hash = 2166136261
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 16777619)
  }
  return hash >>> 0
}

/**
 * Creates a generator. Streams derived with different `stream` labels are independent, so that
 * adding a fault rule does not shift the request ids.
 *
 * @example
 * ```ts
 * const random = createSeededRandom(42, 'ids')
 * random.uuid() // same value on every run with seed 42
 * ```
 */
export function createSeededRandom(seed: number | string, stream = ''): SeededRandom {
  let state = seedToState(`${seed}/${stream}`)
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return (value ^ (value >>> 14)) >>> 0
  }
  const hex = (length: number): string => {
    let out = ''
    while (out.length < length) out += nextUint32().toString(16).padStart(8, '0')
    return out.slice(0, length)
  }
  return {
    next: () => nextUint32() / 4294967296,
    nextUint32,
    hex,
    uuid: () => {
      const raw = hex(32)
      const variant = ((parseInt(raw[16] ?? '0', 16) & 0x3) | 0x8).toString(16)
      return `${raw.slice(0, 8)}-${raw.slice(8, 12)}-4${raw.slice(13, 16)}-${variant}${raw.slice(17, 20)}-${raw.slice(20, 32)}`
    },
  }
}
