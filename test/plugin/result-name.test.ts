import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resultName } from '../../plugin/result-name.js'

test('resultName: unnumbered the first time, then one above the highest among the siblings', () => {
  const styles = ['Brush strokes']
  assert.equal(resultName('Landscape', styles, ['Landscape', 'Brush strokes']), 'Landscape × Brush strokes')
  assert.equal(resultName('Landscape', styles, ['Landscape', 'Landscape × Brush strokes']), 'Landscape × Brush strokes 2')
  assert.equal(resultName('Landscape', styles, ['Landscape × Brush strokes', 'Landscape × Brush strokes 2']), 'Landscape × Brush strokes 3')
  // The unnumbered one deleted, "… 2" kept: the next is 3, never a second "… 2".
  assert.equal(resultName('Landscape', styles, ['Landscape × Brush strokes 2']), 'Landscape × Brush strokes 3')
  // Only exact "<base> <n>" names count: a copy, a renamed layer or another pair do not.
  assert.equal(
    resultName('Landscape', styles, ['Landscape × Brush strokes copy', 'Landscape × Brush strokes 02', 'Landscape × Brush strokes 2b', 'Sky × Brush strokes']),
    'Landscape × Brush strokes'
  )
})

test('resultName: several styles joined with +, and a style whose own name ends in a number', () => {
  assert.equal(resultName('Photo', ['Starry Night', 'Backdrop'], []), 'Photo × Starry Night + Backdrop')
  assert.equal(resultName('Photo', ['Layer 2'], ['Photo × Layer 2']), 'Photo × Layer 2 2')
  assert.equal(resultName('Photo', ['Layer 2'], ['Photo × Layer 3']), 'Photo × Layer 2')
})
