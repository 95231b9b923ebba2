/**
 * The training loop the MLP regressor and classifier share, on tfjs-core ops (no tfjs-layers:
 * fewer kernels per step and full control of seeding): ReLU hidden layers through
 * tf.fused.matMul, a linear output layer whose loss the caller's objective gives (squared error
 * for the regressor, softmax cross-entropy for the classifier), scikit-learn's L2 term
 * α/(2·batch)·ΣW², Adam written out with tf ops (so the learning-rate schedule is ours), seeded
 * Glorot-uniform init and seeded per-epoch shuffling: the same seed on the same backend gives
 * bit-identical weights. Early stopping keeps the epoch with the best validation figure.
 *
 * The caller chooses the training and validation rows (at random for the regressor, stratified
 * for the classifier) and turns y into per-row targets; this file knows nothing of either task.
 */
import { Checkpointer } from '../../abort';
import { Rng, permutation } from '../../random';
import { tf } from '../../tf';
import type { FitHistory } from '../history';
import type { FitOptions, Matrix } from '../types';
import type { MlpOptions } from './params';

export type Tensor2D = ReturnType<typeof tf.tensor2d>;
type Tensor1D = ReturnType<typeof tf.tensor1d>;
type Scalar = ReturnType<typeof tf.scalar>;

const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** The parameters of the loop (the regressor's and the classifier's tables both hold them). */
export type MlpTraining = Pick<MlpOptions, 'hiddenLayers' | 'learningRate' | 'schedule' | 'batchSize' | 'maxEpochs' | 'earlyStopping' | 'nIterNoChange' | 'tol' | 'alpha'>;

/** What the task adds to the loop: the output layer's width, its loss and how epochs are scored. */
export interface MlpObjective {
  /** Units of the output layer. */
  outputs: number;
  /** Name of the history's figures ('rmse', 'log_loss'). */
  metric: string;
  /**
   * The data term of the loss on a batch (a scalar) and its gradient with respect to the output
   * layer's pre-activation, already divided by the batch size. `y` is the batch's targets
   * (size × outputs); `w`, when the fit weighs rows, their weights (size × 1).
   */
  lossAndDelta(out: Tensor2D, y: Tensor2D, size: number, w: Tensor2D | undefined): { loss: Scalar; delta: Tensor2D };
  /** The epoch's training figure from its mean batch loss (the L2 term included). */
  trainFigure(meanLoss: number): number;
  /** The validation figure (lower is better) from the network's outputs on the validation rows, row-major. */
  validationFigure(out: Float32Array): number;
}

export interface MlpTrainInput {
  /** Training rows, row-major float32 (n × p). */
  x: Float32Array;
  n: number;
  p: number;
  /** Per training row, `objective.outputs` targets (n × outputs). */
  targets: Float32Array;
  /** Per training row, its weight in the loss; absent: every row counts once. */
  rowWeights?: Float32Array;
  /** Rows whose figure decides early stopping and fills the validation curve (float32, rows × p). */
  validation?: { x: Float32Array; rows: number };
}

export interface MlpTrained {
  /** Layer sizes: input, hidden…, outputs. */
  sizes: number[];
  /** Per layer, row-major [fanIn, fanOut]. */
  weights: Float32Array[];
  biases: Float32Array[];
  epochs: number;
  history: FitHistory;
}

/** The layers of one more network of the same sizes (MlpOptions `networks`). */
export interface NetworkWeights {
  weights: Float32Array[];
  biases: Float32Array[];
}

function forward(x: Tensor2D, W: Tensor2D[], b: Tensor1D[]): Tensor2D {
  let h = x;
  const last = W.length - 1;
  for (let l = 0; l < last; l++) h = tf.fused.matMul({ a: h, b: W[l], bias: b[l], activation: 'relu' }) as Tensor2D;
  return tf.add(tf.matMul(h, W[last]), b[last]) as Tensor2D;
}

/**
 * Loss and gradients by hand-written backprop (the tfjs-core CommonJS bundle that Node loads
 * registers no gradient functions, and hand-written backprop needs fewer kernels per step).
 * Loss = the objective's data term + α/(2·batch)·ΣW². Returns gradients in [W…, b…] order. `xT`
 * is the batch already transposed (built in JavaScript: cheaper than tfjs-wasm's Transpose).
 */
