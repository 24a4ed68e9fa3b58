import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isEngineMemoryFailure } from '../../ui/run/engine-failure.js'
import { describeError } from '../../ui/run/describe-error.js'
import { tf, useWasm } from '../support/tf.js'

/**
 * A real trap of the WebAssembly engine, the one a kernel past the heap's end hits: a module with
 * one 64 KiB page whose function loads from byte 65536. (Provoking it through tfjs-wasm takes a
 * 16384 px tensor, 13 GB of RSS and a minute.)
 */
async function outOfBoundsTrap(): Promise<unknown> {
  const bytes = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type: () -> i32
    0x03, 0x02, 0x01, 0x00, // function 0 has type 0
    0x05, 0x03, 0x01, 0x00, 0x01, // memory: min 1 page
    0x07, 0x08, 0x01, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x00, // export "load"
    0x0a, 0x0b, 0x01, 0x09, 0x00, 0x41, 0x80, 0x80, 0x04, 0x28, 0x02, 0x00, 0x0b // i32.const 65536; i32.load; end
  ])
  const { instance } = await WebAssembly.instantiate(bytes)
  try {
    (instance.exports.load as () => number)()
    return null
  } catch (e) {
    return e
  }
}

// The failures a huge run meets on WebAssembly: a trap with "memory access out of bounds" (what
// a 16384 px panel run died of) and, on tfjs-wasm itself, a tensor too long for a typed array.
// Both make the job reset the wasm instance and say so in a sentence; ordinary errors do neither.
test('real wasm memory failures are recognised and worded; ordinary errors are not', async () => {
  await useWasm()
  const failures: unknown[] = [await outOfBoundsTrap()]
  try {
    tf.tidy(() => tf.ones([1, 40000, 40000, 3])) // 4.8e9 elements, past a typed array's 2^32
  } catch (e) {
    failures.push(e)
  }
  assert.equal(failures.length, 2, 'the huge tensor failed')
  assert.ok(failures[0] instanceof WebAssembly.RuntimeError, String(failures[0]))
  assert.match(String(failures[0]), /memory access out of bounds/)
  assert.match(String(failures[1]), /Invalid typed array length/)
  for (const e of failures) {
    assert.ok(isEngineMemoryFailure(e), String(e))
    assert.match(describeError(e, 'run', { weightsUrl: 'x' }),
      /^This panel ran out of memory for this size \(.+\); it has been reset, so the next run starts clean\. Choose a smaller output size, or run big images on the helper app \(Advanced > Run on\)\.$/)
  }
  // Emscripten's abort, as a judge run died of when the machine ran short of memory.
  assert.ok(isEngineMemoryFailure(new Error('Aborted(). Build with -sASSERTIONS for more info.')))
  for (const e of [new RangeError('At least one style image is needed'), new Error('the WebGL context was lost')]) {
    assert.equal(isEngineMemoryFailure(e), false, String(e))
  }
  assert.match(describeError(new Error('boom'), 'run', { weightsUrl: 'x' }), /^Style transfer stopped with an error \(boom\)/)
})
