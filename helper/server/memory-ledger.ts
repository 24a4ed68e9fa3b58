import type { JobQueue } from './job-queue.js'
import { FIXED_BYTES } from './memory-estimate.js'

/**
 * What the helper holds in memory right now, against its budget: the engine's fixed floor (or the
 * running job's estimated peak, which includes it), the pixels of the jobs waiting in the queue,
 * and every client's uploads that no submit has taken yet. Uploads are admitted against this at
 * arrival, so a client cannot fill the machine with images it never submits.
 */
export class MemoryLedger {
  private readonly uploads = new Map<number, number>()

  constructor(readonly budgetBytes: number, private readonly queue: JobQueue) {}

  /** Records the bytes a client's unused uploads take now (0 forgets the client). */
  setUploads(clientId: number, bytes: number): void {
    if (bytes > 0) this.uploads.set(clientId, bytes)
    else this.uploads.delete(clientId)
  }

  held(): number {
    let uploads = 0
    for (const b of this.uploads.values()) uploads += b
    return Math.max(FIXED_BYTES, this.queue.running?.memoryBytes ?? 0) + this.queue.waitingPixelBytes + uploads
  }
}
