import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { probedProviders } from './ort-runtime.js'
import type { SessionStats } from './session-cache.js'
import type { CoreEvaluation, CoreInputs, CoreObjective, OnnxCore, OnnxCoreConfig, OnnxObjectiveStats } from './onnx-core.js'
import type { NchwConv } from './vgg-nchw.js'

/*
 * The onnxruntime sessions of one job, in a child process that exits when the job is over.
 *
 * Why a process: releasing the sessions in this process frees their memory, but glibc keeps most
 * of it. Measured on 10 jobs at 64->96 px (2 cores, Node 20, glibc 2.36, onnxruntime-node 1.30),
 * RSS after each job with every session released and a GC stayed at 0.8-1.0 GB against 0.49 GB
 * before the first job, with 530 MB of it in the main [heap] alone (fragmented, so never trimmed).
 * No session option moved that (enableCpuMemArena / enableMemPattern off,
 * use_device_allocator_for_initializers, disable_prepacking: 0.87-1.3 GB), nor MALLOC_ARENA_MAX=1,
 * nor a worker_thread per job that exits after it (0.4-0.85 GB left behind: glibc keeps a thread's
 * arena). MALLOC_MMAP_THRESHOLD_ at 128 KB-1 MB did give it back (0.40 GB flat) but made session
 * creation 4-6x slower and iterations up to 2x slower, only works if set before node starts, and
 * node cannot call malloc_trim. A process that exits returns all of it. Its cost, per job: 0.5-1.1 s
 * to start (node and tsx 0.4-0.7 s, onnxruntime and the weights file the rest; stats().processes),
 * about 1 s more for the first session in a fresh process (onnxruntime's one-time set-up, pages
 * touched for the first time), and per iteration the image and gradient through the channel:
 * +7 ms at 128 px (~105 ms), +50 ms at 512 px (~1.25 s).
 */

/** Parent -> child. */
export type HostRequest =
  | { type: 'init'; id: number; weightsFile: string; layers: ConvLayout[]; config: OnnxCoreConfig }
  | { type: 'prepare'; id: number; inputs: CoreInputs }
  | { type: 'evaluate'; id: number; objective: number; image: Float32Array }
  | { type: 'release'; id: number }
  | { type: 'dispose-objective'; objective: number }

/** Where each layer's kernel (OIHW) then bias lie in the weights file, in order, float32. */
export type ConvLayout = Pick<NchwConv, 'name' | 'outC' | 'inC'>

/** The converted weights as one buffer (the file a child reads) and its layout. */
interface PackedConvs {
  bytes: Uint8Array
  layers: ConvLayout[]
}

function packConvs(convs: readonly NchwConv[]): PackedConvs {
  const floats = new Float32Array(convs.reduce((a, c) => a + c.kernel.length + c.bias.length, 0))
  let at = 0
  for (const c of convs) {
    floats.set(c.kernel, at)
    floats.set(c.bias, at + c.kernel.length)
    at += c.kernel.length + c.bias.length
  }
  return { bytes: new Uint8Array(floats.buffer), layers: convs.map(({ name, outC, inC }) => ({ name, outC, inC })) }
}

type WithId = Extract<HostRequest, { id: number }>
/** A request before its id is given. */
type RequestBody<T = WithId> = T extends WithId ? Omit<T, 'id'> : never

/** Child -> parent: one reply per request with an id. */
export type HostReply =
  | { id: number; ok: true; value: unknown; stats: OnnxObjectiveStats | null }
  | { id: number; ok: false; message: string; stats: OnnxObjectiveStats | null }

/**
 * The compiled helper (dist/helper/*.mjs, built by helper/build/build-helper.ts) forks the compiled
 * host beside it with plain node; from source the host is TypeScript and runs through tsx.
 */
const COMPILED = import.meta.url.endsWith('.mjs')
const HOST = fileURLToPath(new URL(COMPILED ? './onnx-host.mjs' : './onnx-host.ts', import.meta.url))
/** A child exiting takes this long at most before it is killed (it holds no state worth saving). */
const EXIT_GRACE_MS = 5000

