// The sandbox has no DOM: the bundle must not mention document or window (platform-facts H6).
// Same options as the package.json "build:plugin" script, unminified, so comments count too.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { build } from 'esbuild'

test('the plugin bundle builds and has no DOM references', async () => {
  const result = await build({
    entryPoints: ['plugin/main.ts'], bundle: true, target: 'es2017', write: false, logLevel: 'silent'
  })
  const code = result.outputFiles[0]?.text ?? ''
  assert.ok(code.includes('figma.showUI('))
  assert.doesNotMatch(code, /\b(document|window|localStorage|navigator)\b/)
  // es2017: object spread must have been lowered (Figma's older sandbox rejected it).
  assert.doesNotMatch(code, /\{\s*\.\.\.[A-Za-z_]/)
})
