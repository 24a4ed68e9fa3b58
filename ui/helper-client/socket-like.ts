/**
 * The part of the browser WebSocket the helper client uses. Typed here so the client compiles
 * without DOM types and runs in Node tests with the `ws` package's WebSocket (Node 20 has no
 * global WebSocket).
 */
export interface MessageEventLike { data: unknown }
export interface CloseEventLike { code: number; reason: string }

export interface WebSocketLike {
  binaryType: string
  readonly readyState: number
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: MessageEventLike) => void) | null
  onclose: ((ev: CloseEventLike) => void) | null
  onerror: ((ev: unknown) => void) | null
  send(data: string | Uint8Array): void
  close(code?: number, reason?: string): void
}

export type WebSocketFactory = (url: string, protocols: string[]) => WebSocketLike

/** The browser's WebSocket, when there is one. */
export function browserWebSocket(): WebSocketFactory {
  const Ctor = (globalThis as unknown as { WebSocket?: new (url: string, protocols: string[]) => WebSocketLike }).WebSocket
  if (Ctor === undefined) throw new Error('This environment has no WebSocket; pass createSocket (e.g. the ws package in Node).')
  return (url, protocols) => new Ctor(url, protocols)
}

export const OPEN = 1
