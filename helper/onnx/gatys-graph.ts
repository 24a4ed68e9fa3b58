import { BGR_MEAN, CHANNELS, POOL_AFTER } from '../../models/vgg19/layers.js'
import { areaWeights, viewSize } from '../../models/style-transfer/area-resize.js'
import { TV_PIXEL_SHARE, TV_VIEW } from '../../models/style-transfer/losses.js'
import type { ConvLayerName } from '../../models/style-transfer/types.js'
import { GraphBuilder, int, ints, float } from './graph-builder.js'
import { DataType } from './onnx-proto.js'
import { featureSize, lastLayerIndex, type GraphLayout, type NchwConv } from './vgg-nchw.js'

/**
 * The Gatys objective as ONNX graphs, NCHW, built from the same layer list and loss definitions
 * as the tfjs engine (ui/engine/objective.ts, losses.ts, vgg19.ts):
 *
 *   x (RGB 0..1, NHWC) -> x*255 - mean -> [Conv -> Relu (-> Pool)]* up to the deepest layer used
 *   content = kC * sum((F_c - T)^2)                         with kC = w_c / ((mean T^2 + eps) N)
 *   style_j = kS_j * sum((G_j - Gt_j)^2), G = F F^T / (HW)  with kS_j = a_j w_s / ((mean Gt^2 + eps) C^2)
 *   tv      = w_tv (long/256)^2 (mean dy^2 + mean dx^2); above 256 px a share of it moves to the
 *             same sums on A_h x A_w^T, the image's area-resampled 256 px view (losses.ts tvLoss)
 *
 * and the image gradient written out by hand (onnxruntime has no autodiff for inference sessions):
 *   content dF = 2 kC (F - T);  Gram dF = 4 kS/(HW) (G - Gt) F  (G symmetric);
 *   ReLU: Where(Y > 0, dY, 0) (tf.step's convention at 0);
 *   max pool: MaxUnpool with the forward indices (first maximum wins, as in tfjs);
 *   average pool: each pooled gradient spread over its 2x2 window / 4, zeros for a dropped odd row/column;
 *   conv input gradient: a Conv with the kernel rotated 180 degrees and in/out channels swapped;
 *   area view: A_h^T dV A_w.
 * The k coefficients are graph inputs, so one session serves any images and weights at its size.
 */

/** Names of the objective graph's inputs and outputs. */
export const OBJ = {
  image: 'x',
  contentTarget: 'content_target',
  gramTarget: (j: number) => `gram_target_${j}`,
  kContent: 'k_content',
  kStyle: (j: number) => `k_style_${j}`,
  kTv: 'k_tv',
  parts: 'parts',
  grad: 'grad'
} as const

/**
 * c k (mean dy^2 + mean dx^2) of a 0..1 NCHW value of size h x w, and its gradient.
 * d/dx_i of k sum (x_{i+1} - x_i)^2 = 2k (d_{i-1} - d_i): the scaled differences, padded before
 * minus padded after.
 */
function neighbourTerm(g: GraphBuilder, img: string, h: number, w: number, c: number, kTv: string): { loss: string; grad: string } {
  const ny = 3 * (h - 1) * w
  const nx = 3 * h * (w - 1)
  const slice = (start: number, end: number, axis: number): string =>
    g.op('Slice', [img, g.constI64([start]), g.constI64([end]), g.constI64([axis])])
  const dyImg = g.op('Sub', [slice(1, h, 2), slice(0, h - 1, 2)])
  const dxImg = g.op('Sub', [slice(1, w, 3), slice(0, w - 1, 3)])
  const sum = g.op('Add', [
    g.op('Mul', [g.op('ReduceSumSquare', [dyImg], { keepdims: int(0) }), g.constF([c / ny])]),
    g.op('Mul', [g.op('ReduceSumSquare', [dxImg], { keepdims: int(0) }), g.constF([c / nx])])
  ])
  const gy = g.op('Mul', [dyImg, g.op('Mul', [kTv, g.constF([(2 * c) / ny])])])
  const gx = g.op('Mul', [dxImg, g.op('Mul', [kTv, g.constF([(2 * c) / nx])])])
  const pad = (v: string, pads: number[]): string => g.op('Pad', [v, g.constI64(pads)])
  const grad = g.op('Add', [
    g.op('Sub', [pad(gy, [0, 0, 1, 0, 0, 0, 0, 0]), pad(gy, [0, 0, 0, 0, 0, 0, 1, 0])]),
    g.op('Sub', [pad(gx, [0, 0, 0, 1, 0, 0, 0, 0]), pad(gx, [0, 0, 0, 0, 0, 0, 0, 1])])
  ])
  return { loss: g.op('Mul', [sum, kTv]), grad }
}

