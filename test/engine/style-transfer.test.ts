import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createStyleTransfer, MIN_TOP_STEPS, planRun, resolveOptions, TERMS, totalOf, type StyleTransfer } from '../../models/style-transfer/index.js'
import { createTfjsObjective } from '../../models/style-transfer/objective.js'
import { createVgg19Features } from '../../models/vgg19/features.js'
import type { Progress, RgbaImage } from '../../models/style-transfer/types.js'
import { checker, draw, gradient, realWeights, tf, useWasm } from '../support/tf.js'

let engine: StyleTransfer
let baseline = 0
const tiny = { size: 32, minSize: 32, stepsFirst: 3, steps: 2, previewEvery: 0 }

before(async () => {
  await useWasm()
  engine = createStyleTransfer(await realWeights())
  baseline = tf.memory().numTensors
})
after(() => engine.dispose())

const assertBaseline = (when: string): void => assert.equal(tf.memory().numTensors, baseline, `tensors leaked ${when}`)

test('a run reports progress, returns the requested size and leaves no tensor behind', async () => {
  const records: Progress[] = []
  const previews: RgbaImage[] = []
  const content = gradient(48, 32)
  const r = await engine.stylizeAsync(content, [checker(40, 64)], { ...tiny, size: 48, minSize: 24, previewEvery: 2 }, {
    onProgress: (p) => records.push(p),
    onPreview: (img) => previews.push(img)
  })
  const plan = planRun(48, 32, resolveOptions({ ...tiny, size: 48, minSize: 24 }))
  assert.deepEqual(plan.scales.map((s) => [s.width, s.height]), [[24, 16], [34, 23], [48, 32]])
  assert.equal(r.image.width, 48)
  assert.equal(r.image.height, 32)
  assert.equal(r.iterations, 3 + 2 + 2)
  assert.equal(r.stopped, false)
  assert.deepEqual(records.map((p) => p.done), [1, 2, 3, 4, 5, 6, 7])
  assert.deepEqual(records.map((p) => `${p.scale}/${p.scales}:${p.iteration}/${p.iterations}`), ['1/3:1/3', '1/3:2/3', '1/3:3/3', '2/3:1/2', '2/3:2/2', '3/3:1/2', '3/3:2/2'])
  assert.ok(records.every((p) => p.total === 7 && p.etaMs >= 0 && Number.isFinite(p.loss) && p.loss === totalOf(p.parts)))
  // Every term of the loss is reported, in the terms' order.
  assert.ok(records.every((p) => Object.keys(p.parts).join() === TERMS.map((t) => t.name).join()))
  assert.equal(records[records.length - 1]!.etaMs, 0)
  // previews at iteration 2 of each scale
  assert.deepEqual(previews.map((p) => `${p.width}x${p.height}`), ['24x16', '34x23', '48x32'])
  assertBaseline('after a run')
})

test('cancel stops within one iteration and returns the best image so far at full size', async () => {
  const controller = new AbortController()
  let seen = 0
  const r = await engine.stylizeAsync(gradient(64, 48), [checker(32, 32)], { ...tiny, size: 64, minSize: 32, stepsFirst: 10 }, {
    signal: controller.signal,
    onProgress: () => { seen += 1; if (seen === 2) controller.abort() }
  })
  assert.equal(r.stopped, true)
  assert.equal(r.iterations, 2)
  assert.deepEqual([r.image.width, r.image.height], [64, 48])
  assertBaseline('after a cancel')
  // Cancel before the first iteration gives the content back at the output size.
  const pre = new AbortController()
  pre.abort()
  const r2 = await engine.stylizeAsync(gradient(32, 32), [checker(32, 32)], tiny, { signal: pre.signal })
  assert.equal(r2.iterations, 0)
  assert.deepEqual(Array.from(r2.image.data.slice(0, 4)), Array.from(gradient(32, 32).data.slice(0, 4)))
  assertBaseline('after a cancel before the start')
})

test('an error inside a run frees every tensor and reaches the caller', async () => {
  const weights = await realWeights()
  const base = tf.memory().numTensors
  const vgg = createVgg19Features(weights, { convGrad: 'rewrite', deepest: ['conv5_1'] })
  let calls = 0
  const failing = createStyleTransfer(weights, {
    objective: async (inputs) => {
      const real = await createTfjsObjective(vgg)(inputs)
      return {
        evaluate: async (x) => { calls += 1; if (calls === 3) throw new Error('device lost'); return real.evaluate(x) },
        dispose: () => real.dispose()
      }
    }
  })
  const inner = tf.memory().numTensors
  await assert.rejects(failing.stylizeAsync(gradient(32, 32), [checker(32, 32)], tiny), /device lost/)
  assert.equal(tf.memory().numTensors, inner)
  failing.dispose()
  vgg.dispose()
  assert.equal(tf.memory().numTensors, base)
})

