import type { ConvLayerName, StyleTransferOptions } from '../../models/style-transfer/types.js'
import { CHANNELS, CONV_LAYERS } from '../../models/vgg19/layers.js'
import { buildObjectiveGraph, buildTargetsGraph, EPS_LOSS, OBJ, TGT } from './gatys-graph.js'
import type { OrtModule, OrtSession, OrtTensor, SessionConfig } from './ort-runtime.js'
import { SessionCache, type SessionStats } from './session-cache.js'
import { featureSize, type GraphLayout, type NchwConv } from './vgg-nchw.js'

/*
 * The Gatys objective on onnxruntime over plain Float32Arrays: no tfjs here, so that the same code
 * runs in the helper's process (onnx-objective.ts wraps it for the engine) and in the child
 * process that holds the sessions for one job (onnx-host.ts).
 */

/** An RGB image [1, h, w, 3] in 0..1, row-major, as a Float32Array. */
export interface ImagePlanes {
  data: Float32Array
  h: number
  w: number
}

/** The options the graphs and the loss coefficients read (plain data: it crosses processes). */
export type CoreOptions = Pick<StyleTransferOptions,
  'pooling' | 'contentLayer' | 'styleLayers' | 'styleLayerWeights' | 'styleBlend' | 'contentWeight' | 'styleWeight' | 'tvWeight'>

export const coreOptions = (o: CoreOptions): CoreOptions => ({
  pooling: o.pooling, contentLayer: o.contentLayer, styleLayers: [...o.styleLayers], styleLayerWeights: [...o.styleLayerWeights],
  styleBlend: [...o.styleBlend], contentWeight: o.contentWeight, styleWeight: o.styleWeight, tvWeight: o.tvWeight
})

export interface CoreInputs {
  content: ImagePlanes
  styles: ImagePlanes[]
  options: CoreOptions
}

export interface CoreEvaluation {
  parts: [number, number, number]
  /** d loss / d image, [1, H, W, 3]. */
  grad: Float32Array
}

export interface CoreObjective {
  evaluate(image: Float32Array): Promise<CoreEvaluation>
  /** Returns the objective's session to the cache. */
  dispose(): void
}

export interface OnnxObjectiveStats {
  objective: SessionStats
  targets: SessionStats
  /** Time spent computing content features and style Grams, ms. */
  targetsMs: number
  /**
   * With isolation 'process': child processes started, the time until each could take work (ms,
   * summed), and the one alive now (null between jobs).
   */
  processes?: { started: number; startMs: number; pid: number | null }
}

export interface OnnxCoreConfig extends SessionConfig {
  /** Deepest VGG layer any run may use (default conv5_1, as the engine's default). */
  deepest?: ConvLayerName
  /** Idle per-size objective sessions kept for reuse (default 6: a default 128..512 run has 5 scales). */
  maxSessions?: number
}

export interface OnnxCore {
  prepare(inputs: CoreInputs): Promise<CoreObjective>
  /** Releases every cached session nobody is using. */
  releaseSessions(): Promise<void>
  /** Releases every session; the core cannot be used afterwards. */
  dispose(): Promise<void>
  stats(): OnnxObjectiveStats
}

/** Normalised weights (sum 1), as ui/engine/objective.ts's normalise (not imported: it pulls in tfjs). */
const normalise = (ws: readonly number[]): number[] => {
  const total = ws.reduce((a, b) => a + b, 0)
  return ws.map((w) => w / total)
}

