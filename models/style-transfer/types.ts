import type { ConvLayerName, Pooling } from '../vgg19/types.js'
import type { LossParts } from './terms/term.js'
export type { ConvLayerName, Pooling, VggWeights } from '../vgg19/types.js'
export type { LossParts } from './terms/term.js'

/** An image as it crosses every boundary: 8-bit RGBA, row-major, no padding. */
export interface RgbaImage {
  readonly data: Uint8Array | Uint8ClampedArray
  readonly width: number
  readonly height: number
}

export type { ColorMode, JobOptions, Optimizer, StyleTransferOptions } from './options.js'

export interface Progress {
  /** 1-based index of the current scale. */
  scale: number
  scales: number
  width: number
  height: number
  /** 1-based iteration within the scale. */
  iteration: number
  iterations: number
  /** Iterations done over the whole run, and the run's total. */
  done: number
  total: number
  loss: number
  /** Every loss term's value, weighted, keyed by term name in the terms' order; they sum to loss. */
  parts: LossParts
  elapsedMs: number
  /** Estimated time left, from the measured cost per pixel-iteration so far. */
  etaMs: number
}

/** The part of AbortSignal the engine reads (the engine has neither DOM nor Node types). */
export interface AbortSignalLike {
  readonly aborted: boolean
}

export interface RunCallbacks {
  onProgress?: (p: Progress) => void
  onPreview?: (image: RgbaImage, p: Progress) => void
  signal?: AbortSignalLike
  /**
   * Go on from this image instead of starting from the content (a run continued on another
   * backend from the last preview). The content stays the content target; scales smaller than
   * this image are skipped, since it already holds what they would have made.
   */
  startFrom?: RgbaImage
}

export interface RunResult {
  image: RgbaImage
  /** True when the run stopped early through the signal; image is the best so far. */
  stopped: boolean
  iterations: number
  elapsedMs: number
}

