/**
 * Multilayer perceptron regressor on tfjs-core ops (no tfjs-layers: fewer kernels per step and
 * full control of seeding). ReLU hidden layers through tf.fused.matMul, a linear output, squared
 * error on the standardized target plus scikit-learn's L2 term α/(2·batch)·ΣW², Adam written
 * out with tf ops (so the learning-rate schedule is ours), seeded Glorot-uniform init and seeded
 * per-epoch shuffling: the same seed on the same backend gives bit-identical predictions.
 *
 * Weights are kept as Float32Arrays in state (what training produced). predict does not use tfjs:
 * it runs the forward pass in float64 JavaScript from those arrays widened to doubles (forward.ts),
 * as the exported ONNX file does, so a model restored with fromJSON predicts bit-identically and
 * the ONNX file agrees to ~1e-15.
 */
import { Checkpointer, throwIfAborted } from '../../abort';
import { InvalidParamsError } from '../../errors';
import { Rng, permutation } from '../../random';
import { ensureTf, tf } from '../../tf';
import { backgroundRows } from '../background';
import { Estimator } from '../estimator';
import type { FitHistory } from '../history';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { denseLayers, forward64 } from './forward';
import type { MlpOptions } from './params';

interface MlpState {
  /** Layer sizes: input, hidden…, 1. */
  sizes: number[];
  /** Per layer, row-major [fanIn, fanOut]. */
  weights: Float32Array[];
  biases: Float32Array[];
  yMean: number;
  yStd: number;
  epochs: number;
  history: FitHistory;
  /**
   * A seeded sample of training rows (row-major, sizes[0] columns) that sampling explanations
   * draw replacement values from. Bundles written before it was kept lack it.
   */
  background?: Float64Array;
}

const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

type Tensor2D = ReturnType<typeof tf.tensor2d>;

function forward(x: Tensor2D, W: Tensor2D[], b: ReturnType<typeof tf.tensor1d>[]): Tensor2D {
  let h = x;
  const last = W.length - 1;
  for (let l = 0; l < last; l++) h = tf.fused.matMul({ a: h, b: W[l], bias: b[l], activation: 'relu' }) as Tensor2D;
  return tf.add(tf.matMul(h, W[last]), b[last]) as Tensor2D;
}

/**
 * Loss and gradients by hand-written backprop (the tfjs-core CommonJS bundle that Node loads
 * registers no gradient functions, and hand-written backprop needs fewer kernels per step).
 * Loss = ½·mean((ŷ − y)²) + α/(2·batch)·ΣW². Returns gradients in [W…, b…] order. `xT` is the
 * batch already transposed (built in JavaScript: cheaper than tfjs-wasm's Transpose).
 */
function backward(
  x: Tensor2D,
  y: Tensor2D,
  W: Tensor2D[],
  b: ReturnType<typeof tf.tensor1d>[],
  alpha: number,
  xT: Tensor2D,
): { loss: ReturnType<typeof tf.scalar>; g: ReturnType<typeof tf.tensor>[] } {
  const L = W.length;
  const acts: Tensor2D[] = [x];
  for (let l = 0; l < L - 1; l++) acts.push(tf.fused.matMul({ a: acts[l], b: W[l], bias: b[l], activation: 'relu' }) as Tensor2D);
  const out = tf.add(tf.matMul(acts[L - 1], W[L - 1]), b[L - 1]) as Tensor2D;
  const size = x.shape[0];
  const err = tf.sub(out, y);
  let loss = tf.div(tf.mean(tf.square(err)), 2) as ReturnType<typeof tf.scalar>;
  if (alpha > 0) {
    let l2 = tf.scalar(0);
    for (const w of W) l2 = tf.add(l2, tf.sum(tf.square(w)));
    loss = tf.add(loss, tf.mul(l2, alpha / (2 * size))) as ReturnType<typeof tf.scalar>;
  }
  const ones = tf.ones([1, size]);
  const gW: ReturnType<typeof tf.tensor>[] = new Array(L);
  const gb: ReturnType<typeof tf.tensor>[] = new Array(L);
  let delta = tf.div(err, size) as Tensor2D; // dLoss/d(pre-activation) of layer l
  for (let l = L - 1; l >= 0; l--) {
    // An explicit transpose: matMul with transposeA falls off XNNPACK onto a naive loop (measured 3× slower).
    let gw = tf.matMul(l === 0 ? xT : tf.transpose(acts[l]), delta);
    if (alpha > 0) gw = tf.add(gw, tf.mul(W[l], alpha / size));
    gW[l] = gw;
    // 1ᵀ·δ rather than sum over axis 0, which tfjs-wasm does through a slow transpose.
    gb[l] = tf.reshape(tf.matMul(ones, delta), [-1]);
    // Explicit transpose again: transposeB made tfjs-wasm's matMul ~15× slower here.
    if (l > 0) delta = tf.mul(tf.matMul(delta, tf.transpose(W[l])), tf.step(acts[l])) as Tensor2D;
  }
  return { loss, g: [...gW, ...gb] };
}

