import { partsOf, termLayers, TERMS } from '../../models/style-transfer/terms/index.js'
import type { Feed, LossParts, TargetOutputs, Term } from '../../models/style-transfer/terms/term.js'
import type { ConvLayerName, StyleTransferOptions } from '../../models/style-transfer/types.js'
import { CONV_LAYERS } from '../../models/vgg19/layers.js'
import { buildObjectiveGraph, buildTargetsGraph, OBJ, TARGETS_IMAGE, targetOutputs, termValue } from './gatys-graph.js'
import type { OrtModule, OrtSession, OrtTensor, SessionConfig } from './ort-runtime.js'
import { SessionCache, type SessionStats } from './session-cache.js'
import type { NchwConv } from './vgg-nchw.js'

/*
 * The Gatys objective on onnxruntime over plain Float32Arrays: no tfjs tensors here (the terms'
 * ONNX side is plain arithmetic), so that the same code runs in the helper's process
 * (onnx-objective.ts wraps it for the engine) and in the child process that holds the sessions for
 * one job (onnx-host.ts), which has no tfjs backend. The child still loads the tfjs-core module
 * (through the term modules, as before through area-resize.ts and losses.ts).
 */

/** An RGB image [1, h, w, 3] in 0..1, row-major, as a Float32Array. */
export interface ImagePlanes {
  data: Float32Array
  h: number
  w: number
}

/**
 * The options the graphs and the terms' coefficients read: all of them, since any term may read
 * its own (plain data: they cross into the child process).
 */
export type CoreOptions = StyleTransferOptions

export const coreOptions = (o: StyleTransferOptions): CoreOptions => ({
  ...o, styleLayers: [...o.styleLayers], styleLayerWeights: [...o.styleLayerWeights], styleBlend: [...o.styleBlend]
})

export interface CoreInputs {
  content: ImagePlanes
  styles: ImagePlanes[]
  options: CoreOptions
}

export interface CoreEvaluation {
  /** Each term's weighted value, keyed by term name. */
  parts: LossParts
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

/** The session key: pooling and every term's layers shape the graphs (sizes are added per objective). */
const keyOf = (terms: readonly Term[], o: StyleTransferOptions): string =>
  [o.pooling, ...terms.map((t) => `${t.name}:${t.layers(o).join(',')}`)].join('|')

function outputData(out: Record<string, OrtTensor>, name: string): Float32Array {
  const t = out[name]
  if (t === undefined || !(t.data instanceof Float32Array)) throw new Error(`onnxruntime returned no float32 output ${name}`)
  return t.data
}

/**
 * Runs the forward-only targets graph (one session with symbolic height and width serves every
 * image and scale) on the content and on each style, fetching only what the terms read there.
 */
async function runTargets(ort: OrtModule, session: OrtSession, content: ImagePlanes, styles: readonly ImagePlanes[], terms: readonly Term[], o: CoreOptions):
  Promise<{ content: Record<string, OrtTensor>; styles: Array<Record<string, OrtTensor>> }> {
  const fetch = targetOutputs(terms, o)
  const run = async ({ data, h, w }: ImagePlanes, names: string[]): Promise<Record<string, OrtTensor>> =>
    names.length === 0 ? {} : session.run({ [TARGETS_IMAGE]: new ort.Tensor('float32', data, [1, h, w, 3]) }, names)
  const out = { content: await run(content, fetch.content), styles: [] as Array<Record<string, OrtTensor>> }
  for (const s of styles) out.styles.push(await run(s, fetch.styles))
  return out
}

/** One term's view of the targets graph's outputs on one image. */
function outputsFor(term: Term, out: Record<string, OrtTensor>, img: ImagePlanes): TargetOutputs {
  return { height: img.h, width: img.w, get: (key) => outputData(out, termValue(term, key)) }
}

function checkImage(img: ImagePlanes, what: string): void {
  if (img.data.length !== img.h * img.w * 3) throw new Error(`${what}: expected ${img.h}x${img.w}x3 floats, got ${img.data.length}`)
}

/**
 * One objective session per image size and layout, cached; targets from a forward-only session.
 * Same loss as createTfjsObjective (models/style-transfer/objective.ts), from the same `terms`;
 * the graphs are in gatys-graph.ts.
 */
export function createOnnxCore(ort: OrtModule, convs: readonly NchwConv[], config: OnnxCoreConfig = {}, terms: readonly Term[] = TERMS): OnnxCore {
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
      for (const l of termLayers(terms, o)) {
        if (CONV_LAYERS.indexOf(l) > CONV_LAYERS.indexOf(deepest)) throw new Error(`layer ${l} is deeper than the ONNX objective's deepest layer ${deepest}`)
      }
      checkImage(content, 'content')
      styles.forEach((s, i) => checkImage(s, `style ${i + 1}`))
      const { h: H, w: W } = content
      const key = keyOf(terms, o)

      const t0 = performance.now()
      const tLease = await targetSessions.acquire(key, () => buildTargetsGraph({ convs: graphConvs, options: o, terms }))
      let feeds: Record<string, OrtTensor>
      try {
        const out = await runTargets(ort, tLease.session, content, styles, terms, o)
        // Each term's inputs (targets, coefficients) from its outputs, under its own names.
        feeds = Object.fromEntries(terms.flatMap((term) => {
          const own: Record<string, Feed> = term.onnx.feeds({
            options: o, height: H, width: W,
            content: outputsFor(term, out.content, content),
            styles: out.styles.map((r, i) => outputsFor(term, r, styles[i] as ImagePlanes))
          })
          return Object.entries(own).map(([k, f]) => [termValue(term, k), new ort.Tensor('float32', f.data, f.dims)])
        }))
      } finally {
        tLease.done()
      }
      targetsMs += performance.now() - t0

      const lease = await objectives.acquire(`${H}x${W}|${key}`, () => buildObjectiveGraph({ height: H, width: W, convs: graphConvs, options: o, terms }))
      let live = true

      return {
        async evaluate(image) {
          if (!live) throw new Error('this ONNX objective was disposed')
          if (image.length !== H * W * 3) throw new Error(`this objective was built for ${W}x${H} images, got ${image.length} floats`)
          const out = await lease.session.run({ ...feeds, [OBJ.image]: new ort.Tensor('float32', image, [1, H, W, 3]) })
          return { parts: partsOf(terms, outputData(out, OBJ.parts)), grad: outputData(out, OBJ.grad) }
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
