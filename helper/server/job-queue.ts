import type { Job } from './job.js'

export class QueueFullError extends Error {
  override name = 'QueueFullError'
}

/**
 * One job runs at a time (one engine, one GPU or CPU pool); the others wait in order and are told
 * their position whenever it changes. Cancelling a waiting job just drops it (and its pixels);
 * cancelling the running one aborts its signal, and the engine stops within one iteration.
 */
export class JobQueue {
  private readonly waiting: Job[] = []
  private current: Job | null = null
  private currentRun: Promise<void> = Promise.resolve()

  constructor(
    private readonly maxWaiting: number,
    private readonly runAsync: (job: Job) => Promise<void>,
    private readonly onIdle: () => Promise<void> = async () => {}
  ) {}

  get running(): Job | null { return this.current }
  get waitingCount(): number { return this.waiting.length }
  /** Jobs of one client waiting behind the running one. */
  waitingFor(clientId: number): number { return this.waiting.reduce((n, j) => n + (j.clientId === clientId ? 1 : 0), 0) }
  /** Bytes of the pixels the waiting jobs hold. */
  get waitingPixelBytes(): number { return this.waiting.reduce((n, j) => n + j.content.data.length + j.styles.reduce((a, s) => a + s.data.length, 0), 0) }

  /** Queues a job; returns 0 when it starts at once, else its position in the line (1 = next). */
  add(job: Job): number {
    if (this.current !== null && this.waiting.length >= this.maxWaiting) {
      throw new QueueFullError(`The helper's queue is full (${this.maxWaiting} jobs waiting); try again when one has finished.`)
    }
    this.waiting.push(job)
    if (this.current === null) {
      this.pump()
      return 0
    }
    return this.waiting.length
  }

  /** Cancels one job of a client; says where it was, or null when there is no such job. */
  cancel(clientId: number, id: string): 'waiting' | 'running' | null {
    if (this.current !== null && this.current.clientId === clientId && this.current.id === id) {
      this.current.controller.abort()
      return 'running'
    }
    const i = this.waiting.findIndex((j) => j.clientId === clientId && j.id === id)
    if (i < 0) return null
    this.waiting.splice(i, 1)
    this.announcePositions(i)
    return 'waiting'
  }

  /** A client left: its waiting jobs are dropped and its running job aborted. */
  cancelClient(clientId: number): void {
    const first = this.waiting.findIndex((j) => j.clientId === clientId)
    if (first >= 0) {
      for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i]!.clientId === clientId) this.waiting.splice(i, 1)
      this.announcePositions(first)
    }
    if (this.current?.clientId === clientId) this.current.controller.abort()
  }

  has(clientId: number, id: string): boolean {
    return (this.current?.clientId === clientId && this.current.id === id) || this.waiting.some((j) => j.clientId === clientId && j.id === id)
  }

  /** Aborts everything (server shutdown) and resolves when the running job has stopped. */
  async drain(): Promise<void> {
    this.waiting.length = 0
    this.current?.controller.abort()
    await this.currentRun
  }

  private announcePositions(from: number): void {
    for (let i = from; i < this.waiting.length; i++) {
      const j = this.waiting[i] as Job
      j.sink.json({ type: 'queued', id: j.id, position: i + 1 })
    }
  }

  private pump(): void {
    const next = this.waiting.shift()
    if (next === undefined) return
    this.current = next
    this.announcePositions(0)
    this.currentRun = this.runAsync(next)
      .catch(() => undefined) // runAsync reports its own errors to the client
      .then(async () => {
        this.current = null
        if (this.waiting.length > 0) this.pump()
        else await this.onIdle().catch(() => undefined)
      })
  }
}
