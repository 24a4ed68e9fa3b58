import type { VggWeights } from '../../models/style-transfer/types.js'
import { createOnnxObjective, type OnnxObjectiveConfig, type OnnxObjectiveFactory } from './onnx-objective.js'
import { probeOnnxRuntime } from './ort-runtime.js'

export type OnnxChoice =
  | { available: true; factory: OnnxObjectiveFactory; /** One line for the chooser's reasons list. */ reason: string }
  | { available: false; reason: string }

/**
 * The 'onnx' entry of the Node backend chooser (helper/backend.ts): probes onnxruntime-node and,
 * when it runs here, returns the objective factory to pass as StyleTransferInit.objective. Never
 * throws for an unusable runtime; the reason line says why (format of NodeBackendChoice.reasons).
 * The caller disposes the factory (factory.dispose()) when done, or releaseSessions() between jobs.
 */
export async function chooseOnnxObjective(weights: VggWeights, config: OnnxObjectiveConfig = {}): Promise<OnnxChoice> {
  const probe = await probeOnnxRuntime(config)
  if (!probe.available) return { available: false, reason: `onnx: ${probe.reason}` }
  try {
    const factory = await createOnnxObjective(weights, config)
    const where = config.isolation === 'process' ? ', a process per job' : ''
    return { available: true, factory, reason: `onnx: selected (${probe.detail}${where})` }
  } catch (e) {
    return { available: false, reason: `onnx: ${(e as Error).message.split('\n')[0] ?? ''}` }
  }
}
