/**
 * Tile geometry for images larger than one pass of VGG-19 fits in memory.
 *
 * The image is partitioned into cores; each tile is its core plus a margin of real neighbouring
 * pixels on every side (clipped at the image border). Features are only counted inside the core
 * (a mask), so every position of the image is counted exactly once, and the margin gives the
 * core's features the context they would have in the whole image instead of zero padding.
 * Core borders sit on multiples of ALIGN (the pooling factor of conv5_1) so that the core masks,
 * average-pooled to every layer, stay exact 0/1 partitions down to conv5_1.
 */
export const ALIGN = 16

/** How an image of a given size is cut into tiles. */
export type Tiling = (width: number, height: number) => Tile[]

export interface TileConfig {
  /** Longest side of a tile (core plus margins) in pixels. */
  size: number
  /** Context on each side of a core, in pixels (rounded up to a multiple of ALIGN). */
  margin: number
}

export interface Tile {
  /** The tile's extent in image pixels. */
  x: number
  y: number
  width: number
  height: number
  /** Its core, in the tile's own coordinates. */
  coreX: number
  coreY: number
  coreWidth: number
  coreHeight: number
}

/** Cut points of [0, length] into n parts of about equal size, inner cuts on multiples of ALIGN. */
function cuts(length: number, n: number): number[] {
  const out = [0]
  for (let i = 1; i < n; i++) out.push(Math.round((i * length) / n / ALIGN) * ALIGN)
  out.push(length)
  // Very short lengths can make two cuts meet; drop the empty parts.
  return out.filter((c, i) => i === 0 || c > (out[i - 1] as number))
}

/** The fewest cuts whose parts are all at most `core` (aligning cuts can grow a part). */
function cutsWithin(length: number, core: number): number[] {
  for (let n = Math.ceil(length / core); ; n++) {
    const c = cuts(length, n)
    if (c.every((v, i) => i === 0 || v - (c[i - 1] as number) <= core)) return c
  }
}

export function alignedMargin(margin: number): number {
  return Math.ceil(Math.max(0, margin) / ALIGN) * ALIGN
}

/** Largest core that fits a tile of `size` with its margins, aligned. */
export function coreSize(config: TileConfig): number {
  const core = Math.floor((config.size - 2 * alignedMargin(config.margin)) / ALIGN) * ALIGN
  if (core < ALIGN) throw new RangeError(`tile size ${config.size} leaves no room for a core inside margins of ${config.margin} px`)
  return core
}

/** True when the whole image is one pass (no tiling needed). */
export function fitsOnePass(width: number, height: number, config: TileConfig | null): boolean {
  return config === null || (width <= config.size && height <= config.size)
}

/**
 * The tiles covering a width x height image. An image that fits one pass is one tile whose core
 * is the whole image.
 */
export function tileGrid(width: number, height: number, config: TileConfig): Tile[] {
  if (fitsOnePass(width, height, config)) return [{ x: 0, y: 0, width, height, coreX: 0, coreY: 0, coreWidth: width, coreHeight: height }]
  const core = coreSize(config)
  const margin = alignedMargin(config.margin)
  const xs = cutsWithin(width, core)
  const ys = cutsWithin(height, core)
  const tiles: Tile[] = []
  for (let j = 0; j + 1 < ys.length; j++) {
    for (let i = 0; i + 1 < xs.length; i++) {
      const cx0 = xs[i] as number
      const cx1 = xs[i + 1] as number
      const cy0 = ys[j] as number
      const cy1 = ys[j + 1] as number
      const x = Math.max(0, cx0 - margin)
      const y = Math.max(0, cy0 - margin)
      const x1 = Math.min(width, cx1 + margin)
      const y1 = Math.min(height, cy1 + margin)
      tiles.push({ x, y, width: x1 - x, height: y1 - y, coreX: cx0 - x, coreY: cy0 - y, coreWidth: cx1 - cx0, coreHeight: cy1 - cy0 })
    }
  }
  return tiles
}
