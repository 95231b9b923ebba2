/**
 * Multilayer perceptron classifier: the regressor's network and training loop (train.ts: ReLU
 * hidden layers, Adam, L2, seeded init and shuffles, early stopping) with K linear output units
 * and a softmax, trained on categorical cross-entropy (log loss).
 *
 * Two classes get a 2-way softmax, not one sigmoid unit as scikit-learn's MLPClassifier: the two
 * describe the same functions (p₁ = σ(z₁ − z₀)), and one output layer, one loss, one gradient and
 * one prediction path then serve every K. It costs one more output unit.
 *
 * Early stopping holds out a stratified share of the training rows (every class in proportion,
 * as scikit-learn does for its classifiers) and keeps the epoch of the lowest validation log
 * loss (scikit-learn scores its hold-out by accuracy, which moves in steps of one row and stops
 * on a plateau while the probabilities are still improving).
 *
 * Weights are kept as Float32Arrays in state (what training produced); predictProba runs the
 * forward pass in float64 from them (forward.ts, the SIMD WebAssembly kernel) and the softmax in
 * float64, so a model restored from its bundle gives bit-identical probabilities.
 */
import { throwIfAborted } from '../../abort';
import { stratifiedTrainTestSplit } from '../../data/split';
import { InvalidInputError, InvalidParamsError } from '../../errors';
import { Rng } from '../../random';
import { ensureTf, tf } from '../../tf';
import { backgroundRows } from '../background';
import { classWeights } from '../class-weight';
import { ClassifierEstimator, classCountOf } from '../classifier';
import type { FitHistory } from '../history';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { copyHistory, fitInputs, forwardNetwork, inputsOf, networkRecord, readNetwork, readTraining, trainingRecord, withAddedInputs, type NetworkState } from './network-state';
import type { MlpClassifierOptions } from './params';
import { toF32, trainNetworks, type MlpObjective, type Tensor2D } from './train';

interface MlpClassifierState extends NetworkState {
  classCount: number;
}

/** Softmax of each row of a rows × k matrix in place (its largest value subtracted first). */
function softmaxRows(z: Float64Array, k: number): void {
  for (let o = 0; o < z.length; o += k) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) if (z[o + c] > max) max = z[o + c];
    let sum = 0;
    for (let c = 0; c < k; c++) {
      z[o + c] = Math.exp(z[o + c] - max);
      sum += z[o + c];
    }
    for (let c = 0; c < k; c++) z[o + c] /= sum;
  }
}

/**
 * Softmax cross-entropy on K logits: loss = mean over the batch of w·(logΣexp z − z_y), whose
 * gradient with respect to the logits is w·(softmax(z) − onehot(y)) / batch. `vy` holds the
 * validation rows' class codes, scored by their mean log loss.
 */
function softmaxObjective(k: number, vy: Float64Array): MlpObjective {
  return {
    outputs: k,
    metric: 'log_loss',
    lossAndDelta: (out, yb, size, wb) => {
      const shifted = tf.sub(out, tf.max(out, 1, true));
      const logp = tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), 1, true))) as Tensor2D;
      let ce = tf.neg(tf.sum(tf.mul(yb, logp), 1, true));
      let diff = tf.sub(tf.exp(logp), yb);
      if (wb) {
        ce = tf.mul(ce, wb);
        diff = tf.mul(diff, wb);
      }
      return { loss: tf.div(tf.sum(ce), size) as ReturnType<typeof tf.scalar>, delta: tf.div(diff, size) as Tensor2D };
    },
    trainFigure: (meanLoss) => meanLoss,
    validationFigure: (z) => {
      let loss = 0;
      for (let i = 0; i < vy.length; i++) {
        const o = i * k;
        let max = -Infinity;
        for (let c = 0; c < k; c++) if (z[o + c] > max) max = z[o + c];
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp(z[o + c] - max);
        loss += max + Math.log(sum) - z[o + vy[i]];
      }
      return loss / vy.length;
    },
  };
}

