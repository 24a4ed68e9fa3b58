/** A one-line progress bar for stderr; plain lines when stderr is not a terminal. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--'
  const s = Math.round(ms / 1000)
  const m = Math.floor(s / 60)
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`
}

export function bar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction))
  const full = Math.round(f * width)
  return '█'.repeat(full) + '░'.repeat(width - full)
}

export function createLineWriter(stream: NodeJS.WriteStream): { update(line: string): void; done(line?: string): void } {
  const tty = stream.isTTY === true
  let last = 0
  return {
    update(line) {
      if (tty) {
        stream.write(`\r${line.padEnd(stream.columns > 0 ? Math.min(stream.columns - 1, 120) : 100)}`)
      } else if (Date.now() - last > 2000) {
        // Non-terminal output (CI logs): one line every two seconds at most.
        last = Date.now()
        stream.write(`${line}\n`)
      }
    },
    done(line) {
      if (tty) stream.write('\n')
      if (line !== undefined) stream.write(`${line}\n`)
    }
  }
}
