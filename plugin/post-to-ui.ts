import type { PluginToUi } from './messages.js'

/** The only way the sandbox talks to the UI, so every message is checked against the contract type. */
export function postToUi(message: PluginToUi): void {
  figma.ui.postMessage(message)
}
