import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs-core'
import { decodeImage } from '../../helper/image-io.js'
import { resize, rgbTensor } from '../../models/style-transfer/image-tensor.js'
import type { RgbaImage } from '../../models/style-transfer/types.js'
import { SHARED_IMAGES } from '../support/tf.js'

/** Decodes a PNG or JPEG from the shared images (never copied into the project) into RGBA. */
export function loadImage(relative: string): RgbaImage {
  return decodeImage(readFileSync(`${SHARED_IMAGES}${relative}`), relative)
}

/** The image as a [1, h, w, 3] tensor in 0..1, resized the way the engine resizes. */
export function imageTensor(relative: string, height: number, width: number): tf.Tensor4D {
  const full = rgbTensor(loadImage(relative))
  try {
    return resize(full, height, width)
  } finally {
    full.dispose()
  }
}
