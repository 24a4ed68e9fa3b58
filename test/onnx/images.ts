import { readFileSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs-core'
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'
import { resize, rgbTensor } from '../../ui/engine/image-tensor.js'
import type { RgbaImage } from '../../ui/engine/types.js'

/** Shared test images (never copied into the project, see /work/shared/images/README.md). */
export const IMAGES = new URL('../../../shared/images/', import.meta.url)

/** Decodes a PNG or JPEG from the shared images into RGBA. */
export function loadImage(relative: string): RgbaImage {
  const bytes = readFileSync(new URL(relative, IMAGES))
  if (relative.endsWith('.png')) {
    const png = PNG.sync.read(bytes)
    return { data: new Uint8Array(png.data), width: png.width, height: png.height }
  }
  const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true })
  return { data: j.data, width: j.width, height: j.height }
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
