// The fake must enforce what Figma enforces, or the plugin tests prove nothing.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { installFakeFigma, renderPng } from '../fakes/figma.js'

test('createImage accepts PNG, GIF and JPEG within 4096 px and hashes with SHA-1', () => {
  const fake = installFakeFigma()
  const png = renderPng(4096, 1, 0)
  assert.match(figma.createImage(png).hash, /^[0-9a-f]{40}$/)
  const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 10, 0, 20, 0, 0, 0])
  assert.equal(fake.images.get(figma.createImage(gif).hash)?.height, 20)
  // Minimal JPEG: SOI, SOF0 with height 30, width 40.
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 30, 0, 40, 3, 1, 0x22, 0])
  assert.equal(fake.images.get(figma.createImage(jpeg).hash)?.width, 40)
})

test('createImage throws like Figma for oversized and unsupported images', () => {
  installFakeFigma()
  assert.throws(() => figma.createImage(renderPng(4097, 1, 0)), /^Error: Image is too large$/)
  assert.throws(() => figma.createImage(renderPng(1, 4097, 0)), /^Error: Image is too large$/)
  assert.throws(() => figma.createImage(new TextEncoder().encode('<svg/>')), /^Error: Image type is unsupported$/)
})

test('insertChild checks its index and Figma ordering; groups vanish when emptied', () => {
  const fake = installFakeFigma()
  const a = fake.add('RECTANGLE', { name: 'a' })
  const b = fake.add('RECTANGLE', { name: 'b' })
  const rect = figma.createRectangle()
  assert.deepEqual(fake.currentPage.children.map((n) => n.name), ['a', 'b', 'Rectangle'])
  assert.throws(() => fake.currentPage.insertChild(5, a), /index 5 out of range 0\.\.2/)
  const group = figma.group([a as unknown as SceneNode, b as unknown as SceneNode], figma.currentPage, 0)
  assert.deepEqual(fake.currentPage.children.map((n) => n.name), ['Group', 'Rectangle'])
  a.remove()
  b.remove()
  assert.equal(group.removed, true)
  assert.throws(() => group.name, /does not exist/)
  assert.equal(rect.removed, false)
})

test('clientStorage clones values and enforces 5 MB', async () => {
  const fake = installFakeFigma()
  const value = { a: [1, 2] }
  await figma.clientStorage.setAsync('k', value)
  value.a.push(3)
  assert.deepEqual(await figma.clientStorage.getAsync('k'), { a: [1, 2] })
  await assert.rejects(figma.clientStorage.setAsync('big', 'x'.repeat(5 * 1024 * 1024)), /storage limit exceeded/)
  assert.deepEqual([...fake.storage.keys()], ['k'])
})

test('getNodeById throws under dynamic-page; relaunch commands must be in the manifest', async () => {
  const fake = installFakeFigma()
  const a = fake.add('RECTANGLE')
  assert.throws(() => figma.getNodeById(a.id), /dynamic-page/)
  assert.equal(await figma.getNodeByIdAsync(a.id), a as unknown as BaseNode)
  assert.throws(() => a.setRelaunchData({ edit: 'x' }), /not in the manifest/)
  a.setRelaunchData({ rerun: 'x' })
  assert.deepEqual(a.getRelaunchData(), { rerun: 'x' })
})

test('commitUndo records one step of the changes since the last commit', () => {
  const fake = installFakeFigma()
  const r = figma.createRectangle()
  r.name = 'X'
  figma.commitUndo()
  figma.commitUndo()
  assert.deepEqual(fake.undoSteps, [[`fills ${r.id}`, `insert ${r.id} ${fake.currentPage.id}@0`, `create ${r.id}`, `name ${r.id}`]])
})
