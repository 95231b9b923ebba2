/**
 * The fitted state the MLP regressor and classifier share — the network's layers, the epochs run,
 * the loss history and the background rows of explanations — written to and read back from a
 * bundle the same way for both. Each model adds its own fields (the regressor its target scaling,
 * the classifier its class count) between the two halves.
 */
import type { FitHistory } from '../history';
import type { StateReader, StateRecord } from '../state';
import type { Matrix } from '../types';
import { checkPredictInput } from '../validate';
import { checkAddedColumns } from './added-columns';
import { denseLayers, forward64 } from './forward';
import { binCount, binsRecord, learnBins, readBins, withBins, type BinTarget, type Bins } from './bins';
import { indicatorCount, indicatorsRecord, learnIndicators, readIndicators, withIndicators, type Indicators } from './indicators';
import type { MlpOptions } from './params';
import { toF32, type NetworkWeights } from './train';

export interface NetworkState {
  /** Layer sizes: input, hidden…, outputs. */
  sizes: number[];
  /** Per layer, row-major [fanIn, fanOut]. */
  weights: Float32Array[];
  biases: Float32Array[];
  /** The other networks averaged with this one (MlpOptions `networks`; absent: one network). */
  extra?: NetworkWeights[];
  /** One-hot indicators appended to the inputs before the first layer (absent: none). */
  oneHot?: Indicators;
  /** Piecewise-linear encodings appended after the indicators (absent: none). */
  bins?: Bins;
  epochs: number;
  history: FitHistory;
  /**
   * A seeded sample of training rows (row-major, sizes[0] columns) that sampling explanations
   * draw replacement values from. Bundles written before it was kept lack it.
   */
  background?: Float64Array;
}

/** A copy of the history (what `history()` hands out). */
export function copyHistory(h: FitHistory): FitHistory {
  return { ...h, train: [...h.train], validation: [...h.validation] };
}

/** What a network adds to its inputs before the first layer. */
export type AddedInputs = Pick<NetworkState, 'oneHot' | 'bins'>;

/** How many input columns the network takes (its first layer's width less the added inputs). */
export function inputsOf(s: Pick<NetworkState, 'sizes' | 'oneHot' | 'bins'>): number {
  return s.sizes[0] - indicatorCount(s.oneHot) - binCount(s.bins);
}

/** X followed by the one-hot indicators, then the piecewise-linear encodings: what the first layer takes. */
export function withAddedInputs(X: Matrix, a: AddedInputs): Matrix {
  return withBins(withIndicators(X, a.oneHot), a.bins);
}

/** The present ones of `a` (a fitted state holds no undefined fields). */
function addedInputsOf(a: AddedInputs): AddedInputs {
  return { ...(a.oneHot ? { oneHot: a.oneHot } : {}), ...(a.bins ? { bins: a.bins } : {}) };
}

/** The inputs to add, learned from the training rows as the params `oneHotLevels`, `numericBins` and `binEdges` ask (tree-cut bins from `target`). */
export function learnAddedInputs(X: Matrix, p: Pick<MlpOptions, 'oneHotLevels' | 'numericBins' | 'binEdges'>, target: BinTarget): AddedInputs {
  return addedInputsOf({ oneHot: learnIndicators(X, p.oneHotLevels), bins: learnBins(X, p.numericBins, p.binEdges, target) });
}

/**
 * What a fit trains on once its rows are split: the added inputs (tree-cut bins from the
 * training rows' targets only, never the validation rows'), the rows with them, and the
 * validation set with them — the one given, or the rows `vRows` held out of X.
 */
export function fitInputs(
  X0: Matrix,
  y: Float64Array,
  p: Pick<MlpOptions, 'oneHotLevels' | 'numericBins' | 'binEdges'>,
  classes: number,
  split: { trainRows?: Uint32Array; vRows?: Uint32Array; validation?: { X: Matrix; y: Float64Array } },
): { added: AddedInputs; X: Matrix; val?: { x: Float32Array; y: Float64Array; rows: number } } {
  const added = learnAddedInputs(X0, p, { y, classes, rows: split.trainRows });
  const X = withAddedInputs(X0, added);
  const v = split.validation;
  if (v) return { added, X, val: { x: toF32(withAddedInputs(v.X, added)), y: v.y, rows: v.X.rows } };
  const r = split.vRows;
  return { added, X, ...(r ? { val: { x: toF32(X, r), y: Float64Array.from(r, (i) => y[i]), rows: r.length } } : {}) };
}

/**
 * The network's outputs for the rows of X (checked against its inputs), rows × outputs; with
 * several networks, their outputs summed in order, then divided by their count.
 */
