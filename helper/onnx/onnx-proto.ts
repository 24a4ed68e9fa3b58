// protobufjs is CommonJS; Node's ESM loader only exposes its default export reliably.
import protobuf from 'protobufjs'

/**
 * The subset of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto3) needed to write a model:
 * field numbers copied from the official schema, everything else left out. protobufjs encodes
 * from this reflection, so no generated code and no Python are needed.
 */
const ONNX_SUBSET = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 }
          }
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 }
          }
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 }
          }
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 }
          }
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 }
          }
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 }
          }
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 }
          }
        },
        TypeProto: {
          fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } }
        },
        // TypeProto.Tensor in the schema; nesting is irrelevant on the wire.
        TypeProtoTensor: {
          fields: {
            elemType: { type: 'int32', id: 1 },
            shape: { type: 'TensorShapeProto', id: 2 }
          }
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } }
        },
        Dimension: {
          fields: {
            dimValue: { type: 'int64', id: 1 },
            dimParam: { type: 'string', id: 2 }
          }
        }
      }
    }
  }
} as const

/** onnx.TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const
export type DataTypeCode = (typeof DataType)[keyof typeof DataType]

/** onnx.AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, TENSOR: 4, FLOATS: 6, INTS: 7 } as const

export interface TensorMsg {
  dims: number[]
  dataType: DataTypeCode
  name?: string
  /** Little-endian element bytes (ONNX raw_data). */
  rawData: Uint8Array
}

export interface AttributeMsg {
  name: string
  type: number
  f?: number
  i?: number
  t?: TensorMsg
  floats?: number[]
  ints?: number[]
}

export interface NodeMsg {
  input: string[]
  output: string[]
  name: string
  opType: string
  attribute: AttributeMsg[]
}

/** A dimension: a fixed size, or a symbolic name for a size known only at run time. */
export type Dim = number | string

export interface ValueInfoMsg {
  name: string
  type: { tensorType: { elemType: DataTypeCode; shape: { dim: Array<{ dimValue: number } | { dimParam: string }> } } }
}

export interface GraphMsg {
  name: string
  node: NodeMsg[]
  initializer: TensorMsg[]
  input: ValueInfoMsg[]
  output: ValueInfoMsg[]
}

export interface ModelMsg {
  irVersion: number
  producerName: string
  producerVersion: string
  graph: GraphMsg
  opsetImport: Array<{ domain: string; version: number }>
}

const root = protobuf.Root.fromJSON(ONNX_SUBSET)
const ModelProto = root.lookupType('onnx.ModelProto')

/** Serialises a model to the bytes onnxruntime's InferenceSession.create accepts. */
export function encodeModel(model: ModelMsg): Uint8Array {
  // encode() takes plain objects of the reflected shape; verify() catches a wrong field type
  // here with a readable message instead of a protobuf parse error inside onnxruntime.
  const err = ModelProto.verify(model)
  if (err !== null) throw new Error(`invalid ONNX model message: ${err}`)
  return ModelProto.encode(model).finish()
}

/** Decodes bytes written by encodeModel (tests use it to check the writer round-trips). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, bytes: Array }) as Record<string, unknown>
}
