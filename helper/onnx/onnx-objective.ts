import * as tf from '@tensorflow/tfjs-core'
import { normalise, type Objective, type ObjectiveFactory, type ObjectiveInputs } from '../../ui/engine/objective.js'
import type { ConvLayerName, StyleTransferOptions, VggWeights } from '../../ui/engine/types.js'
import { CHANNELS, CONV_LAYERS } from '../../ui/engine/vgg19-layers.js'
import { buildObjectiveGraph, buildTargetsGraph, EPS_LOSS, OBJ, TGT } from './gatys-graph.js'
import { loadOrt, type OrtModule, type OrtSession, type OrtTensor, type SessionConfig } from './ort-runtime.js'
import { SessionCache, type SessionStats } from './session-cache.js'
import { featureSize, toNchwWeights, type GraphLayout, type NchwConv } from './vgg-nchw.js'

export interface OnnxObjectiveConfig extends SessionConfig {
  /** Deepest VGG layer any run may use (default conv5_1, as the engine's default). */
  deepest?: ConvLayerName
  /** Idle per-size objective sessions kept for reuse (default 6: a default 128..512 run has 5 scales). */
  maxSessions?: number
}

export interface OnnxObjectiveStats {
  objective: SessionStats
  targets: SessionStats
  /** Time spent computing content features and style Grams, ms. */
  targetsMs: number
}

/** An ObjectiveFactory that also owns onnxruntime sessions, so it must be disposed. */
export interface OnnxObjectiveFactory extends ObjectiveFactory {
  /** Releases every cached session nobody is using (weights stay converted). Call between jobs. */
  releaseSessions(): Promise<void>
  /** Releases every session; the factory cannot be used afterwards. */
  dispose(): Promise<void>
  stats(): OnnxObjectiveStats
}

const keyOf = (l: GraphLayout): string => `${l.pooling}|${l.contentLayer}|${l.styleLayers.join(',')}`

/** Float32 data of a tfjs [1, H, W, 3] image, with its size. */
async function imageData(t: tf.Tensor): Promise<{ data: Float32Array; h: number; w: number }> {
  const [n, h, w, c] = t.shape as [number, number, number, number]
  if (t.shape.length !== 4 || n !== 1 || c !== 3) throw new Error(`expected an image tensor [1, H, W, 3], got [${t.shape.join(', ')}]`)
  const data = await t.data()
  if (!(data instanceof Float32Array)) throw new Error(`expected a float32 image, got ${t.dtype}`)
  return { data, h, w }
}

function meanSquare(a: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (a[i] as number)
  return s / a.length
}

function outputData(out: Record<string, OrtTensor>, name: string): Float32Array {
  const t = out[name]
  if (t === undefined || !(t.data instanceof Float32Array)) throw new Error(`onnxruntime returned no float32 output ${name}`)
  return t.data
}

interface Targets {
  content: Float32Array
  /** Blended, normalised Gram per distinct style layer. */
  grams: Map<ConvLayerName, Float32Array>
}

/**
 * Content features and blended style Grams, computed by the forward-only graph (one session with
 * symbolic height and width serves every image and scale). The Gram normalisation by H W and the
 * blend (styleBlend normalised to sum 1) are done here, in float64, as objective.ts does in float32.
 */
async function computeTargets(ort: OrtModule, session: OrtSession, content: tf.Tensor4D, styles: readonly tf.Tensor4D[], o: StyleTransferOptions): Promise<Targets> {
  const run = async (t: tf.Tensor4D): Promise<{ out: Record<string, OrtTensor>; h: number; w: number }> => {
    const { data, h, w } = await imageData(t)
    return { out: await session.run({ [TGT.image]: new ort.Tensor('float32', data, [1, h, w, 3]) }), h, w }
  }
  const c = await run(content)
  const contentFeatures = outputData(c.out, TGT.content)
  const layers = [...new Set(o.styleLayers)]
  const blend = normalise(o.styleBlend.length === styles.length ? o.styleBlend : styles.map(() => 1))
  const sums = new Map<ConvLayerName, Float64Array>(layers.map((l) => [l, new Float64Array(CHANNELS[l] ** 2)]))
  for (let i = 0; i < styles.length; i++) {
    const s = await run(styles[i] as tf.Tensor4D)
    for (const l of layers) {
      const [fh, fw] = featureSize(s.h, s.w, l)
      const k = (blend[i] as number) / (fh * fw)
      const raw = outputData(s.out, TGT.gram(l))
      const acc = sums.get(l) as Float64Array
      for (let q = 0; q < raw.length; q++) acc[q] = (acc[q] as number) + (raw[q] as number) * k
    }
  }
  return { content: contentFeatures, grams: new Map([...sums].map(([l, a]) => [l, Float32Array.from(a)])) }
}

