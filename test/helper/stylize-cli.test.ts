import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PNG } from 'pngjs'
import { decodeImage, encodePng } from '../../helper/image-io.js'
import { gradient, WEIGHTS_DIR } from '../support/tf.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CLI = join(ROOT, 'helper/cli/stylize.ts')

interface Run { code: number | null; stderr: string; stdout: string }

function stylize(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT })
    let stderr = ''
    let stdout = ''
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); onStderr?.(stderr, child) })
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.on('close', (code) => resolve({ code, stderr, stdout }))
  })
}

const dir = mkdtempSync(join(tmpdir(), 'cli-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
const contentPath = join(dir, 'content.png')
const stylePath = join(dir, 'style.png')
writeFileSync(contentPath, encodePng(gradient(48, 32)))
// A greyscale style PNG, as a real greyscale layer would be.
const grey = new PNG({ width: 32, height: 32, colorType: 0, inputColorType: 0, inputHasAlpha: false })
grey.data = Buffer.from(Array.from({ length: 32 * 32 }, (_, i) => ((i % 32 >> 2) + (i >> 7)) % 2 === 0 ? 230 : 30))
writeFileSync(stylePath, PNG.sync.write(grey, { colorType: 0, inputColorType: 0, inputHasAlpha: false }))

const noStack = (r: Run): void => assert.ok(!/\n\s+at /.test(r.stderr), `stack trace printed:\n${r.stderr}`)

test('missing weights: one sentence that names the command, exit 2', async () => {
  const r = await stylize(['--content', contentPath, '--style', stylePath, '--weights', join(dir, 'nothing-here'), '--backend', 'wasm'])
  assert.equal(r.code, 2)
  assert.match(r.stderr, /error: VGG-19 weights are missing: group1-shard1of11.bin could not be read .*Run `npm run models` \(offline: `npm run models -- --from ..\/shared\/models\/vgg19`\)/)
  noStack(r)
})

test('an undecodable image and a bad number are reported as sentences', async () => {
  const bad = join(dir, 'bad.png')
  writeFileSync(bad, 'not an image')
  const r1 = await stylize(['--content', bad, '--style', stylePath])
  assert.equal(r1.code, 2)
  assert.match(r1.stderr, new RegExp(`error: Content image ${bad} is not a PNG or JPEG file`))
  noStack(r1)
  const r2 = await stylize(['--size', 'big'])
  assert.equal(r2.code, 2)
  assert.match(r2.stderr, /error: --size: expected a number, got "big"/)
  const r3 = await stylize(['--content', contentPath])
  assert.match(r3.stderr, /error: give both --content and --style/)
  // The panel's preset names (models/style-transfer/presets.ts); the former ones are aliases.
  const r4 = await stylize(['--preset', 'ultra'])
  assert.equal(r4.code, 2)
  assert.match(r4.stderr, /error: --preset: expected draft, standard, high \(or quick, balanced, best\), got "ultra"/)
  // --detail is the panel's "Keep details" (0..1), not the engine's weight of 3.
  const r5 = await stylize(['--detail', '3'])
  assert.equal(r5.code, 2)
  assert.match(r5.stderr, /error: --detail: expected a number in 0\.\.1 \(0\.5 is the default, 0 turns it off\), got 3/)
  noStack(r5)
})

test('a small run writes a PNG of the requested size and shows progress', async () => {
  const out = join(dir, 'out.png')
  const r = await stylize(['--content', contentPath, '--style', stylePath, '--out', out, '--size', '32', '--min-size', '32', '--steps-first', '2', '--weights', WEIGHTS_DIR, '--backend', 'wasm'])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, /backend: wasm/)
  assert.match(r.stderr, /scale 1\/1 32x21 it [12]\/2/)
  const img = decodeImage(readFileSync(out))
  assert.deepEqual([img.width, img.height], [32, 21])
})

test('a job bigger than its tiles runs tiled; one that cannot fit the memory budget is refused before it starts', async () => {
  const wide = join(dir, 'wide.png')
  writeFileSync(wide, encodePng(gradient(192, 64)))
  const out = join(dir, 'tiled.png')
  const r = await stylize(['--content', wide, '--style', stylePath, '--out', out, '--size', '192', '--min-size', '192', '--steps-first', '1', '--tile', '128', '--weights', WEIGHTS_DIR, '--backend', 'wasm'])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, /tiled: 3 tiles of at most 128 px \(32 px margins\) at the last scale, whole-image style statistics/)
  const img = decodeImage(readFileSync(out))
  assert.deepEqual([img.width, img.height], [192, 64])
  const refused = await stylize(['--content', wide, '--style', stylePath, '--size', '4096', '--memory-mb', '300', '--weights', WEIGHTS_DIR, '--backend', 'wasm'])
  assert.equal(refused.code, 2)
  assert.match(refused.stderr, /^error: this job needs about \d+(\.\d)? GB and the memory budget is 300 MB; choose a smaller --size or a smaller --tile, or raise --memory-mb\.$/m)
  noStack(refused)
})

test('Ctrl-C writes the best image so far', async () => {
  const out = join(dir, 'stopped.png')
  let sent = false
  const r = await stylize(['--content', contentPath, '--style', stylePath, '--out', out, '--size', '48', '--min-size', '32', '--steps-first', '500', '--weights', WEIGHTS_DIR, '--backend', 'wasm'], (text, child) => {
    if (!sent && / it \d+\/500 /.test(text)) { sent = true; child.kill('SIGINT') }
  })
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, /stopped early; best image so far/)
  const img = decodeImage(readFileSync(out))
  assert.deepEqual([img.width, img.height], [48, 32])
})

