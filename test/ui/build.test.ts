// The two bundles as Figma loads them: the sandbox without DOM, the panel as one inline HTML file.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { build } from 'esbuild'
import { buildUiHtmlAsync, escapeInlineScript } from '../../ui/build/build-ui.js'

test('the sandbox bundle has no DOM references', async () => {
  const result = await build({ entryPoints: ['plugin/main.ts'], bundle: true, target: 'es2017', write: false, logLevel: 'silent' })
  const code = result.outputFiles[0]?.text ?? ''
  assert.doesNotMatch(code, /\b(document|window|localStorage|navigator|HTMLElement|OffscreenCanvas)\b/)
})

test('escapeInlineScript neutralises </script and <!-- in any case', () => {
  assert.equal(escapeInlineScript('a="</script>";b="</SCRIPT";c="<!--"'), 'a="<\\/script>";b="<\\/SCRIPT";c="<\\!--"')
})

test('build/ui.html is one file: the script holds no literal </script, and no weights', async () => {
  const html = await buildUiHtmlAsync()
  const matches = [...html.matchAll(/<\/script/gi)]
  assert.equal(matches.length, 1, 'only the closing tag')
  assert.match(html.slice(matches[0]!.index), /^<\/script>\s*<\/body><\/html>\s*$/)
  assert.equal(html.indexOf('<script>'), html.lastIndexOf('<script'), 'exactly one script element')
  assert.doesNotMatch(html, /<!--/)
  // The weights are 39 MB and fetched at run time; the panel with inlined wasm is about 2 MB.
  assert.ok(html.length < 4_000_000, `ui.html is ${html.length} bytes`)
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'nothing loaded from outside the file')
})
