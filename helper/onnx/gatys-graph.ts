import { BGR_MEAN, CHANNELS, CONV_LAYERS, featureSize, POOL_AFTER } from '../../models/vgg19/layers.js'
import type { ObjectiveGraphContext, Term } from '../../models/style-transfer/terms/term.js'
import { termLayers } from '../../models/style-transfer/terms/index.js'
import type { ConvLayerName, StyleTransferOptions } from '../../models/style-transfer/types.js'
import { GraphBuilder, ints, int } from './graph-builder.js'
import type { NchwConv } from './vgg-nchw.js'

/**
 * The objective as ONNX graphs, NCHW, built from the same layer list and loss terms as the tfjs
 * engine (models/style-transfer/objective.ts, terms/, models/vgg19/features.ts):
 *
 *   x (RGB 0..1, NHWC) -> x*255 - mean -> [Conv -> Relu (-> Pool)]* up to the deepest layer used
 *   each term (terms/*.ts onnx.emit) adds its weighted value and its gradient on the features of
 *   its layers or on the image; the values are the output `parts`, in the terms' order;
 *
 * and the image gradient written out by hand (onnxruntime has no autodiff for inference sessions):
 *   ReLU: Where(Y > 0, dY, 0) (tf.step's convention at 0);
 *   max pool: MaxUnpool with the forward indices (first maximum wins, as in tfjs);
 *   average pool: each pooled gradient spread over its 2x2 window / 4, zeros for a dropped odd row/column;
 *   conv input gradient: a Conv with the kernel rotated 180 degrees and in/out channels swapped.
 * Targets and coefficients are graph inputs (each term's `feeds`), so one session serves any
 * images and weights at its size.
 */

/** Names of the objective graph's fixed inputs and outputs. */
export const OBJ = { image: 'x', parts: 'parts', grad: 'grad' } as const

/** Name of a term's input or output: `${term}_${key}` (content_target, style_k_0, tv_k). */
export const termValue = (term: Term, key: string): string => `${term.name}_${key}`

/** The name of the targets graph's input. */
export const TARGETS_IMAGE = 'image'

interface Forward {
  /** Post-ReLU feature map of each conv layer. */
  y: string[]
  /** Max-pool indices after layer i (max pooling only). */
  poolIdx: Map<number, string>
  /** The image in NCHW, still 0..1 (terms on the pixels read it). */
  imageNchw: string
}

