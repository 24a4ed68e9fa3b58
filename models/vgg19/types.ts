import type { Tensor } from '@tensorflow/tfjs-core'

/** The network's own vocabulary; the style-transfer engine builds on it, never the other way. */
export type Pooling = 'max' | 'average'

export type ConvLayerName =
  | 'conv1_1' | 'conv1_2'
  | 'conv2_1' | 'conv2_2'
  | 'conv3_1' | 'conv3_2' | 'conv3_3' | 'conv3_4'
  | 'conv4_1' | 'conv4_2' | 'conv4_3' | 'conv4_4'
  | 'conv5_1' | 'conv5_2' | 'conv5_3' | 'conv5_4'

/** Weights of the 16 VGG-19 conv layers as float32 tensors, HWIO kernels. */
export type VggWeights = Record<string, Tensor>