export function forwardNetwork(s: NetworkState, X: Matrix): Float64Array {
  checkPredictInput(X, inputsOf(s));
  const x = withAddedInputs(X, s).data;
  const out = forward64(denseLayers(s.sizes, s.weights, s.biases), x, X.rows);
  if (!s.extra) return out;
  for (const e of s.extra) {
    const o = forward64(denseLayers(s.sizes, e.weights, e.biases), x, X.rows);
    for (let i = 0; i < out.length; i++) out[i] += o[i];
  }
  const m = 1 + s.extra.length;
  for (let i = 0; i < out.length; i++) out[i] /= m;
  return out;
}

/** sizes, weights, biases, the other networks and added inputs, copied. */
export function networkRecord(s: NetworkState): StateRecord {
  const copy = (n: NetworkWeights): StateRecord => ({ weights: n.weights.map((w) => w.slice()), biases: n.biases.map((b) => b.slice()) });
  return { sizes: [...s.sizes], ...copy(s), ...(s.extra ? { extra: s.extra.map(copy) } : {}), ...indicatorsRecord(s.oneHot), ...binsRecord(s.bins) };
}

/** epochs, history and (when kept) background, copied. */
export function trainingRecord(s: NetworkState): StateRecord {
  const h = s.history;
  const history: StateRecord = { unit: h.unit, metric: h.metric, train: Float64Array.from(h.train), validation: Float64Array.from(h.validation) };
  if (h.bestStep !== undefined) history.bestStep = h.bestStep;
  return { epochs: s.epochs, history, ...(s.background ? { background: s.background.slice() } : {}) };
}

/** The layers, the other networks and the added inputs, checked against the params (hidden layers, networks) and the model's output units, naming the field. */
export function readNetwork(
  r: StateReader,
  params: Pick<MlpOptions, 'hiddenLayers' | 'networks'>,
  outputs: number,
): Pick<NetworkState, 'sizes' | 'weights' | 'biases' | 'extra' | 'oneHot' | 'bins'> {
  const { hiddenLayers } = params;
  const want = [...hiddenLayers, outputs];
  const sizes = r.numbers('sizes', { integer: true, min: 1 }, want.length + 1);
  for (let i = 1; i < sizes.length; i++) if (sizes[i] !== want[i - 1]) r.fail(`sizes[${i}]`, `is ${sizes[i]}; the params say ${want[i - 1]}.`);
  const layers = sizes.length - 1;
  const layersOf = (o: StateReader): NetworkWeights => ({
    weights: o.typedList('weights', Float32Array, Array.from({ length: layers }, (_, l) => sizes[l] * sizes[l + 1])).map((w) => w.slice()),
    biases: o.typedList('biases', Float32Array, Array.from({ length: layers }, (_, l) => sizes[l + 1])).map((b) => b.slice()),
  });
  const { weights, biases } = layersOf(r);
  let extra: NetworkWeights[] | undefined;
  if (params.networks > 1) {
    const more = r.objects('extra');
    if (more.length !== params.networks - 1) r.fail('extra', `holds ${more.length} networks; the params say ${params.networks} in all, so ${params.networks - 1} besides the first.`);
    extra = more.map(layersOf);
  }
  const oneHot = readIndicators(r);
  const bins = readBins(r);
  const inputs = sizes[0] - indicatorCount(oneHot) - binCount(bins);
  if (inputs < 1) r.fail(bins ? 'bins.edges' : 'oneHot.levels', `hold ${sizes[0] - inputs} added inputs; the first layer takes only ${sizes[0]} values.`);
  if (oneHot) checkAddedColumns(r, 'oneHot', oneHot.columns, inputs);
  if (bins) checkAddedColumns(r, 'bins', bins.columns, inputs);
  return { sizes, weights, biases, ...(extra ? { extra } : {}), ...addedInputsOf({ oneHot, bins }) };
}

/** Epochs, history (its metric must be `metric`) and background rows of `inputs` columns. */
export function readTraining(r: StateReader, inputs: number, metric: string): Pick<NetworkState, 'epochs' | 'history' | 'background'> {
  const epochs = r.number('epochs', { integer: true, min: 1 });
  // Bundles written before the history was kept have none.
  const history: FitHistory = { unit: 'epoch', metric, train: [], validation: [] };
  if (r.has('history')) {
    const h = r.object('history');
    h.string('unit', ['epoch']);
    h.string('metric', [metric]);
    history.train = Array.from(h.typed('train', Float64Array, { nonFinite: true }));
    history.validation = Array.from(h.typed('validation', Float64Array, { nonFinite: true }));
    if (h.has('bestStep')) history.bestStep = h.number('bestStep', { integer: true, min: 0, max: Math.max(1, history.validation.length) - 1 });
  }
  const out: Pick<NetworkState, 'epochs' | 'history' | 'background'> = { epochs, history };
  if (r.has('background')) {
    const bg = r.typed('background', Float64Array).slice();
    if (bg.length === 0 || bg.length % inputs !== 0) r.fail('background', `holds ${bg.length} values; a whole number of rows of ${inputs} is expected.`);
    out.background = bg;
  }
  return out;
}