/**
 * The Gatys objective (loss and image gradient) on onnxruntime-node, as an engine ObjectiveFactory.
 * Same loss as createTfjsObjective (ui/engine/objective.ts); the graph is in gatys-graph.ts. One
 * objective session per image size and layout, cached; targets from a forward-only session.
 * Rejects when onnxruntime-node cannot load (use probeOnnxRuntime or chooseOnnx first).
 */
export async function createOnnxObjective(weights: VggWeights, config: OnnxObjectiveConfig = {}): Promise<OnnxObjectiveFactory> {
  const ort = await loadOrt()
  const deepest = config.deepest ?? 'conv5_1'
  const convs: NchwConv[] = await toNchwWeights(weights, deepest)
  const objectives = new SessionCache(ort, config, config.maxSessions ?? 6)
  // Targets sessions have symbolic sizes: one per layout is enough, keep two layouts.
  const targetSessions = new SessionCache(ort, config, 2)
  let targetsMs = 0
  let disposed = false

  const create = async ({ content, styles, options: o }: ObjectiveInputs): Promise<Objective> => {
    if (disposed) throw new Error('the ONNX objective factory was disposed')
    const layout: GraphLayout = { pooling: o.pooling, contentLayer: o.contentLayer, styleLayers: o.styleLayers }
    for (const l of [o.contentLayer, ...o.styleLayers]) {
      if (CONV_LAYERS.indexOf(l) > CONV_LAYERS.indexOf(deepest)) throw new Error(`layer ${l} is deeper than the ONNX objective's deepest layer ${deepest}`)
    }
    const [, H, W] = content.shape

    const t0 = performance.now()
    const tLease = await targetSessions.acquire(keyOf(layout), () => buildTargetsGraph({ ...layout, convs }))
    let targets: Targets
    try {
      targets = await computeTargets(ort, tLease.session, content, styles, o)
    } finally {
      tLease.done()
    }
    targetsMs += performance.now() - t0

    const lease = await objectives.acquire(`${H}x${W}|${keyOf(layout)}`, () => buildObjectiveGraph({ ...layout, height: H, width: W, convs }))
    // Coefficients: each loss term is k * (sum of squares), see gatys-graph.ts.
    const scalar = (v: number): OrtTensor => new ort.Tensor('float32', Float32Array.of(v), [])
    const [cc, ch, cw] = [CHANNELS[o.contentLayer], ...featureSize(H, W, o.contentLayer)]
    const feeds: Record<string, OrtTensor> = {
      [OBJ.contentTarget]: new ort.Tensor('float32', targets.content, [1, cc, ch, cw]),
      [OBJ.kContent]: scalar(o.contentWeight / ((meanSquare(targets.content) + EPS_LOSS) * targets.content.length)),
      [OBJ.kTv]: scalar(o.tvWeight)
    }
    const layerWeights = normalise(o.styleLayerWeights)
    o.styleLayers.forEach((l, j) => {
      const gt = targets.grams.get(l) as Float32Array
      const c = CHANNELS[l]
      feeds[OBJ.gramTarget(j)] = new ort.Tensor('float32', gt, [c, c])
      feeds[OBJ.kStyle(j)] = scalar(((layerWeights[j] as number) * o.styleWeight) / ((meanSquare(gt) + EPS_LOSS) * c * c))
    })
    let live = true

    return {
      async evaluate(x) {
        if (!live) throw new Error('this ONNX objective was disposed')
        const { data, h, w } = await imageData(x)
        if (h !== H || w !== W) throw new Error(`this objective was built for ${W}x${H} images, got ${w}x${h}`)
        const out = await lease.session.run({ ...feeds, [OBJ.image]: new ort.Tensor('float32', data, [1, H, W, 3]) })
        const p = outputData(out, OBJ.parts)
        const parts = [p[0] as number, p[1] as number, p[2] as number] as const
        // The caller owns (and disposes) the gradient tensor, as with the tfjs objective.
        const grad = tf.tensor4d(outputData(out, OBJ.grad), [1, H, W, 3])
        return { loss: parts[0] + parts[1] + parts[2], parts, grad }
      },
      dispose() {
        if (!live) return
        live = false
        lease.done()
      }
    }
  }

  return Object.assign(create, {
    releaseSessions: async () => {
      await objectives.releaseIdle()
      await targetSessions.releaseIdle()
    },
    dispose: async () => {
      disposed = true
      await objectives.dispose()
      await targetSessions.dispose()
    },
    stats: (): OnnxObjectiveStats => ({ objective: objectives.stats(), targets: targetSessions.stats(), targetsMs })
  })
}
