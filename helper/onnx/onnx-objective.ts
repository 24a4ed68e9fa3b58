import * as tf from '@tensorflow/tfjs-core'
import type { Objective, ObjectiveFactory, ObjectiveInputs } from '../../models/style-transfer/objective.js'
import { totalOf } from '../../models/style-transfer/terms/index.js'
import type { VggWeights } from '../../models/style-transfer/types.js'
import { coreOptions, createOnnxCore, type ImagePlanes, type OnnxCore, type OnnxCoreConfig, type OnnxObjectiveStats } from './onnx-core.js'
import { createProcessCore } from './onnx-process.js'
import { loadOrt } from './ort-runtime.js'
import { toNchwWeights } from './vgg-nchw.js'

export type { OnnxObjectiveStats } from './onnx-core.js'

export interface OnnxObjectiveConfig extends OnnxCoreConfig {
  /**
   * Where the onnxruntime sessions live. 'none' (default): in this process. 'process': in a child
   * process that starts at a job's first scale and exits when releaseSessions() is called (between
   * jobs), which is the only way measured here to give their memory back (see onnx-process.ts).
   */
  isolation?: 'none' | 'process'
}

/** An ObjectiveFactory that also owns onnxruntime sessions, so it must be disposed. */
export interface OnnxObjectiveFactory extends ObjectiveFactory {
  /** Releases every cached session nobody is using (weights stay converted). Call between jobs. */
  releaseSessions(): Promise<void>
  /** Releases every session; the factory cannot be used afterwards. */
  dispose(): Promise<void>
  stats(): OnnxObjectiveStats
}

/** Float32 data of a tfjs [1, H, W, 3] image, with its size. */
async function imageData(t: tf.Tensor): Promise<ImagePlanes> {
  const [n, h, w, c] = t.shape as [number, number, number, number]
  if (t.shape.length !== 4 || n !== 1 || c !== 3) throw new Error(`expected an image tensor [1, H, W, 3], got [${t.shape.join(', ')}]`)
  const data = await t.data()
  if (!(data instanceof Float32Array)) throw new Error(`expected a float32 image, got ${t.dtype}`)
  return { data, h, w }
}

/** The engine's ObjectiveFactory over a core: tfjs tensors in, a tfjs gradient out. */
function wrapCore(core: OnnxCore): OnnxObjectiveFactory {
  const create = async ({ content, styles, options }: ObjectiveInputs): Promise<Objective> => {
    const c = await imageData(content)
    const s = await Promise.all(styles.map(imageData))
    const objective = await core.prepare({ content: c, styles: s, options: coreOptions(options) })
    const { h: H, w: W } = c
    let live = true
    return {
      async evaluate(x) {
        if (!live) throw new Error('this ONNX objective was disposed')
        const { data, h, w } = await imageData(x)
        if (h !== H || w !== W) throw new Error(`this objective was built for ${W}x${H} images, got ${w}x${h}`)
        const { parts, grad } = await objective.evaluate(data)
        // The caller owns (and disposes) the gradient tensor, as with the tfjs objective.
        return { loss: totalOf(parts), parts, grad: tf.tensor4d(grad, [1, H, W, 3]) }
      },
      dispose() {
        if (!live) return
        live = false
        objective.dispose()
      }
    }
  }
  return Object.assign(create, {
    releaseSessions: () => core.releaseSessions(),
    dispose: () => core.dispose(),
    stats: () => core.stats()
  })
}

/**
 * The Gatys objective (loss and image gradient) on onnxruntime-node, as an engine ObjectiveFactory.
 * Same loss as createTfjsObjective (models/style-transfer/objective.ts), from the same terms; the graph is in gatys-graph.ts, the
 * sessions and targets in onnx-core.ts. Rejects when onnxruntime-node cannot load (use
 * probeOnnxRuntime or chooseOnnxObjective first).
 */
export async function createOnnxObjective(weights: VggWeights, config: OnnxObjectiveConfig = {}): Promise<OnnxObjectiveFactory> {
  const { isolation = 'none', ...coreConfig } = config
  const convs = await toNchwWeights(weights, coreConfig.deepest ?? 'conv5_1')
  if (isolation === 'process') return wrapCore(createProcessCore(convs, coreConfig))
  return wrapCore(createOnnxCore(await loadOrt(), convs, coreConfig))
}
