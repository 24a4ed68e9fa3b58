import * as tf from '@tensorflow/tfjs-core'
import { EPS, readScalar } from '../losses.js'
import { int, ints, type GraphOps } from './graph-ops.js'
import type { Term } from './term.js'

/**
 * Detail: the Laplacian loss of Li et al. 2017 ("Laplacian-Steered Neural Style Transfer"). The
 * content and the result are average-pooled by each factor of detailPools (DETAIL_POOLS up to
 * DETAIL_VIEW px, scaled with the long side above it), filtered with the 3x3
 * Laplacian per channel ('valid': no padding, so the border invents no edges), and compared:
 *
 *   w * mean over factors p of  mean((Lap(P_p x) - Lap(P_p c))^2) / (mean(Lap(P_p c)^2) + eps)
 *
 * Dividing by the content's own Laplacian energy (as the content term divides by its features'
 * mean square) makes the value a relative error, so a weight means the same at every size and on
 * flat or busy content. Pooling first keeps the edges of the content's shapes and lets the style
 * paint its strokes over them. A factor whose pooled map is smaller than 3x3 is left out.
 * On the pixels and cheap, so the tiled objective evaluates it on the whole image. Weight 0:
 * tfjs computes next to nothing (0 times the image's mean); the ONNX graph keeps its few small ops (its session
 * depends on the layers and the size, not on weights).
 * The alternative the issue named, an edge-aware content term on luminance (the Sobel pair on the
 * pooled Rec. 601 luminance, normalised the same way), measured worse at every weight: less edge
 * correlation for the same style drop (README, "Laplacian or luminance edges"; branch `edges`).
 */
export const DETAIL_POOLS = [2, 4] as const

/**
 * Li et al. pool by fixed factors, so a 512 px final would hold edges one octave finer than its
 * 256 px preview (measured, edge correlation with the content, preview / final: 0.508 / 0.687 at
 * the default) and not look like the preview. Above DETAIL_VIEW px the factors grow with the long
 * side, so the term sees the same structure at every size (a 512 px image pools by 4 and 8);
 * below it they stay, so small previews keep a term they can still resolve.
 */
export const DETAIL_VIEW = 256

/** The 3x3 Laplacian [0 -1 0; -1 4 -1; 0 -1 0], for the ONNX graph (per channel, group 3). */
const LAPLACIAN = [0, -1, 0, -1, 4, -1, 0, -1, 0]

/** The pooling factors at this size (see DETAIL_VIEW), those that leave at least a 3x3 map. */
export function detailPools(height: number, width: number): number[] {
  const scale = Math.max(1, Math.max(height, width) / DETAIL_VIEW)
  const pools = [...new Set(DETAIL_POOLS.map((p) => Math.round(p * scale)))]
  return pools.filter((p) => Math.floor(height / p) >= 3 && Math.floor(width / p) >= 3)
}

/**
 * The 'valid' Laplacian of the p x p average-pooled image, as shifted slices: tfjs-wasm has no
 * gradient kernel for depthwise convolutions (DepthwiseConv2dNativeBackpropInput), while slices
 * and sums differentiate on every backend.
 */
function laplacianOf(image: tf.Tensor4D, p: number): tf.Tensor4D {
  return tf.tidy(() => {
    const pooled = tf.avgPool(image, p, p, 'valid')
    const [, h, w, c] = pooled.shape
    const at = (dy: number, dx: number) => tf.slice(pooled, [0, 1 + dy, 1 + dx, 0], [1, h - 2, w - 2, c])
    return tf.sub(tf.mul(at(0, 0), 4), tf.addN([at(-1, 0), at(1, 0), at(0, -1), at(0, 1)])) as tf.Tensor4D
  })
}

interface Prepared { targets: tf.Tensor4D[]; ks: number[] }

/** Each factor's content Laplacian and k_p = w / (factors * N_p * (mean T_p^2 + eps)). */
async function prepareTargets(content: tf.Tensor4D, weight: number): Promise<Prepared> {
  const [, h, w] = content.shape
  const pools = weight === 0 ? [] : detailPools(h, w)
  const targets: tf.Tensor4D[] = []
  const ks: number[] = []
  for (const p of pools) {
    const t = laplacianOf(content, p)
    targets.push(t)
    const meanSq = await readScalar(tf.tidy(() => tf.mean(tf.square(t))))
    ks.push(weight / (pools.length * t.size * (meanSq + EPS)))
  }
  return { targets, ks }
}