/**
 * Total variation of the 0..1 NCHW image and its gradient, the same sums as losses.ts tvLoss: the
 * pixel term, plus for images larger than TV_VIEW the term on the area-resampled view (two MatMuls
 * with constant matrices; its gradient goes back through their transposes).
 */
function tvTerm(g: GraphBuilder, imageNchw: string, H: number, W: number, kTv: string): { loss: string; grad: string } {
  const pixelScale = (Math.max(H, W) / TV_VIEW) ** 2
  const view = viewSize(H, W, TV_VIEW)
  if (view === null) return neighbourTerm(g, imageNchw, H, W, pixelScale, kTv)
  const { height: h, width: w } = view
  const ah = areaWeights(H, h)
  const aw = areaWeights(W, w)
  const viewed = g.op('MatMul', [g.op('MatMul', [g.constMatrix('tv_ah', [h, H], ah), imageNchw]), g.constMatrix('tv_awt', [W, w], transposed(aw, w, W))])
  const pixels = neighbourTerm(g, imageNchw, H, W, TV_PIXEL_SHARE * pixelScale, kTv)
  const onView = neighbourTerm(g, viewed, h, w, 1 - TV_PIXEL_SHARE, kTv)
  const viewGrad = g.op('MatMul', [g.op('MatMul', [g.constMatrix('tv_aht', [H, h], transposed(ah, h, H)), onView.grad]), g.constMatrix('tv_aw', [w, W], aw)])
  return { loss: g.op('Add', [pixels.loss, onView.loss]), grad: g.op('Add', [pixels.grad, viewGrad]) }
}

/** The transpose of a rows x cols row-major matrix. */
function transposed(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c] as number
  return t
}

/** Names of the targets graph's inputs and outputs. */
export const TGT = {
  image: 'image',
  content: 'content_features',
  /** Unnormalised F F^T at a style layer (divided by H W outside, where the size is known). */
  gram: (l: ConvLayerName) => `gram_raw_${l}`
} as const

const EPS_LOSS = 1e-8
export { EPS_LOSS }

interface Forward {
  /** Post-ReLU feature map of each conv layer. */
  y: string[]
  /** Max-pool indices after layer i (max pooling only). */
  poolIdx: Map<number, string>
  /** The image in NCHW, still 0..1 (the TV term reads it). */
  imageNchw: string
}

/** Adds the preprocessing and the conv stack up to layer `last` to `g`. */
function forward(g: GraphBuilder, convs: readonly NchwConv[], last: number, pooling: GraphLayout['pooling'], withIndices: boolean, image: string): Forward {
  const imageNchw = g.op('Transpose', [image], { perm: ints([0, 3, 1, 2]) })
  // The mean subtracted in RGB order (BGR_MEAN reversed), as vgg19.ts does.
  const mean = g.constF([BGR_MEAN[2], BGR_MEAN[1], BGR_MEAN[0]], [1, 3, 1, 1])
  let cur = g.op('Sub', [g.op('Mul', [imageNchw, g.constF([255])]), mean])
  const y: string[] = []
  const poolIdx = new Map<number, string>()
  for (let i = 0; i <= last; i++) {
    const c = convs[i]
    if (c === undefined) throw new Error(`the ONNX graph needs VGG-19 weights up to layer ${i + 1}`)
    const w = g.initializer(`${c.name}_w`, [c.outC, c.inC, 3, 3], c.kernel)
    const b = g.initializer(`${c.name}_b`, [c.outC], c.bias)
    const conv = g.op('Conv', [cur, w, b], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), strides: ints([1, 1]) })
    const yi = g.op('Relu', [conv], {}, `${c.name}_y`)
    y.push(yi)
    cur = yi
    if (POOL_AFTER.has(c.name) && i < last) {
      const attrs = { kernel_shape: ints([2, 2]), strides: ints([2, 2]) }
      if (pooling === 'average') {
        cur = g.op('AveragePool', [yi], attrs)
      } else if (withIndices) {
        const [p, idx] = g.nodeN('MaxPool', [yi], 2, attrs) as [string, string]
        poolIdx.set(i, idx)
        cur = p
      } else {
        cur = g.op('MaxPool', [yi], attrs)
      }
    }
  }
  return { y, poolIdx, imageNchw }
}

