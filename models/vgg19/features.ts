import * as tf from '@tensorflow/tfjs-core'
import type { ConvLayerName, Pooling, VggWeights } from './types.js'
import { BGR_MEAN, POOL_AFTER, layersUpTo } from './layers.js'

/**
 * How the gradient of a conv layer with respect to its input is computed.
 * - 'native': tfjs's own Conv2DBackpropInput kernel.
 * - 'rewrite': an ordinary forward conv2d of the output gradient with the kernel rotated by
 *   180 degrees and its in/out channels swapped. Mathematically identical for a stride-1 'same'
 *   3x3 conv; on the wasm backend the native kernel took over 80% of an iteration and this is
 *   4-6x faster (measured, see README "Speed"). The exact-gradient test covers both.
 */
export type ConvGradMode = 'native' | 'rewrite'

interface ConvLayer {
  name: ConvLayerName
  kernel: tf.Tensor4D
  bias: tf.Tensor1D
  /** Kernel for the input gradient under 'rewrite'. */
  flipped: tf.Tensor4D | null
}

export interface Vgg19Features {
  /** Feature maps (after ReLU) for the requested layers of an RGB image in 0..1, shape [1, H, W, 3]. */
  extract(rgb01: tf.Tensor4D, layers: readonly ConvLayerName[], pooling: Pooling): Map<ConvLayerName, tf.Tensor4D>
  dispose(): void
}

/**
 * A pixel mask [1, H, W, 1] brought to the resolution of each requested layer: unchanged through
 * the 'same' convs, 2x2 average-pooled wherever the network pools.
 */
export function maskPyramid(mask: tf.Tensor4D, layers: readonly ConvLayerName[]): Map<ConvLayerName, tf.Tensor4D> {
  const want = new Set(layers)
  const out = new Map<ConvLayerName, tf.Tensor4D>()
  const path = layersUpTo(layers)
  let m = mask
  path.forEach((name, i) => {
    if (want.has(name)) out.set(name, m)
    // A pooled mask is only made when a later layer needs it; one no layer took is freed.
    if (POOL_AFTER.has(name) && i < path.length - 1) {
      const next = tf.avgPool(m, 2, 2, 'valid')
      if (m !== mask && ![...out.values()].includes(m)) m.dispose()
      m = next
    }
  })
  return out
}

export interface Vgg19Config {
  convGrad: ConvGradMode
  /** Layers whose weights are kept: all up to the deepest of these. */
  deepest: readonly ConvLayerName[]
}

/**
 * Builds the feature extractor from raw weights. The first conv's kernel is reversed on its input
 * axis and the mean subtracted in RGB order, which is exactly the caffe BGR preprocessing the
 * weights expect (models/vgg19.manifest.json), without a channel reverse on every call.
 */
export function createVgg19Features(weights: VggWeights, config: Vgg19Config): Vgg19Features {
  const names = layersUpTo(config.deepest)
  const layers: ConvLayer[] = names.map((name) => {
    const k = weights[`${name}/kernel`]
    const b = weights[`${name}/bias`]
    if (k === undefined || b === undefined) throw new Error(`VGG-19 weights lack ${name}/kernel or ${name}/bias`)
    const kernel = tf.tidy(() => (name === 'conv1_1' ? tf.reverse(k, 2) : tf.clone(k)) as tf.Tensor4D)
    const flipped = config.convGrad === 'rewrite'
      ? tf.tidy(() => tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D)
      : null
    return { name, kernel, bias: tf.clone(b) as tf.Tensor1D, flipped }
  })
  const meanRgb = tf.tensor1d([BGR_MEAN[2], BGR_MEAN[1], BGR_MEAN[0]])

  const convRelu = (x: tf.Tensor4D, layer: ConvLayer): tf.Tensor4D => {
    const flipped = layer.flipped
    if (flipped === null) {
      return tf.relu(tf.add(tf.conv2d(x, layer.kernel, 1, 'same'), layer.bias)) as tf.Tensor4D
    }
    const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
      const y = tf.fused.conv2d({ x: input as tf.Tensor4D, filter: layer.kernel, strides: 1, pad: 'same', bias: layer.bias, activation: 'relu' })
      save([y])
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const active = tf.mul(dy, tf.step(saved[0] as tf.Tensor))
          return tf.conv2d(active as tf.Tensor4D, flipped, 1, 'same')
        }
      }
    }) as unknown as Parameters<typeof tf.customGrad>[0])
    return op(x) as tf.Tensor4D
  }

  return {
    extract(rgb01, wanted, pooling) {
      const want = new Set(wanted)
      const last = Math.max(...wanted.map((l) => names.indexOf(l)))
      if (last < 0 || wanted.some((l) => !names.includes(l))) {
        throw new Error(`layers ${wanted.join(', ')} are not all within the loaded VGG-19 (up to ${names[names.length - 1]})`)
      }
      const out = new Map<ConvLayerName, tf.Tensor4D>()
      let x = tf.sub(tf.mul(rgb01, 255), meanRgb) as tf.Tensor4D
      for (let i = 0; i <= last; i++) {
        const layer = layers[i] as ConvLayer
        x = convRelu(x, layer)
        if (want.has(layer.name)) out.set(layer.name, x)
        if (POOL_AFTER.has(layer.name) && i < last) {
          x = pooling === 'max' ? tf.maxPool(x, 2, 2, 'valid') : tf.avgPool(x, 2, 2, 'valid')
        }
      }
      return out
    },
    dispose() {
      for (const l of layers) {
        l.kernel.dispose()
        l.bias.dispose()
        l.flipped?.dispose()
      }
      meanRgb.dispose()
    }
  }
}