function toF32(X: Matrix, rows?: Uint32Array | Int32Array): Float32Array {
  const p = X.cols;
  if (!rows) return Float32Array.from(X.data);
  const out = new Float32Array(rows.length * p);
  for (let r = 0; r < rows.length; r++) for (let j = 0; j < p; j++) out[r * p + j] = X.data[rows[r] * p + j];
  return out;
}

export class MlpRegressor extends Estimator<MlpOptions, MlpState> {
  readonly type = 'mlp' as const;

  constructor(options: Partial<MlpOptions> = {}) {
    super('mlp', options);
  }

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    checkFitInput(X, y);
    if (options.validation) checkPredictInput(options.validation.X, X.cols);
    throwIfAborted(options.signal);
    await ensureTf();
    const P = this.params;
    const rng = new Rng(P.seed);
    const p = X.cols;

    // Training / validation rows.
    let trainRows: Uint32Array | undefined;
    let val: { x: Float32Array; y: Float64Array; rows: number } | undefined;
    if (options.validation) {
      const v = options.validation;
      val = { x: toF32(v.X), y: v.y, rows: v.X.rows };
    } else if (P.earlyStopping) {
      const perm = permutation(X.rows, rng.fork());
      const nVal = Math.max(1, Math.round(X.rows * P.validationFraction));
      if (X.rows - nVal < 1) throw new InvalidParamsError('bad-param', 'validationFraction leaves no training rows.', { field: 'validationFraction' });
      const vRows = perm.slice(0, nVal).sort();
      trainRows = perm.slice(nVal).sort();
      const vy = new Float64Array(nVal);
      for (let i = 0; i < nVal; i++) vy[i] = y[vRows[i]];
      val = { x: toF32(X, vRows), y: vy, rows: nVal };
    }
    const n = trainRows ? trainRows.length : X.rows;
    const yTrain = trainRows ? Float64Array.from(trainRows, (r) => y[r]) : y;

    // Standardized target.
    let yMean = 0;
    for (let i = 0; i < n; i++) yMean += yTrain[i];
    yMean /= n;
    let yVar = 0;
    for (let i = 0; i < n; i++) yVar += (yTrain[i] - yMean) ** 2;
    const yStd = Math.sqrt(yVar / n) || 1;
    const ys = new Float32Array(n);
    for (let i = 0; i < n; i++) ys[i] = (yTrain[i] - yMean) / yStd;

    // Seeded Glorot-uniform init, as scikit-learn's MLP (weights and biases).
    const sizes = [p, ...P.hiddenLayers, 1];
    const initRng = rng.fork();
    const w0: Float32Array[] = [];
    const b0: Float32Array[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const bound = Math.sqrt(6 / (sizes[l] + sizes[l + 1]));
      w0.push(Float32Array.from({ length: sizes[l] * sizes[l + 1] }, () => (2 * initRng.next() - 1) * bound));
      b0.push(Float32Array.from({ length: sizes[l + 1] }, () => (2 * initRng.next() - 1) * bound));
    }
    const shuffleRng = rng.fork();

