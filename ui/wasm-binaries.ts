// The panel is one HTML file with no server behind it (null origin in Figma), so the wasm binaries
// are inlined by the build (esbuild 'base64' loader for .wasm) and handed to tfjs as data: URLs
// with Emscripten's own prefix, which it decodes in memory instead of fetching.
import plainBase64 from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'
import simdBase64 from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'

const PREFIX = 'data:application/octet-stream;base64,'

export const WASM_BINARY_URLS = {
  'tfjs-backend-wasm.wasm': PREFIX + plainBase64,
  'tfjs-backend-wasm-simd.wasm': PREFIX + simdBase64,
  // Never loaded: backend.ts turns multithreading off. setWasmPaths wants every name.
  'tfjs-backend-wasm-threaded-simd.wasm': PREFIX + simdBase64
}
