import type { RgbaImage } from '../models/style-transfer/types.js'

/**
 * A content/style pair drawn in code, for the demo run and tests when no images are given:
 * a sunset-like landscape (content) and a bold stroke pattern (style).
 */
export function drawSampleContent(width = 256, height = 192): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      const sky = y < height * 0.6
      const sun = (x - width * 0.7) ** 2 + (y - height * 0.35) ** 2 < (height * 0.12) ** 2
      const hill = y > height * (0.55 + 0.1 * Math.sin((x / width) * Math.PI * 2))
      const t = y / height
      const [r, g, b] = sun ? [255, 210, 90] : hill ? [40 + 60 * t, 110 + 40 * t, 50] : sky ? [250 - 120 * t, 150 - 60 * t, 120 + 100 * t] : [60, 90, 60]
      data[i] = r; data[i + 1] = g; data[i + 2] = b; data[i + 3] = 255
    }
  }
  return { data, width, height }
}

export function drawSampleStyle(width = 192, height = 192): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4
      // Swirling diagonal strokes in blue and yellow, the palette of a night painting.
      const v = Math.sin((x + y) * 0.25 + 3 * Math.sin(y * 0.05)) + Math.sin((x - y) * 0.11)
      const k = (v + 2) / 4
      data[i] = 20 + 235 * k * k
      data[i + 1] = 40 + 180 * k
      data[i + 2] = 140 - 100 * k
      data[i + 3] = 255
    }
  }
  return { data, width, height }
}