function backward(
  x: Tensor2D,
  y: Tensor2D,
  w: Tensor2D | undefined,
  W: Tensor2D[],
  b: Tensor1D[],
  alpha: number,
  xT: Tensor2D,
  objective: MlpObjective,
): { loss: Scalar; g: ReturnType<typeof tf.tensor>[] } {
  const L = W.length;
  const acts: Tensor2D[] = [x];
  for (let l = 0; l < L - 1; l++) acts.push(tf.fused.matMul({ a: acts[l], b: W[l], bias: b[l], activation: 'relu' }) as Tensor2D);
  const out = tf.add(tf.matMul(acts[L - 1], W[L - 1]), b[L - 1]) as Tensor2D;
  const size = x.shape[0];
  const data = objective.lossAndDelta(out, y, size, w);
  let loss = data.loss;
  if (alpha > 0) {
    let l2 = tf.scalar(0);
    for (const v of W) l2 = tf.add(l2, tf.sum(tf.square(v)));
    loss = tf.add(loss, tf.mul(l2, alpha / (2 * size))) as Scalar;
  }
  const ones = tf.ones([1, size]);
  const gW: ReturnType<typeof tf.tensor>[] = new Array(L);
  const gb: ReturnType<typeof tf.tensor>[] = new Array(L);
  let delta = data.delta; // dLoss/d(pre-activation) of layer l
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

/** Below this magnitude a parameter or Adam moment is set to 0 (see flushTiny). */
const TINY = 1e-30;

/**
 * Sets |x| < TINY to 0 in a variable. WebAssembly cannot flush subnormal floats to zero, and
 * arithmetic on them is many times slower on x86: with weight decay, the weights and first
 * moments of dead ReLU units shrink into the subnormal range and a 40-epoch fit ran 3× slower.
 * Values this small change no output by a representable amount.
 */
function flushTiny(v: ReturnType<typeof tf.variable>): void {
  const a = v.dataSync() as Float32Array;
  let changed = false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== 0 && Math.abs(a[i]) < TINY) {
      a[i] = 0;
      changed = true;
    }
  }
  if (changed) tf.tidy(() => v.assign(tf.tensor1d(a)));
}

/** X's rows (all, or those listed) as row-major float32, what tfjs trains on. */
export function toF32(X: Matrix, rows?: Uint32Array | Int32Array): Float32Array {
  const p = X.cols;
  if (!rows) return Float32Array.from(X.data);
  const out = new Float32Array(rows.length * p);
  for (let r = 0; r < rows.length; r++) for (let j = 0; j < p; j++) out[r * p + j] = X.data[rows[r] * p + j];
  return out;
}

/**
 * Trains the network. `rng` draws the init, then the shuffles (the caller draws its validation
 * split from it first). The backend must be ready (`ensureTf`). Honours `options.signal` and
 * reports progress after every epoch; frees every tensor it made, also when cancelled.
 */
