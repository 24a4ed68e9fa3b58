import { JOB_OPTIONS_SCHEMA, type JobOptions } from '../../models/style-transfer/options.js'
import { type Schema, arrayOf, boolean, describe, id, integer, isRecord, literal, object, optional, parse, range, string } from '../../models/style-transfer/schema.js'

export type { JobOptions }

/**
 * A message that does not match the protocol; the message names the path (`submit.options.size:
 * expected integer in 16..16384, got string "x"`). Unknown fields are refused everywhere.
 */
export class ValidationError extends TypeError {
  override name = 'ValidationError'
}

/** Bumped on any incompatible change; the hello exchange refuses a mismatch. */
export const PROTOCOL_VERSION = 1
/** Subprotocol the browser offers; the pairing token may ride along as `stylecraft.token.<token>`. */
export const SUBPROTOCOL = 'stylecraft.v1'
export const TOKEN_SUBPROTOCOL_PREFIX = 'stylecraft.token.'
/** Where the WebSocket lives on the helper's port. */
export const WS_PATH = '/ws'
/**
 * Close code of a socket that sent no valid hello in time (4000-4999 are the application's own,
 * RFC 6455 section 7.4.2); the close reason says the same in a sentence.
 */
export const CLOSE_NO_HELLO = 4008

export type PixelFormat = 'png' | 'rgba'

// ---- client -> server ----
export interface HelloMessage { type: 'hello'; protocol: number; client?: string }
/** Binary frame: the header below, then PNG bytes or width*height*4 RGBA bytes. */
export interface ImageMessage { type: 'image'; ref: string; format: PixelFormat; width?: number; height?: number }
export interface SubmitMessage { type: 'submit'; id: string; content: string; styles: readonly string[]; options?: JobOptions }
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
  parts: readonly LossPart[]
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
const side = integer(1, MAX_SIDE_WIRE)
const count = integer(0, Number.MAX_SAFE_INTEGER)
const number = range(-Number.MAX_VALUE, Number.MAX_VALUE)
const pixelFormat = literal('png', 'rgba')
const optionalString = (maxLength: number): Schema<string | undefined> => optional(string(maxLength))

// The job's options are the engine's (models/style-transfer/options.ts), every field optional and
// checked here for its type only; resolveOptions checks the ranges when the job is submitted.
const jobOptions: Schema<JobOptions> = JOB_OPTIONS_SCHEMA

const clientSchemas: { [K in ClientMessage['type']]: Schema<Extract<ClientMessage, { type: K }>> } = {
  hello: object({ type: literal('hello'), protocol: integer(0, 1000), client: optionalString(100) }),
  // Any positive size passes here; the helper then refuses sizes over its own limit with a sentence.
  image: object({ type: literal('image'), ref: id, format: pixelFormat, width: optional(integer(1, 2 ** 31 - 1)), height: optional(integer(1, 2 ** 31 - 1)) }),
  submit: object({ type: literal('submit'), id, content: id, styles: arrayOf(id, 1, 8), options: optional(jobOptions) }),
  cancel: object({ type: literal('cancel'), id })
}

const serverSchemas: { [K in ServerMessage['type']]: Schema<Extract<ServerMessage, { type: K }>> } = {
  capabilities: object({
    type: literal('capabilities'), protocol: integer(0, 1000), server: string(), backend: string(), device: string(),
    maxSide: side, maxQueue: count, maxPayload: count, memoryBudgetMb: count
  }),
  queued: object({ type: literal('queued'), id, position: integer(1, Number.MAX_SAFE_INTEGER) }),
  started: object({ type: literal('started'), id, width: side, height: side, total: count }),
  progress: object({
    type: literal('progress'), id, scale: count, scales: count, width: side, height: side,
    iteration: count, iterations: count, done: count, total: count, loss: number, elapsedMs: number, etaMs: number,
    parts: arrayOf(object({ term: id, value: number }), 0, 64)
  }),
  preview: object({ type: literal('preview'), id, format: pixelFormat, width: side, height: side, done: count, total: count }),
  result: object({
    type: literal('result'), id, format: literal('png'), width: side, height: side,
    iterations: count, elapsedMs: number, stopped: boolean
  }),
  canceled: object({ type: literal('canceled'), id }),
  error: object({ type: literal('error'), code: literal(...ERROR_CODES), message: string(2000), id: optional(id) })
}

/** Thrown for a well-formed message whose `type` is not one of the protocol's. */
export class UnknownTypeError extends ValidationError {
  override name = 'UnknownTypeError'
}

function parseWith<M>(schemas: Record<string, Schema<unknown>>, value: unknown): M {
  if (!isRecord(value)) throw new ValidationError(parseError('message', 'object', value))
  const type = value['type']
  if (typeof type !== 'string') throw new ValidationError(parseError('message.type', 'string', type))
  const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined
  if (schema === undefined) throw new UnknownTypeError(parseError('message.type', `one of ${Object.keys(schemas).map((k) => JSON.stringify(k)).join(', ')}`, type))
  return parse(schema, value, type, (message) => new ValidationError(message)) as M
}

function parseError(path: string, expected: string, value: unknown): string {
  return `${path}: expected ${expected}, got ${describe(value)}`
}

/** Checks a decoded client message; errors name the bad field (`submit.options.size: …`). */
export const parseClientMessage = (value: unknown): ClientMessage => parseWith<ClientMessage>(clientSchemas, value)
/** Checks a decoded server message (the UI side runs this on everything it receives). */
export const parseServerMessage = (value: unknown): ServerMessage => parseWith<ServerMessage>(serverSchemas, value)
