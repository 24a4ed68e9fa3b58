import type * as tf from '@tensorflow/tfjs-core'
import type { Vgg19Features } from '../../vgg19/features.js'
import type { Tile } from '../tiles.js'
import type { ConvLayerName, StyleTransferOptions } from '../types.js'
import type { GraphDim, GraphOps } from './graph-ops.js'

/**
 * A loss term as one unit: how its targets are prepared, its value on tfjs (the gradient comes
 * from tf autodiff), its value on tiles of an image too big for one pass, and its value and
 * hand-written gradient in the explicit-gradient ONNX graph. The one-pass objective
 * (objective.ts), the tiled objective (tiled-objective.ts) and the ONNX graphs
 * (helper/onnx/gatys-graph.ts, onnx-core.ts) are all assembled from the list in terms/index.ts,
 * so a new term is one new file there plus its tests.
 */
export interface Term {
  /** Key of the term's value in LossParts (and of its ONNX inputs and outputs). */
  readonly name: string
  /** The option that weighs it (the value reported is already multiplied by it). */
  readonly weightOption: WeightOption
  /**
   * The VGG layers whose features the term reads, in the order its ONNX inputs follow (duplicates
   * kept); empty for a term on the image itself. With the pooling and the image size they are
   * the ONNX session key: anything else an ONNX term depends on must come in through its inputs.
   */
  layers(o: StyleTransferOptions): readonly ConvLayerName[]
  /** One-pass tfjs: targets computed once per scale, then a value per evaluation. */
  prepare(ctx: PrepareContext): Promise<PreparedTerm>
  /** Tiled tfjs: the same loss over a whole image that is evaluated tile by tile. */
  prepareTiled(ctx: TiledContext): Promise<TiledTerm>
  onnx: OnnxTerm
}

/** Options that weigh a term (numbers in StyleTransferOptions whose name ends in Weight). */
export type WeightOption = { [K in keyof StyleTransferOptions]: K extends `${string}Weight` ? (StyleTransferOptions[K] extends number ? K : never) : never }[keyof StyleTransferOptions]

/** Term values, already weighted, keyed by term name in the order of the term list. */
export type LossParts = Readonly<Record<string, number>>

// ---- one-pass tfjs ----

export interface PrepareContext {
  vgg: Vgg19Features
  /** Content image at this scale, [1, H, W, 3] in 0..1. */
  content: tf.Tensor4D
  /** Style images at this scale, each at its own size. */
  styles: readonly tf.Tensor4D[]
  options: StyleTransferOptions
  /** The content's alpha at a layer's resolution, null where the content is opaque (any layer). */
  contentMaskAt(layer: ConvLayerName): tf.Tensor4D | null
  /** Each style's alpha [1, h, w, 1], null where opaque. */
  styleMasks: ReadonlyArray<tf.Tensor4D | null>
}

export interface PreparedTerm {
  /**
   * The weighted value at `image`. Runs inside tf.valueAndGrad: tensors it makes are freed by the
   * caller's tidy. `features` holds at least this term's layers.
   */
  value(features: ReadonlyMap<ConvLayerName, tf.Tensor4D>, image: tf.Tensor4D): tf.Scalar
  dispose(): void
}

// ---- tiled tfjs ----

/** One tile of the image being optimised, as the tiled objective prepared it. */
export interface TileView {
  tile: Tile
  /** 1 on the tile's core, 0 on its margin, times the content's alpha, at every used layer's resolution. */
  masks: ReadonlyMap<ConvLayerName, tf.Tensor4D>
  /** Nothing of the core counts (fully transparent): the tile is skipped. */
  empty: boolean
}

export interface TiledContext {
  vgg: Vgg19Features
  content: tf.Tensor4D
  styles: readonly tf.Tensor4D[]
  options: StyleTransferOptions
  styleMasks: ReadonlyArray<tf.Tensor4D | null>
  /** The tiles of the content's (and the optimised image's) size, in evaluation order. */
  tiles: readonly TileView[]
  /** How any image is cut (a style image needs its own tiles). */
  tiling(width: number, height: number): Tile[]
  /** Sum of the core masks over all tiles at a layer: the positions that count there. */
  count(layer: ConvLayerName): number
}

/**
 * How a term is evaluated over tiles:
 * - 'image': on the whole image at once (cheap terms on the pixels, such as TV);
 * - 'statistics': its value is a function of statistics that are SUMS over tile cores (masked
 *   Grams, masked squared errors). The objective sums `tileStatistics` over tiles, takes
 *   D = d value / d statistics, then back-propagates sum <D, tileStatistics> tile by tile, whose
 *   gradient is the whole-image loss's gradient through that tile's core features.
 */
export type TiledTerm =
  | { kind: 'image'; value(image: tf.Tensor4D): tf.Scalar; dispose(): void }
  | {
    kind: 'statistics'
    /** Statistics of one tile (index into ctx.tiles); features hold at least this term's layers. */
    tileStatistics(features: ReadonlyMap<ConvLayerName, tf.Tensor4D>, tileIndex: number): tf.Tensor[]
    /** The weighted value of the statistics summed over every tile (differentiable in them). */
    value(statistics: readonly tf.Tensor[]): tf.Scalar
    dispose(): void
  }

// ---- ONNX (explicit gradient, NCHW) ----

/** A float32 input of the objective graph, as plain data (it crosses into the ONNX child process). */
export interface Feed {
  data: Float32Array
  dims: number[]
}

/** Outputs of the forward-only targets graph, read by name (the term's own keys). */
export interface TargetOutputs {
  height: number
  width: number
  get(key: string): Float32Array
}

export interface OnnxTerm {
  /** Adds the term's outputs to the forward-only targets graph (symbolic height and width). */
  targets(ctx: TargetsGraphContext): void
  /**
   * The objective graph's inputs for this term (targets and coefficients), from the targets
   * graph's outputs on the content and on each style. Plain arithmetic: no tfjs tensors.
   */
  feeds(ctx: FeedsContext): Record<string, Feed>
  /** Adds the weighted value (a scalar, returned) and its gradient contributions. */
  emit(ctx: ObjectiveGraphContext): string
}

export interface TargetsGraphContext {
  g: GraphOps
  options: StyleTransferOptions
  /** Post-ReLU features [1, C, h, w] of a layer. */
  feature(layer: ConvLayerName): string
  /** The image, NCHW [1, 3, h, w], in 0..1 (for terms on the pixels, such as detail). */
  image: string
  /** Declares an output; `from` says on which images the term reads it (the others skip it). */
  output(key: string, value: string, dims: readonly GraphDim[], from: 'content' | 'styles'): void
}

export interface FeedsContext {
  options: StyleTransferOptions
  /** Size of the image the objective graph is built for (the content's). */
  height: number
  width: number
  content: TargetOutputs
  styles: readonly TargetOutputs[]
}

export interface ObjectiveGraphContext {
  g: GraphOps
  options: StyleTransferOptions
  height: number
  width: number
  /** Declares one of the term's inputs (fed from `feeds` under the same key). */
  input(key: string, dims: readonly number[]): string
  /** Post-ReLU features of a layer, NCHW, and their size. */
  feature(layer: ConvLayerName): { value: string; channels: number; height: number; width: number }
  /** The image, NCHW [1, 3, H, W], in 0..1. */
  image: string
  /** Adds d value / d features of a layer (same shape as the features). */
  addFeatureGrad(layer: ConvLayerName, grad: string): void
  /** Adds d value / d image (NCHW, 0..1 units). */
  addImageGrad(grad: string): void
}
