import { after, before, type TestContext } from 'node:test'
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

/**
 * Opens the onnx engine before the file's tests and closes it after them. Each test calls the
 * returned function: the engine, or null once the test is marked skipped with the reason.
 */
export function onnxEngineForFile(): (t: TestContext) => NodeEngine | null {
  let node: NodeEngine | null = null
  let skip = 'not opened'
  before(async () => {
    const opened = await openOnnxEngine()
    if ('skip' in opened) skip = opened.skip
    else node = opened
  })
  after(async () => { await node?.dispose() })
  return (t) => {
    if (node === null) t.skip(`onnxruntime-node cannot run here: ${skip}`)
    return node
  }
}
