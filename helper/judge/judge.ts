import * as tf from '@tensorflow/tfjs-core'
import { gram } from '../../models/style-transfer/losses.js'
import { DEFAULT_OPTIONS } from '../../models/style-transfer/defaults.js'
import { resize, rgbTensor, toRgbaImage } from '../../models/style-transfer/image-tensor.js'
import { areaResize } from '../../models/style-transfer/area-resize.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { createVgg19Features, type Vgg19Features } from '../../models/vgg19/features.js'
import type { VggWeights } from '../../models/vgg19/types.js'
import { frameDeviation } from './frame-metric.js'
import { edgeCorrelation, ssim } from './structure-metrics.js'

/**
 * The quality judge: how much a result took the style, and how much of the content's structure it
 * kept. Independent of the run's own loss: fixed layers (the Gatys set), equal layer weights, the
 * style at the result's long side (texture scale 1), max pooling.
 *   style distance   mean over conv1_1..conv5_1 of |G_r - G_s|^2 / |G_s|^2
 *   style drop       1 - style distance(result) / style distance(content): 0 = no style, 1 = all
 *   content distance mean (F_r - F_c)^2 / mean F_c^2 at conv4_2
 *   SSIM, edge corr. luminance SSIM and Sobel edge-map correlation, content against result
 *   frame            how far the result's two outermost lines stray from the content's (levels)
 */
export interface Verdict {
  styleDistance: number
  styleDrop: number
  contentDistance: number
  ssim: number
  edgeCorrelation: number
  frame: number
}

export interface Judge {
  judge(content: RgbaImage, style: RgbaImage, result: RgbaImage): Promise<Verdict>
  dispose(): void
}

const STYLE_LAYERS = DEFAULT_OPTIONS.styleLayers
const CONTENT_LAYER = DEFAULT_OPTIONS.contentLayer

/** The image at exactly width x height: area-averaged when shrinking, bilinear when growing. */
function fit(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [, h, w] = x.shape
  if (h === height && w === width) return x
  return h >= height && w >= width ? areaResize(x, height, width) : resize(x, height, width)
}

function styleDistanceOf(vgg: Vgg19Features, x: tf.Tensor4D, styleGrams: readonly tf.Tensor2D[]): tf.Scalar {
  const feats = vgg.extract(x, STYLE_LAYERS, 'max')
  const terms = STYLE_LAYERS.map((l, j) => {
    const target = styleGrams[j] as tf.Tensor2D
    return tf.div(tf.sum(tf.squaredDifference(gram(feats.get(l) as tf.Tensor4D), target)), tf.sum(tf.square(target)))
  })
  return tf.div(tf.addN(terms), terms.length) as tf.Scalar
}

export function createJudge(weights: VggWeights): Judge {
  const vgg = createVgg19Features(weights, { convGrad: 'native', deepest: ['conv5_1'] })
  return {
    async judge(content, style, result) {
      const { width, height } = result
      const long = Math.max(width, height)
      const k = long / Math.max(style.width, style.height)
      // One tidy per VGG pass: at 512 px the activations of five passes kept to the end of one
      // tidy outgrew the wasm heap (Emscripten abort); only the Grams and the scalars live on.
      const rT = rgbTensor(result)
      const cT = tf.tidy(() => fit(rgbTensor(content), height, width))
      const grams = tf.tidy(() => {
        const s = fit(rgbTensor(style), Math.max(1, Math.round(style.height * k)), Math.max(1, Math.round(style.width * k)))
        const sf = vgg.extract(s, STYLE_LAYERS, 'max')
        return STYLE_LAYERS.map((l) => gram(sf.get(l) as tf.Tensor4D))
      })
      const numbers = tf.tidy(() => {
        const dr = tf.tidy(() => styleDistanceOf(vgg, rT, grams))
        const dc = tf.tidy(() => styleDistanceOf(vgg, cT, grams))
        const fr = tf.tidy(() => vgg.extract(rT, [CONTENT_LAYER], 'max').get(CONTENT_LAYER) as tf.Tensor4D)
        const contentDistance = tf.tidy(() => {
          const fc = vgg.extract(cT, [CONTENT_LAYER], 'max').get(CONTENT_LAYER) as tf.Tensor4D
          return tf.div(tf.mean(tf.squaredDifference(fr, fc)), tf.mean(tf.square(fc)))
        })
        return tf.stack([dr, dc, contentDistance])
      })
      tf.dispose([rT, ...grams])
      const [dResult, dContent, contentDistance] = Array.from(await numbers.data())
      numbers.dispose()
      const c = await toRgbaImage(cT, null)
      cT.dispose()
      return {
        styleDistance: dResult as number,
        styleDrop: 1 - (dResult as number) / (dContent as number),
        contentDistance: contentDistance as number,
        ssim: ssim(c, result),
        edgeCorrelation: edgeCorrelation(c, result),
        frame: frameDeviation(result, c, 0)
      }
    },
    dispose: () => vgg.dispose()
  }
}
