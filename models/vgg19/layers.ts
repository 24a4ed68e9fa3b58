import type { ConvLayerName } from './types.js'

/** VGG-19's conv layers in order; a 2x2 pool follows the last conv of each block. */
export const CONV_LAYERS: readonly ConvLayerName[] = [
  'conv1_1', 'conv1_2',
  'conv2_1', 'conv2_2',
  'conv3_1', 'conv3_2', 'conv3_3', 'conv3_4',
  'conv4_1', 'conv4_2', 'conv4_3', 'conv4_4',
  'conv5_1', 'conv5_2', 'conv5_3', 'conv5_4'
]

export const POOL_AFTER: ReadonlySet<ConvLayerName> = new Set(['conv1_2', 'conv2_2', 'conv3_4', 'conv4_4', 'conv5_4'])

/** Output channels of each layer (input channels of layer i are those of layer i-1, 3 for conv1_1). */
export const CHANNELS: Readonly<Record<ConvLayerName, number>> = {
  conv1_1: 64, conv1_2: 64,
  conv2_1: 128, conv2_2: 128,
  conv3_1: 256, conv3_2: 256, conv3_3: 256, conv3_4: 256,
  conv4_1: 512, conv4_2: 512, conv4_3: 512, conv4_4: 512,
  conv5_1: 512, conv5_2: 512, conv5_3: 512, conv5_4: 512
}

/** The caffe preprocessing the weights expect: BGR order, 0..255, minus this mean (B, G, R). */
export const BGR_MEAN: readonly [number, number, number] = [103.939, 116.779, 123.68]

/** Layers needed to reach every name in `wanted`, in order. */
export function layersUpTo(wanted: readonly ConvLayerName[]): ConvLayerName[] {
  const last = Math.max(...wanted.map((l) => CONV_LAYERS.indexOf(l)))
  return CONV_LAYERS.slice(0, last + 1)
}

/** Spatial size of a layer's feature map for an h x w input (each 2x2 'valid' pool floors). */
export function featureSize(h: number, w: number, layer: ConvLayerName): [number, number] {
  const idx = CONV_LAYERS.indexOf(layer)
  for (let i = 0; i < idx; i++) {
    if (POOL_AFTER.has(CONV_LAYERS[i] as ConvLayerName)) {
      h = Math.floor(h / 2)
      w = Math.floor(w / 2)
    }
  }
  return [h, w]
}
