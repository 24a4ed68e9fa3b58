// Runtime checks on valibot for the engine's options and the helper's protocol (helper/protocol
// builds on this file). Pure: no DOM, no node:. Errors name the failing path in one shape,
// `submit.options.size: expected integer in 16..16384, got string "x"`, with the same formatter as
// the sandbox's plugin/schema.ts (plugin/ may import no other folder, so those lines live in both;
// test/plugin/messages.test.ts runs both over the same bad values).
//
// Each constructor also records its type-only part (number, integer, one of, an array's length)
// without its range: the helper's protocol checks the types of a job's options and leaves the
// ranges to resolveOptions, so a typo is a malformed message and an out-of-range value a refused
// job, two error codes a client can tell apart.
import * as v from 'valibot'

/** A schema whose output is T. */
export type Schema<T> = v.GenericSchema<unknown, T>

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.prototype.toString.call(value) !== '[object Uint8Array]'
}

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (Object.prototype.toString.call(value) === '[object Uint8Array]') return 'Uint8Array'
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === 'number') return `number ${value}`
  return typeof value
}

// What each schema expects (valibot reports a missing field on the object, not on the field) and
// its type-only part.
const EXPECTED = new WeakMap<object, string>()
const TYPE_ONLY = new WeakMap<object, Schema<unknown>>()
function named<S extends object>(expected: string, schema: S, typeOnly?: Schema<unknown>): S {
  EXPECTED.set(schema, expected)
  if (typeOnly !== undefined) TYPE_ONLY.set(schema, typeOnly)
  return schema
}

export function string(maxLength = 256): Schema<string> {
  const m = maxLength === Infinity ? 'string' : `string of at most ${maxLength} characters`
  return named(m, v.pipe(v.string(m), v.maxLength(maxLength, m)))
}

/** Identifiers chosen by a client (job ids, image references): short and printable. */
export const id = named('id of 1-64 letters, digits or _.:-', v.pipe(
  v.string('id of 1-64 letters, digits or _.:-'), v.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'id of 1-64 letters, digits or _.:-')
))

export const boolean = named('boolean', v.boolean('boolean'))

export function integer(min: number, max: number): Schema<number> {
  const m = `integer in ${min}..${max}`
  return named(m, v.pipe(v.number(m), v.integer(m), v.minValue(min, m), v.maxValue(max, m)), v.pipe(v.number(m), v.integer(m)))
}

export function range(min: number, max: number): Schema<number> {
  const m = `number in ${min}..${max}`
  return named(m, v.pipe(v.number(m), v.finite(m), v.minValue(min, m), v.maxValue(max, m)), v.pipe(v.number(m), v.finite(m)))
}

export function literal<const T extends string | number>(...values: readonly T[]): Schema<T> {
  const m = values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.map((s) => JSON.stringify(s)).join(', ')}`
  return named(m, v.picklist(values as T[], m))
}

/** minLength..maxLength items; the lengths belong to the type (a wire limit), the items' ranges not. */
export function arrayOf<T>(item: Schema<T>, minLength: number, maxLength: number): Schema<readonly T[]> {
  const m = `array of ${minLength} to ${maxLength} items`
  const of = (it: Schema<unknown>): Schema<unknown> => v.pipe(v.array(it, m), v.minLength(minLength, m), v.maxLength(maxLength, m), v.readonly())
  return named(m, of(item), of(typeOnly(item))) as Schema<readonly T[]>
}

export function optional<T>(schema: Schema<T>): Schema<T | undefined> {
  const inner = TYPE_ONLY.get(schema)
  return named(EXPECTED.get(schema) ?? 'a value', v.optional(schema), inner === undefined ? undefined : v.optional(inner))
}

type Shape = Record<string, Schema<unknown>>
export type OutputOf<S extends Shape> = { [K in keyof S]: v.InferOutput<S[K]> }

/**
 * An object with exactly these fields: an unknown one is refused too, so a typo in a setting
 * (`stpes`) is an error rather than a silently ignored default.
 */
export function object<S extends Shape>(shape: S): Schema<OutputOf<S>> {
  // valibot's object takes arrays too; the record check first keeps `expected object, got array`.
  const schema = v.pipe(v.custom(isRecord, 'object'), v.strictObject(shape, (issue) => {
    const key = issue.path?.[0]?.key
    if (issue.expected === 'never') return 'no such field'
    return EXPECTED.get(shape[String(key)] as object) ?? 'a value'
  }))
  return named('object', schema) as unknown as Schema<OutputOf<S>>
}

/** The schema's type-only part (see the top of this file); the schema itself where it has no range. */
export function typeOnly<T>(schema: Schema<T>): Schema<T> {
  return (TYPE_ONLY.get(schema) ?? schema) as Schema<T>
}

/** Every field optional and checked for its type only (the helper's view of the engine's options). */
export function partialTypes<S extends Shape>(shape: S): Schema<Partial<OutputOf<S>>> {
  const out: Shape = {}
  for (const key of Object.keys(shape)) out[key] = optional(typeOnly(shape[key]!))
  return object(out) as unknown as Schema<Partial<OutputOf<S>>>
}

/** The first issue as one sentence: `root.a[2].b: expected X, got Y` (no root: `a[2].b: …`). */
export function formatIssue(issue: v.BaseIssue<unknown>, root: string): string {
  const path = (issue.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('')
  const last = issue.path?.[issue.path.length - 1]
  let got = describe(issue.input)
  if (issue.expected === 'never' && last?.origin === 'key') got = describe(last.value)
  else if ((issue.type === 'min_length' || issue.type === 'max_length') && Array.isArray(issue.input)) got = String(issue.input.length)
  const where = root === '' ? path.replace(/^\./, '') : `${root}${path}`
  return `${where}: expected ${issue.message}, got ${got}`
}

/** Checks `value`; returns it typed, or throws `fail(sentence)` for the first issue. */
export function parse<T>(schema: Schema<T>, value: unknown, root: string, fail: (message: string) => Error): T {
  const r = v.safeParse(schema, value, { abortEarly: true })
  if (r.success) return r.output
  throw fail(formatIssue(r.issues[0], root))
}
