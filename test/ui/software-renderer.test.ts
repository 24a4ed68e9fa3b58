import assert from 'node:assert/strict'
import { test } from 'node:test'
import { softwareRendererIn } from '../../ui/software-renderer.js'

test('software renderers are told from GPUs by the strings browsers report', () => {
  // Chromium here (WebGL UNMASKED_RENDERER, WebGPU adapter info architecture).
  assert.equal(softwareRendererIn('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)'), 'SwiftShader')
  assert.equal(softwareRendererIn('google swiftshader  '), 'SwiftShader')
  assert.equal(softwareRendererIn('llvmpipe (LLVM 15.0.6, 256 bits)'), 'llvmpipe')
  assert.equal(softwareRendererIn('ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0)'), 'Microsoft Basic Render Driver')
  for (const gpu of ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)', 'Apple M2', 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)', 'nvidia ampere', 'AMD Radeon Pro 5500M']) {
    assert.equal(softwareRendererIn(gpu), null, gpu)
  }
})