const zero = (): SessionStats => ({ created: 0, released: 0, live: 0, createMs: 0 })
const zeroStats = (): OnnxObjectiveStats => ({ objective: zero(), targets: zero(), targetsMs: 0 })

/** Stats of a child that has exited: every session it created went with it. */
function gone(s: SessionStats): SessionStats {
  return { created: s.created, released: s.created, live: 0, createMs: s.createMs }
}
function add(a: SessionStats, b: SessionStats): SessionStats {
  return { created: a.created + b.created, released: a.released + b.released, live: a.live + b.live, createMs: a.createMs + b.createMs }
}

/** One child process and its outstanding requests. */
class Host {
  readonly exited: Promise<void>
  dead = false
  /** Objectives handed out and not yet disposed, plus prepares in flight. */
  busy = 0
  stats: OnnxObjectiveStats = zeroStats()
  /** From fork to the child's first answer (node, tsx, onnxruntime, the weights received). */
  startMs = 0
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private nextId = 1
  private readonly proc: ChildProcess
  readonly ready: Promise<unknown>

  constructor(weights: PackedConvs, config: OnnxCoreConfig) {
    // From source, tsx by absolute URL: the child is TypeScript, and the parent may have registered
    // tsx in process rather than by a flag that execArgv would carry. Its ESM hooks only (the child
    // is all ESM): 0.3-0.5 s sooner up than the full loader here. The compiled child needs nothing.
    // No parent flags are passed on (under `node --test` they would make the child a test runner).
    this.proc = fork(HOST, [], {
      execArgv: COMPILED ? [] : ['--import', import.meta.resolve('tsx/esm')],
      serialization: 'advanced',
      // The child's stdout goes to our stderr: under node:test our stdout is the test protocol.
      stdio: ['ignore', 2, 'inherit', 'ipc']
    })
    // An idle child must not keep this process alive.
    this.hold(false)
    this.exited = new Promise((resolve) => {
      const end = (why: string): void => {
        if (this.dead) return
        this.dead = true
        const e = new Error(`the onnxruntime process ${why}`)
        for (const p of this.pending.values()) p.reject(e)
        this.pending.clear()
        resolve()
      }
      this.proc.once('exit', (code, signal) => end(signal !== null ? `was stopped by ${signal}` : `exited with code ${code}`))
      this.proc.once('error', (e) => { end(`failed: ${e.message}`); this.proc.kill('SIGKILL') })
    })
    this.proc.on('message', (m: HostReply) => {
      if (m.stats !== null) this.stats = m.stats
      const p = this.pending.get(m.id)
      if (p === undefined) return
      this.pending.delete(m.id)
      if (this.pending.size === 0) this.hold(false)
      if (m.ok) p.resolve(m.value)
      else p.reject(new Error(m.message))
    })
    const start = performance.now()
    // The weights go through a file: 52 MB through the IPC channel took 1-1.4 s here, the file
    // about 50 ms. It lives only until the child has read it.
    const dir = mkdtempSync(join(tmpdir(), 'stylecraft-onnx-'))
    const weightsFile = join(dir, 'vgg19-nchw.f32')
    writeFileSync(weightsFile, weights.bytes)
    this.ready = this.request({ type: 'init', weightsFile, layers: weights.layers, config })
      .then(() => { this.startMs = performance.now() - start })
      .finally(() => rmSync(dir, { recursive: true, force: true }))
  }

  /**
   * While a request waits for its answer, the channel (for the answer) and the process (for its
   * exit, should it die first) keep this process's event loop alive; otherwise neither does.
   */
  private hold(on: boolean): void {
    if (on) {
      this.proc.ref()
      this.proc.channel?.ref()
    } else {
      this.proc.unref()
      this.proc.channel?.unref()
    }
  }

  get pid(): number | null {
    return this.proc.pid ?? null
  }

