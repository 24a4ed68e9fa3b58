import type { ConvLayerName, VggWeights } from '../../models/style-transfer/types.js'
import { layersUpTo } from '../../models/vgg19/layers.js'

/** One VGG-19 conv layer in ONNX's layout: kernel OIHW [out, in, 3, 3], bias [out]. */
export interface NchwConv {
  name: ConvLayerName
  outC: number
  inC: number
  kernel: Float32Array
  bias: Float32Array
}

/**
 * Reads the tfjs weights (HWIO kernels) once into OIHW arrays, for every layer up to `deepest`.
 * conv1_1's kernel is reversed on its input-channel axis exactly as ui/engine/vgg19.ts does, so
 * an RGB image minus the RGB mean feeds the caffe (BGR) weights without a channel reverse.
 * The tfjs tensors are only read, never disposed: they belong to the caller.
 */
export async function toNchwWeights(weights: VggWeights, deepest: ConvLayerName): Promise<NchwConv[]> {
  const out: NchwConv[] = []
  for (const name of layersUpTo([deepest])) {
    const k = weights[`${name}/kernel`]
    const b = weights[`${name}/bias`]
    if (k === undefined || b === undefined) throw new Error(`VGG-19 weights lack ${name}/kernel or ${name}/bias`)
    const [kh, kw, inC, outC] = k.shape as [number, number, number, number]
    if (kh !== 3 || kw !== 3 || k.shape.length !== 4) throw new Error(`${name}/kernel: expected HWIO [3, 3, in, out], got [${k.shape.join(', ')}]`)
    const hwio = await k.data()
    const bias = await b.data()
    if (!(hwio instanceof Float32Array) || !(bias instanceof Float32Array)) throw new Error(`${name}: weights must be float32`)
    const reverseIn = name === 'conv1_1'
    const oihw = new Float32Array(hwio.length)
    for (let o = 0; o < outC; o++) {
      for (let i = 0; i < inC; i++) {
        const src = reverseIn ? inC - 1 - i : i
        for (let y = 0; y < 3; y++) {
          for (let x = 0; x < 3; x++) {
            oihw[((o * inC + i) * 3 + y) * 3 + x] = hwio[((y * 3 + x) * inC + src) * outC + o] as number
          }
        }
      }
    }
    out.push({ name, outC, inC, kernel: oihw, bias: Float32Array.from(bias) })
  }
  return out
}

export { featureSize } from '../../models/vgg19/layers.js'
