import type { Plan } from '../../models/style-transfer/index.js'
import type { RgbaImage, StyleTransferOptions } from '../../models/style-transfer/types.js'
import type { ServerMessage } from '../protocol.js'

/** Where a job's messages go: its client's socket, silently dropped once that socket is gone. */
export interface JobSink {
  json(msg: ServerMessage): void
  frame(header: ServerMessage, payload: Uint8Array): void
  /** Bytes queued on the socket and not yet written (previews are skipped while it is high). */
  bufferedAmount(): number
}

export interface Job {
  /** Unique over the server: `<client number>:<job id>`. */
  key: string
  id: string
  clientId: number
  content: RgbaImage
  styles: RgbaImage[]
  options: Partial<StyleTransferOptions>
  plan: Plan
  /** The estimated peak memory of the run (estimateJobMemory), counted while it runs. */
  memoryBytes: number
  controller: AbortController
  sink: JobSink
}
