import { CHANNELS, POOL_AFTER, layersUpTo } from '../vgg19/layers.js'
import type { ConvLayerName } from './types.js'

/**
 * Floating-point operations of one iteration (loss and image gradient) at height x width, for
 * the benchmark's GFLOP/s column. Counted: every 3x3 conv forward (2 * 9 * Cin * Cout per output
 * pixel) and its input gradient (the same again), and each style Gram matrix (2 * HW * C^2)
 * forward and backward (twice that). Elementwise work is left out: it is well under 1%.
 */
export function iterationFlops(height: number, width: number, contentLayer: ConvLayerName, styleLayers: readonly ConvLayerName[]): number {
  let h = height
  let w = width
  let cin = 3
  let flops = 0
  const styles = new Set(styleLayers)
  for (const layer of layersUpTo([contentLayer, ...styleLayers])) {
    const cout = CHANNELS[layer]
    flops += 2 * (2 * 9 * cin * cout * h * w)
    if (styles.has(layer)) flops += 3 * (2 * h * w * cout * cout)
    cin = cout
    if (POOL_AFTER.has(layer)) { h = Math.floor(h / 2); w = Math.floor(w / 2) }
  }
  return flops
}
