// The panel: idle -> running -> done / error, or the Variations grid. Everything else lives in
// hooks and components.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { AdvancedPanel } from './components/advanced-panel.js'
import { LayerPair } from './components/layer-pair.js'
import { LongRunNotice } from './components/long-run-notice.js'
import { LookControls } from './components/look-controls.js'
import { BackendLine, ProgressView, formatDuration } from './components/progress-view.js'
import { SettingsPanel } from './components/settings-panel.js'
import { StyleWeights } from './components/style-weights.js'
import { VariationsView } from './components/variations-view.js'
import { useHelper } from './hooks/use-helper.js'
import { useHostState } from './hooks/use-host-state.js'
import { useJob } from './hooks/use-job.js'
import { useKeepFocus } from './hooks/use-keep-focus.js'
import { useVariations } from './hooks/use-variations.js'
import type { Host } from './hosts/host.js'
import { pickedSettings } from './run/variation-settings.js'
import { recipeNotice } from './run/recipe-notice.js'
import { ENGINE_VERSION } from '../models/style-transfer/index.js'
import { promiseText } from './run/time-promise.js'
import { longRunOf } from './run/long-run.js'
import { helperRouteOf } from './run/run-on-helper-async.js'
import { layersKeyOf, onlyPlaced, sceneKeyOf, settingsKeyOf } from './run/scene-key.js'

