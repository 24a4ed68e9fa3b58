/**
 * Path-reporting runtime checks in the style of Playwright's validatorPrimitives.ts: every error
 * names the field that failed (`submit.options.size: expected integer, got "x"`). Pure: no DOM,
 * no node: imports, because the browser UI validates the server's messages with the same code.
 */
export class ValidationError extends TypeError {
  override name = 'ValidationError'
  constructor(readonly path: string, readonly expected: string, value: unknown) {
    super(`${path}: expected ${expected}, got ${show(value)}`)
  }
}

export type Validator<T> = (value: unknown, path: string) => T

function show(v: unknown): string {
  if (v === undefined) return 'undefined'
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'object' && v !== null) return 'object'
  const s = JSON.stringify(v)
  return s.length > 40 ? `${s.slice(0, 37)}…` : s
}

export const tString = (maxLength = 256): Validator<string> => (v, path) => {
  if (typeof v !== 'string') throw new ValidationError(path, 'string', v)
  if (v.length > maxLength) throw new ValidationError(path, `string of at most ${maxLength} characters`, v)
  return v
}

/** Identifiers chosen by the client (job ids, image references): short and printable. */
export const tId: Validator<string> = (v, path) => {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(v)) throw new ValidationError(path, 'id of 1-64 letters, digits or _.:-', v)
  return v
}

export const tNumber: Validator<number> = (v, path) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(path, 'number', v)
  return v
}

export const tInt = (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Validator<number> => (v, path) => {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValidationError(path, 'integer', v)
  if (v < min || v > max) throw new ValidationError(path, `integer from ${min} to ${max}`, v)
  return v
}

export const tBoolean: Validator<boolean> = (v, path) => {
  if (typeof v !== 'boolean') throw new ValidationError(path, 'boolean', v)
  return v
}

export const tLiteral = <T extends string | number>(value: T): Validator<T> => (v, path) => {
  if (v !== value) throw new ValidationError(path, JSON.stringify(value), v)
  return value
}

export const tEnum = <T extends string>(values: readonly T[]): Validator<T> => (v, path) => {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new ValidationError(path, `one of ${values.join('|')}`, v)
  return v as T
}

export const tArray = <T>(item: Validator<T>, maxLength: number, minLength = 0): Validator<T[]> => (v, path) => {
  if (!Array.isArray(v)) throw new ValidationError(path, 'array', v)
  if (v.length < minLength || v.length > maxLength) throw new ValidationError(path, `array of ${minLength} to ${maxLength} items`, v)
  return v.map((x, i) => item(x, `${path}[${i}]`))
}

export const tOptional = <T>(inner: Validator<T>): Validator<T | undefined> => (v, path) => (v === undefined ? undefined : inner(v, path))

type Shape = Record<string, Validator<unknown>>
type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> }

/**
 * An object with exactly these fields: unknown fields are refused too, so a typo in a setting
 * (`stpes`) is an error rather than a silently ignored default.
 */
export const tObject = <S extends Shape>(shape: S): Validator<Out<S>> => (v, path) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValidationError(path, 'object', v)
  const o = v as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (!Object.hasOwn(shape, key)) throw new ValidationError(`${path}.${key}`, 'no such field', o[key])
  }
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(shape)) {
    const value = (shape[key] as Validator<unknown>)(o[key], `${path}.${key}`)
    if (value !== undefined) out[key] = value
  }
  return out as Out<S>
}
