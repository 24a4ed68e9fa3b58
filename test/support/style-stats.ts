import { resolveOptions } from '../../models/style-transfer/resolve-options.js'
import { gram } from '../../models/style-transfer/losses.js'
import { resize, rgbTensor } from '../../models/style-transfer/image-tensor.js'
import { createVgg19Features } from '../../models/vgg19/features.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { realWeights, tf } from './tf.js'

/**
 * VGG style distance of image a from reference b: mean over the five Gatys layers of
 * |G_a - G_b|^2 / |G_b|^2, with b resized to a's size first (a is the small result; a full-size
 * painting as b would cost gigabytes of activations).
 */
export async function vggStyleDistance(a: RgbaImage, b: RgbaImage): Promise<number> {
  const vgg = createVgg19Features(await realWeights(), { convGrad: 'native', deepest: ['conv5_1'] })
  const layers = resolveOptions({}).styleLayers
  const d = tf.tidy(() => {
    const ta = rgbTensor(a)
    const tb = resize(rgbTensor(b), ta.shape[1], ta.shape[2])
    const fa = vgg.extract(ta, layers, 'max')
    const fb = vgg.extract(tb, layers, 'max')
    return layers.map((l) => {
      const ga = gram(fa.get(l)!)
      const gb = gram(fb.get(l)!)
      return tf.div(tf.sum(tf.squaredDifference(ga, gb)), tf.sum(tf.square(gb))).dataSync()[0]!
    }).reduce((x, y) => x + y, 0) / layers.length
  })
  vgg.dispose()
  return d
}

/**
 * VGG content distance of image a from reference b, as the engine's content term measures it:
 * mean squared conv4_2 feature difference over the mean square of b's features (b resized to a's
 * size first).
 */
export async function vggContentDistance(a: RgbaImage, b: RgbaImage): Promise<number> {
  const vgg = createVgg19Features(await realWeights(), { convGrad: 'native', deepest: ['conv4_2'] })
  const layer = resolveOptions({}).contentLayer
  const d = tf.tidy(() => {
    const ta = rgbTensor(a)
    const tb = resize(rgbTensor(b), ta.shape[1], ta.shape[2])
    const fa = vgg.extract(ta, [layer], 'max').get(layer)!
    const fb = vgg.extract(tb, [layer], 'max').get(layer)!
    return tf.div(tf.mean(tf.squaredDifference(fa, fb)), tf.mean(tf.square(fb))).dataSync()[0]!
  })
  vgg.dispose()
  return d
}
