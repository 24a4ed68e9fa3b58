import { exportLayerAsync } from './export-layer-async.js'
import { type UiToPlugin, type UiToPluginType, parseUiToPlugin, requestIdOf } from './messages.js'
import { placeResultAsync } from './place-result-async.js'
import type { PluginState } from './plugin-state.js'
import { postToUi } from './post-to-ui.js'
import { RERUN_COMMAND } from './recipe-data.js'
import { reportSelection } from './report-selection.js'
import { sendRerunRecipeAsync } from './rerun-async.js'
import { setContent } from './set-content.js'
import { loadSettingsAsync, saveSettingsAsync } from './settings-store.js'
import { UserError } from './user-error.js'

const ACTION: { [K in UiToPluginType]: string } = {
  ready: 'start',
  'set-content': 'change the content layer',
  export: 'export the layer',
  place: 'place the result',
  'place-tiles': 'place the result',
  'save-settings': 'save the settings',
  notify: 'show the message',
  close: 'close the plugin'
}

/**
 * Handles one raw message from the UI. Never throws: a message that fails validation, and any error
 * while handling a valid one, is answered with an `error` message (with the requestId when known).
 */
export async function handleMessageAsync(raw: unknown, state: PluginState): Promise<void> {
  let message: UiToPlugin
  try {
    message = parseUiToPlugin(raw)
  } catch (error) {
    postToUi({ type: 'error', requestId: requestIdOf(raw), message: `The plugin received an invalid message: ${messageOf(error)}` })
    return
  }
  try {
    await dispatchAsync(message, state)
  } catch (error) {
    const text = error instanceof UserError ? error.message : `Could not ${ACTION[message.type]}: ${messageOf(error)}`
    postToUi({ type: 'error', requestId: 'requestId' in message ? message.requestId : null, message: text })
  }
}

async function dispatchAsync(message: UiToPlugin, state: PluginState): Promise<void> {
  switch (message.type) {
    case 'ready':
      postToUi({ type: 'settings', settings: await loadSettingsAsync() })
      reportSelection(state)
      if (figma.command === RERUN_COMMAND) await sendRerunRecipeAsync(state)
      return
    case 'set-content':
      return setContent(message, state)
    case 'export':
      return postToUi(await exportLayerAsync(message, state))
    case 'place':
    case 'place-tiles':
      return postToUi(await placeResultAsync(message, state))
    case 'save-settings':
      return postToUi({ type: 'settings', settings: await saveSettingsAsync(message.settings) })
    case 'notify':
      figma.notify(message.message)
      return
    case 'close':
      return figma.closePlugin()
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