export function App({ host }: { host: Host }) {
  const state = useHostState(host)
  const job = useJob()
  const variations = useVariations()
  const { phase } = job
  const { selection, settings } = state
  const helper = useHelper(settings, state.settingsLoaded)
  const running = phase.kind === 'running'
  // After a run the progress view's buttons are gone: the banner that says how it ended takes the
  // focus (Transfer style may be disabled now: the placed result alone is selected); Tab goes on
  // to Variations and Transfer style.
  const outcome = useRef<HTMLDivElement>(null)
  useKeepFocus(outcome, phase.kind, false)
  const blocker = useMemo(() => {
    if (!state.settingsLoaded) return 'Connecting to Figma…'
    if (selection === null) return 'Waiting for the selection…'
    return selection.problem
  }, [state.settingsLoaded, selection])

  // A finished run measured the backend's speed: keep it with the settings (persisted per machine).
  useEffect(() => {
    if (phase.kind === 'done' && phase.speed !== settings.speed) state.updateSettings({ speed: phase.speed })
  }, [phase])

  const inputOf = (runSettings = settings) =>
    selection?.content == null || selection.styles.length === 0 || blocker !== null
      ? null
      : { host, settings: runSettings, content: selection.content, styles: selection.styles, helper: helper.client }
  const content = selection?.content ?? null
  // The selection and the settings that change a run: a notice about one run is about this scene only.
  const scene = sceneKeyOf(selection, settings)
  const paired = helper.status.state === 'paired' || helper.status.state === 'busy'
  // Only a run in this panel has a promise here; the helper checks its own jobs' time.
  const long = content !== null && helperRouteOf(settings, helper.client).choice === null ? longRunOf(settings, content) : null
  // The scene the long-run notice was shown for; any change of size, settings or selection hides it.
  const [longAsked, setLongAsked] = useState<string | null>(null)
  // Banners from an earlier run (done, failed, cancelled) are about the scene it ran in: a new
  // selection or another setting clears them. The placement's own selection of its result does not.
  const layersKey = layersKeyOf(selection)
  const settingsKey = settingsKeyOf(settings)
  const bannerScene = useRef({ layersKey, settingsKey })
  useEffect(() => {
    const previous = bannerScene.current
    bannerScene.current = { layersKey, settingsKey }
    if (running) return
    const banner = phase.kind === 'done' || phase.kind === 'error' || (phase.kind === 'idle' && phase.note !== null)
    if (!banner) return
    const settingsChanged = previous.settingsKey !== settingsKey
    const layersChanged = previous.layersKey !== layersKey && !(phase.kind === 'done' && onlyPlaced(selection, phase.placedId))
    if (settingsChanged || layersChanged) job.dismiss()
  }, [layersKey, settingsKey])

  // Escape during a run: "Stop and place" once there is an image to keep, else Cancel (nothing to
  // keep yet); over the long-run notice it closes the notice.
  const started = phase.kind === 'running' && phase.stage === 'run' && phase.progress !== null
  useEffect(() => {
    if (!running && longAsked === null) return undefined
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented) return
      e.preventDefault()
      if (!running) setLongAsked(null)
      else if (started) job.stop()
      else job.cancel()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [running, started, longAsked])

  const transfer = (anyway = false): void => {
    const input = inputOf()
    if (input === null) return
    if (long !== null && !anyway) { setLongAsked(scene); return }
    setLongAsked(null)
    job.start(input)
  }
  const vary = (): void => { const input = inputOf(); if (input !== null) variations.start(input) }
  // Not saved as the designer's settings: only this run (and its recipe) uses the picked seed.
  const pick = (seed: number): void => {
    const input = inputOf(pickedSettings(settings, seed))
    if (input === null) return
    variations.close()
    job.start(input)
  }

  const expected = promiseText(settings, content, formatDuration)
  return (
    <main class="app" data-phase={phase.kind}>
      <LayerPair selection={selection} thumbs={state.thumbs} disabled={running} onSetContent={host.setContent} />
      {state.hostError !== null && (
        <div class="banner error" role="alert">
          {state.hostError} <button type="button" onClick={state.clearHostError}>Dismiss</button>
        </div>
      )}
      {state.recipe !== null && phase.kind === 'idle' && (
        <div class="banner" role="status">{recipeNotice(state.recipe, ENGINE_VERSION)}</div>
      )}
      {running
        ? <ProgressView phase={phase} preview={job.preview} onStop={job.stop} onCancel={job.cancel} />
        : variations.state !== null
          ? <VariationsView state={variations.state} onPick={pick} onCancel={variations.cancel} onClose={variations.close} />
          : <>
            <SettingsPanel settings={settings} disabled={false} onChange={state.updateSettings} expected={expected} content={content} />
            <section class="section" aria-label="Look">
              <LookControls settings={settings} disabled={false} onChange={state.updateSettings} />
              <StyleWeights styles={selection?.styles ?? []} weights={settings.styleWeights} disabled={false} onChange={state.updateSettings} />
            </section>
            <AdvancedPanel settings={settings} disabled={false} onChange={state.updateSettings} helper={helper} />
            {phase.kind === 'done' && (
              <div class="banner done" role="status" data-testid="done" ref={outcome} tabIndex={-1}>
                {phase.message}{phase.notice !== null && <> {phase.notice}</>}
                <div data-testid="promise-result">
                  {phase.timing.promisedMs === null
                    ? `Took ${formatDuration(phase.timing.actualMs)} (no promise yet: this was the first measured run).`
                    : `Promised ${formatDuration(phase.timing.promisedMs)}, took ${formatDuration(phase.timing.actualMs)}.`}
                </div>
                <BackendLine backend={phase.backend} />
              </div>
            )}
            {phase.kind === 'error' && (
              <div class="banner error" role="alert" data-testid="error" ref={outcome} tabIndex={-1}><strong>Style transfer failed.</strong> {phase.message}</div>
            )}
            {phase.kind === 'idle' && phase.note !== null && <div class="banner" role="status" data-testid="note" ref={outcome} tabIndex={-1}>{phase.note}</div>}
            {long !== null && longAsked === scene && (
              <LongRunNotice long={long} helper={paired ? 'unused' : 'unpaired'}
                onSize={(size) => state.updateSettings({ size })}
                onHelper={() => state.updateSettings({ backend: 'helper' })}
                onStart={() => transfer(true)} />
            )}
            <div class="actions">
              <button type="button" onClick={vary} disabled={blocker !== null} title={blocker ?? 'Four quick previews with different seeds'}>
                Variations
              </button>
              <button type="button" class="primary" onClick={() => transfer()} disabled={blocker !== null} title={blocker ?? undefined}>
                Transfer style
              </button>
            </div>
          </>}
    </main>
  )
}
