// What kind of failure a local run ended with, for the job's recovery and its sentence. DOM-free,
// so Node tests check it against real tfjs errors.

/**
 * True for a run that ran out of memory on WebAssembly or trapped in it ("memory access out of
 * bounds" from a kernel past the wasm heap, a typed array too long to allocate): the module's heap
 * may be left full or inconsistent, so the job drops the engine and the wasm instance
 * (forgetBackend) and the next run starts on a fresh one, without reloading the panel.
 */
export function isEngineMemoryFailure(error: unknown): boolean {
  if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) return true
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error)
  // "Aborted(...)": Emscripten's abort (seen when the heap cannot grow); after it the module
  // refuses every later call, so only a new instance helps.
  return /memory access out of bounds|out[ _]of[ _]memory|allocation failed|Invalid typed array length|Array buffer allocation|Cannot enlarge memory|Aborted\(/i.test(text)
}
