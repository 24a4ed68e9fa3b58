import type { GraphAttr, GraphOps } from '../../models/style-transfer/terms/graph-ops.js'
import { AttributeType, DataType, encodeModel, type AttributeMsg, type DataTypeCode, type Dim, type NodeMsg, type TensorMsg, type ValueInfoMsg } from './onnx-proto.js'

/**
 * A small ONNX graph builder: named values are plain strings, every node gets a unique name, and
 * constants are initializers. Only what the Gatys graphs need (opset 17, float32 and int64).
 */

/** ONNX opset the graphs are written against: ReduceSumSquare still takes `axes` as an attribute
 *  (it moved to an input in 18), Pad/Slice/Unsqueeze take theirs as inputs (since 11/13). */
export const OPSET = 17
/** IR version 8 goes with opset 17 (onnx/docs/Versioning.md); onnxruntime 1.30 reads up to 11. */
export const IR_VERSION = 8

export type Attr = GraphAttr
export { int, ints, float } from '../../models/style-transfer/terms/graph-ops.js'

function attribute(name: string, a: Attr): AttributeMsg {
  switch (a.kind) {
    case 'int': return { name, type: AttributeType.INT, i: a.value }
    case 'ints': return { name, type: AttributeType.INTS, ints: [...a.value] }
    case 'float': return { name, type: AttributeType.FLOAT, f: a.value }
    case 'floats': return { name, type: AttributeType.FLOATS, floats: [...a.value] }
  }
}

function valueInfo(name: string, elemType: DataTypeCode, dims: readonly Dim[]): ValueInfoMsg {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } }
  }
}

/** Raw little-endian bytes of a typed array, without copying (x86 and ARM are little-endian;
 *  the check keeps a big-endian host from writing a silently wrong model). */
function bytesOf(a: Float32Array | BigInt64Array): Uint8Array {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('ONNX raw_data needs a little-endian host')
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
}

export class GraphBuilder implements GraphOps {
  private readonly nodes: NodeMsg[] = []
  private readonly inits: TensorMsg[] = []
  private readonly inputs: ValueInfoMsg[] = []
  private readonly outputs: ValueInfoMsg[] = []
  private readonly names = new Set<string>()
  // Scalar and small int64 constants are shared so the graph stays readable and small.
  private readonly constCache = new Map<string, string>()
  private counter = 0

  constructor(private readonly name: string) {}

  /** A name not used yet (not reserved: the caller claims it). */
  private unused(prefix: string): string {
    let n = `${prefix}_${this.counter++}`
    while (this.names.has(n)) n = `${prefix}_${this.counter++}`
    return n
  }

  private fresh(prefix: string): string {
    return this.claim(this.unused(prefix))
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX graph ${this.name}: value ${name} defined twice`)
    this.names.add(name)
    return name
  }

  input(name: string, dims: readonly Dim[], elemType: DataTypeCode = DataType.FLOAT): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, dims))
    return name
  }

  /** Declares `value` a graph output under `name` (an Identity node renames it when needed). */
  output(value: string, name: string, dims: readonly Dim[], elemType: DataTypeCode = DataType.FLOAT): void {
    if (value !== name) this.nodes.push({ input: [value], output: [this.claim(name)], name: this.fresh('Identity'), opType: 'Identity', attribute: [] })
    this.outputs.push(valueInfo(name, elemType, dims))
  }

  initializer(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): string {
    const size = dims.reduce((a, b) => a * b, 1)
    if (size !== data.length) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims.join(', ')}]`)
    const dataType = data instanceof Float32Array ? DataType.FLOAT : DataType.INT64
    this.inits.push({ name: this.claim(name), dims: [...dims], dataType, rawData: bytesOf(data) })
    return name
  }

  /** A float32 constant (scalar when dims is []). */
  constF(values: readonly number[], dims: readonly number[] = []): string {
    const key = `f:${dims.join('x')}:${values.join(',')}`
    const hit = this.constCache.get(key)
    if (hit !== undefined) return hit
    const name = this.initializer(this.unused('cf'), dims, Float32Array.from(values))
    this.constCache.set(key, name)
    return name
  }

  /** A float32 constant matrix or tensor under a fresh name (not cached: large and used once). */
  constMatrix(prefix: string, dims: readonly number[], data: Float32Array): string {
    return this.initializer(this.unused(prefix), dims, data)
  }

  /** A 1-D int64 constant (shapes, pads, axes, slice bounds). */
  constI64(values: readonly number[]): string {
    const key = `i:${values.join(',')}`
    const hit = this.constCache.get(key)
    if (hit !== undefined) return hit
    const name = this.initializer(this.unused('ci'), [values.length], BigInt64Array.from(values.map((v) => BigInt(v))))
    this.constCache.set(key, name)
    return name
  }

  /** Adds a node with `outputs` results; returns their names. */
  nodeN(opType: string, inputs: readonly string[], outputs: number, attrs: Record<string, Attr> = {}, outName?: string): string[] {
    const out = Array.from({ length: outputs }, (_, k) => (outName !== undefined && k === 0 ? this.claim(outName) : this.fresh(`${opType}_out`)))
    this.nodes.push({
      input: [...inputs],
      output: out,
      name: this.fresh(opType),
      opType,
      attribute: Object.entries(attrs).map(([k, a]) => attribute(k, a))
    })
    return out
  }

  /** Adds a single-output node; returns its output name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, outName?: string): string {
    return this.nodeN(opType, inputs, 1, attrs, outName)[0] as string
  }

  /** The serialised model. */
  build(): Uint8Array {
    return encodeModel({
      irVersion: IR_VERSION,
      producerName: 'stylecraft',
      producerVersion: '0.1.0',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: { name: this.name, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs }
    })
  }
}
