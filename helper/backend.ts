import * as tf from '@tensorflow/tfjs-core'
// In Node, tfjs-core's CommonJS build has no gradients and its ESM register_all_gradients cannot be
// imported (directory imports); the umbrella package's Node build registers them in the shared
// global registry, on the same single tfjs-core copy (`npm ls @tensorflow/tfjs-core`).
import '@tensorflow/tfjs'
import type { ConvGradMode } from '../models/vgg19/features.js'
import { createStyleTransfer, type StyleTransfer } from '../models/style-transfer/index.js'
import { createTfjsObjective, type ObjectiveFactory, type ObjectiveInputs } from '../models/style-transfer/objective.js'
import { createVgg19Features } from '../models/vgg19/features.js'
import { createTiledTfjsObjective } from '../models/style-transfer/tiled-objective.js'
import { fitsOnePass, type TileConfig } from '../models/style-transfer/tiles.js'
import type { VggWeights } from '../models/style-transfer/types.js'
import { availableParallelism } from 'node:os'
import { chooseOnnxObjective, probeOnnxRuntime, type OnnxObjectiveStats } from './onnx/index.js'

/**
 * The one backend chooser of the Node side (CLI and helper). Order: CUDA through tfjs-node-gpu,
 * then WebGPU through Dawn (the `webgpu` package), then the explicit-gradient ONNX graph on
 * onnxruntime-node's CPU provider (helper/onnx; 5-10x faster than wasm here), then tfjs-node
 * (native CPU), then wasm (SIMD).
 * The pure-JS cpu backend is only used when asked for by name (tests): about 50 s per iteration at
 * 128 px here, against 1.9 s on wasm.
 * tfjs-node(-gpu) and webgpu are not dependencies: their installs download native binaries and
 * fail offline. A user who wants them runs `npm install @tensorflow/tfjs-node-gpu` (or -node, or
 * webgpu @tensorflow/tfjs-backend-webgpu) and this chooser picks them up.
 */
export type NodeBackend = 'tensorflow-gpu' | 'webgpu' | 'onnx' | 'tensorflow' | 'wasm' | 'cpu'

export interface NodeBackendChoice {
  backend: NodeBackend
  /** tfjs backend name as registered. */
  tfjsName: string
  /** One line per candidate tried, saying why it was or was not taken. */
  reasons: string[]
  convGrad: ConvGradMode
}

const ORDER: NodeBackend[] = ['tensorflow-gpu', 'webgpu', 'onnx', 'tensorflow', 'wasm']

// Dynamic import through a variable so bundlers and tsc do not require optional packages.
const importOptional = (name: string): Promise<unknown> => import(/* @vite-ignore */ name)

async function tryBackend(b: NodeBackend, asked: boolean): Promise<string> {
  switch (b) {
    case 'tensorflow-gpu':
      await importOptional('@tensorflow/tfjs-node-gpu')
      return 'tensorflow'
    case 'tensorflow':
      await importOptional('@tensorflow/tfjs-node')
      return 'tensorflow'
    case 'webgpu': {
      const dawn = (await importOptional('webgpu')) as { create(opts: string[]): unknown; globals: object }
      Object.assign(globalThis, dawn.globals)
      const gpu = dawn.create([]) as { requestAdapter(): Promise<{ isFallbackAdapter?: boolean; info?: { description?: string; architecture?: string } } | null> }
      const adapter = await gpu.requestAdapter()
      if (adapter === null) throw new Error('Dawn found no GPU adapter')
      const name = `${adapter.info?.description ?? ''} ${adapter.info?.architecture ?? ''}`.trim()
      // A software adapter (SwiftShader) is far slower than the CPU paths below: only on request.
      if (!asked && (adapter.isFallbackAdapter === true || /swiftshader/i.test(name))) throw new Error(`only a software adapter (${name})`)
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true })
      await importOptional('@tensorflow/tfjs-backend-webgpu')
      return 'webgpu'
    }
    case 'onnx': {
      const probe = await probeOnnxRuntime({})
      if (!probe.available) throw new Error(probe.reason)
      // The loss and gradient run in onnxruntime; the optimiser's elementwise work stays on wasm.
      await import('@tensorflow/tfjs-backend-wasm')
      return 'wasm'
    }
    case 'wasm':
      await import('@tensorflow/tfjs-backend-wasm')
      return 'wasm'
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu')
      return 'cpu'
  }
}

