// Tiling rule shared by the UI (which cuts the result into PNG tiles) and the sandbox (which checks
// them). Pure. figma.createImage throws "Image is too large" above 4096 px on either side
// (platform-facts H1), so every PNG sent to the sandbox must fit in MAX_IMAGE_SIDE.

export const MAX_IMAGE_SIDE = 4096

export interface TileRect {
  /** Offset of the tile in the full result image, in pixels. */
  x: number
  y: number
  width: number
  height: number
}

/**
 * Splits a width x height image into the fewest columns and rows of tiles no larger than maxSide,
 * with sizes as even as possible (so no sliver tile). Row-major, top-left first.
 */
export function planTiles(width: number, height: number, maxSide: number = MAX_IMAGE_SIDE): TileRect[] {
  const xs = splitEvenly(width, Math.ceil(width / maxSide))
  const ys = splitEvenly(height, Math.ceil(height / maxSide))
  const tiles: TileRect[] = []
  for (const row of ys) for (const col of xs) tiles.push({ x: col.start, y: row.start, width: col.size, height: row.size })
  return tiles
}

function splitEvenly(total: number, parts: number): { start: number; size: number }[] {
  const out: { start: number; size: number }[] = []
  let start = 0
  for (let i = 0; i < parts; i++) {
    const end = Math.round(((i + 1) * total) / parts)
    out.push({ start, size: end - start })
    start = end
  }
  return out
}

/** Returns a sentence saying why `tiles` do not exactly cover width x height, or null if they do. */
export function checkTileCover(width: number, height: number, tiles: readonly TileRect[]): string | null {
  let area = 0
  for (const [i, t] of tiles.entries()) {
    if (t.width > MAX_IMAGE_SIDE || t.height > MAX_IMAGE_SIDE) {
      return `tiles[${i}] is ${t.width}×${t.height} px; Figma accepts at most ${MAX_IMAGE_SIDE} px per side.`
    }
    if (t.x < 0 || t.y < 0 || t.x + t.width > width || t.y + t.height > height) {
      return `tiles[${i}] (${t.x},${t.y} ${t.width}×${t.height}) lies outside the ${width}×${height} image.`
    }
    area += t.width * t.height
  }
  for (let i = 0; i < tiles.length; i++) {
    for (let j = i + 1; j < tiles.length; j++) {
      if (overlaps(tiles[i]!, tiles[j]!)) return `tiles[${i}] and tiles[${j}] overlap.`
    }
  }
  // In bounds and disjoint, so equal area means an exact cover.
  return area === width * height ? null : `The tiles cover ${area} of the ${width * height} pixels of the image.`
}

function overlaps(a: TileRect, b: TileRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}
