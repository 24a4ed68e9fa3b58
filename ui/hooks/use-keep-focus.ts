// Keeps the keyboard focus in the panel when the control that had it goes away: "Transfer style"
// is replaced by the progress view when a run starts, and "Cancel" / "Stop and place" by the
// settings when it ends. The browser then drops the focus to <body>, so a keyboard or screen
// reader user is left nowhere and the next Tab leaves the panel.
import { type RefObject } from 'preact'
import { useEffect, useRef } from 'preact/hooks'

/** True when this document has the focus but no element holds it (the focused one was removed). */
function focusLost(): boolean {
  return document.hasFocus() && (document.activeElement === null || document.activeElement === document.body)
}

/**
 * Focuses `ref` when `key` changes (and on mount, unless `onMount` is false) if the focus was lost.
 * Never takes the focus from another element, nor from the editor when the panel does not have it.
 */
export function useKeepFocus(ref: RefObject<HTMLElement>, key: unknown, onMount = true): void {
  const mounted = useRef(false)
  useEffect(() => {
    const first = !mounted.current
    mounted.current = true
    if ((onMount || !first) && focusLost()) ref.current?.focus()
  }, [key])
}