/** Adds the preprocessing and the conv stack up to layer `last` (-1: none) to `g`. */
function forward(g: GraphBuilder, convs: readonly NchwConv[], last: number, pooling: StyleTransferOptions['pooling'], withIndices: boolean, image: string): Forward {
  const imageNchw = g.op('Transpose', [image], { perm: ints([0, 3, 1, 2]) })
  const y: string[] = []
  const poolIdx = new Map<number, string>()
  if (last < 0) return { y, poolIdx, imageNchw }
  // The mean subtracted in RGB order (BGR_MEAN reversed), as models/vgg19 does.
  const mean = g.constF([BGR_MEAN[2], BGR_MEAN[1], BGR_MEAN[0]], [1, 3, 1, 1])
  let cur = g.op('Sub', [g.op('Mul', [imageNchw, g.constF([255])]), mean])
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

/** Index of the deepest layer the terms read (-1: none). */
const deepestIndex = (layers: readonly ConvLayerName[]): number => Math.max(-1, ...layers.map((n) => CONV_LAYERS.indexOf(n)))

/** Every layer's index in `convs`, checked. */
function indexIn(convs: readonly NchwConv[]): (l: ConvLayerName) => number {
  const names = convs.map((c) => c.name)
  return (l) => {
    const i = names.indexOf(l)
    if (i < 0) throw new Error(`the ONNX graph has no weights for ${l}`)
    return i
  }
}

export interface ObjectiveGraphSpec {
  height: number
  width: number
  convs: readonly NchwConv[]
  options: StyleTransferOptions
  terms: readonly Term[]
}

/** Forward + explicit backward of the whole objective at one image size (static shapes). */
export function buildObjectiveGraph(spec: ObjectiveGraphSpec): Uint8Array {
  const { height: H, width: W, convs, options: o, terms } = spec
  const g = new GraphBuilder(`gatys_${W}x${H}_${o.pooling}`)
  const last = deepestIndex(termLayers(terms, o))
  const x = g.input(OBJ.image, [1, H, W, 3])
  const fwd = forward(g, convs, last, o.pooling, true, x)
  const idxOf = indexIn(convs)
  // Per layer, the gradient contributions of the loss terms on its (post-ReLU) output.
  const contrib: string[][] = Array.from({ length: last + 1 }, () => [])
  const imageGrads: string[] = []
  const dimsAt = (l: ConvLayerName): [number, number, number] => [CHANNELS[l], ...featureSize(H, W, l)]

  const values = terms.map((term) => {
    const ctx: ObjectiveGraphContext = {
      g, options: o, height: H, width: W, image: fwd.imageNchw,
      input: (key, dims) => g.input(termValue(term, key), dims),
      feature: (l) => {
        const [channels, height, width] = dimsAt(l)
        return { value: fwd.y[idxOf(l)] as string, channels, height, width }
      },
      addFeatureGrad: (l, grad) => { contrib[idxOf(l)]?.push(grad) },
      addImageGrad: (grad) => { imageGrads.push(grad) }
    }
    return term.onnx.emit(ctx)
  })

  // Backward through the conv stack, deepest first.
  const zero = g.constF([0])
  let upstream: string | null = null
  for (let i = last; i >= 0; i--) {
    const conv = convs[i] as NchwConv
    const terms = [...(contrib[i] ?? []), ...(upstream === null ? [] : [upstream])]
    // Nothing reaches this layer (a term read it but added no gradient): nothing below either.
    if (terms.length === 0) continue
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
      // d(x*255 - mean)/dx = 255.
      imageGrads.unshift(g.op('Mul', [dx, g.constF([255])]))
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
    if (o.pooling === 'max') {
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

  const gradNchw = imageGrads.length === 0 ? g.op('Mul', [fwd.imageNchw, zero]) : sumOf(g, imageGrads)
  g.output(g.op('Transpose', [gradNchw], { perm: ints([0, 2, 3, 1]) }), OBJ.grad, [1, H, W, 3])
  g.output(g.op('Concat', values.map((v) => vec1(g, v)), { axis: int(0) }), OBJ.parts, [terms.length])
  return g.build()
}

/**
 * Forward-only graph for the targets: each term's outputs (content features, raw Grams, ...).
 * Height and width are symbolic, so one session serves the content and every style image at
 * every scale.
 */
export function buildTargetsGraph(spec: { convs: readonly NchwConv[]; options: StyleTransferOptions; terms: readonly Term[] }): Uint8Array {
  const { convs, options: o, terms } = spec
  const g = new GraphBuilder(`gatys_targets_${o.pooling}`)
  const last = deepestIndex(termLayers(terms, o))
  const image = g.input(TARGETS_IMAGE, [1, 'H', 'W', 3])
  const fwd = forward(g, convs, last, o.pooling, false, image)
  const idxOf = indexIn(convs)
  for (const term of terms) {
    term.onnx.targets({
      g, options: o, image: fwd.imageNchw,
      feature: (l) => fwd.y[idxOf(l)] as string,
      output: (key, value, dims) => g.output(value, termValue(term, key), dims)
    })
  }
  return g.build()
}

/** The targets graph's outputs each term reads on the content and on the styles. */
export function targetOutputs(terms: readonly Term[], o: StyleTransferOptions): { content: string[]; styles: string[] } {
  const out = { content: [] as string[], styles: [] as string[] }
  const noop = (): string => ''
  for (const term of terms) {
    // A dry run of `targets` with a recording context: which outputs, for which images.
    const names: Array<[string, 'content' | 'styles']> = []
    term.onnx.targets({
      g: { op: noop, constF: noop, constI64: noop, constMatrix: noop }, options: o, image: '',
      feature: noop, output: (key, _v, _d, from) => { names.push([termValue(term, key), from]) }
    })
    for (const [name, from] of names) out[from].push(name)
  }
  return out
}
