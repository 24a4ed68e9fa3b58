import type { WebSocket, WebSocketServer } from 'ws'

/**
 * ws's liveness pattern: ping every interval; a socket that has not answered the previous ping is
 * terminated, which fires its `close` and so cancels its jobs (a laptop lid closed mid-job).
 */
export function startHeartbeat(wss: WebSocketServer, intervalMs: number): () => void {
  const alive = new WeakMap<WebSocket, boolean>()
  wss.on('connection', (ws) => {
    alive.set(ws, true)
    ws.on('pong', () => alive.set(ws, true))
  })
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate()
        continue
      }
      alive.set(ws, false)
      ws.ping()
    }
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
