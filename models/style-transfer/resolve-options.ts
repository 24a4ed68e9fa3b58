import { DEFAULT_OPTIONS } from './defaults.js'
import { OPTION_FIELDS, type StyleTransferOptions } from './options.js'
import { object, parse } from './schema.js'

export class OptionsError extends RangeError {
  override name = 'OptionsError'
}

const OPTIONS_SCHEMA = object(OPTION_FIELDS)
const fail = (message: string): OptionsError => new OptionsError(message)

function checkWeights(field: string, weights: readonly number[]): void {
  if (weights.every((w) => w === 0)) throw new OptionsError(`${field}: expected at least one weight above 0, got ${weights.length} zeros`)
}

/**
 * Fills defaults and checks every field (OPTION_FIELDS); an unknown field is refused. Errors name
 * the field and the bad value (`size: expected integer in 16..16384, got number 0`).
 */
export function resolveOptions(input: Partial<StyleTransferOptions> = {}): StyleTransferOptions {
  const given = stripUndefined(input)
  // Custom style layers without weights weigh equally (the default weights fit the default layers).
  const layerWeights = given.styleLayerWeights === undefined && Array.isArray(given.styleLayers)
    ? { styleLayerWeights: given.styleLayers.map(() => 1) }
    : {}
  const o = parse(OPTIONS_SCHEMA, { ...DEFAULT_OPTIONS, ...layerWeights, ...given }, '', fail)
  if (o.styleLayerWeights.length !== o.styleLayers.length) {
    throw new OptionsError(`styleLayerWeights: expected ${o.styleLayers.length} weights (one per style layer), got ${o.styleLayerWeights.length}`)
  }
  checkWeights('styleLayerWeights', o.styleLayerWeights)
  checkWeights('styleBlend', o.styleBlend)
  return { ...o, minSize: Math.min(o.minSize, o.size) }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
