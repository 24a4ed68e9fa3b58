import { tArray, tBoolean, tEnum, tId, tInt, tLiteral, tNumber, tObject, tOptional, tString, ValidationError, type Validator } from './validate.js'

/** Bumped on any incompatible change; the hello exchange refuses a mismatch. */
export const PROTOCOL_VERSION = 1
/** Subprotocol the browser offers; the pairing token may ride along as `stylecraft.token.<token>`. */
export const SUBPROTOCOL = 'stylecraft.v1'
export const TOKEN_SUBPROTOCOL_PREFIX = 'stylecraft.token.'
/** Where the WebSocket lives on the helper's port. */
export const WS_PATH = '/ws'

/** The engine settings a client may set: a subset of StyleTransferOptions, ranges checked by the engine. */
export interface JobOptions {
  size?: number
  minSize?: number
  stepsFirst?: number
  steps?: number
  contentWeight?: number
  styleWeight?: number
  tvWeight?: number
  styleBlend?: number[]
  styleScale?: number
  pooling?: 'max' | 'average'
  optimizer?: 'adam' | 'lbfgs'
  learningRate?: number
  emaDecay?: number
  initNoise?: number
  seed?: number
  previewEvery?: number
}

export type PixelFormat = 'png' | 'rgba'

// ---- client -> server ----
export interface HelloMessage { type: 'hello'; protocol: number; client?: string }
/** Binary frame: the header below, then PNG bytes or width*height*4 RGBA bytes. */
export interface ImageMessage { type: 'image'; ref: string; format: PixelFormat; width?: number; height?: number }
export interface SubmitMessage { type: 'submit'; id: string; content: string; styles: string[]; options?: JobOptions }
export interface CancelMessage { type: 'cancel'; id: string }
export type ClientMessage = HelloMessage | ImageMessage | SubmitMessage | CancelMessage

// ---- server -> client ----
export interface CapabilitiesMessage {
  type: 'capabilities'
  protocol: number
  server: string
  /** Backend chosen by the helper's chooser ('onnx', 'wasm', 'tensorflow-gpu', …). */
  backend: string
  /** What runs the work, for the user ("2 x Intel Xeon …", "CUDA GPU"). */
  device: string
  /** Largest side of an uploaded image and of the output, in pixels. */
  maxSide: number
  maxQueue: number
  /** Largest WebSocket message the helper accepts, in bytes. */
  maxPayload: number
  memoryBudgetMb: number
}
export interface QueuedMessage { type: 'queued'; id: string; /** 1 = next to run. */ position: number }
export interface StartedMessage { type: 'started'; id: string; width: number; height: number; total: number }
export interface ProgressMessage {
  type: 'progress'; id: string
  scale: number; scales: number; width: number; height: number
  iteration: number; iterations: number; done: number; total: number
  loss: number; elapsedMs: number; etaMs: number
  /** Every loss term's weighted value, in the engine's term order (they sum to loss). */
  parts: LossPart[]
}
export interface LossPart { term: string; value: number }
/** Binary frame: header, then pixels (format says which). */
export interface PreviewMessage { type: 'preview'; id: string; format: PixelFormat; width: number; height: number; done: number; total: number }
/** Binary frame: header, then the PNG. */
export interface ResultMessage { type: 'result'; id: string; format: 'png'; width: number; height: number; iterations: number; elapsedMs: number; stopped: boolean }
export interface CanceledMessage { type: 'canceled'; id: string }

export const ERROR_CODES = [
  'bad-json', 'bad-frame', 'bad-message', 'unknown-type', 'too-large', 'protocol-version', 'not-ready',
  'bad-image', 'image-too-large', 'unknown-image', 'too-many-images', 'bad-options', 'queue-full',
  'duplicate-job', 'unknown-job', 'out-of-memory', 'job-failed'
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]
/** Errors are data: a code for programs and one sentence for people. `id` names the job, if any. */
export interface ErrorMessage { type: 'error'; code: ErrorCode; message: string; id?: string }

export type ServerMessage =
  | CapabilitiesMessage | QueuedMessage | StartedMessage | ProgressMessage
  | PreviewMessage | ResultMessage | CanceledMessage | ErrorMessage

/** Message types that travel as binary frames (pixels), never as JSON text. */
export const BINARY_TYPES: ReadonlySet<string> = new Set(['image', 'preview', 'result'])

