import { DEFAULT_OPTIONS, MAX_SIDE, MIN_SIDE } from './defaults.js'
import { CONV_LAYERS } from '../vgg19/layers.js'
import type { ConvLayerName, StyleTransferOptions } from './types.js'

export class OptionsError extends RangeError {
  override name = 'OptionsError'
}

function num(field: string, v: unknown, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    const kind = integer ? 'an integer' : 'a number'
    throw new OptionsError(`${field}: expected ${kind} from ${min} to ${max}, got ${JSON.stringify(v)}`)
  }
  return v
}

function layer(field: string, v: unknown): ConvLayerName {
  if (typeof v !== 'string' || !(CONV_LAYERS as readonly string[]).includes(v)) {
    throw new OptionsError(`${field}: expected one of ${CONV_LAYERS.join(', ')}, got ${JSON.stringify(v)}`)
  }
  return v as ConvLayerName
}

function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new OptionsError(`${field}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`)
  }
  return v as T
}

function weights(field: string, v: unknown, length?: number): number[] {
  if (!Array.isArray(v) || v.length === 0 || (length !== undefined && v.length !== length)) {
    const want = length === undefined ? 'a non-empty array' : `an array of ${length}`
    throw new OptionsError(`${field}: expected ${want} of non-negative numbers, got ${JSON.stringify(v)}`)
  }
  const out = v.map((w, i) => num(`${field}[${i}]`, w, 0, 1e9))
  if (out.every((w) => w === 0)) throw new OptionsError(`${field}: at least one weight must be above 0`)
  return out
}

/** Fills defaults and checks every field; errors name the field and the bad value. */
export function resolveOptions(input: Partial<StyleTransferOptions> = {}): StyleTransferOptions {
  const known = new Set(Object.keys(DEFAULT_OPTIONS))
  for (const key of Object.keys(input)) {
    if (!known.has(key)) throw new OptionsError(`${key}: unknown option`)
  }
  const o = { ...DEFAULT_OPTIONS, ...stripUndefined(input) }
  const styleLayers = Array.isArray(o.styleLayers) && o.styleLayers.length > 0
    ? o.styleLayers.map((l, i) => layer(`styleLayers[${i}]`, l))
    : (() => { throw new OptionsError(`styleLayers: expected a non-empty array of layer names, got ${JSON.stringify(o.styleLayers)}`) })()
  const styleLayerWeights = input.styleLayerWeights === undefined && input.styleLayers !== undefined
    ? styleLayers.map(() => 1)
    : weights('styleLayerWeights', o.styleLayerWeights, styleLayers.length)
  const size = num('size', o.size, MIN_SIDE, MAX_SIDE, true)
  return {
    size,
    minSize: Math.min(num('minSize', o.minSize, MIN_SIDE, MAX_SIDE, true), size),
    stepsFirst: num('stepsFirst', o.stepsFirst, 0, 100000, true),
    steps: num('steps', o.steps, 0, 100000, true),
    contentWeight: num('contentWeight', o.contentWeight, 0, 1e9),
    styleWeight: num('styleWeight', o.styleWeight, 0, 1e9),
    tvWeight: num('tvWeight', o.tvWeight, 0, 1e9),
    contentLayer: layer('contentLayer', o.contentLayer),
    styleLayers,
    styleLayerWeights,
    styleBlend: weights('styleBlend', o.styleBlend),
    styleScale: num('styleScale', o.styleScale, 0.1, 4),
    pooling: oneOf('pooling', o.pooling, ['max', 'average'] as const),
    color: oneOf('color', o.color, ['off', 'preserve', 'match'] as const),
    optimizer: oneOf('optimizer', o.optimizer, ['adam', 'lbfgs'] as const),
    learningRate: num('learningRate', o.learningRate, 1e-6, 1),
    emaDecay: num('emaDecay', o.emaDecay, 0, 0.9999),
    initNoise: num('initNoise', o.initNoise, 0, 1),
    seed: num('seed', o.seed, 0, 2 ** 32 - 1, true),
    previewEvery: num('previewEvery', o.previewEvery, 0, 100000, true)
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