function valueOf({ targets, ks }: Prepared, image: tf.Tensor4D): tf.Scalar {
  // Off (or too small): a 0 that still depends on the image, since the tiled objective takes
  // each image term's gradient on its own and autodiff refuses a constant.
  if (targets.length === 0) return tf.mul(tf.mean(image), 0) as tf.Scalar
  const [, h, w] = image.shape
  const pools = detailPools(h, w)
  return tf.addN(pools.map((p, i) => tf.mul(tf.sum(tf.squaredDifference(laplacianOf(image, p), targets[i] as tf.Tensor4D)), ks[i] as number))) as tf.Scalar
}

export const detailTerm: Term = {
  name: 'detail',
  weightOption: 'detailWeight',
  layers: () => [],

  async prepare({ content, options: o }) {
    const prepared = await prepareTargets(content, o.detailWeight)
    return { value: (_features, image) => valueOf(prepared, image), dispose: () => tf.dispose(prepared.targets) }
  },

  async prepareTiled({ content, options: o }) {
    const prepared = await prepareTargets(content, o.detailWeight)
    return { kind: 'image', value: (image) => valueOf(prepared, image), dispose: () => tf.dispose(prepared.targets) }
  },

  // ONNX: per factor, AveragePool -> grouped Conv with the Laplacian; value k_p sum(D^2) with
  // D = Lap(P x) - Lap(P c). The factors depend on the size and the targets graph's size is
  // symbolic, so that graph hands over the content's pixels and the objective graph (built for
  // one size) filters them; k_p = w / (factors N_p (mean Lap(P c)^2 + eps)) is computed there too
  // and, depending on the content alone, has no gradient. Gradient: 2 k_p D back through the
  // Laplacian (its own 180-degree rotation, a Conv padded by 2) and the pooling (each value spread
  // over its p x p window / p^2, zeros on the rows and columns 'valid' pooling dropped).
  onnx: {
    targets({ g, image, output }) {
      output('content', g.op('Identity', [image]), [1, 3, 'H', 'W'], 'content')
    },
    feeds({ options: o, height, width, content }) {
      return {
        content: { data: content.get('content'), dims: [1, 3, height, width] },
        weight: { data: Float32Array.of(o.detailWeight), dims: [] }
      }
    },
    emit({ g, input, image, height: H, width: W, addImageGrad }) {
      const pools = detailPools(H, W)
      if (pools.length === 0) return g.constF([0])
      const content = input('content', [1, 3, H, W])
      const weight = input('weight', [])
      const values: string[] = []
      for (const p of pools) {
        const h = Math.floor(H / p)
        const w = Math.floor(W / p)
        const target = laplacianGraph(g, content, p)
        const energy = g.op('Add', [g.op('ReduceMean', [g.op('Mul', [target, target])], { keepdims: int(0) }), g.constF([EPS])])
        const k = g.op('Div', [g.op('Mul', [weight, g.constF([1 / (pools.length * 3 * (h - 2) * (w - 2))])]), energy])
        const diff = g.op('Sub', [laplacianGraph(g, image, p), target])
        values.push(g.op('Mul', [g.op('ReduceSumSquare', [diff], { keepdims: int(0) }), k]))
        const dLap = g.op('Mul', [diff, g.op('Mul', [k, g.constF([2])])])
        const dPooled = g.op('Conv', [dLap, laplacianKernel(g)], { group: int(3), kernel_shape: ints([3, 3]), pads: ints([2, 2, 2, 2]) })
        addImageGrad(unpoolGraph(g, dPooled, p, h, w, H, W))
      }
      return values.length === 1 ? values[0] as string : g.op('Sum', values)
    }
  }
}

/** [3, 1, 3, 3]: the Laplacian for each channel (group 3). Symmetric: its own 180-degree rotation. */
const laplacianKernel = (g: GraphOps): string => g.constF([...LAPLACIAN, ...LAPLACIAN, ...LAPLACIAN], [3, 1, 3, 3])

function laplacianGraph(g: GraphOps, image: string, p: number): string {
  const pooled = g.op('AveragePool', [image], { kernel_shape: ints([p, p]), strides: ints([p, p]) })
  return g.op('Conv', [pooled, laplacianKernel(g)], { group: int(3), kernel_shape: ints([3, 3]) })
}

/** The adjoint of p x p 'valid' average pooling: [1, 3, h, w] -> [1, 3, H, W]. */
function unpoolGraph(g: GraphOps, d: string, p: number, h: number, w: number, H: number, W: number): string {
  const scaled = g.op('Mul', [d, g.constF([1 / (p * p)])])
  const six = g.op('Reshape', [scaled, g.constI64([1, 3, h, 1, w, 1])])
  const spread = g.op('Reshape', [g.op('Expand', [six, g.constI64([1, 3, h, p, w, p])]), g.constI64([1, 3, h * p, w * p])])
  return h * p === H && w * p === W ? spread : g.op('Pad', [spread, g.constI64([0, 0, 0, 0, 0, 0, H - h * p, W - w * p])])
}