// ---- runtime schemas ----
const MAX_SIDE_WIRE = 65536
const side = tInt(1, MAX_SIDE_WIRE)
const count = tInt(0, Number.MAX_SAFE_INTEGER)
const pixelFormat = tEnum(['png', 'rgba'] as const)

const jobOptions: Validator<JobOptions> = tObject({
  size: tOptional(tInt(1, MAX_SIDE_WIRE)),
  minSize: tOptional(tInt(1, MAX_SIDE_WIRE)),
  stepsFirst: tOptional(tInt(0, 100000)),
  steps: tOptional(tInt(0, 100000)),
  contentWeight: tOptional(tNumber),
  styleWeight: tOptional(tNumber),
  tvWeight: tOptional(tNumber),
  styleBlend: tOptional(tArray(tNumber, 8, 1)),
  styleScale: tOptional(tNumber),
  pooling: tOptional(tEnum(['max', 'average'] as const)),
  optimizer: tOptional(tEnum(['adam', 'lbfgs'] as const)),
  learningRate: tOptional(tNumber),
  emaDecay: tOptional(tNumber),
  initNoise: tOptional(tNumber),
  seed: tOptional(tInt(0, 2 ** 32 - 1)),
  previewEvery: tOptional(tInt(0, 100000))
})

const clientSchemas: { [K in ClientMessage['type']]: Validator<Extract<ClientMessage, { type: K }>> } = {
  hello: tObject({ type: tLiteral('hello'), protocol: tInt(0, 1000), client: tOptional(tString(100)) }),
  // Any positive size passes here; the helper then refuses sizes over its own limit with a sentence.
  image: tObject({ type: tLiteral('image'), ref: tId, format: pixelFormat, width: tOptional(tInt(1, 2 ** 31 - 1)), height: tOptional(tInt(1, 2 ** 31 - 1)) }),
  submit: tObject({ type: tLiteral('submit'), id: tId, content: tId, styles: tArray(tId, 8, 1), options: tOptional(jobOptions) }),
  cancel: tObject({ type: tLiteral('cancel'), id: tId })
}

const serverSchemas: { [K in ServerMessage['type']]: Validator<Extract<ServerMessage, { type: K }>> } = {
  capabilities: tObject({
    type: tLiteral('capabilities'), protocol: tInt(0, 1000), server: tString(), backend: tString(), device: tString(),
    maxSide: side, maxQueue: count, maxPayload: count, memoryBudgetMb: count
  }),
  queued: tObject({ type: tLiteral('queued'), id: tId, position: tInt(1) }),
  started: tObject({ type: tLiteral('started'), id: tId, width: side, height: side, total: count }),
  progress: tObject({
    type: tLiteral('progress'), id: tId, scale: count, scales: count, width: side, height: side,
    iteration: count, iterations: count, done: count, total: count, loss: tNumber, elapsedMs: tNumber, etaMs: tNumber,
    parts: tArray(tObject({ term: tId, value: tNumber }), 64)
  }),
  preview: tObject({ type: tLiteral('preview'), id: tId, format: pixelFormat, width: side, height: side, done: count, total: count }),
  result: tObject({
    type: tLiteral('result'), id: tId, format: tLiteral('png'), width: side, height: side,
    iterations: count, elapsedMs: tNumber, stopped: tBoolean
  }),
  canceled: tObject({ type: tLiteral('canceled'), id: tId }),
  error: tObject({ type: tLiteral('error'), code: tEnum(ERROR_CODES), message: tString(2000), id: tOptional(tId) })
}

/** Thrown for a well-formed message whose `type` is not one of the protocol's. */
export class UnknownTypeError extends ValidationError {
  override name = 'UnknownTypeError'
}

function parseWith<M>(schemas: Record<string, Validator<unknown>>, value: unknown): M {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError('message', 'object', value)
  const type = (value as { type?: unknown }).type
  if (typeof type !== 'string') throw new ValidationError('message.type', 'string', type)
  const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined
  if (schema === undefined) throw new UnknownTypeError('message.type', `one of ${Object.keys(schemas).join('|')}`, type)
  return schema(value, type) as M
}

/** Checks a decoded client message; errors name the bad field (`submit.options.size: …`). */
export const parseClientMessage = (value: unknown): ClientMessage => parseWith<ClientMessage>(clientSchemas, value)
/** Checks a decoded server message (the UI side runs this on everything it receives). */
export const parseServerMessage = (value: unknown): ServerMessage => parseWith<ServerMessage>(serverSchemas, value)
