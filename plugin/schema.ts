// Runtime checks for values that cross the plugin <-> UI boundary, on valibot (tree-shaken: only the
// schemas used here reach build/plugin.js). Pure (no figma, no DOM) so the UI uses the same checks.
// One rule for unknown fields: a message refuses them (`object` is strict); stored data goes through
// a tolerant reader instead (`readFields`). Errors name the failing path, Playwright-style:
// `place.png: expected Uint8Array, got string "AAAA"`.
//
// The engine and the helper's protocol (models/style-transfer/schema.ts) word their errors with the
// same formatter; plugin/ may import no other folder, so those lines live in both
// (test/plugin/messages.test.ts runs both over the same bad values).
import * as v from 'valibot'

export class ValidationError extends Error {
  override name = 'ValidationError'
}

/** A schema whose output is T; every constructor below names what it expects. */
export type Schema<T> = v.GenericSchema<unknown, T>

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (isUint8Array(value)) return 'Uint8Array'
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === 'number') return `number ${value}`
  return typeof value
}

// Tag check rather than instanceof: a Uint8Array cloned into another realm (iframe, sandbox) has a
// different constructor there.
export function isUint8Array(value: unknown): value is Uint8Array {
  return Object.prototype.toString.call(value) === '[object Uint8Array]'
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUint8Array(value)
}

// What each schema expects, for the issue of a missing field (valibot reports it on the object).
const EXPECTED = new WeakMap<object, string>()
function named<S extends object>(expected: string, schema: S): S {
  EXPECTED.set(schema, expected)
  return schema
}

export const string = named('string', v.string('string'))
export const boolean = named('boolean', v.boolean('boolean'))
export const nonEmptyString = named('non-empty string', v.pipe(v.string('non-empty string'), v.nonEmpty('non-empty string')))
export const bytes = named('Uint8Array', v.custom<Uint8Array>(isUint8Array, 'Uint8Array'))

export function integer(min: number, max: number): Schema<number> {
  const m = `integer in ${min}..${max}`
  return named(m, v.pipe(v.number(m), v.integer(m), v.minValue(min, m), v.maxValue(max, m)))
}

export function range(min: number, max: number): Schema<number> {
  const m = `number in ${min}..${max}`
  return named(m, v.pipe(v.number(m), v.finite(m), v.minValue(min, m), v.maxValue(max, m)))
}

/** A finite number above `min` (`orEqual`: at least `min`). */
export function above(min: number, orEqual = false): Schema<number> {
  const m = `number ${orEqual ? '>=' : '>'} ${min}`
  return named(m, v.pipe(v.number(m), v.finite(m), orEqual ? v.minValue(min, m) : v.gtValue(min, m)))
}

export function literal<const T extends string>(...values: readonly T[]): Schema<T> {
  const m = `one of ${values.map((s) => JSON.stringify(s)).join(', ')}`
  return named(m, v.picklist(values as T[], m))
}

export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return named(EXPECTED.get(schema) ?? 'value or null', v.nullable(schema))
}

export function arrayOf<T>(item: Schema<T>, minLength = 0): Schema<T[]> {
  const array = v.array(item, 'array')
  return named('array', minLength === 0 ? array : v.pipe(array, v.minLength(minLength, `at least ${minLength} item(s)`)))
}

/**
 * An object with exactly these fields: the shape must list every field of T (`-?`), so adding a field
 * to a message type without a check is a compile error, and a field the shape does not know is
 * refused (`export.nodeID: expected no such field`), never silently dropped.
 */
export function object<T>(shape: { [K in keyof T]-?: Schema<T[K]> }): Schema<T> {
  const entries = shape as unknown as v.ObjectEntries
  // valibot's object takes arrays too; the record check first keeps `expected object, got array`.
  return named('object', v.pipe(v.custom(isRecord, 'object'), v.strictObject(entries, (issue) => {
    const key = issue.path?.[0]?.key
    if (issue.expected === 'never') return 'no such field'
    return EXPECTED.get(entries[String(key)] as object) ?? 'a value'
  }))) as unknown as Schema<T>
}

/** The first issue as one sentence: `root.a[2].b: expected X, got Y`. */
export function formatIssue(issue: v.BaseIssue<unknown>, root: string): string {
  const path = (issue.path ?? []).map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`)).join('')
  const last = issue.path?.[issue.path.length - 1]
  let got = describe(issue.input)
  if (issue.expected === 'never' && last?.origin === 'key') got = describe(last.value)
  else if (issue.type === 'min_length' && Array.isArray(issue.input)) got = String(issue.input.length)
  return `${root}${path}: expected ${issue.message}, got ${got}`
}

/** Checks `value` against `schema`; returns it typed or throws a ValidationError naming `root.path`. */
export function parse<T>(schema: Schema<T>, value: unknown, root: string): T {
  const r = v.safeParse(schema, value, { abortEarly: true })
  if (r.success) return r.output
  throw new ValidationError(formatIssue(r.issues[0], root))
}

/**
 * The tolerant reader for stored data (clientStorage, plugin data): each known field that is present
 * and valid is kept, a missing or no longer valid one takes its default, unknown ones are dropped.
 */
export function readFields<T extends object>(shape: { [K in keyof T]-?: Schema<T[K]> }, defaults: Readonly<T>, stored: unknown): T {
  const out: T = { ...defaults }
  if (!isRecord(stored)) return out
  for (const key of Object.keys(shape) as (keyof T & string)[]) {
    if (!(key in stored)) continue
    const r = v.safeParse(shape[key] as Schema<T[typeof key]>, stored[key])
    if (r.success) out[key] = r.output
  }
  return out
}
