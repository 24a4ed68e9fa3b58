import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import * as tf from '@tensorflow/tfjs-core'
import { createOnnxObjective, probeOnnxRuntime, type OnnxObjectiveFactory } from '../../helper/onnx/index.js'
import { resolveOptions } from '../../models/style-transfer/resolve-options.js'
import { imageTensor } from './images.js'
import { realWeights, useWasm } from '../support/tf.js'

/*
 * isolation 'process' (helper/onnx/onnx-process.ts): the sessions of a job live in a child
 * process that exits between jobs. Same numbers as in process; the child comes and goes as
 * documented; a child that dies fails the job in words and the next job gets a fresh one.
 */

let skip: string | false = false
let local: OnnxObjectiveFactory
let isolated: OnnxObjectiveFactory
const o = resolveOptions({ styleBlend: [2, 1] })

before(async () => {
  const probe = await probeOnnxRuntime()
  if (!probe.available) {
    skip = probe.reason
    return
  }
  await useWasm()
  const weights = await realWeights()
  local = await createOnnxObjective(weights, {})
  isolated = await createOnnxObjective(weights, { isolation: 'process' })
})
after(async () => {
  await local?.dispose()
  await isolated?.dispose()
})

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('the child process computes what the in-process objective does, and leaves with the job', async (t) => {
  if (skip !== false) return t.skip(skip)
  const content = imageTensor('content/chelsea.png', 36, 52)
  const styles = [imageTensor('style/starry_night.jpg', 33, 52), imageTensor('style/gravel.png', 36, 36)]
  const x = imageTensor('content/coffee.png', 36, 52)
  const tensors = tf.memory().numTensors
  const a = await local({ content, styles, options: o })
  const b = await isolated({ content, styles, options: o })
  const pid = isolated.stats().processes?.pid
  assert.ok(typeof pid === 'number' && alive(pid), 'a child process holds the sessions')
  const ea = await a.evaluate(x)
  const eb = await b.evaluate(x)
  const ga = await ea.grad.data()
  const gb = await eb.grad.data()
  tf.dispose([ea.grad, eb.grad])
  a.dispose()
  assert.ok(Math.abs(ea.loss - eb.loss) <= 1e-6 * Math.abs(ea.loss), `loss ${ea.loss} vs ${eb.loss}`)
  let num = 0
  let den = 0
  for (let i = 0; i < ga.length; i++) {
    num += ((ga[i] as number) - (gb[i] as number)) ** 2
    den += (ga[i] as number) ** 2
  }
  assert.ok(Math.sqrt(num / den) < 1e-5, `gradient relative L2 difference ${Math.sqrt(num / den)}`)

  // Ctrl-C reaches the whole process group; the child must outlive it so that the CLI can finish
  // the iteration it promised.
  process.kill(pid, 'SIGINT')
  await new Promise((r) => setTimeout(r, 200))
  const again = await b.evaluate(x)
  again.grad.dispose()

  // An objective in use keeps the process; once the job has let go, releaseSessions ends it.
  await isolated.releaseSessions()
  assert.ok(alive(pid), 'released while an objective was in use')
  b.dispose()
  await isolated.releaseSessions()
  assert.ok(!alive(pid), 'the child process is gone after the job')
  const s = isolated.stats()
  assert.equal(s.processes?.pid, null)
  assert.equal(s.objective.live + s.targets.live, 0)
  assert.equal(s.objective.created, s.objective.released)
  await assert.rejects(b.evaluate(x), /disposed/)

  // The next job starts a new one.
  const c = await isolated({ content, styles, options: o })
  assert.equal(isolated.stats().processes?.started, 2)
  c.dispose()
  await isolated.releaseSessions()
  tf.dispose([content, x, ...styles])
  assert.equal(tf.memory().numTensors, tensors - 4)
})

test('a child that dies fails its job with a sentence; the next job gets a new one', async (t) => {
  if (skip !== false) return t.skip(skip)
  const content = imageTensor('content/astronaut.png', 32, 32)
  const objective = await isolated({ content, styles: [content], options: o })
  const pid = isolated.stats().processes?.pid as number
  process.kill(pid, 'SIGKILL')
  await assert.rejects(objective.evaluate(content), /the onnxruntime process (was stopped by SIGKILL|has exited)/)
  objective.dispose()
  await isolated.releaseSessions()
  const next = await isolated({ content, styles: [content], options: o })
  const e = await next.evaluate(content)
  assert.ok(Number.isFinite(e.loss))
  e.grad.dispose()
  next.dispose()
  await isolated.releaseSessions()
  assert.equal(isolated.stats().processes?.pid, null)
  content.dispose()
})
