// One preset table (models/style-transfer/presets.ts) for the panel and the command line.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_OPTIONS, PRESETS, PRESET_NAMES, presetNamed } from '../../models/style-transfer/index.js'
import { DEFAULT_SETTINGS, mergeSettings, parseSettings } from '../../plugin/messages.js'
import { settingsToOptions } from '../../ui/run/settings-to-options.js'

test('the panel offers exactly the table\'s presets, with the same steps', () => {
  assert.deepEqual(PRESET_NAMES, ['draft', 'standard', 'high'])
  // The sandbox may not import models/, so its Quality list is written out; it must match the table.
  for (const quality of [...PRESET_NAMES, 'custom']) assert.equal(parseSettings({ ...DEFAULT_SETTINGS, quality }, 's').quality, quality)
  assert.throws(() => parseSettings({ ...DEFAULT_SETTINGS, quality: 'quick' }, 's'), /s\.quality: expected one of "draft", "standard", "high", "custom"/)
  for (const name of PRESET_NAMES) {
    const o = settingsToOptions({ ...DEFAULT_SETTINGS, quality: name }, 1)
    assert.deepEqual({ stepsFirst: o.stepsFirst, steps: o.steps }, PRESETS[name])
  }
  assert.deepEqual(PRESETS.standard, { stepsFirst: DEFAULT_OPTIONS.stepsFirst, steps: DEFAULT_OPTIONS.steps })
  assert.deepEqual(PRESETS.draft, { stepsFirst: 40, steps: 20 })
  assert.deepEqual(PRESETS.high, { stepsFirst: 200, steps: 100 })
})

test('the command line\'s former names are aliases; stored settings keep their preset', () => {
  assert.equal(presetNamed('quick'), 'draft')
  assert.equal(presetNamed('balanced'), 'standard')
  assert.equal(presetNamed('best'), 'high')
  assert.equal(presetNamed('high'), 'high')
  assert.equal(presetNamed('ultra'), null)
  assert.equal(presetNamed('toString'), null)
  assert.equal(mergeSettings({ quality: 'high' }).quality, 'high')
  // A value no version ever stored falls back to the default rather than losing the other fields.
  assert.deepEqual(mergeSettings({ quality: 'ultra', size: 256 }), { ...DEFAULT_SETTINGS, size: 256 })
})
