// What the Output size field does with what the designer typed, and what a size means for the
// content layer: pure, so the sentences are tested without a browser.
import { MAX_SIDE, MIN_SIDE } from '../../models/style-transfer/index.js'
import { MAX_EXPORT_SCALE } from '../../plugin/export-scale.js'

export interface OutputSizeInput {
  /** The size to use, or null to keep the current one. */
  size: number | null
  /** Why the size is not what was typed; null when it is. */
  note: string | null
}

const RANGE = `Output sizes go from ${MIN_SIDE} to ${MAX_SIDE} px`

/**
 * A typed size: out of range goes to the nearest end and says so (the field then shows the size
 * the run will use, with the reason beside it); a fraction is rounded; anything else keeps the
 * current size and says what the field takes.
 */
export function parseOutputSize(text: string): OutputSizeInput {
  const typed = text.trim()
  const n = typed === '' ? Number.NaN : Number(typed)
  if (!Number.isFinite(n)) return { size: null, note: `${RANGE}; type a whole number of pixels.` }
  const rounded = Math.round(n)
  if (rounded < MIN_SIDE) return { size: MIN_SIDE, note: `${RANGE}, so ${typed} px became ${MIN_SIDE} px.` }
  if (rounded > MAX_SIDE) return { size: MAX_SIDE, note: `${RANGE}, so ${typed} px became ${MAX_SIDE} px.` }
  if (rounded !== n) return { size: rounded, note: `Output sizes are whole pixels, so ${typed} px became ${rounded} px.` }
  return { size: n, note: null }
}

const times = (f: number): string => `${f.toFixed(1).replace(/\.0$/, '')}×`

/**
 * A warning when the size is above the content layer's own size (its long side in canvas units,
 * what Figma exports at 1×): up to MAX_EXPORT_SCALE Figma renders it larger (sharp for vectors
 * and text, not for a placed photo); past that the pixels themselves are enlarged.
 */
export function upscaleNote(size: number, content: { name: string; width: number; height: number } | null): string | null {
  if (content === null) return null
  const long = Math.max(content.width, content.height)
  if (!(long > 0) || size <= Math.ceil(long)) return null
  const own = `“${content.name}” is ${Math.round(long)} px on its long side`
  if (size <= long * MAX_EXPORT_SCALE) {
    return `${own}: ${size} px renders it ${times(size / long)} larger, sharp for vectors and text but soft for a photo.`
  }
  return `${own}: ${size} px enlarges it ${times(size / long)}, past the ${MAX_EXPORT_SCALE}× Figma renders, so the result will look soft.`
}