export async function trainMlp(P: MlpTraining, input: MlpTrainInput, objective: MlpObjective, rng: Rng, options: FitOptions): Promise<MlpTrained> {
  const { n, p, targets, rowWeights, validation: val } = input;
  const k = objective.outputs;

  // Seeded Glorot-uniform init, as scikit-learn's MLP (weights and biases).
  const sizes = [p, ...P.hiddenLayers, k];
  const initRng = rng.fork();
  const w0: Float32Array[] = [];
  const b0: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = Math.sqrt(6 / (sizes[l] + sizes[l + 1]));
    w0.push(Float32Array.from({ length: sizes[l] * sizes[l + 1] }, () => (2 * initRng.next() - 1) * bound));
    b0.push(Float32Array.from({ length: sizes[l + 1] }, () => (2 * initRng.next() - 1) * bound));
  }
  const shuffleRng = rng.fork();

  const history: FitHistory = { unit: 'epoch', metric: objective.metric, train: [], validation: [] };
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
    const xAll = input.x;
    const xEpoch = new Float32Array(n * p);
    const yEpoch = new Float32Array(n * k);
    const wEpoch = rowWeights ? new Float32Array(n) : undefined;
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
    const unpack = (): { W: Tensor2D[]; B: Tensor1D[] } => {
      const W: Tensor2D[] = [];
      const B: Tensor1D[] = [];
      let o = 0;
      for (const [f, u] of shapes) {
        W.push(tf.reshape(tf.slice(theta, [o], [f * u]), [f, u]) as Tensor2D);
        o += f * u;
      }
      for (const [, u] of shapes) {
        B.push(tf.slice(theta, [o], [u]) as Tensor1D);
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
        for (let c = 0; c < k; c++) yEpoch[i * k + c] = targets[r * k + c];
        if (wEpoch && rowWeights) wEpoch[i] = rowWeights[r];
      }
      let lossSum = tf.scalar(0);
      try {
        for (let s = 0; s < steps; s++) {
          t++;
          const size = Math.min(bs, n - s * bs);
          const c1 = lr * Math.sqrt(1 - ADAM.beta2 ** t) / (1 - ADAM.beta1 ** t);
          const next = tf.tidy(() => {
            const xb = tf.tensor2d(xEpoch.subarray(s * bs * p, (s * bs + size) * p), [size, p]);
            const yb = tf.tensor2d(yEpoch.subarray(s * bs * k, (s * bs + size) * k), [size, k]);
            const wb = wEpoch ? tf.tensor2d(wEpoch.subarray(s * bs, s * bs + size), [size, 1]) : undefined;
            const o = s * bs;
            for (let i = 0; i < size; i++) for (let j = 0; j < p; j++) xT32[j * size + i] = xEpoch[(o + i) * p + j];
            const xbT = tf.tensor2d(xT32.subarray(0, size * p), [p, size]);
            const { W, B } = unpack();
            const grads = backward(xb, yb, wb, W, B, P.alpha, xbT, objective);
            const g = tf.concat(grads.g.map((t) => tf.reshape(t, [-1])));
            const m = tf.add(tf.mul(M, ADAM.beta1), tf.mul(g, 1 - ADAM.beta1));
            const vv = tf.add(tf.mul(V, ADAM.beta2), tf.mul(tf.square(g), 1 - ADAM.beta2));
            M.assign(m);
            V.assign(vv);
            theta.assign(tf.sub(theta, tf.div(tf.mul(m, c1), tf.add(tf.sqrt(vv), ADAM.eps))));
            return tf.add(lossSum, grads.loss) as Scalar;
          });
          lossSum.dispose();
          lossSum = next;
          await cp.maybe();
        }
        history.train.push(objective.trainFigure((lossSum.dataSync()[0] as number) / steps));
      } finally {
        lossSum.dispose();
      }
      epochsRun = epoch + 1;
      for (const v of [theta, M, V]) flushTiny(v);
      let valFigure: number | undefined;
      if (val && Xv) {
        const pv = tf.tidy(() => {
          const { W, B } = unpack();
          return forward(Xv, W, B);
        });
        const d = pv.dataSync() as Float32Array;
        pv.dispose();
        valFigure = objective.validationFigure(d);
        history.validation.push(valFigure);
      }
      options.onProgress?.({
        fraction: epochsRun / P.maxEpochs,
        step: epochsRun,
        totalSteps: P.maxEpochs,
        loss: { train: history.train[epoch], validation: valFigure },
      });
      await cp.maybe();
      if (P.earlyStopping && valFigure !== undefined) {
        if (!best || valFigure < best.loss * (1 - P.tol)) sinceBest = 0;
        else sinceBest++;
        if (!best || valFigure < best.loss) {
          best = { ...snapshot(), epoch, loss: valFigure };
        }
        if (sinceBest >= P.nIterNoChange) break;
      }
    }
    const final = best ?? { ...snapshot(), epoch: epochsRun - 1 };
    if (best) history.bestStep = best.epoch;
    return { sizes, weights: final.w.map((w) => Float32Array.from(w)), biases: final.b.map((b) => Float32Array.from(b)), epochs: epochsRun, history };
  } finally {
    for (const o of owned) o.dispose();
  }
}

/**
 * Trains `P.networks` networks on the same rows (MlpOptions `networks`): the first from `rng`
 * exactly as `trainMlp` alone would, network i > 0 from a generator seeded `P.seed + i` — so one
 * network is the plain model, and network i of seed s is the first network of seed s + i when no
 * validation split is drawn. The first network's epochs and history stand for the fit; progress
 * runs over all of them (the later ones report no loss, so a live curve shows the first).
 */
export async function trainNetworks(
  P: MlpTraining & Pick<MlpOptions, 'networks' | 'seed'>,
  input: MlpTrainInput,
  objective: MlpObjective,
  rng: Rng,
  options: FitOptions,
): Promise<MlpTrained & { extra?: NetworkWeights[] }> {
  const m = P.networks;
  if (m <= 1) return trainMlp(P, input, objective, rng, options);
  const part = (i: number): FitOptions => ({
    ...options,
    onProgress: options.onProgress && ((p) => options.onProgress!(i === 0 ? { ...p, fraction: p.fraction / m } : { fraction: (i + p.fraction) / m })),
  });
  const first = await trainMlp(P, input, objective, rng, part(0));
  const extra: NetworkWeights[] = [];
  for (let i = 1; i < m; i++) {
    const t = await trainMlp(P, input, objective, new Rng(P.seed + i), part(i));
    extra.push({ weights: t.weights, biases: t.biases });
  }
  return { ...first, extra };
}
