import type { UiMessage } from './messages.js'
import type { PluginState } from './plugin-state.js'
import { reportSelection } from './report-selection.js'
import { UserError } from './user-error.js'

/** The explicit content choice (swap button): only a layer in the current selection can be content. */
export function setContent(message: UiMessage<'set-content'>, state: PluginState): void {
  if (!figma.currentPage.selection.some((n) => n.id === message.nodeId)) {
    throw new UserError('That layer is no longer selected, so it cannot be the content. Select it again.')
  }
  state.contentId = message.nodeId
  reportSelection(state)
}
