// Runtime checks for values that cross the plugin <-> UI boundary. Pure (no figma, no DOM) so the
// UI can use the same checks. Errors name the failing path, Playwright-style: `place.png: expected
// Uint8Array, got string`.

export class ValidationError extends Error {
  override name = 'ValidationError'
}

/** Checks `value` at `path` and returns it typed, or throws a ValidationError naming `path`. */
export type Check<T> = (value: unknown, path: string) => T

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (isUint8Array(value)) return 'Uint8Array'
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === 'number') return `number ${value}`
  return typeof value
}

function fail(path: string, expected: string, value: unknown): never {
  throw new ValidationError(`${path}: expected ${expected}, got ${describe(value)}`)
}

// Tag check rather than instanceof: a Uint8Array cloned into another realm (iframe, sandbox) has a
// different constructor there.
export function isUint8Array(value: unknown): value is Uint8Array {
  return Object.prototype.toString.call(value) === '[object Uint8Array]'
}

export const string: Check<string> = (v, p) => (typeof v === 'string' ? v : fail(p, 'string', v))

export const nonEmptyString: Check<string> = (v, p) =>
  typeof v === 'string' && v.length > 0 ? v : fail(p, 'non-empty string', v)

export const finite: Check<number> = (v, p) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(p, 'finite number', v)

export const bytes: Check<Uint8Array> = (v, p) => (isUint8Array(v) ? v : fail(p, 'Uint8Array', v))

export function integer(min: number, max: number): Check<number> {
  return (v, p) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? v
      : fail(p, `integer in ${min}..${max}`, v)
}

export function range(min: number, max: number): Check<number> {
  return (v, p) =>
    typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
      ? v
      : fail(p, `number in ${min}..${max}`, v)
}

export function literal<const T extends string>(...values: readonly T[]): Check<T> {
  return (v, p) =>
    typeof v === 'string' && (values as readonly string[]).includes(v)
      ? (v as T)
      : fail(p, `one of ${values.map((s) => JSON.stringify(s)).join(', ')}`, v)
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, p) => (v === null ? null : check(v, p))
}

export function arrayOf<T>(check: Check<T>, minLength = 0): Check<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) return fail(p, 'array', v)
    if (v.length < minLength) throw new ValidationError(`${p}: expected at least ${minLength} item(s), got ${v.length}`)
    return v.map((item, i) => check(item, `${p}[${i}]`))
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUint8Array(value)
}

/**
 * Checks an object field by field. The shape must list every field of T (`-?`), so adding a field
 * to a message type without a check is a compile error. Unknown extra fields are dropped.
 */
export function object<T>(shape: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  return (v, p) => {
    if (!isRecord(v)) return fail(p, 'object', v)
    const out: Partial<T> = {}
    for (const key of Object.keys(shape) as (keyof T & string)[]) {
      out[key] = shape[key](v[key], `${p}.${key}`)
    }
    return out as T
  }
}
