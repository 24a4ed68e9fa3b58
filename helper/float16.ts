/** float32 -> IEEE 754 half bits, round to nearest even (the tfjs float16 quantisation layout). */
export function toFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length)
  const f32 = new Float32Array(1)
  const u32 = new Uint32Array(f32.buffer)
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i] as number
    const x = u32[0] as number
    const sign = (x >>> 16) & 0x8000
    const exp = (x >>> 23) & 0xff
    let mant = x & 0x7fffff
    if (exp === 0xff) { out[i] = sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); continue }
    let e = exp - 127 + 15
    if (e >= 0x1f) { out[i] = sign | 0x7c00; continue }
    if (e <= 0) {
      if (e < -10) { out[i] = sign; continue }
      mant |= 0x800000
      const shift = 14 - e
      let h = mant >>> shift
      const rem = mant & ((1 << shift) - 1)
      const half = 1 << (shift - 1)
      if (rem > half || (rem === half && (h & 1) === 1)) h += 1
      out[i] = sign | h
      continue
    }
    let h = (e << 10) | (mant >>> 13)
    const rem = mant & 0x1fff
    if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h += 1
    out[i] = sign | h
    e = 0
  }
  return out
}
