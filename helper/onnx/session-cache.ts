import type { OrtModule, OrtSession, SessionConfig } from './ort-runtime.js'
import { sessionOptions } from './ort-runtime.js'

/** Counters that let tests and the bench see sessions come and go. */
export interface SessionStats {
  created: number
  released: number
  /** Sessions held now (created - released). */
  live: number
  /** Total time spent building graphs and creating sessions, ms. */
  createMs: number
}

/** A session on loan; `done()` returns it to the cache (it stays cached until evicted). */
export interface Lease {
  session: OrtSession
  done(): void
}

interface Entry {
  session: Promise<OrtSession>
  users: number
  lastUsed: number
}

/**
 * onnxruntime sessions keyed by what their graph depends on (image size, pooling, layers).
 * Each session holds its own copy of the weights, prepacked and with the rotated backward kernels
 * (measured: RSS grows by 200-330 MB per cached session at 128-256 px, to conv5_1), so at most
 * `max` idle sessions are kept, least recently used evicted first; a session in use is never
 * released under its user. After release, glibc keeps much of that memory mapped: RSS plateaued
 * near 1.2 GB over 8 jobs of three sizes each (355 MB before), bounded rather than growing. So the
 * helper and the CLI keep this cache in a child process per job (onnx-process.ts), where it still
 * lets every scale of a job share the targets session, and the process exit gives it all back.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>()
  private tick = 0
  private disposed = false
  private readonly counts: SessionStats = { created: 0, released: 0, live: 0, createMs: 0 }

  constructor(private readonly ort: OrtModule, private readonly config: SessionConfig, private readonly max: number) {}

  async acquire(key: string, build: () => Uint8Array): Promise<Lease> {
    if (this.disposed) throw new Error('the ONNX objective was disposed')
    let entry = this.entries.get(key)
    if (entry === undefined) {
      const start = performance.now()
      const created = (async () => {
        const session = await this.ort.InferenceSession.create(build(), sessionOptions(this.config))
        this.counts.created += 1
        this.counts.createMs += performance.now() - start
        return session
      })()
      entry = { session: created, users: 0, lastUsed: 0 }
      this.entries.set(key, entry)
      // A failed creation must not stay cached as a rejected promise.
      created.catch(() => { if (this.entries.get(key) === entry) this.entries.delete(key) })
    }
    entry.users += 1
    entry.lastUsed = ++this.tick
    let session: OrtSession
    try {
      session = await entry.session
    } catch (e) {
      entry.users -= 1
      throw e
    }
    await this.evict()
    const held = entry
    let returned = false
    return {
      session,
      done: () => {
        if (returned) return
        returned = true
        held.users -= 1
      }
    }
  }

  /** Releases idle sessions beyond `keep`, least recently used first. */
  private async evict(keep = this.max): Promise<void> {
    const idle = [...this.entries].filter(([, e]) => e.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed)
    let excess = this.entries.size - keep
    for (const [key, e] of idle) {
      if (excess <= 0) break
      this.entries.delete(key)
      excess -= 1
      await this.releaseOne(e)
    }
  }

  private async releaseOne(e: Entry): Promise<void> {
    let s: OrtSession
    try {
      s = await e.session
    } catch {
      return // never created: nothing to release
    }
    await s.release()
    this.counts.released += 1
  }

  /** Releases every session nobody is using (between jobs: memory back, weights kept). */
  releaseIdle(): Promise<void> {
    return this.evict(0)
  }

  /** Releases every session, in use or not; the cache cannot be used afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true
    const all = [...this.entries.values()]
    this.entries.clear()
    for (const e of all) await this.releaseOne(e)
  }

  stats(): SessionStats {
    return { ...this.counts, live: this.counts.created - this.counts.released }
  }
}
