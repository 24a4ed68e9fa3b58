// Said before a run whose promise is over three minutes (ui/run/long-run.ts): how long, and the
// faster ways (a smaller size, the helper app); the run starts only on "Start anyway".
import { useEffect, useRef } from 'preact/hooks'
import { BACKEND_LABEL } from '../backend.js'
import { HELPER_START } from '../helper-client/diagnose-refusal-async.js'
import type { LongRun } from '../run/long-run.js'
import { formatDuration } from './progress-view.js'

export interface LongRunNoticeProps {
  long: LongRun
  /** 'unpaired': no helper yet (say how to start one); 'unused': paired but Run on keeps jobs here. */
  helper: 'unpaired' | 'unused'
  onSize(size: number): void
  onHelper(): void
  onStart(): void
}

export function LongRunNotice({ long, helper, onSize, onHelper, onStart }: LongRunNoticeProps) {
  // It appears below the settings, in answer to Transfer style: bring it into the panel's view.
  const notice = useRef<HTMLDivElement>(null)
  useEffect(() => { notice.current?.scrollIntoView({ block: 'nearest' }) }, [])
  return (
    <div class="banner" role="alert" data-testid="long-run" ref={notice}>
      <div data-testid="long-run-sentence">
        This run is expected to take about {formatDuration(long.ms)} on {BACKEND_LABEL[long.backend]}, more than 3 minutes, so it has not started.
      </div>
      {helper === 'unpaired' && (
        <div class="muted" data-testid="long-run-helper">
          The helper app runs it faster: start it with {HELPER_START}, then paste the token it prints under Advanced and press Pair.
        </div>
      )}
      <div class="actions">
        {long.smaller !== null && (
          <button type="button" onClick={() => onSize(long.smaller!.size)}>
            Use {long.smaller.size} px (about {formatDuration(long.smaller.ms)})
          </button>
        )}
        {helper === 'unused' && <button type="button" onClick={onHelper}>Run on the helper app</button>}
        <button type="button" onClick={onStart}>Start anyway</button>
      </div>
    </div>
  )
}
