import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ENGINE_VERSION } from '../../models/style-transfer/index.js'
import { recipeNotice } from '../../ui/run/recipe-notice.js'

test('the restore banner says when a result was made by another engine version', () => {
  assert.equal(recipeNotice({ seed: 7, engineVersion: ENGINE_VERSION }, ENGINE_VERSION), 'Settings restored from the selected result (seed 7).')
  assert.equal(recipeNotice({ seed: 7, engineVersion: '0.1.0' }, '0.2.0'),
    'Settings restored from the selected result (seed 7). It was made with engine 0.1.0; this is 0.2.0, so the image may come out slightly different.')
})
