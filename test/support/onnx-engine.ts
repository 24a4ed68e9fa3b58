import { chooseNodeBackend, createNodeEngine, type NodeEngine } from '../../helper/backend.js'
import { probeOnnxRuntime } from '../../helper/onnx/index.js'
import { realWeights } from './tf.js'

/**
 * The helper's engine on the onnx backend with the real weights, or the reason onnxruntime-node
 * cannot run on this machine (the caller skips with it).
 */
export async function openOnnxEngine(): Promise<NodeEngine | { skip: string }> {
  const probe = await probeOnnxRuntime()
  if (!probe.available) return { skip: probe.reason }
  return createNodeEngine(await chooseNodeBackend('onnx'), await realWeights())
}
