// esbuild loads .wasm files as base64 strings (see build/build-ui.ts).
declare module '*.wasm' {
  const base64: string
  export default base64
}
