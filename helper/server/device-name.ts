import { cpus } from 'node:os'
import type { NodeBackend } from '../backend.js'

/** A short description of what does the work, for the hello reply and the console. */
export function deviceName(backend: NodeBackend): string {
  if (backend === 'tensorflow-gpu') return 'CUDA GPU (tfjs-node-gpu)'
  if (backend === 'webgpu') return 'GPU through WebGPU (Dawn)'
  const list = cpus()
  const model = list[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown CPU'
  return `${list.length} x ${model}`
}
