// Tells a GPU backend that would run on a software rasteriser (SwiftShader, llvmpipe, Microsoft's
// Basic Render Driver, a WebGPU fallback adapter) from a real GPU. Measured here: WebGL on
// SwiftShader takes tens of seconds per iteration at 128 px where WebAssembly takes 1.5 s, so the
// automatic choice puts such a backend after the CPU.

/** Renderer strings of software rasterisers, as WebGL's UNMASKED_RENDERER and WebGPU's adapter info name them. */
const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render|\bwarp\b/i

/** The short name of a software renderer in `text` ("SwiftShader"), or null for a hardware one. */
export function softwareRendererIn(text: string): string | null {
  const m = SOFTWARE.exec(text)
  if (m === null) return null
  const word = m[0].toLowerCase()
  return word === 'swiftshader' ? 'SwiftShader' : word === 'basic render' ? 'Microsoft Basic Render Driver' : word === 'warp' ? 'WARP' : word
}

interface AdapterInfoLike { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }
interface AdapterLike { isFallbackAdapter?: boolean; info?: AdapterInfoLike }
interface GpuLike { requestAdapter(): Promise<AdapterLike | null> }

/** The WebGPU adapter's software renderer, or null (a hardware adapter, or none: starting it says why). */
async function webgpuSoftwareAsync(): Promise<string | null> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu
  const adapter = await gpu?.requestAdapter().catch(() => null)
  if (adapter === null || adapter === undefined) return null
  const info = adapter.info ?? {}
  const named = softwareRendererIn([info.vendor, info.architecture, info.device, info.description].join(' '))
  if (named !== null) return named
  return adapter.isFallbackAdapter === true || info.isFallbackAdapter === true ? 'a fallback adapter' : null
}

/** WebGL's software renderer, or null. The probe context is released at once. */
function webglSoftware(): string | null {
  const canvas = document.createElement('canvas')
  const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null
  if (gl === null) return null
  try {
    const ext = gl.getExtension('WEBGL_debug_renderer_info')
    const renderer = String(gl.getParameter(ext !== null ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER))
    return softwareRendererIn(renderer)
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext()
  }
}

/** The software renderer a GPU backend would run on here, or null. */
export async function softwareRendererAsync(backend: 'webgpu' | 'webgl'): Promise<string | null> {
  try {
    return backend === 'webgpu' ? await webgpuSoftwareAsync() : webglSoftware()
  } catch {
    return null // a probe that throws says nothing; starting the backend will
  }
}
