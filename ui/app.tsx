// The panel: idle -> running -> done / error. Everything else lives in hooks and components.
import { useMemo } from 'preact/hooks'
import { AdvancedPanel } from './components/advanced-panel.js'
import { LayerPair } from './components/layer-pair.js'
import { BackendLine, ProgressView } from './components/progress-view.js'
import { SettingsPanel } from './components/settings-panel.js'
import { useHostState } from './hooks/use-host-state.js'
import { useJob } from './hooks/use-job.js'
import type { Host } from './hosts/host.js'

export function App({ host }: { host: Host }) {
  const state = useHostState(host)
  const job = useJob()
  const { phase } = job
  const { selection, settings } = state
  const running = phase.kind === 'running'
  const blocker = useMemo(() => {
    if (!state.settingsLoaded) return 'Connecting to Figma…'
    if (selection === null) return 'Waiting for the selection…'
    return selection.problem
  }, [state.settingsLoaded, selection])

  const transfer = (): void => {
    if (selection?.content == null || selection.styles.length === 0 || blocker !== null) return
    job.start({ host, settings, content: selection.content, styles: selection.styles })
  }

  return (
    <main class="app" data-phase={phase.kind}>
      <LayerPair selection={selection} thumbs={state.thumbs} disabled={running} onSetContent={host.setContent} />
      {state.hostError !== null && (
        <div class="banner error" role="alert">
          {state.hostError} <button type="button" onClick={state.clearHostError}>Dismiss</button>
        </div>
      )}
      {state.recipe !== null && phase.kind === 'idle' && (
        <div class="banner" role="status">Settings restored from the selected result (seed {state.recipe.seed}).</div>
      )}
      {running
        ? <ProgressView phase={phase} preview={job.preview} onStop={job.stop} onCancel={job.cancel} />
        : <>
          <SettingsPanel settings={settings} disabled={false} onChange={state.updateSettings} />
          <AdvancedPanel settings={settings} disabled={false} onChange={state.updateSettings} />
          {phase.kind === 'done' && (
            <div class="banner done" role="status" data-testid="done">
              {phase.message}{phase.notice !== null && <> {phase.notice}</>}
              <BackendLine backend={phase.backend} />
            </div>
          )}
          {phase.kind === 'error' && (
            <div class="banner error" role="alert" data-testid="error"><strong>Style transfer failed.</strong> {phase.message}</div>
          )}
          {phase.kind === 'idle' && phase.note !== null && <div class="banner" role="status" data-testid="note">{phase.note}</div>}
          <div class="actions">
            <button type="button" class="primary" onClick={transfer} disabled={blocker !== null} title={blocker ?? undefined}>
              Transfer style
            </button>
          </div>
        </>}
    </main>
  )
}
