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

/**
 * 'off': colours come from the style; 'preserve': luminance-only transfer, the content keeps its
 * colours; 'match': the style's colours are matched to the content's before transfer.
 */
export type ColorMode = 'off' | 'preserve' | 'match'
export type Optimizer = 'adam' | 'lbfgs'

/** Every knob of a run. All fields are optional on input; `resolveOptions` fills and checks them. */
export interface StyleTransferOptions {
  /** Long side of the output in pixels. */
  size: number
  /** Long side of the first (coarsest) scale; scales grow by sqrt(2) up to `size`. */
  minSize: number
  /** Iterations at the first scale. */
  stepsFirst: number
  /** Iterations at every later scale. */
  steps: number
  contentWeight: number
  styleWeight: number
  tvWeight: number
  contentLayer: ConvLayerName
  styleLayers: readonly ConvLayerName[]
  /** Relative weight of each style layer, same order as styleLayers; normalised to sum 1. */
  styleLayerWeights: readonly number[]
  /** Relative weight of each style image (several styles blend their statistics). */
  styleBlend: readonly number[]
  /** Style images are resized so their long side is styleScale * the current scale's long side. */
  styleScale: number
  pooling: Pooling
  color: ColorMode
  optimizer: Optimizer
  /** Adam step size in 0..1 pixel units. */
  learningRate: number
  /** Decay of the exponential moving average of the iterates (0 disables averaging). */
  emaDecay: number
  /** Amplitude (0..1 pixel units) of seeded uniform noise added to the start image. */
  initNoise: number
  seed: number
  /** A preview image is sent every this many iterations (0: only at the end of each scale). */
  previewEvery: number
}

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

