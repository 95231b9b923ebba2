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
import { throwIfAborted } from '../../abort';
import { InvalidParamsError } from '../../errors';
import { Rng, permutation } from '../../random';
import { ensureTf, tf } from '../../tf';
import { backgroundRows } from '../background';
import { Estimator } from '../estimator';
import type { FitHistory } from '../history';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { copyHistory, fitInputs, forwardNetwork, inputsOf, networkRecord, readNetwork, readTraining, trainingRecord, withAddedInputs, type NetworkState } from './network-state';
import type { MlpOptions } from './params';
import { toF32, trainNetworks, type Tensor2D } from './train';

interface MlpState extends NetworkState {
  yMean: number;
  yStd: number;
}

export class MlpRegressor extends Estimator<MlpOptions, MlpState> {
  readonly type = 'mlp' as const;

  constructor(options: Partial<MlpOptions> = {}) {
    super('mlp', options);
  }

  async fit(X0: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    checkFitInput(X0, y);
    if (options.validation) checkPredictInput(options.validation.X, X0.cols);
    throwIfAborted(options.signal);
    await ensureTf();
    const P = this.params;
    const rng = new Rng(P.seed);

    // Training / validation rows.
    let trainRows: Uint32Array | undefined;
    let vRows: Uint32Array | undefined;
    if (!options.validation && P.earlyStopping) {
      const perm = permutation(X0.rows, rng.fork());
      const nVal = Math.max(1, Math.round(X0.rows * P.validationFraction));
      if (X0.rows - nVal < 1) throw new InvalidParamsError('bad-param', 'validationFraction leaves no training rows.', { field: 'validationFraction' });
      vRows = perm.slice(0, nVal).sort();
      trainRows = perm.slice(nVal).sort();
    }
    const { added, X, val } = fitInputs(X0, y, P, 0, { trainRows, vRows, validation: options.validation });
    const p = X.cols;
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

    const vy = val ? val.y : new Float64Array(0);
    const net = await trainNetworks(
      P,
      { x: toF32(X, trainRows), n, p, targets: ys, validation: val && { x: val.x, rows: val.rows } },
      {
        outputs: 1,
        metric: 'rmse',
        lossAndDelta: (out, yb, size) => {
          const err = tf.sub(out, yb);
          return { loss: tf.div(tf.mean(tf.square(err)), 2) as ReturnType<typeof tf.scalar>, delta: tf.div(err, size) as Tensor2D };
        },
        // The mean loss is ½·MSE (standardized) plus the L2 term: ≈ RMSE once doubled, rooted and rescaled.
        trainFigure: (meanLoss) => Math.sqrt(Math.max(meanLoss * 2, 0)) * yStd,
        validationFigure: (d) => {
          let s2 = 0;
          for (let i = 0; i < vy.length; i++) s2 += (d[i] * yStd + yMean - vy[i]) ** 2;
          return Math.sqrt(s2 / vy.length);
        },
      },
      rng,
      options,
    );
    this.setFitted({ ...net, yMean, yStd, background: backgroundRows(X0, P.seed), ...added });
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.fitted;
    const out = forwardNetwork(s, X);
    for (let i = 0; i < out.length; i++) out[i] = out[i] * s.yStd + s.yMean;
    return out;
  }

  override history(): FitHistory {
    return copyHistory(this.fitted.history);
  }

  protected writeState(s: MlpState): StateRecord {
    return { ...networkRecord(s), yMean: s.yMean, yStd: s.yStd, ...trainingRecord(s) };
  }

  /** The training rows kept for explanations (a copy), or undefined for an older bundle. */
  backgroundRows(): Float64Array | undefined {
    return this.fitted.background?.slice();
  }

  protected readState(r: StateReader): MlpState {
    const network = readNetwork(r, this.params, 1);
    const yMean = r.number('yMean');
    const yStd = r.number('yStd');
    if (!(yStd > 0)) r.fail('yStd', 'must be positive.');
    return { ...network, yMean, yStd, ...readTraining(r, inputsOf(network), 'rmse') };
  }
}