/** Sum of a list of same-shaped values (one node, or the value itself). */
function sumOf(g: GraphBuilder, xs: readonly string[]): string {
  if (xs.length === 0) throw new Error('empty sum')
  return xs.length === 1 ? (xs[0] as string) : g.op('Sum', [...xs])
}

/** A [1]-shaped view of a scalar, for Concat. */
const vec1 = (g: GraphBuilder, s: string): string => g.op('Reshape', [s, g.constI64([1])])

export interface ObjectiveGraphSpec extends GraphLayout {
  height: number
  width: number
  convs: readonly NchwConv[]
}

/** Forward + explicit backward of the whole objective at one image size (static shapes). */
export function buildObjectiveGraph(spec: ObjectiveGraphSpec): Uint8Array {
  const { height: H, width: W, convs, pooling, contentLayer, styleLayers } = spec
  const g = new GraphBuilder(`gatys_${W}x${H}_${pooling}`)
  const last = lastLayerIndex(spec)
  const x = g.input(OBJ.image, [1, H, W, 3])
  const fwd = forward(g, convs, last, pooling, true, x)
  const names = convs.map((c) => c.name)
  const idxOf = (l: ConvLayerName): number => names.indexOf(l)
  // Per layer, the gradient contributions of the loss terms on its (post-ReLU) output.
  const contrib: string[][] = Array.from({ length: last + 1 }, () => [])
  const dimsAt = (l: ConvLayerName): [number, number, number] => [CHANNELS[l], ...featureSize(H, W, l)]

  // Content term.
  const [cc, ch, cw] = dimsAt(contentLayer)
  const target = g.input(OBJ.contentTarget, [1, cc, ch, cw])
  const kC = g.input(OBJ.kContent, [])
  const diff = g.op('Sub', [fwd.y[idxOf(contentLayer)] as string, target])
  const contentLoss = g.op('Mul', [g.op('ReduceSumSquare', [diff], { keepdims: int(0) }), kC])
  contrib[idxOf(contentLayer)]?.push(g.op('Mul', [diff, g.op('Mul', [kC, g.constF([2])])]))

  // Style terms (one per entry of styleLayers, duplicates included, as the tfjs loop does).
  const styleLosses: string[] = []
  styleLayers.forEach((l, j) => {
    const [c, h, w] = dimsAt(l)
    const hw = h * w
    const f = g.op('Reshape', [fwd.y[idxOf(l)] as string, g.constI64([c, hw])])
    const gram = g.op('Gemm', [f, f], { transB: int(1), alpha: float(1 / hw) })
    const e = g.op('Sub', [gram, g.input(OBJ.gramTarget(j), [c, c])])
    const k = g.input(OBJ.kStyle(j), [])
    styleLosses.push(g.op('Mul', [g.op('ReduceSumSquare', [e], { keepdims: int(0) }), k]))
    // Scale the small C x C matrix rather than the C x HW product.
    const eScaled = g.op('Mul', [e, g.op('Mul', [k, g.constF([4 / hw])])])
    const df = g.op('MatMul', [eScaled, f])
    contrib[idxOf(l)]?.push(g.op('Reshape', [df, g.constI64([1, c, h, w])]))
  })
  const styleLoss = sumOf(g, styleLosses)

  // Backward through the conv stack, deepest first.
  const zero = g.constF([0])
  let upstream: string | null = null
  let dImage = ''
  for (let i = last; i >= 0; i--) {
    const conv = convs[i] as NchwConv
    const terms = [...(contrib[i] ?? []), ...(upstream === null ? [] : [upstream])]
    const yi = fwd.y[i] as string
    const dy = sumOf(g, terms)
    const dz = g.op('Where', [g.op('Greater', [yi, zero]), dy, zero])
    // Rotated kernel: OIHW -> IOHW, then both spatial axes reversed. Constant inputs only, so
    // onnxruntime's constant folding turns it into an initializer at session creation.
    const wT = g.op('Transpose', [`${conv.name}_w`], { perm: ints([1, 0, 2, 3]) })
    const big = -(2 ** 62)
    const wFlip = g.op('Slice', [wT, g.constI64([-1, -1]), g.constI64([big, big]), g.constI64([2, 3]), g.constI64([-1, -1])])
    const dx = g.op('Conv', [dz, wFlip], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]), strides: ints([1, 1]) })
    if (i === 0) {
      dImage = dx
      break
    }
    const prev = convs[i - 1] as NchwConv
    if (!POOL_AFTER.has(prev.name)) {
      upstream = dx
      continue
    }
    // dx is the gradient at the pooled map; spread it back onto layer i-1's output.
    const [, ph, pw] = dimsAt(prev.name)
    const c = prev.outC
    if (pooling === 'max') {
      const idx = fwd.poolIdx.get(i - 1) as string
      upstream = g.op('MaxUnpool', [dx, idx, g.constI64([1, c, ph, pw])], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) })
    } else {
      const h2 = Math.floor(ph / 2)
      const w2 = Math.floor(pw / 2)
      const quarter = g.op('Mul', [dx, g.constF([0.25])])
      const six = g.op('Reshape', [quarter, g.constI64([1, c, h2, 1, w2, 1])])
      const spread = g.op('Reshape', [g.op('Expand', [six, g.constI64([1, c, h2, 2, w2, 2])]), g.constI64([1, c, 2 * h2, 2 * w2])])
      // 'valid' pooling dropped an odd last row/column: its gradient is zero.
      upstream = ph === 2 * h2 && pw === 2 * w2
        ? spread
        : g.op('Pad', [spread, g.constI64([0, 0, 0, 0, 0, 0, ph - 2 * h2, pw - 2 * w2])])
    }
  }

  const kTv = g.input(OBJ.kTv, [])
  const tv = tvTerm(g, fwd.imageNchw, H, W, kTv)

  // d(x*255 - mean)/dx = 255.
  const gradNchw = g.op('Add', [g.op('Mul', [dImage, g.constF([255])]), tv.grad])
  g.output(g.op('Transpose', [gradNchw], { perm: ints([0, 2, 3, 1]) }), OBJ.grad, [1, H, W, 3])
  g.output(g.op('Concat', [vec1(g, contentLoss), vec1(g, styleLoss), vec1(g, tv.loss)], { axis: int(0) }), OBJ.parts, [3])
  return g.build()
}

/**
 * Forward-only graph for the targets: content features and raw Grams (F F^T) at the style layers.
 * Height and width are symbolic, so one session serves the content and every style image at
 * every scale.
 */
export function buildTargetsGraph(spec: GraphLayout & { convs: readonly NchwConv[] }): Uint8Array {
  const g = new GraphBuilder(`gatys_targets_${spec.pooling}`)
  const last = lastLayerIndex(spec)
  const image = g.input(TGT.image, [1, 'H', 'W', 3])
  const fwd = forward(g, spec.convs, last, spec.pooling, false, image)
  const names = spec.convs.map((c) => c.name)
  const cl = spec.contentLayer
  g.output(fwd.y[names.indexOf(cl)] as string, TGT.content, [1, CHANNELS[cl], 'h_content', 'w_content'])
  for (const l of new Set(spec.styleLayers)) {
    const c = CHANNELS[l]
    const f = g.op('Reshape', [fwd.y[names.indexOf(l)] as string, g.constI64([c, -1])])
    g.output(g.op('Gemm', [f, f], { transB: int(1) }), TGT.gram(l), [c, c], DataType.FLOAT)
  }
  return g.build()
}