  request(r: RequestBody): Promise<unknown> {
    if (this.dead) return Promise.reject(new Error('the onnxruntime process has exited'))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.hold(true)
      this.pending.set(id, { resolve, reject })
      this.proc.send({ ...r, id } as HostRequest, (e) => {
        if (e === null || e === undefined) return
        this.pending.delete(id)
        if (this.pending.size === 0) this.hold(false)
        reject(e)
      })
    })
  }

  notify(r: Extract<HostRequest, { type: 'dispose-objective' }>): void {
    if (!this.dead && this.proc.connected) this.proc.send(r, () => undefined)
  }

  /** Asks the child to exit (closing its channel ends it), killing it if it lingers. */
  async stop(): Promise<void> {
    if (!this.dead) {
      if (this.proc.connected) this.proc.disconnect()
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), EXIT_GRACE_MS)
      await this.exited
      clearTimeout(timer)
    }
  }
}

/**
 * An OnnxCore whose sessions live in a child process (onnx-host.ts). The child starts at the first
 * prepare() and exits on releaseSessions() when no objective is in use, so nothing of onnxruntime
 * outlives a job; within a job its session cache works as in process (the targets session serves
 * every scale). The converted weights stay here and go to each new child through a file.
 */
export function createProcessCore(convs: readonly NchwConv[], coreConfig: OnnxCoreConfig): OnnxCore {
  // Packed once; the caller's arrays are not kept (this process never builds a graph).
  const weights = packConvs(convs)
  // The child skips the probe (a session's worth of time): it uses the providers found here.
  const config: OnnxCoreConfig = { ...coreConfig, executionProviders: coreConfig.executionProviders ?? probedProviders() }
  let host: Host | null = null
  const processes = { started: 0, startMs: 0 }
  let disposed = false
  /** Stats of children that have exited. */
  let past = zeroStats()

  const retired = new WeakSet<Host>()
  const retire = async (h: Host): Promise<void> => {
    if (host === h) host = null
    if (retired.has(h)) return h.exited
    retired.add(h)
    await h.stop()
    past = {
      objective: add(past.objective, gone(h.stats.objective)),
      targets: add(past.targets, gone(h.stats.targets)),
      targetsMs: past.targetsMs + h.stats.targetsMs
    }
  }

  let starting: Promise<Host> | null = null
  const current = (): Promise<Host> => {
    if (host !== null && !host.dead) return Promise.resolve(host)
    starting ??= (async () => {
      try {
        if (host !== null) await retire(host)
        if (disposed) throw new Error('the ONNX objective factory was disposed')
        const h = new Host(weights, config)
        host = h
        processes.started += 1
        try {
          await h.ready
          processes.startMs += h.startMs
        } catch (e) {
          await retire(h)
          throw e
        }
        return h
      } finally {
        starting = null
      }
    })()
    return starting
  }

  return {
    async prepare(inputs) {
      if (disposed) throw new Error('the ONNX objective factory was disposed')
      const h = await current()
      h.busy += 1
      let id: number
      try {
        id = (await h.request({ type: 'prepare', inputs })) as number
      } catch (e) {
        h.busy -= 1
        throw e
      }
      let live = true
      const objective: CoreObjective = {
        async evaluate(image) {
          if (!live) throw new Error('this ONNX objective was disposed')
          return (await h.request({ type: 'evaluate', objective: id, image })) as CoreEvaluation
        },
        dispose() {
          if (!live) return
          live = false
          h.busy -= 1
          h.notify({ type: 'dispose-objective', objective: id })
        }
      }
      return objective
    },
    async releaseSessions() {
      const h = host
      if (h === null) return
      // Between jobs nothing is in use: the whole process goes. Otherwise only idle sessions.
      if (h.busy === 0 || h.dead) await retire(h)
      else await h.request({ type: 'release' })
    },
    async dispose() {
      disposed = true
      if (host !== null) await retire(host)
    },
    stats() {
      const s = host?.stats ?? zeroStats()
      return {
        objective: add(past.objective, s.objective), targets: add(past.targets, s.targets), targetsMs: past.targetsMs + s.targetsMs,
        processes: { ...processes, pid: host !== null && !host.dead ? host.pid : null }
      }
    }
  }
}
