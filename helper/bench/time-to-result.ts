import { PRESETS, presetNamed, type PresetName } from '../../models/style-transfer/presets.js'
import type { VggWeights } from '../../models/style-transfer/types.js'
import { createNodeEngine, type NodeBackendChoice } from '../backend.js'
import { formatDuration } from '../cli/progress-bar.js'
import { createJudge } from '../judge/judge.js'
import { publicPairs, readPair, referenceAndJudge, runAndJudge, type JudgedRun } from '../judge/judge-pairs.js'
import { findTorchPython } from './torch-python.js'

/**
 * `npm run bench -- --time-to-result`: what a designer waits for and what they get. Per preset and
 * public pair, the wall time of a whole run at the given size (planning, every scale, the final
 * image), its iterations and the judge's numbers; beside them, where a python3 with torch
 * exists, the reference Gatys run (L-BFGS from the content, jcjohnson's objective) at the same size.
 */
export interface TimeToResultOptions {
  presets: readonly string[]
  size: number
  pairs: 'diagonal' | 'all'
  referenceSteps: number
  weightsDir: string
}

export async function timeToResult(choice: NodeBackendChoice, weights: VggWeights, o: TimeToResultOptions): Promise<string[][]> {
  const presets = o.presets.map((name) => {
    const p = presetNamed(name)
    if (p === null) throw new RangeError(`--presets: unknown preset ${JSON.stringify(name)}`)
    return p
  })
  const python = findTorchPython()
  const judge = createJudge(weights)
  const { engine, dispose } = await createNodeEngine(choice, weights, { tile: null })
  const rows: string[][] = [['preset', 'pair', 'wall time', 'iterations', 'style drop', 'content dist.', 'edge corr.']]
  const line = (preset: PresetName | string, pair: string, r: JudgedRun): string[] =>
    [preset, pair, formatDuration(r.ms), String(r.iterations), r.verdict.styleDrop.toFixed(3), r.verdict.contentDistance.toFixed(3), r.verdict.edgeCorrelation.toFixed(3)]
  try {
    for (const pair of publicPairs(o.pairs)) {
      const images = await readPair(pair)
      let last: JudgedRun | null = null
      for (const preset of presets) {
        last = await runAndJudge(engine, judge, images, { ...PRESETS[preset], size: o.size })
        rows.push(line(preset, pair.name, last))
        console.error(`  ${preset} ${pair.name}: ${formatDuration(last.ms)}, ${last.iterations} iterations`)
      }
      if (python !== null && last !== null) {
        const ref = await referenceAndJudge(python, o.weightsDir, judge, images, last.image, o.referenceSteps)
        rows.push(line(`reference (PyTorch L-BFGS)`, pair.name, ref))
      }
    }
  } finally {
    await dispose()
    judge.dispose()
  }
  if (python === null) console.error('reference runs skipped: no python3 with torch (Debian: apt-get install python3-torch libopenblas0-pthread)')
  return rows
}
