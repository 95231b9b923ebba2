/**
 * scikit-learn's StandardScaler and MinMaxScaler for one numeric column. Missing values (NaN) are
 * ignored when fitting and pass through `transform` unchanged.
 */
import * as v from 'valibot';
import { InvalidInputError, InvalidParamsError } from '../errors';
import { FittedTransformer } from './fitted-transformer';
import { type SerializedTransformer, finiteNumber, parseOrThrow } from './types';

const EPS = 2.220446049250313e-16;

export interface StandardScalerOptions {
  /** Subtract the training mean. Default true. */
  withMean?: boolean;
  /** Divide by the training standard deviation (population, ddof = 0). Default true. */
  withStd?: boolean;
}

export interface StandardScalerState {
  mean: number;
  /** Population variance of the training values. */
  variance: number;
  /** sqrt(variance), or 1 for a constant column (scikit-learn's rule). */
  scale: number;
  count: number;
}

export class StandardScaler extends FittedTransformer<StandardScalerState> {
  readonly params: Readonly<Required<StandardScalerOptions>>;

  constructor(options: StandardScalerOptions = {}) {
    super('StandardScaler');
    const p = { withMean: true, withStd: true, ...options };
    for (const k of ['withMean', 'withStd'] as const)
      if (typeof p[k] !== 'boolean') throw new InvalidParamsError('bad-param', `${k} must be true or false.`, { field: k });
    this.params = p;
  }

  get mean(): number {
    return this.fitted().mean;
  }
  get scale(): number {
    return this.fitted().scale;
  }

  fit(values: Float64Array, column = 'column'): this {
    // scikit-learn's _incremental_mean_and_var from an empty start, with its correction term.
    let n = 0;
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (x === x) {
        n++;
        sum += x;
      }
    }
    if (n === 0) throw new InvalidInputError('all-missing', `${column}: every training value is missing; cannot scale.`, { column });
    const mean = sum / n;
    let corr = 0;
    let sq = 0;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (x === x) {
        const d = x - mean;
        corr += d;
        sq += d * d;
      }
    }
    const variance = (sq - (corr * corr) / n) / n;
    // _is_constant_feature: the variance is within rounding error of zero.
    const constant = variance <= n * EPS * variance + (n * mean * EPS) ** 2;
    let scale = constant ? 1 : Math.sqrt(variance);
    if (scale < 10 * EPS) scale = 1;
    this.state = { mean, variance, scale, count: n };
    return this;
  }

  /** Scales one value (NaN stays NaN). */
  apply(x: number): number {
    const s = this.fitted();
    let y = x;
    if (this.params.withMean) y -= s.mean;
    if (this.params.withStd) y /= s.scale;
    return y;
  }

  transform(values: Float64Array): Float64Array {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = this.apply(values[i]);
    return out;
  }

  inverse(y: number): number {
    const s = this.fitted();
    let x = y;
    if (this.params.withStd) x *= s.scale;
    if (this.params.withMean) x += s.mean;
    return x;
  }

  toJSON(): SerializedTransformer {
    return { type: 'standard-scaler', params: { ...this.params }, state: this.state ? { ...this.state } : null };
  }

  static fromJSON(s: unknown, root?: string): StandardScaler {
    const p = parseOrThrow(STANDARD_SCHEMA, s, root ?? 'standard-scaler');
    return new StandardScaler(p.params).withState(p.state);
  }
}

const STANDARD_SCHEMA = v.strictObject({
  type: v.literal('standard-scaler'),
  params: v.strictObject({ withMean: v.boolean(), withStd: v.boolean() }),
  state: v.nullable(
    v.strictObject({
      mean: finiteNumber,
      variance: v.pipe(finiteNumber, v.minValue(0)),
      scale: v.pipe(finiteNumber, v.gtValue(0)),
      count: v.pipe(v.number(), v.integer(), v.minValue(1)),
    }),
  ),
});

export interface MinMaxScalerOptions {
  /** Output range [low, high] of the training values, low < high. Default [0, 1]. */
  featureRange?: [number, number];
}

export interface MinMaxScalerState {
  dataMin: number;
  dataMax: number;
  /** (high − low) / (dataMax − dataMin), with a zero range treated as 1 (scikit-learn's rule). */
  scale: number;
  /** low − dataMin · scale. */
  min: number;
}

export class MinMaxScaler extends FittedTransformer<MinMaxScalerState> {
  readonly params: Readonly<Required<MinMaxScalerOptions>>;

  constructor(options: MinMaxScalerOptions = {}) {
    super('MinMaxScaler');
    const featureRange = options.featureRange ?? [0, 1];
    if (
      !Array.isArray(featureRange) ||
      featureRange.length !== 2 ||
      !featureRange.every(Number.isFinite) ||
      !(featureRange[0] < featureRange[1])
    )
      throw new InvalidParamsError('bad-param', 'featureRange must be two finite numbers [low, high] with low < high.', { field: 'featureRange' });
    this.params = { featureRange: [featureRange[0], featureRange[1]] };
  }

  get dataMin(): number {
    return this.fitted().dataMin;
  }
  get dataMax(): number {
    return this.fitted().dataMax;
  }

  fit(values: Float64Array, column = 'column'): this {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    if (lo > hi) throw new InvalidInputError('all-missing', `${column}: every training value is missing; cannot scale.`, { column });
    const [a, b] = this.params.featureRange;
    let range = hi - lo;
    if (range < 10 * EPS) range = 1;
    const scale = (b - a) / range;
    this.state = { dataMin: lo, dataMax: hi, scale, min: a - lo * scale };
    return this;
  }

  apply(x: number): number {
    const s = this.fitted();
    return x * s.scale + s.min;
  }

  transform(values: Float64Array): Float64Array {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = this.apply(values[i]);
    return out;
  }

  toJSON(): SerializedTransformer {
    return { type: 'min-max-scaler', params: { featureRange: [...this.params.featureRange] }, state: this.state ? { ...this.state } : null };
  }

  static fromJSON(s: unknown, root?: string): MinMaxScaler {
    const p = parseOrThrow(MINMAX_SCHEMA, s, root ?? 'min-max-scaler');
    return new MinMaxScaler({ featureRange: [p.params.featureRange[0], p.params.featureRange[1]] }).withState(p.state);
  }
}

const MINMAX_SCHEMA = v.strictObject({
  type: v.literal('min-max-scaler'),
  params: v.strictObject({ featureRange: v.tuple([finiteNumber, finiteNumber]) }),
  state: v.nullable(v.strictObject({ dataMin: finiteNumber, dataMax: finiteNumber, scale: finiteNumber, min: finiteNumber })),
});
