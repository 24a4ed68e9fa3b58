import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RgbaImage } from '../../models/style-transfer/types.js'

/** RGBA bytes -> raw float32 RGB in 0..1, [H, W, 3] little-endian (what the Python side reads). */
function toF32(image: RgbaImage): Buffer {
  const n = image.width * image.height
  const f = new Float32Array(n * 3)
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) f[i * 3 + k] = (image.data[i * 4 + k] as number) / 255
  return Buffer.from(f.buffer)
}

function fromF32(bytes: Buffer, width: number, height: number): RgbaImage {
  const f = new Float32Array(bytes.buffer, bytes.byteOffset, width * height * 3)
  const data = new Uint8ClampedArray(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < 3; k++) data[i * 4 + k] = Math.round((f[i * 3 + k] as number) * 255)
    data[i * 4 + 3] = 255
  }
  return { data, width, height }
}

/**
 * The reference Gatys run (helper/bench/gatys-reference.py: jcjohnson's objective, L-BFGS from the
 * content) on a content already at the output size and a style at the output's long side.
 */
export async function runReferenceGatys(python: string, weightsDir: string, content: RgbaImage, style: RgbaImage, steps: number): Promise<RgbaImage> {
  const dir = mkdtempSync(join(tmpdir(), 'gatys-ref-'))
  try {
    const c = join(dir, 'content.f32')
    const s = join(dir, 'style.f32')
    const out = join(dir, 'out.f32')
    writeFileSync(c, toF32(content))
    writeFileSync(s, toF32(style))
    const script = fileURLToPath(new URL('../bench/gatys-reference.py', import.meta.url))
    const manifest = fileURLToPath(new URL('../../models/vgg19/vgg19.manifest.json', import.meta.url))
    const args = [script, weightsDir, manifest, c, String(content.height), String(content.width), s, String(style.height), String(style.width), out, String(steps)]
    await new Promise<void>((resolve, reject) => {
      const child = spawn(python, args, { stdio: ['ignore', 'ignore', 'pipe'] })
      let err = ''
      child.stderr.on('data', (d: Buffer) => { err += d.toString() })
      child.on('error', reject)
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the reference Gatys run failed: ${err.trim().split('\n').slice(-2).join(' ')}`))))
    })
    return fromF32(readFileSync(out), content.width, content.height)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
