import * as tf from '@tensorflow/tfjs-core'
import { readScalar } from './losses.js'
import type { LossParts } from './terms/term.js'

/** Loss and gradient at a point; the caller owns (and disposes) `grad`. */
export interface Evaluation {
  loss: number
  /** Loss terms reported to the user, keyed by term name (terms/index.ts), already weighted. */
  parts: LossParts
  grad: tf.Tensor
}
export type Evaluate = (x: tf.Tensor) => Promise<Evaluation>

export interface StepResult {
  /** The new iterate; the stepper keeps no reference the caller must respect beyond the next step. */
  x: tf.Tensor
  loss: number
  parts: LossParts
}

/** One optimiser over tensors of a fixed shape. `step` never disposes its input. */
export interface Stepper {
  step(x: tf.Tensor, evaluate: Evaluate): Promise<StepResult>
  /** Warm start at a new scale: the state is resized to the new shape where that makes sense. */
  resize(shape: readonly number[]): void
  dispose(): void
}

/** Adam (Kingma & Ba 2014) on the pixels, clamped to 0..1 after every step. */
export function createAdam(lr: number, beta1 = 0.9, beta2 = 0.99, eps = 1e-8): Stepper {
  let m: tf.Tensor | null = null
  let v: tf.Tensor | null = null
  let t = 0
  return {
    async step(x, evaluate) {
      const { loss, parts, grad } = await evaluate(x)
      t += 1
      const [nm, nv, nx] = tf.tidy(() => {
        const m1 = m === null ? tf.mul(grad, 1 - beta1) : tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1))
        const v1 = v === null ? tf.mul(tf.square(grad), 1 - beta2) : tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2))
        const mHat = tf.div(m1, 1 - beta1 ** t)
        const vHat = tf.div(v1, 1 - beta2 ** t)
        const x1 = tf.clipByValue(tf.sub(x, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), eps)), lr)), 0, 1)
        return [m1, v1, x1]
      })
      grad.dispose()
      m?.dispose()
      v?.dispose()
      m = nm
      v = nv
      return { x: nx, loss, parts }
    },
    resize(shape) {
      // crowsonkb's scale_adam: carry the moments to the new scale so the first steps there do not
      // add fresh noise; bilinear resampling of the moment maps, the step count kept.
      const [, h, w] = shape as [number, number, number, number]
      const up = (s: tf.Tensor | null): tf.Tensor | null => {
        if (s === null) return null
        const r = tf.tidy(() => tf.image.resizeBilinear(s as tf.Tensor4D, [h, w], true))
        s.dispose()
        return r
      }
      m = up(m)
      v = up(v)
    },
    dispose() {
      m?.dispose()
      v?.dispose()
      m = v = null
      t = 0
    }
  }
}

interface Pair { s: tf.Tensor; y: tf.Tensor; rho: number }

const dot = (a: tf.Tensor, b: tf.Tensor): Promise<number> => readScalar(tf.tidy(() => tf.sum(tf.mul(a, b))))

/** q <- q + k * v, freeing the old q. */
function axpy(q: tf.Tensor, v: tf.Tensor, k: number): tf.Tensor {
  const next = tf.tidy(() => tf.add(q, tf.mul(v, k)))
  q.dispose()
  return next
}

/**
 * L-BFGS (Nocedal & Wright, Algorithm 7.4 two-loop recursion) with a backtracking Armijo line
 * search. tfjs has no L-BFGS. The first step of each scale is scaled by 1/|g|_1 as in torch.optim,
 * later ones start at t = 1 with the usual s.y / y.y initial Hessian. The pixels are not clamped
 * inside the iteration (clamping would break the curvature pairs); outputs are clipped.
 */
