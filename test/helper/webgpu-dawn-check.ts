// Run by webgpu-dawn.test.ts in a child process with VK_ICD_FILENAMES set.
import * as tf from '@tensorflow/tfjs-core'
import { chooseNodeBackend } from '../../helper/backend.js'
import { createTfjsObjective } from '../../models/style-transfer/objective.js'
import { rgbTensor } from '../../models/style-transfer/image-tensor.js'
import { resolveOptions } from '../../models/style-transfer/resolve-options.js'
import { createVgg19Features } from '../../models/vgg19/features.js'
import { checker, gradient, realWeights } from '../support/tf.js'

async function lossAndGrad(convGrad: 'native' | 'rewrite'): Promise<{ loss: number; grad: Float32Array }> {
  const vgg = createVgg19Features(await realWeights(), { convGrad, deepest: ['conv5_1'] })
  const content = rgbTensor(gradient(32, 32))
  const style = rgbTensor(checker(32, 32))
  const objective = await createTfjsObjective(vgg)({ content, styles: [style], options: resolveOptions({}) })
  const x = tf.tidy(() => tf.clipByValue(tf.add(content, tf.mul(style, 0.2)), 0, 1))
  const e = await objective.evaluate(x)
  const grad = (await e.grad.data()) as Float32Array
  tf.dispose([content, style, x, e.grad])
  objective.dispose()
  vgg.dispose()
  return { loss: e.loss, grad }
}

// wasm first: moving tensors off WebGPU needs a synchronous read, which Dawn in Node lacks.
await chooseNodeBackend('wasm')
const cpu = await lossAndGrad('rewrite')
const t0 = performance.now()
const choice = await chooseNodeBackend('webgpu')
const adapter = choice.reasons.join('; ')
const gpu = await lossAndGrad(choice.convGrad)
const ms = performance.now() - t0
let num = 0
let den = 0
gpu.grad.forEach((g, i) => { num += (g - cpu.grad[i]!) ** 2; den += cpu.grad[i]! ** 2 })
console.log(JSON.stringify({ adapter, lossWebgpu: gpu.loss, lossWasm: cpu.loss, gradErr: Math.sqrt(num / den), ms }))
process.exit(0)
