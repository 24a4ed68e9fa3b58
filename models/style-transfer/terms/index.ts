import { contentTerm } from './content.js'
import { detailTerm } from './detail.js'
import { styleTerm } from './style.js'
import { tvTerm } from './tv.js'
import type { ConvLayerName, StyleTransferOptions } from '../types.js'
import type { LossParts, Term } from './term.js'

export type * from './term.js'
export { contentTerm, detailTerm, styleTerm, tvTerm }

/**
 * The loss, in the order its parts are reported. The one-pass, tiled and ONNX objectives are all
 * built from this list: a new term is a new file beside these and one entry here.
 */
export const TERMS: readonly Term[] = [contentTerm, styleTerm, tvTerm, detailTerm]

/** The total of the parts (in their order, so the sum is the same everywhere). */
export function totalOf(parts: LossParts): number {
  let total = 0
  for (const v of Object.values(parts)) total += v
  return total
}

/** The parts of an evaluation from the terms' values, in the terms' order. */
export function partsOf(terms: readonly Term[], values: ArrayLike<number>): LossParts {
  if (values.length !== terms.length) throw new Error(`expected ${terms.length} loss values (${terms.map((t) => t.name).join(', ')}), got ${values.length}`)
  return Object.fromEntries(terms.map((t, i) => [t.name, values[i] as number]))
}

/** Every layer the terms read, each once, in first-use order. */
export function termLayers(terms: readonly Term[], o: StyleTransferOptions): ConvLayerName[] {
  return [...new Set(terms.flatMap((t) => t.layers(o)))]
}
