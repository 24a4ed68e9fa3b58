// Picks the tfjs backend of the UI iframe. This module uses the DOM (navigator.gpu, WebGL) and must
// run in the UI context. Order: WebGPU when navigator.gpu yields an adapter, else WebGL, else wasm;
// left to choose, a GPU backend on a software renderer comes after wasm (software-renderer.ts).
// The local helper is not a tfjs backend: ui/run/run-on-helper-async.ts decides when a job goes
// there (forced in the settings, or a big job while paired) and the job then reports a HelperChoice.
import * as tf from '@tensorflow/tfjs-core'
// tfjs-core ships gradients apart from the ops; the engine needs them for the optimisation.
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import '@tensorflow/tfjs-backend-webgl'
import '@tensorflow/tfjs-backend-webgpu'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import type { BrowserBackend, RunsOn } from '../plugin/messages.js'
import { WASM_BINARY_URLS } from './wasm-binaries.js'
import { softwareRendererAsync } from './software-renderer.js'

export type { BrowserBackend }
export const LOCAL_ORDER: readonly BrowserBackend[] = ['webgpu', 'webgl', 'wasm']
export const BACKEND_LABEL: Record<BrowserBackend, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'CPU (WebAssembly)' }

export interface BrowserBackendChoice {
  backend: BrowserBackend
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
export type RunChoice = BrowserBackendChoice | HelperChoice

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
async function startAsync(backend: BrowserBackend): Promise<string | null> {
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
export async function chooseBackendAsync(prefer: RunsOn, after?: BrowserBackend): Promise<BrowserBackendChoice> {
  const forced = prefer === 'webgpu' || prefer === 'webgl' || prefer === 'wasm' ? prefer : null
  let order = forced === null ? [...LOCAL_ORDER] : [forced, ...LOCAL_ORDER.filter((b) => b !== forced)]
  if (after !== undefined) order = LOCAL_ORDER.slice(LOCAL_ORDER.indexOf(after) + 1)
  const skipped: string[] = []
  if (prefer === 'helper') skipped.push('the helper is not connected')
  // The automatic choice puts a GPU backend on a software renderer after the CPU.
  if (forced === null && after === undefined) {
    const software: BrowserBackend[] = []
    for (const backend of ['webgpu', 'webgl'] as const) {
      const renderer = await softwareRendererAsync(backend)
      if (renderer !== null) {
        software.push(backend)
        skipped.push(`${BACKEND_LABEL[backend]} runs on a software renderer here (${renderer}), slower than the CPU`)
      }
    }
    order = [...order.filter((b) => !software.includes(b)), ...software]
  }
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
  // "OUT_OF_MEMORY" is how tfjs names the WebGL error; "allocation failed" is Chromium's RangeError
  // when a typed array for a download cannot be allocated.
  return /device (was |is )?lost|context (was |is )?lost|CONTEXT_LOST|instance reference no longer exists|out[ _]of[ _]memory|OutOfMemory|OOM|allocation failed|Failed to link|Failed to compile/i.test(text)
}

/** Watches the running backend for a loss that tfjs itself never reports (see watchBackendLoss). */
export interface LossWatch {
  /** Rejects with "the WebGL context was lost" / "the WebGPU device was lost: …"; never resolves. */
  lost: Promise<never>
  /** True once the context or device is gone: images read after that are not to be trusted. */
  isLost(): boolean
  stop(): void
}

interface WebGLBackendLike { gpgpu?: { gl?: WebGLRenderingContext; itemsToPoll?: unknown[] } }
interface WebGPUBackendLike { device?: { lost?: Promise<{ reason?: string; message?: string }> } }

/**
 * tfjs (4.22) does not turn a lost GPU into an error: after a lost WebGL context it polls a fence
 * that never passes, and after a lost WebGPU device its reads may never settle, so the run would
 * hang with the progress bar frozen instead of failing over (seen in headless Chromium with
 * WEBGL_lose_context). This watches the current backend's context or device so that the job can
 * race the run against the loss. A no-op watch for wasm.
 */
export function watchBackendLoss(backend: BrowserBackend): LossWatch {
  let gone: Error | null = null
  let reject: (error: Error) => void = () => undefined
  const lost = new Promise<never>((_, fail) => { reject = fail })
  // Nobody may be racing it when it fires (between runs); that is not an unhandled rejection.
  lost.catch(() => undefined)
  const fail = (error: Error): void => { if (gone === null) { gone = error; reject(error) } }
  let stop = (): void => undefined
  let check = (): void => undefined
  const current = tf.backend() as unknown
  if (backend === 'webgl') {
    const gl = (current as WebGLBackendLike).gpgpu?.gl
    if (gl !== undefined) {
      const onLost = (): void => fail(new Error('the WebGL context was lost'))
      check = () => { if (gl.isContextLost()) onLost() }
      const canvas = gl.canvas as EventTarget
      canvas.addEventListener('webglcontextlost', onLost)
      stop = () => canvas.removeEventListener('webglcontextlost', onLost)
      check()
    }
  } else if (backend === 'webgpu') {
    let watching = true
    void (current as WebGPUBackendLike).device?.lost?.then((info) => {
      if (watching) fail(new Error(`the WebGPU device was lost: ${(info.message || info.reason || 'no reason given').replace(/\.$/, '')}`))
    })
    stop = () => { watching = false }
  }
  return { lost, isLost: () => { check(); return gone !== null }, stop }
}

/**
 * Replaces a backend whose GPU context or device was lost (or whose wasm heap a run exhausted) by a
 * fresh registration, so that the next run on it gets a new context, device or module instead of
 * the dead one tfjs keeps in its registry.
 */
export function forgetBackend(backend: BrowserBackend): void {
  const factory = tf.findBackendFactory(backend)
  if (factory === null) return
  const engine = tf.engine() as unknown as { registry: Record<string, WebGLBackendLike | undefined> }
  // A run abandoned on a lost WebGL context leaves tfjs polling its fence forever: end that loop.
  const gpgpu = engine.registry[backend]?.gpgpu
  if (gpgpu !== undefined && Array.isArray(gpgpu.itemsToPoll)) gpgpu.itemsToPoll = []
  try {
    tf.removeBackend(backend)
  } catch {
    // Disposing the dead instance threw before tfjs dropped it: drop it here; the factory stays.
    delete engine.registry[backend]
    return
  }
  // The factory makes a new instance when asked: for wasm a new module with a fresh heap.
  tf.registerBackend(backend, factory, backend === 'webgpu' ? 3 : 2)
}
