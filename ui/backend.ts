// Picks the tfjs backend of the UI iframe. This module uses the DOM (navigator.gpu, WebGL) and must
// run in the UI context. Order: WebGPU when navigator.gpu yields an adapter, else WebGL, else wasm.
// The local helper is not a tfjs backend: ui/run/run-on-helper-async.ts decides when a job goes
// there (forced in the settings, or a big job while paired) and the job then reports a HelperChoice.
import * as tf from '@tensorflow/tfjs-core'
// tfjs-core ships gradients apart from the ops; the engine needs them for the optimisation.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import '@tensorflow/tfjs-backend-webgl'
import '@tensorflow/tfjs-backend-webgpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import type { Backend } from '../plugin/messages.js'
import { WASM_BINARY_URLS } from './wasm-binaries.js'

export type LocalBackend = 'webgpu' | 'webgl' | 'wasm'
export const LOCAL_ORDER: readonly LocalBackend[] = ['webgpu', 'webgl', 'wasm']
export const BACKEND_LABEL: Record<LocalBackend, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'CPU (WebAssembly)' }

export interface BackendChoice {
  backend: LocalBackend
  /** Why this one: a sentence for the panel. */
  reason: string
}

/** A job that runs on the paired helper: its engine ('onnx', 'wasm', …) and device, as it said in its capabilities. */
export interface HelperChoice {
  backend: 'helper'
  engine: string
  device: string
  reason: string
}

/** Where a job runs: a backend in this panel, or the helper. */
export type RunChoice = BackendChoice | HelperChoice

/** "WebGPU", "Helper (onnx on 2 x Intel Xeon …)". */
export function runLabelOf(choice: RunChoice): string {
  return choice.backend === 'helper' ? `Helper (${choice.engine} on ${choice.device})` : BACKEND_LABEL[choice.backend]
}

// Threads need a cross-origin-isolated page (SharedArrayBuffer); Figma's null-origin iframe is
// not one, so say so up front and never load the threaded binary.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
setWasmPaths(WASM_BINARY_URLS)

interface GpuLike { requestAdapter(): Promise<object | null> }

/** Why a backend cannot start here, or null if it can. Starting it makes it the current backend. */
async function startAsync(backend: LocalBackend): Promise<string | null> {
  if (backend === 'webgpu') {
    const gpu = (navigator as Navigator & { gpu?: GpuLike }).gpu
    if (gpu === undefined) return 'WebGPU is not available in this browser'
    // tfjs's webgpu factory crashes on a null adapter, so ask first.
    if ((await gpu.requestAdapter().catch(() => null)) === null) return 'WebGPU found no graphics adapter'
  }
  try {
    if (!(await tf.setBackend(backend))) return `${BACKEND_LABEL[backend]} could not start`
    await tf.ready()
    return null
  } catch (error) {
    return `${BACKEND_LABEL[backend]} could not start (${error instanceof Error ? error.message : String(error)})`
  }
}

/**
 * Starts the first backend that works, beginning with `prefer` when the settings force one, and
 * says why. `after` skips every backend up to and including it (used when one failed mid-run).
 */
export async function chooseBackendAsync(prefer: Backend, after?: LocalBackend): Promise<BackendChoice> {
  const forced = prefer === 'webgpu' || prefer === 'webgl' || prefer === 'wasm' ? prefer : null
  let order = forced === null ? [...LOCAL_ORDER] : [forced, ...LOCAL_ORDER.filter((b) => b !== forced)]
  if (after !== undefined) order = LOCAL_ORDER.slice(LOCAL_ORDER.indexOf(after) + 1)
  const skipped: string[] = []
  if (prefer === 'helper') skipped.push('the helper is not connected')
  for (const backend of order) {
    const problem = await startAsync(backend)
    if (problem === null) {
      const why = backend === forced && skipped.length === 0 ? 'chosen in the settings' : skipped.length === 0 ? 'the fastest available here' : `${skipped.join('; ')}`
      return { backend, reason: why }
    }
    skipped.push(problem)
  }
  throw new Error(`No way to run the model in this browser: ${skipped.join('; ')}.`)
}

/**
 * True for errors after which the same job can go on on the next backend: a lost WebGPU device or
 * WebGL context, or running out of GPU memory.
 */
export function isBackendFailure(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error)
  // "Instance reference no longer exists": Chromium's message when the GPU process dropped the
  // WebGPU instance (seen in headless Chromium when a synchronous read needs a canvas it lacks).
  return /device (was )?lost|context (was )?lost|CONTEXT_LOST|instance reference no longer exists|out of memory|OutOfMemory|OOM|allocation failed|Failed to link|Failed to compile/i.test(text)
}