/**
 * ```ts
 * const m = await new MlpClassifier().fit(X, yCodes, { classCount: 3 });
 * const proba = m.predictProba(Xnew); // rows × 3
 * ```
 */
export class MlpClassifier extends ClassifierEstimator<MlpClassifierOptions, MlpClassifierState> {
  readonly type = 'mlp-classifier' as const;

  constructor(options: Partial<MlpClassifierOptions> = {}) {
    super('mlp-classifier', options);
  }

  /**
   * Trains on y as class codes 0..K−1 (`options.classCount` = K, else max + 1). Early stopping
   * scores `options.validation` when given, else a stratified `validationFraction` of the rows
   * (with fewer than 5 rows that share is empty: all rows train, for maxEpochs). Throws
   * InvalidInputError for a code that is not a whole number in 0..K−1 (naming the row, in y or
   * in the validation target), non-finite X or empty input.
   */
  async fit(X0: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    checkFitInput(X0, y);
    const k = classCountOf(y, options);
    if (options.validation) {
      checkPredictInput(options.validation.X, X0.cols);
      try {
        classCountOf(options.validation.y, { classCount: k });
      } catch (e) {
        if (e instanceof InvalidInputError) throw new InvalidInputError(e.code, `Validation target: ${e.message}`, e.where);
        throw e;
      }
    }
    throwIfAborted(options.signal);
    await ensureTf();
    const P = this.params;
    const rng = new Rng(P.seed);

    // Training / validation rows.
    let trainRows: Uint32Array | undefined;
    let vRows: Uint32Array | undefined;
    if (!options.validation && P.earlyStopping) {
      const split = stratifiedTrainTestSplit(y, { testSize: P.validationFraction, seed: rng.fork().nextU32() });
      if (split.train.length === 0) throw new InvalidParamsError('bad-param', 'validationFraction leaves no training rows.', { field: 'validationFraction' });
      if (split.test.length > 0) {
        trainRows = split.train;
        vRows = split.test;
      }
    }
    const { added, X, val } = fitInputs(X0, y, P, k, { trainRows, vRows, validation: options.validation });
    const p = X.cols;
    const n = trainRows ? trainRows.length : X.rows;
    const yTrain = trainRows ? Float64Array.from(trainRows, (r) => y[r]) : y;
    const onehot = new Float32Array(n * k);
    for (let i = 0; i < n; i++) onehot[i * k + yTrain[i]] = 1;
    const weights = classWeights(yTrain, k, P.classWeight);

    const net = await trainNetworks(
      P,
      { x: toF32(X, trainRows), n, p, targets: onehot, rowWeights: weights ? Float32Array.from(weights) : undefined, validation: val },
      softmaxObjective(k, val ? val.y : new Float64Array(0)),
      rng,
      options,
    );
    this.setFitted({ ...net, classCount: k, background: backgroundRows(X0, P.seed), ...added });
    return this;
  }

  /** rows × K class probabilities: the softmax of the network's K outputs. */
  predictProba(X: Matrix): Float64Array {
    const s = this.fitted;
    const z = forwardNetwork(s, X);
    softmaxRows(z, s.classCount);
    return z;
  }

  override history(): FitHistory {
    return copyHistory(this.fitted.history);
  }

  /** The training rows kept for explanations (a copy). */
  backgroundRows(): Float64Array | undefined {
    return this.fitted.background?.slice();
  }

  protected writeState(s: MlpClassifierState): StateRecord {
    return { classCount: s.classCount, ...networkRecord(s), ...trainingRecord(s) };
  }

  protected readState(r: StateReader): MlpClassifierState {
    const classCount = r.number('classCount', { integer: true, min: 2 });
    const network = readNetwork(r, this.params, classCount);
    return { classCount, ...network, ...readTraining(r, inputsOf(network), 'log_loss') };
  }
}
