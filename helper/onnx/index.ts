/** The native fast path: the Gatys objective as an explicit-gradient ONNX graph on onnxruntime-node. */
export { chooseOnnxObjective, type OnnxChoice } from './onnx-choice.js'
export { createOnnxObjective, type OnnxObjectiveConfig, type OnnxObjectiveFactory, type OnnxObjectiveStats } from './onnx-objective.js'
export { probeOnnxRuntime, type OnnxProbe } from './ort-runtime.js'
