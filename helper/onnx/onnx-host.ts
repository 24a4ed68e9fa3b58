import { createOnnxCore, type CoreObjective, type OnnxCore } from './onnx-core.js'
import { readFileSync } from 'node:fs'
import type { ConvLayout, HostReply, HostRequest } from './onnx-process.js'
import type { NchwConv } from './vgg-nchw.js'
import { loadOrt } from './ort-runtime.js'

/*
 * The child process of onnx-process.ts: holds one job's onnxruntime sessions and exits when the
 * parent closes the channel, which gives all of their memory back to the system.
 */

if (process.send === undefined) throw new Error('onnx-host.ts runs as a child process of onnx-process.ts')

let core: OnnxCore | null = null
const objectives = new Map<number, CoreObjective>()
let nextObjective = 1

/** The weights file written by onnx-process.ts: per layer, the OIHW kernel then the bias. */
function readConvs(file: string, layers: readonly ConvLayout[]): NchwConv[] {
  const bytes = readFileSync(file)
  // A copy only if the Buffer is not 4-byte aligned (a big read normally gets its own buffer).
  const floats = bytes.byteOffset % 4 === 0
    ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)
    : new Float32Array(new Uint8Array(bytes).buffer)
  let at = 0
  const out = layers.map(({ name, outC, inC }) => {
    const k = outC * inC * 9
    const conv: NchwConv = { name, outC, inC, kernel: floats.subarray(at, at + k), bias: floats.subarray(at + k, at + k + outC) }
    at += k + outC
    return conv
  })
  if (at !== floats.length) throw new Error(`the weights file holds ${floats.length} floats, the layout ${at}`)
  return out
}

const reply = (m: HostReply): void => { process.send?.(m) }

async function handle(m: Extract<HostRequest, { id: number }>): Promise<unknown> {
  if (m.type === 'init') {
    const convs = readConvs(m.weightsFile, m.layers)
    // No probe here (it costs a session): the parent's probe chose the providers, in m.config.
    core = createOnnxCore(await loadOrt(), convs, m.config)
    return null
  }
  if (core === null) throw new Error('the onnxruntime process was not initialised')
  switch (m.type) {
    case 'prepare': {
      const id = nextObjective++
      objectives.set(id, await core.prepare(m.inputs))
      return id
    }
    case 'evaluate': {
      const o = objectives.get(m.objective)
      if (o === undefined) throw new Error('this ONNX objective was disposed')
      return o.evaluate(m.image)
    }
    case 'release':
      return core.releaseSessions()
  }
}

process.on('message', (m: HostRequest) => {
  if (m.type === 'dispose-objective') {
    objectives.get(m.objective)?.dispose()
    objectives.delete(m.objective)
    return
  }
  handle(m).then(
    (value) => reply({ id: m.id, ok: true, value: value ?? null, stats: core?.stats() ?? null }),
    (e: unknown) => reply({ id: m.id, ok: false, message: (e as Error).message ?? String(e), stats: core?.stats() ?? null })
  )
})
// The parent closed the channel (job over) or died: nothing here is worth keeping.
process.on('disconnect', () => process.exit(0))
// Ctrl-C in a terminal reaches the whole process group. The CLI then stops after the current
// iteration and needs this process for it; the parent ends it afterwards.
process.on('SIGINT', () => undefined)
