/**
 * The part of an ONNX graph builder that the loss terms write with (helper/onnx/graph-builder.ts
 * implements it). Declared here because models/ imports no protobuf code: a term names the ops
 * and constants of its value and hand-written gradient, the helper serialises them.
 * Values are plain strings (ONNX value names).
 */

export type GraphAttr =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: readonly number[] }

export const int = (value: number): GraphAttr => ({ kind: 'int', value })
export const ints = (value: readonly number[]): GraphAttr => ({ kind: 'ints', value })
export const float = (value: number): GraphAttr => ({ kind: 'float', value })

/** A dimension: a size, or a symbolic name (the targets graph takes any image size). */
export type GraphDim = number | string

export interface GraphOps {
  /** Adds a single-output node (opset 17); returns its output's name. */
  op(opType: string, inputs: readonly string[], attrs?: Record<string, GraphAttr>): string
  /** A float32 constant (scalar when dims is []), shared between uses. */
  constF(values: readonly number[], dims?: readonly number[]): string
  /** A 1-D int64 constant (shapes, pads, axes, slice bounds). */
  constI64(values: readonly number[]): string
  /** A large float32 constant under a fresh name (not shared). */
  constMatrix(prefix: string, dims: readonly number[], data: Float32Array): string
}

