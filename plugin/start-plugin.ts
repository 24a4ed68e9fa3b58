import { handleMessageAsync } from './handle-message-async.js'
import { type PluginState, createPluginState } from './plugin-state.js'
import { reportSelection } from './report-selection.js'

/**
 * Registers the sandbox's listeners once for the whole run (never replaced per request). The UI
 * must send `ready` first; the plugin answers with settings, selection and, on rerun, the recipe.
 */
export function startPlugin(): PluginState {
  const state = createPluginState()
  figma.on('selectionchange', () => reportSelection(state))
  figma.ui.onmessage = (message: unknown) => {
    void handleMessageAsync(message, state)
  }
  return state
}
