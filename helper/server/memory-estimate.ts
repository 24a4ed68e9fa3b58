import { MIN_SIDE, planRun, type Plan } from '../../ui/engine/index.js'
import { sizeToFit } from '../../ui/engine/schedule.js'
import type { StyleTransferOptions } from '../../ui/engine/types.js'

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
/** Weights (float32), backend runtime and the JS heap: a fixed floor. */
const FIXED_BYTES = 400 * 2 ** 20

export interface MemoryEstimate {
  bytes: number
  plan: Plan
}

/**
 * A deliberately coarse upper estimate of the peak memory of one job, from sizes alone: the largest
 * scale's gradient step, the style images' forward passes, and the optimiser's per-pixel state.
 * It exists to refuse a job that cannot fit before it starts, rather than crash half-way.
 */
export function estimateJobMemory(content: { width: number; height: number }, styles: ReadonlyArray<{ width: number; height: number }>, o: StyleTransferOptions): MemoryEstimate {
  const plan = planRun(content.width, content.height, o)
  const last = plan.scales[plan.scales.length - 1] ?? { width: content.width, height: content.height }
  const pixels = last.width * last.height
  const styleLong = Math.max(MIN_SIDE, Math.round(o.styleScale * Math.max(last.width, last.height)))
  const stylePixels = styles.reduce((a, s) => {
    const [w, h] = sizeToFit(s.width, s.height, styleLong, MIN_SIDE)
    return a + w * h
  }, 0)
  const step = pixels * VGG_VALUES_PER_PIXEL * 4 * STEP_COPIES
  const styleForward = stylePixels * VGG_VALUES_PER_PIXEL * 4 * 2
  // Image, Adam moments, average, gradient (float32 RGB) and the RGBA inputs and output.
  const state = pixels * 3 * 4 * 6 + (content.width * content.height + stylePixels) * 4 * 2
  return { bytes: FIXED_BYTES + step + styleForward + state, plan }
}

export const formatBytes = (b: number): string => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GB` : `${Math.ceil(b / 2 ** 20)} MB`)
