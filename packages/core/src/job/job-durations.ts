/**
 * How long recent jobs of one kind took in this process, so polling can expect the next one's end
 * when the provider gives no estimate. Keeps the last `size` durations; the expectation is their
 * median (robust to one job stuck in a queue).
 */
export class JobDurations {
  readonly #size: number
  readonly #recent: number[] = []

  constructor(size = 20) {
    this.#size = size
  }

  /** Records a job that ended after `ms` milliseconds. */
  record(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) return
    this.#recent.push(ms)
    if (this.#recent.length > this.#size) this.#recent.shift()
  }

  /** The shortest of the recent durations; `undefined` before the first. */
  earliestMs(): number | undefined {
    return this.#recent.length === 0 ? undefined : Math.min(...this.#recent)
  }

  /** The median of the recent durations; `undefined` before the first. */
  expectedMs(): number | undefined {
    if (this.#recent.length === 0) return undefined
    const sorted = [...this.#recent].sort((first, second) => first - second)
    const middle = Math.floor(sorted.length / 2)
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2
  }
}