// An engine out of memory while preparing a scale (the wasm heap of a huge run, a GPU allocation)
// fails in the objective's preparation, not in an evaluation: that scale's content must go too,
// or the next runs meet a heap still holding it.
test('a failure while a scale is prepared frees every tensor, and the next run works', async () => {
  const weights = await realWeights()
  const vgg = createVgg19Features(weights, { convGrad: 'rewrite', deepest: ['conv5_1'] })
  let prepared = 0
  const failing = createStyleTransfer(weights, {
    objective: async (inputs) => {
      prepared += 1
      if (prepared === 2) throw new Error('memory access out of bounds')
      return createTfjsObjective(vgg)(inputs)
    }
  })
  const inner = tf.memory().numTensors
  await assert.rejects(failing.stylizeAsync(gradient(48, 32), [checker(32, 32)], { ...tiny, size: 48, minSize: 24 }), /memory access out of bounds/)
  assert.equal(tf.memory().numTensors, inner)
  const r = await failing.stylizeAsync(gradient(48, 32), [checker(32, 32)], { ...tiny, size: 48, minSize: 24 })
  assert.deepEqual([r.image.width, r.image.height], [48, 32])
  assert.equal(tf.memory().numTensors, inner)
  failing.dispose()
  vgg.dispose()
})

test('the same seed gives the same bytes; another seed differs', async () => {
  const o = { ...tiny, initNoise: 0.1, seed: 5 }
  const a = await engine.stylizeAsync(gradient(32, 32), [checker(32, 32)], o)
  const b = await engine.stylizeAsync(gradient(32, 32), [checker(32, 32)], o)
  const c = await engine.stylizeAsync(gradient(32, 32), [checker(32, 32)], { ...o, seed: 6 })
  assert.deepEqual(a.image.data, b.image.data)
  assert.notDeepEqual(a.image.data, c.image.data)
  assertBaseline('after seeded runs')
})

test('alpha is set aside and put back; greyscale-looking and RGBA inputs work', async () => {
  const content = draw(32, 32, (x, y) => [x * 8, y * 8, 100, x < 16 ? 255 : 40])
  const style = draw(32, 32, (x) => [x * 8, x * 8, x * 8, y0(x)])
  function y0(x: number): number { return x % 2 === 0 ? 255 : 0 }
  const r = await engine.stylizeAsync(content, [style], tiny)
  for (let i = 0; i < 32 * 32; i++) assert.equal(r.image.data[i * 4 + 3], (i % 32) < 16 ? 255 : 40)
  assertBaseline('after an RGBA run')
})

test('bad inputs get sentences, not stack traces, and leak nothing', async () => {
  const ok = gradient(32, 32)
  const cases: Array<[() => Promise<unknown>, RegExp]> = [
    [() => engine.stylizeAsync({ data: new Uint8Array(0), width: 0, height: 0 }, [ok]), /Content image has no pixels \(0x0\)/],
    [() => engine.stylizeAsync({ data: new Uint8Array(10), width: 32, height: 32 }, [ok]), /Content image data must be 4096 RGBA bytes, got 10/],
    [() => engine.stylizeAsync({ data: new Uint8Array(4 * 20000 * 20), width: 20000, height: 20 }, [ok]), /largest side accepted is 16384 px/],
    [() => engine.stylizeAsync(gradient(8, 8), [ok]), /each side must be at least 16 px/],
    [() => engine.stylizeAsync(ok, []), /At least one style image is needed/],
    [() => engine.stylizeAsync(ok, [ok, { data: new Uint8Array(4), width: 1, height: 1 }]), /Style 2 image is 1x1/],
    [() => engine.stylizeAsync(ok, [ok], { size: -3 }), /size: expected integer in 16..16384, got number -3/],
    [() => engine.stylizeAsync(ok, [ok, ok], { ...tiny, styleBlend: [1, 2, 3] }), /styleBlend: expected 2 weights/]
  ]
  for (const [run, message] of cases) await assert.rejects(run(), { message }, String(message))
  assertBaseline('after bad inputs')
})