    const history: FitHistory = { unit: 'epoch', metric: 'rmse', train: [], validation: [] };
    const owned: { dispose(): void }[] = [];
    const keep = <T extends { dispose(): void }>(t: T): T => {
      owned.push(t);
      return t;
    };
    let best: { w: Float32Array[]; b: Float32Array[]; epoch: number; loss: number } | undefined;
    let epochsRun = 0;
    try {
      // Batches are cut in JavaScript from a per-epoch shuffled copy and uploaded as small
      // tensors: tfjs-wasm's Slice and Gather on a big tensor copy the whole source each call.
      const xAll = toF32(X, trainRows);
      const xEpoch = new Float32Array(n * p);
      const yEpoch = new Float32Array(n);
      const xT32 = new Float32Array(Math.min(P.batchSize, n) * p);
      const Xv = val ? keep(tf.tensor2d(val.x, [val.rows, p])) : undefined;
      // All weights and biases live in one flat variable θ (W₁…W_L, b₁…b_L), so Adam is ten
      // kernels per step instead of ten per parameter tensor; layers are slices of θ.
      const shapes: [number, number][] = sizes.slice(0, -1).map((f, l) => [f, sizes[l + 1]]);
      const theta0 = new Float32Array([...w0, ...b0].reduce((a, v) => a + v.length, 0));
      let off = 0;
      for (const a of [...w0, ...b0]) {
        theta0.set(a, off);
        off += a.length;
      }
      const theta = keep(tf.tidy(() => tf.variable(tf.tensor1d(theta0))));
      const M = keep(tf.tidy(() => tf.variable(tf.zeros([theta0.length]), false)));
      const V = keep(tf.tidy(() => tf.variable(tf.zeros([theta0.length]), false)));
      const unpack = (): { W: Tensor2D[]; B: ReturnType<typeof tf.tensor1d>[] } => {
        const W: Tensor2D[] = [];
        const B: ReturnType<typeof tf.tensor1d>[] = [];
        let o = 0;
        for (const [f, u] of shapes) {
          W.push(tf.reshape(tf.slice(theta, [o], [f * u]), [f, u]) as Tensor2D);
          o += f * u;
        }
        for (const [, u] of shapes) {
          B.push(tf.slice(theta, [o], [u]) as ReturnType<typeof tf.tensor1d>);
          o += u;
        }
        return { W, B };
      };
      const snapshot = (): { w: Float32Array[]; b: Float32Array[] } => {
        const all = theta.dataSync() as Float32Array;
        const w: Float32Array[] = [];
        const b: Float32Array[] = [];
        let o = 0;
        for (const [f, u] of shapes) {
          w.push(all.slice(o, o + f * u));
          o += f * u;
        }
        for (const [, u] of shapes) {
          b.push(all.slice(o, o + u));
          o += u;
        }
        return { w, b };
      };
      const bs = Math.min(P.batchSize, n);
      const steps = Math.ceil(n / bs);
      const cp = new Checkpointer(options.signal);
      let t = 0;
      let sinceBest = 0;
      for (let epoch = 0; epoch < P.maxEpochs; epoch++) {
        const lr = P.schedule === 'cosine' ? (P.learningRate * (1 + Math.cos((Math.PI * epoch) / P.maxEpochs))) / 2 : P.learningRate;
        const perm = permutation(n, shuffleRng);
        for (let i = 0; i < n; i++) {
          const r = perm[i];
          for (let j = 0; j < p; j++) xEpoch[i * p + j] = xAll[r * p + j];
          yEpoch[i] = ys[r];
        }
        let lossSum = tf.scalar(0);
        try {
          for (let s = 0; s < steps; s++) {
            t++;
            const size = Math.min(bs, n - s * bs);
            const c1 = lr * Math.sqrt(1 - ADAM.beta2 ** t) / (1 - ADAM.beta1 ** t);
            const next = tf.tidy(() => {
              const xb = tf.tensor2d(xEpoch.subarray(s * bs * p, (s * bs + size) * p), [size, p]);
              const yb = tf.tensor2d(yEpoch.subarray(s * bs, s * bs + size), [size, 1]);
              const o = s * bs;
              for (let i = 0; i < size; i++) for (let j = 0; j < p; j++) xT32[j * size + i] = xEpoch[(o + i) * p + j];
              const xbT = tf.tensor2d(xT32.subarray(0, size * p), [p, size]);
              const { W, B } = unpack();
              const grads = backward(xb, yb, W, B, P.alpha, xbT);
              const g = tf.concat(grads.g.map((t) => tf.reshape(t, [-1])));
              const m = tf.add(tf.mul(M, ADAM.beta1), tf.mul(g, 1 - ADAM.beta1));
              const vv = tf.add(tf.mul(V, ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2));
              M.assign(m);
              V.assign(vv);
              theta.assign(tf.sub(theta, tf.div(tf.mul(m, c1), tf.add(tf.sqrt(vv), ADAM.eps))));
              const value = grads.loss;
              return tf.add(lossSum, value) as ReturnType<typeof tf.scalar>;
            });
            lossSum.dispose();
            lossSum = next;
            await cp.maybe();
          }
          const trainMse = ((lossSum.dataSync()[0] as number) / steps) * 2; // ≈ mean squared error (standardized)
          history.train.push(Math.sqrt(Math.max(trainMse, 0)) * yStd);
        } finally {
          lossSum.dispose();
        }
        epochsRun = epoch + 1;
        let valRmse: number | undefined;
        if (val && Xv) {
          const pv = tf.tidy(() => {
            const { W, B } = unpack();
            return forward(Xv, W, B);
          });
          const d = pv.dataSync();
          pv.dispose();
          let s2 = 0;
          for (let i = 0; i < val.rows; i++) s2 += (d[i] * yStd + yMean - val.y[i]) ** 2;
          valRmse = Math.sqrt(s2 / val.rows);
          history.validation.push(valRmse);
        }
        options.onProgress?.({
          fraction: epochsRun / P.maxEpochs,
          step: epochsRun,
          totalSteps: P.maxEpochs,
          loss: { train: history.train[epoch], validation: valRmse },
        });
        await cp.maybe();
        if (P.earlyStopping && valRmse !== undefined) {
          if (!best || valRmse < best.loss * (1 - P.tol)) sinceBest = 0;
          else sinceBest++;
          if (!best || valRmse < best.loss) {
            best = { ...snapshot(), epoch, loss: valRmse };
          }
          if (sinceBest >= P.nIterNoChange) break;
        }
      }
      const final = best ?? { ...snapshot(), epoch: epochsRun - 1 };
      if (best) history.bestStep = best.epoch;
      this.setFitted({
        sizes,
        weights: final.w.map((w) => Float32Array.from(w)),
        biases: final.b.map((b) => Float32Array.from(b)),
        yMean,
        yStd,
        epochs: epochsRun,
        history,
        background: backgroundRows(X, P.seed),
      });
    } finally {
      for (const o of owned) o.dispose();
    }
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.fitted;
    checkPredictInput(X, s.sizes[0]);
    const out = forward64(denseLayers(s.sizes, s.weights, s.biases), X.data, X.rows);
    for (let i = 0; i < out.length; i++) out[i] = out[i] * s.yStd + s.yMean;
    return out;
  }

  override history(): FitHistory {
    const h = this.fitted.history;
    return { ...h, train: [...h.train], validation: [...h.validation] };
  }

  protected writeState(s: MlpState): StateRecord {
    const h = s.history;
    const history: StateRecord = { unit: h.unit, metric: h.metric, train: Float64Array.from(h.train), validation: Float64Array.from(h.validation) };
    if (h.bestStep !== undefined) history.bestStep = h.bestStep;
    return {
      sizes: [...s.sizes],
      weights: s.weights.map((w) => w.slice()),
      biases: s.biases.map((b) => b.slice()),
      yMean: s.yMean,
      yStd: s.yStd,
      epochs: s.epochs,
      history,
      ...(s.background ? { background: s.background.slice() } : {}),
    };
  }

  /** The training rows kept for explanations (a copy), or undefined for an older bundle. */
  backgroundRows(): Float64Array | undefined {
    return this.fitted.background?.slice();
  }

  protected readState(r: StateReader): MlpState {
    const want = [...this.params.hiddenLayers, 1];
    const sizes = r.numbers('sizes', { integer: true, min: 1 }, want.length + 1);
    for (let i = 1; i < sizes.length; i++) if (sizes[i] !== want[i - 1]) r.fail(`sizes[${i}]`, `is ${sizes[i]}; the params say ${want[i - 1]}.`);
    const layers = sizes.length - 1;
    const weights = r.typedList('weights', Float32Array, Array.from({ length: layers }, (_, l) => sizes[l] * sizes[l + 1])).map((w) => w.slice());
    const biases = r.typedList('biases', Float32Array, Array.from({ length: layers }, (_, l) => sizes[l + 1])).map((b) => b.slice());
    const yMean = r.number('yMean');
    const yStd = r.number('yStd');
    if (!(yStd > 0)) r.fail('yStd', 'must be positive.');
    const epochs = r.number('epochs', { integer: true, min: 1 });
    // Bundles written before the history was kept have none.
    const history: FitHistory = { unit: 'epoch', metric: 'rmse', train: [], validation: [] };
    if (r.has('history')) {
      const h = r.object('history');
      h.string('unit', ['epoch']);
      h.string('metric', ['rmse']);
      history.train = Array.from(h.typed('train', Float64Array, { nonFinite: true }));
      history.validation = Array.from(h.typed('validation', Float64Array, { nonFinite: true }));
      if (h.has('bestStep')) history.bestStep = h.number('bestStep', { integer: true, min: 0, max: Math.max(1, history.validation.length) - 1 });
    }
    const state: MlpState = { sizes, weights, biases, yMean, yStd, epochs, history };
    if (r.has('background')) {
      const bg = r.typed('background', Float64Array).slice();
      if (bg.length === 0 || bg.length % sizes[0] !== 0) r.fail('background', `holds ${bg.length} values; a whole number of rows of ${sizes[0]} is expected.`);
      state.background = bg;
    }
    return state;
  }
}
