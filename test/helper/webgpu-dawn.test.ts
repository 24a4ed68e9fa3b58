import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The WebGPU path of the Node chooser, on Dawn (the `webgpu` package) over the SwiftShader Vulkan
 * driver that Debian's chromium ships: no GPU here, but the same tfjs-backend-webgpu code runs.
 * In a child process: the Vulkan driver is chosen by environment, and backends register once.
 */
const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json'
const SCRIPT = fileURLToPath(new URL('./webgpu-dawn-check.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const hasVulkan = spawnSync('sh', ['-c', 'ldconfig -p | grep -q libvulkan.so.1']).status === 0

test('tfjs-backend-webgpu on Dawn computes the same loss and gradient as wasm', { skip: !existsSync(ICD) || !hasVulkan ? 'needs chromium\'s SwiftShader ICD and libvulkan1' : false, timeout: 600_000 }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, VK_ICD_FILENAMES: ICD } })
  const last = r.stdout.trim().split('\n').pop() ?? ''
  assert.equal(r.status, 0, r.stderr.slice(-2000))
  const out = JSON.parse(last) as { adapter: string; lossWebgpu: number; lossWasm: number; gradErr: number; ms: number }
  console.log(`Dawn adapter: ${out.adapter}; loss webgpu ${out.lossWebgpu.toFixed(5)} vs wasm ${out.lossWasm.toFixed(5)}; gradient relative L2 ${out.gradErr.toExponential(2)}; ${out.ms.toFixed(0)} ms`)
  assert.ok(Math.abs(out.lossWebgpu - out.lossWasm) < 1e-3 * out.lossWasm)
  assert.ok(out.gradErr < 1e-3)
})