// The mirrored margin (style-transfer.ts edgeMarginAt): how wide each scale's is, and that the
// visible part is cut back out exactly. With no iterations the result is the cropped canvas,
// which must be the content itself, pixel for pixel (a crop one pixel off shifts every value).
test('each scale runs on a mirrored margin that is cut away: plan, exact crop, visible-size previews', async () => {
  // 1/32 of the long side, small scales up to twice that but at most 8 px: 128 -> 8 (4 x 2),
  // 181 -> 8 (6, 12 capped), 362 -> round(11.3) = 11, 512 -> 16, 48 -> 4 (2 x 2);
  // the short side clamps it.
  assert.deepEqual(planRun(512, 384, resolveOptions({ size: 512, minSize: 128 })).scales.map((s) => [s.width, s.height, s.margin]),
    [[128, 96, 8], [181, 136, 8], [256, 192, 8], [362, 272, 11], [512, 384, 16]])
  assert.deepEqual(planRun(48, 32, resolveOptions({ size: 48, minSize: 48 })).scales.map((s) => s.margin), [4])
  assert.deepEqual(planRun(256, 16, resolveOptions({ size: 256, minSize: 256, edgeMargin: 0.25 })).scales.map((s) => s.margin), [16])
  assert.deepEqual(planRun(256, 192, resolveOptions({ size: 256, minSize: 256, edgeMargin: 0 })).scales.map((s) => s.margin), [0])
  const content = gradient(48, 32)
  const still = await engine.stylizeAsync(content, [checker(40, 64)], { ...tiny, size: 48, minSize: 48, stepsFirst: 0, edgeMargin: 0.25 })
  assert.deepEqual([still.image.width, still.image.height], [48, 32])
  assert.deepEqual(Array.from(still.image.data), Array.from(content.data))
  const previews: string[] = []
  const r = await engine.stylizeAsync(content, [checker(40, 64)], { ...tiny, size: 48, minSize: 48, stepsFirst: 2, edgeMargin: 0.25, previewEvery: 1 }, {
    onPreview: (img, p) => previews.push(`${img.width}x${img.height} ${p.width}x${p.height}`)
  })
  assert.deepEqual(previews, ['48x32 48x32', '48x32 48x32'])
  assert.deepEqual([r.image.width, r.image.height], [48, 32])
  assertBaseline('after runs with a margin')
})

test('above fullStepsSide the later scales get steps in proportion to their pixels, never fewer than MIN_TOP_STEPS', () => {
  const plan = (fullStepsSide: number): string[] =>
    planRun(512, 384, resolveOptions({ size: 512, minSize: 128, stepsFirst: 100, steps: 50, fullStepsSide })).scales
      .map((s) => `${Math.max(s.width, s.height)}:${s.iterations}`)
  // Scales 128, 181, 256, 362, 512 (sqrt 2 apart). 362: 50 * (256/362)^2 = 25.0; 512: 50 / 4 = 12.5.
  assert.deepEqual(plan(0), ['128:100', '181:50', '256:50', '362:50', '512:50'])
  assert.deepEqual(plan(256), ['128:100', '181:50', '256:50', '362:25', '512:13'])
  // 181: 256 gets 50 * (181/256)^2 = 25.0, 362 gets 12.5, 512 would get 6.25 and is held at 10.
  assert.deepEqual(plan(181), ['128:100', '181:50', '256:25', '362:13', `512:${MIN_TOP_STEPS}`])
  // The first scale keeps stepsFirst even when it is above the side.
  assert.deepEqual(plan(64), ['128:100', '181:10', '256:10', '362:10', '512:10'])
})

test('going on from an image skips the scales below it, starts from it and keeps the content as the target', async () => {
  const o = resolveOptions({ ...tiny, size: 48, minSize: 24 })
  const sizes = (startLong: number): string[] => planRun(48, 32, o, startLong).scales.map((s) => `${s.width}x${s.height}`)
  assert.deepEqual(sizes(0), ['24x16', '34x23', '48x32'])
  assert.deepEqual(sizes(34), ['34x23', '48x32'])
  assert.deepEqual(sizes(30), ['34x23', '48x32'])
  assert.deepEqual(sizes(48), ['48x32'])
  assert.deepEqual(sizes(400), ['48x32'])

  const content = gradient(48, 32)
  const grey = draw(34, 23, () => [128, 128, 128, 255])
  const records: Progress[] = []
  const options = { ...tiny, size: 48, minSize: 24 }
  const fresh = await engine.stylizeAsync(content, [checker(40, 64)], options)
  const cont = await engine.stylizeAsync(content, [checker(40, 64)], options, { startFrom: grey, onProgress: (p) => records.push(p) })
  // Two scales left (34 px, then 48 px), 2 iterations each: the 24 px scale's 3 are not redone.
  assert.equal(cont.iterations, 4)
  assert.deepEqual(records.map((p) => `${p.scale}/${p.scales}:${p.width}`), ['1/2:34', '1/2:34', '2/2:48', '2/2:48'])
  assert.ok(records.every((p) => p.total === 4))
  // Four Adam steps of 0.02 cannot leave grey far behind: the result is near grey, the fresh run
  // near the content gradient.
  const distToGrey = (img: RgbaImage): number => {
    let d = 0
    for (let i = 0; i < img.data.length; i++) if (i % 4 !== 3) d += Math.abs(img.data[i]! - 128)
    return d / (img.width * img.height * 3)
  }
  assert.ok(distToGrey(cont.image) < distToGrey(fresh.image) / 2, `${distToGrey(cont.image)} vs ${distToGrey(fresh.image)}`)
  // The content stays the target: the content term still measures the distance to the gradient.
  assert.ok(records[0]!.parts.content! > 0.05, `content term ${records[0]!.parts.content}`)
  await assert.rejects(engine.stylizeAsync(content, [checker(16, 16)], options, { startFrom: draw(0, 0, () => [0, 0, 0, 0]) }), /^ImageError: Start image has no pixels \(0x0\)/)
  assertBaseline('after going on from an image')
})