export function createLbfgs(lr = 1, history = 10, c1 = 1e-4, maxBacktracks = 6): Stepper {
  let pairs: Pair[] = []
  let cache: { x: tf.Tensor; loss: number; parts: LossParts; grad: tf.Tensor } | null = null
  const clearCache = (): void => {
    if (cache !== null) cache.grad.dispose()
    cache = null
  }
  const clearPairs = (): void => {
    for (const p of pairs) { p.s.dispose(); p.y.dispose() }
    pairs = []
  }
  // Two-loop recursion; scalars are read asynchronously (no synchronous GPU reads), so the
  // tensors are freed by hand rather than in one tidy.
  const direction = async (g: tf.Tensor): Promise<tf.Tensor> => {
    let q: tf.Tensor = tf.neg(g)
    const alphas: number[] = []
    for (let i = pairs.length - 1; i >= 0; i--) {
      const p = pairs[i] as Pair
      const a = p.rho * (await dot(p.s, q))
      alphas[i] = a
      q = axpy(q, p.y, -a)
    }
    const last = pairs[pairs.length - 1]
    if (last !== undefined) {
      const yy = await dot(last.y, last.y)
      q = axpy(q, q, 1 / (last.rho * yy) - 1)
    }
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i] as Pair
      const b = p.rho * (await dot(p.y, q))
      q = axpy(q, p.s, alphas[i]! - b)
    }
    return q
  }
  return {
    async step(x, evaluate) {
      if (cache === null || cache.x !== x) {
        clearCache()
        const e = await evaluate(x)
        cache = { x, ...e }
      }
      const { loss: f0, grad: g0 } = cache
      let d = await direction(g0)
      let slope = await dot(g0, d)
      if (!(slope < 0)) {
        // Not a descent direction (curvature pairs went stale): restart from steepest descent.
        clearPairs()
        d.dispose()
        d = tf.neg(g0)
        slope = await dot(g0, d)
      }
      let t = pairs.length === 0 ? Math.min(1, 1 / (await readScalar(tf.tidy(() => tf.sum(tf.abs(g0)))))) * lr : lr
      let accepted: { x: tf.Tensor; e: Evaluation } | null = null
      for (let k = 0; k <= maxBacktracks; k++) {
        const xt = tf.tidy(() => tf.add(x, tf.mul(d, t)))
        let e: Evaluation
        try {
          e = await evaluate(xt)
        } catch (err) {
          // An aborted (or failed) evaluation mid line search: free what this step made.
          xt.dispose()
          d.dispose()
          throw err
        }
        if (e.loss <= f0 + c1 * t * slope || k === maxBacktracks) {
          accepted = { x: xt, e }
          break
        }
        xt.dispose()
        e.grad.dispose()
        t /= 2
      }
      const { x: x1, e } = accepted as { x: tf.Tensor; e: Evaluation }
      const s = tf.tidy(() => tf.mul(d, t))
      const y = tf.sub(e.grad, g0)
      d.dispose()
      const sy = await dot(s, y)
      if (sy > 1e-10) {
        pairs.push({ s, y, rho: 1 / sy })
        if (pairs.length > history) { const old = pairs.shift() as Pair; old.s.dispose(); old.y.dispose() }
      } else {
        s.dispose()
        y.dispose()
      }
      clearCache()
      cache = { x: x1, loss: e.loss, parts: e.parts, grad: e.grad }
      return { x: x1, loss: e.loss, parts: e.parts }
    },
    resize() {
      clearPairs()
      clearCache()
    },
    dispose() {
      clearPairs()
      clearCache()
    }
  }
}

/** Bias-corrected exponential moving average of the iterates (as in Adam; crowsonkb's EMA). */
export class IterateAverage {
  private avg: tf.Tensor | null = null
  private accum = 0
  constructor(private readonly decay: number) {}
  update(x: tf.Tensor): void {
    const prev = this.avg
    this.accum = this.decay * this.accum + (1 - this.decay)
    this.avg = prev === null ? tf.mul(x, 1 - this.decay) : tf.tidy(() => tf.add(tf.mul(prev, this.decay), tf.mul(x, 1 - this.decay)))
    prev?.dispose()
  }
  /** The average (a new tensor the caller owns), or a copy of `fallback` before any update. */
  value(fallback: tf.Tensor): tf.Tensor {
    if (this.avg === null || this.decay === 0) return tf.clone(fallback)
    const a = this.avg
    return tf.tidy(() => tf.div(a, this.accum))
  }
  reset(): void {
    this.avg?.dispose()
    this.avg = null
    this.accum = 0
  }
}
