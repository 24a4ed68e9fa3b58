import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
// Types only: the runtime module is imported dynamically so that a platform without
// onnxruntime-node's native binary can still load this file and get a reason instead of a crash.
import type * as Ort from 'onnxruntime-node'
import { GraphBuilder } from './graph-builder.js'

export type OrtModule = typeof Ort
export type OrtSession = Ort.InferenceSession
export type OrtTensor = Ort.Tensor

let loading: Promise<OrtModule> | null = null

/**
 * The CUDA provider is not shipped in the npm package (its postinstall fetches it from NuGet,
 * skipped here by .npmrc); where a user installed it (README), the probe tries it first.
 */
let providers: string[] = ['cpu']
function cudaProviderInstalled(): boolean {
  try {
    const bin = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'))
    const root = join(bin, '..', 'bin')
    return existsSync(root) && readdirSync(root, { recursive: true }).some((f) => String(f).includes('onnxruntime_providers_cuda'))
  } catch {
    return false
  }
}

/** onnxruntime-node, loaded once. Rejects when its native binding cannot load here. */
export function loadOrt(): Promise<OrtModule> {
  loading ??= import(/* @vite-ignore */ 'onnxruntime-node') as Promise<OrtModule>
  return loading
}

export interface SessionConfig {
  /** Intra-op threads (default: the machine's available parallelism). */
  threads?: number
  /** Execution providers (default: those the probe found working in this process). */
  executionProviders?: string[]
}

/** The providers the probe settled on, for a child process that skips its own probe. */
export const probedProviders = (): string[] => [...providers]

/**
 * Session options that mattered in the measurements: all cores for intra-op work and
 * graph optimisation level 'all' (it enables the NCHWc conv kernels and constant-folds the
 * rotated backward kernels); one sequential inter-op stream, since the graph is a chain.
 */
export function sessionOptions(config: SessionConfig = {}): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: config.executionProviders ?? providers,
    intraOpNumThreads: config.threads ?? availableParallelism(),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all'
  }
}

export type OnnxProbe =
  | { available: true; version: string; detail: string }
  | { available: false; reason: string }

/**
 * Whether the ONNX path can run here: loads onnxruntime-node and runs a one-node graph. Never
 * throws; a failure comes back as a one-line reason for the backend chooser.
 */
export async function probeOnnxRuntime(config: SessionConfig = {}): Promise<OnnxProbe> {
  let ort: OrtModule
  try {
    ort = await loadOrt()
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? ''
    loading = null
    return { available: false, reason: /Cannot find (module|package)/.test(msg) ? 'onnxruntime-node is not installed' : `onnxruntime-node failed to load: ${msg}` }
  }
  if (cudaProviderInstalled()) {
    providers = ['cuda', 'cpu']
    const cuda = await runProbe(ort, config)
    if (cuda.available) return { ...cuda, detail: cuda.detail.replace(', cpu,', ', cuda,') }
    providers = ['cpu']
  }
  return runProbe(ort, config)
}

async function runProbe(ort: OrtModule, config: SessionConfig): Promise<OnnxProbe> {
  let session: OrtSession | null = null
  try {
    const g = new GraphBuilder('probe')
    g.output(g.op('Add', [g.input('a', [2]), g.constF([1, 2], [2])]), 'b', [2])
    session = await ort.InferenceSession.create(g.build(), sessionOptions(config))
    const out = await session.run({ a: new ort.Tensor('float32', Float32Array.of(1, 1), [2]) })
    const b = out.b?.data
    if (!(b instanceof Float32Array) || b[0] !== 2 || b[1] !== 3) throw new Error('the probe graph computed a wrong result')
    const threads = config.threads ?? availableParallelism()
    return { available: true, version: ort.env.versions.node ?? 'unknown', detail: `onnxruntime-node ${ort.env.versions.node ?? '?'}, cpu, ${threads} threads` }
  } catch (e) {
    return { available: false, reason: `onnxruntime-node loaded but cannot run a graph: ${(e as Error).message.split('\n')[0] ?? ''}` }
  } finally {
    await session?.release()
  }
}