const keyOf = (l: GraphLayout): string => `${l.pooling}|${l.contentLayer}|${l.styleLayers.join(',')}`

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
async function computeTargets(ort: OrtModule, session: OrtSession, content: ImagePlanes, styles: readonly ImagePlanes[], o: CoreOptions): Promise<Targets> {
  const run = ({ data, h, w }: ImagePlanes): Promise<Record<string, OrtTensor>> =>
    session.run({ [TGT.image]: new ort.Tensor('float32', data, [1, h, w, 3]) })
  const contentFeatures = outputData(await run(content), TGT.content)
  const layers = [...new Set(o.styleLayers)]
  const blend = normalise(o.styleBlend.length === styles.length ? o.styleBlend : styles.map(() => 1))
  const sums = new Map<ConvLayerName, Float64Array>(layers.map((l) => [l, new Float64Array(CHANNELS[l] ** 2)]))
  for (let i = 0; i < styles.length; i++) {
    const s = styles[i] as ImagePlanes
    const out = await run(s)
    for (const l of layers) {
      const [fh, fw] = featureSize(s.h, s.w, l)
      const k = (blend[i] as number) / (fh * fw)
      const raw = outputData(out, TGT.gram(l))
      const acc = sums.get(l) as Float64Array
      for (let q = 0; q < raw.length; q++) acc[q] = (acc[q] as number) + (raw[q] as number) * k
    }
  }
  return { content: contentFeatures, grams: new Map([...sums].map(([l, a]) => [l, Float32Array.from(a)])) }
}

function checkImage(img: ImagePlanes, what: string): void {
  if (img.data.length !== img.h * img.w * 3) throw new Error(`${what}: expected ${img.h}x${img.w}x3 floats, got ${img.data.length}`)
}

/**
 * One objective session per image size and layout, cached; targets from a forward-only session.
 * Same loss as createTfjsObjective (ui/engine/objective.ts); the graph is in gatys-graph.ts.
 */
export function createOnnxCore(ort: OrtModule, convs: readonly NchwConv[], config: OnnxCoreConfig = {}): OnnxCore {
  const deepest = config.deepest ?? 'conv5_1'
  const objectives = new SessionCache(ort, config, config.maxSessions ?? 6)
  // Targets sessions have symbolic sizes: one per layout is enough, keep two layouts.
  const targetSessions = new SessionCache(ort, config, 2)
  let targetsMs = 0
  let disposed = false
  const graphConvs = [...convs]

  return {
    async prepare({ content, styles, options: o }) {
      if (disposed) throw new Error('the ONNX objective factory was disposed')
      const layout: GraphLayout = { pooling: o.pooling, contentLayer: o.contentLayer, styleLayers: o.styleLayers }
      for (const l of [o.contentLayer, ...o.styleLayers]) {
        if (CONV_LAYERS.indexOf(l) > CONV_LAYERS.indexOf(deepest)) throw new Error(`layer ${l} is deeper than the ONNX objective's deepest layer ${deepest}`)
      }
      checkImage(content, 'content')
      styles.forEach((s, i) => checkImage(s, `style ${i + 1}`))
      const { h: H, w: W } = content

      const t0 = performance.now()
      const tLease = await targetSessions.acquire(keyOf(layout), () => buildTargetsGraph({ ...layout, convs: graphConvs }))
      let targets: Targets
      try {
        targets = await computeTargets(ort, tLease.session, content, styles, o)
      } finally {
        tLease.done()
      }
      targetsMs += performance.now() - t0

      const lease = await objectives.acquire(`${H}x${W}|${keyOf(layout)}`, () => buildObjectiveGraph({ ...layout, height: H, width: W, convs: graphConvs }))
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
        async evaluate(image) {
          if (!live) throw new Error('this ONNX objective was disposed')
          if (image.length !== H * W * 3) throw new Error(`this objective was built for ${W}x${H} images, got ${image.length} floats`)
          const out = await lease.session.run({ ...feeds, [OBJ.image]: new ort.Tensor('float32', image, [1, H, W, 3]) })
          const p = outputData(out, OBJ.parts)
          return { parts: [p[0] as number, p[1] as number, p[2] as number], grad: outputData(out, OBJ.grad) }
        },
        dispose() {
          if (!live) return
          live = false
          lease.done()
        }
      }
    },
    async releaseSessions() {
      await objectives.releaseIdle()
      await targetSessions.releaseIdle()
    },
    async dispose() {
      disposed = true
      await objectives.dispose()
      await targetSessions.dispose()
    },
    stats: () => ({ objective: objectives.stats(), targets: targetSessions.stats(), targetsMs })
  }
}
