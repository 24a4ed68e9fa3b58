import { canvasPixels, MIN_SIDE, planRun, type Plan } from '../../models/style-transfer/index.js'
import { sizeToFit } from '../../models/style-transfer/schedule.js'
import type { StyleTransferOptions } from '../../models/style-transfer/types.js'
import { ALIGN, fitsOnePass, tileGrid, type TileConfig } from '../../models/style-transfer/tiles.js'

/**
 * VGG-19 activations up to conv5_1, in float32 values per input pixel: conv1 2x64 channels at full
 * resolution, conv2 2x128 at 1/4 of the pixels, conv3 4x256 at 1/16, conv4 4x512 at 1/64,
 * conv5_1 512 at 1/256 = 290 values.
 */
const VGG_VALUES_PER_PIXEL = 64 * 2 + (128 * 2) / 4 + (256 * 4) / 16 + (512 * 4) / 64 + 512 / 256
/**
 * A gradient step keeps the pre- and post-ReLU activations for the backward pass and builds
 * gradients of the same size at its peak: about 4 copies (measured peaks on wasm were 3-4x).
 */
const STEP_COPIES = 4
/** Weights (float32), backend runtime and the JS heap: a fixed floor, there whether a job runs or not. */
export const FIXED_BYTES = 400 * 2 ** 20

export interface MemoryEstimate {
  bytes: number
  plan: Plan
  /** Whether the last scale will be optimised in tiles. */
  tiled: boolean
}

/** Bytes of one gradient step on a w x h image. */
const stepBytes = (pixels: number): number => pixels * VGG_VALUES_PER_PIXEL * 4 * STEP_COPIES

/**
 * Margin of real context around each tile's core. Measured (test/engine/tiles.test.ts): the
 * tiled gradient is 11% off the one-pass gradient with 16 px margins, 0.4-0.6% with 32 px and
 * 0.02% with 48 px; at 32 px a tiled run and a one-pass run differ by 0.7/255 on average, with
 * no step at the tile borders. 32 px costs (core + 64)^2 / core^2 in extra pixels per tile.
 */
export const TILE_MARGIN = 32

/**
 * Tiles for a memory budget: the largest tile whose gradient step takes at most half of it (the
 * other half holds the whole image's state, the content targets and the runtime). Null when a
 * budget is so large that tiling would never start below `maxSide`.
 */
export function tileConfigFor(budgetBytes: number, maxSide: number): TileConfig | null {
  const side = Math.floor(Math.sqrt(Math.max(0, budgetBytes / 2 - FIXED_BYTES) / stepBytes(1)) / ALIGN) * ALIGN
  if (side >= maxSide) return null
  return { size: Math.max(side, 2 * TILE_MARGIN + 4 * ALIGN), margin: TILE_MARGIN }
}

/**
 * A deliberately coarse upper estimate of the peak memory of one job, from sizes alone: the largest
 * scale's gradient step, the style images' forward passes, and the optimiser's per-pixel state.
 * It exists to refuse a job that cannot fit before it starts, rather than crash half-way.
 */
export function estimateJobMemory(content: { width: number; height: number }, styles: ReadonlyArray<{ width: number; height: number }>, o: StyleTransferOptions, tile: TileConfig | null = null): MemoryEstimate {
  const plan = planRun(content.width, content.height, o)
  const last = plan.scales[plan.scales.length - 1] ?? { width: content.width, height: content.height, iterations: 0, margin: 0 }
  // The scale is optimised with its mirrored margin (edgeMarginAt).
  const pixels = canvasPixels(last)
  const styleLong = Math.max(MIN_SIDE, Math.round(o.styleScale * Math.max(last.width, last.height)))
  const stylePixels = styles.reduce((a, s) => {
    const [w, h] = sizeToFit(s.width, s.height, styleLong, MIN_SIDE)
    return a + w * h
  }, 0)
  // Image, Adam moments, average, gradient (float32 RGB) and the RGBA inputs and output.
  const state = pixels * 3 * 4 * 6 + (content.width * content.height + stylePixels) * 4 * 2
  const tiled = !fitsOnePass(last.width, last.height, tile) || styles.some((s) => {
    const [w, h] = sizeToFit(s.width, s.height, styleLong, MIN_SIDE)
    return !fitsOnePass(w, h, tile)
  })
  if (!tiled || tile === null) {
    const styleForward = stylePixels * VGG_VALUES_PER_PIXEL * 4 * 2
    return { bytes: FIXED_BYTES + stepBytes(pixels) + styleForward + state, plan, tiled: false }
  }
  // Tiled: one tile's step at a time (style Grams are tiled the same way, forward only), plus the
  // content features every tile keeps (conv4_2: 512 channels at 1/64 of the tile's pixels).
  const tilePixels = tileGrid(last.width, last.height, tile).reduce((a, t) => a + t.width * t.height, 0)
  const contentTargets = tilePixels * (512 / 64) * 4
  return { bytes: FIXED_BYTES + stepBytes(tile.size * tile.size) + contentTargets + state, plan, tiled: true }
}

export const formatBytes = (b: number): string =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GB` : b >= 2 ** 20 ? `${Math.ceil(b / 2 ** 20)} MB` : `${Math.ceil(b / 2 ** 10)} KB`
