/**
 * The helper's wire protocol, shared by the helper (Node) and the UI (browser). Pure: no node:
 * imports, no DOM types. Text messages are JSON; pixels travel in binary frames (frames.ts).
 */
export * from './protocol/messages.js'
export * from './protocol/frames.js'

