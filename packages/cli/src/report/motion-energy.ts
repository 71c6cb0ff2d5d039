/** Longest side of the grid frames are averaged down to before they are compared. */
export const MOTION_GRID_SIDE = 64

/** A grayscale plane: `width * height` bytes, rows `stride` bytes apart. */
export interface LumaPlane {
  readonly data: Uint8Array
  readonly width: number
  readonly height: number
  readonly stride: number
}

/**
 * Motion energy of a clip: how much the picture changes from one frame to the next, in grey
 * levels.
 *
 * Each frame's luma (the Y plane: grayscale) is box-averaged down to a grid whose longest side is
 * at most 64 cells, which ignores codec noise and fine texture. The figure is the mean absolute
 * difference between the grids of consecutive frames, averaged over every consecutive pair, on the
 * 0..255 scale of 8-bit grey: **0 for a still clip, 255 for every cell flipping between black and
 * white each frame**. The offline live-photo of `examples/assets/astronaut.png` scores about 0.08
 * (a small face moving gently in a large picture); a cut or a flash scores tens.
 *
 * @example
 * ```ts
 * const meter = new MotionEnergyMeter()
 * for (const frame of frames) meter.add({ data: frame.y, width, height, stride: width })
 * meter.value() // 0.08
 * ```
 */
export class MotionEnergyMeter {
  private previous: Float32Array | undefined
  private total = 0
  private pairs = 0
  private readonly changes: number[] = []

  /** Adds the next frame (frames must all have the same size). */
  add(plane: LumaPlane): void {
    const grid = averageGrid(plane)
    const previous = this.previous
    if (previous !== undefined && previous.length === grid.length) {
      let sum = 0
      for (let index = 0; index < grid.length; index++) sum += Math.abs(grid[index]! - previous[index]!)
      this.total += sum / grid.length
      this.changes.push(sum / grid.length)
      this.pairs++
    }
    this.previous = grid
  }

  /** The figure (0..255 grey levels), or `undefined` before two frames were added. */
  value(): number | undefined {
    return this.pairs === 0 ? undefined : this.total / this.pairs
  }

  /**
   * The change between each pair of consecutive frames (what `value()` averages), at most
   * `points` values: longer clips are averaged down in equal runs, for a chart.
   */
  series(points = Number.POSITIVE_INFINITY): number[] {
    if (this.changes.length <= points) return [...this.changes]
    const series: number[] = []
    for (let point = 0; point < points; point++) {
      const from = Math.floor((point * this.changes.length) / points)
      const to = Math.max(from + 1, Math.floor(((point + 1) * this.changes.length) / points))
      series.push(this.changes.slice(from, to).reduce((sum, change) => sum + change, 0) / (to - from))
    }
    return series
  }
}

/** Box-averages a plane into a grid of at most `MOTION_GRID_SIDE` cells on its longest side. */
export function averageGrid(plane: LumaPlane): Float32Array {
  const cell = Math.max(1, Math.ceil(Math.max(plane.width, plane.height) / MOTION_GRID_SIDE))
  const columns = Math.ceil(plane.width / cell)
  const rows = Math.ceil(plane.height / cell)
  const sums = new Float32Array(columns * rows)
  const counts = new Uint32Array(columns * rows)
  for (let y = 0; y < plane.height; y++) {
    const rowStart = y * plane.stride
    const gridRow = Math.floor(y / cell) * columns
    for (let x = 0; x < plane.width; x++) {
      const index = gridRow + Math.floor(x / cell)
      sums[index]! += plane.data[rowStart + x]!
      counts[index]!++
    }
  }
  for (let index = 0; index < sums.length; index++) sums[index] = sums[index]! / counts[index]!
  return sums
}