/** Picks and initialises a backend; `prefer` forces one (errors if it cannot start). */
export async function chooseNodeBackend(prefer?: NodeBackend): Promise<NodeBackendChoice> {
  const candidates = prefer === undefined ? ORDER : [prefer]
  const reasons: string[] = []
  for (const b of candidates) {
    try {
      const tfjsName = await tryBackend(b, prefer !== undefined)
      if (!(await tf.setBackend(tfjsName))) throw new Error(`tfjs could not start the ${tfjsName} backend`)
      await tf.ready()
      reasons.push(`${b}: selected`)
      // The input-gradient rewrite (see ui/engine/vgg19.ts) measured faster on wasm and cpu.
      const convGrad: ConvGradMode = b === 'wasm' || b === 'cpu' || b === 'onnx' ? 'rewrite' : 'native'
      return { backend: b, tfjsName, reasons, convGrad }
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0] ?? ''
      reasons.push(`${b}: ${/Cannot find (module|package)/.test(msg) ? 'not installed' : msg}`)
    }
  }
  throw new Error(`No tfjs backend could start:\n  ${reasons.join('\n  ')}`)
}

export interface NodeEngine {
  engine: StyleTransfer
  /** What evaluates the loss, for the user: "onnx (onnxruntime-node 1.30.0, cpu, 2 threads)". */
  description: string
  /** Frees per-job caches (onnx sessions) while keeping the engine. */
  releaseCaches(): Promise<void>
  /** On 'onnx': sessions and child processes so far (tests, bench). */
  onnxStats?: () => OnnxObjectiveStats
  /** Scales larger than this are optimised in tiles with whole-image statistics; null: never. */
  tile: TileConfig | null
  dispose(): Promise<void>
}

/**
 * The engine for a chosen backend. On 'onnx' the objective is the native graph; if it cannot be
 * built the tfjs objective on wasm takes over and the description says why.
 */
export async function createNodeEngine(choice: NodeBackendChoice, weights: VggWeights, opts: { tile?: TileConfig | null } = {}): Promise<NodeEngine> {
  const tile = opts.tile ?? null
  if (choice.backend === 'onnx') {
    // Sessions in a child process per job: only a process exit gives their memory back
    // (helper/onnx/onnx-process.ts has the measurements).
    const c = await chooseOnnxObjective(weights, { threads: availableParallelism(), isolation: 'process' })
    if (c.available) {
      // The graph has no transparency masks: images with alpha go through the tfjs objective.
      const vgg = createVgg19Features(weights, { convGrad: choice.convGrad, deepest: ['conv5_1'] })
      // Tiled scales too: the graph evaluates whole images only.
      const tfjs = tile === null ? createTfjsObjective(vgg) : createTiledTfjsObjective(vgg, tile)
      const onnx = c.factory
      const needsTfjs = (inputs: ObjectiveInputs): boolean =>
        (inputs.contentMask ?? null) !== null || (inputs.styleMasks ?? []).some((m) => m !== null) ||
        [inputs.content, ...inputs.styles].some((t) => !fitsOnePass(t.shape[2], t.shape[1], tile))
      const objective: ObjectiveFactory = Object.assign(
        (inputs: ObjectiveInputs) => (needsTfjs(inputs) ? tfjs(inputs) : onnx(inputs)),
        { supportsMasks: true }
      )
      const inner = createStyleTransfer(weights, { objective })
      // Each job ends with its onnxruntime process gone, whatever runs it (CLI, helper queue, tests).
      const engine: StyleTransfer = {
        stylizeAsync: async (...args) => {
          try {
            return await inner.stylizeAsync(...args)
          } finally {
            await onnx.releaseSessions()
          }
        },
        dispose: () => inner.dispose()
      }
      return {
        engine,
        description: c.reason.replace(/^onnx: selected /, 'onnx '),
        releaseCaches: () => onnx.releaseSessions(),
        onnxStats: () => onnx.stats(),
        tile,
        dispose: async () => { engine.dispose(); vgg.dispose(); await onnx.dispose() }
      }
    }
    choice.reasons.push(c.reason)
  }
  const engine = createStyleTransfer(weights, { convGrad: choice.convGrad, tile })
  return { engine, description: `tfjs ${choice.tfjsName}`, releaseCaches: async () => {}, tile, dispose: async () => engine.dispose() }
}
