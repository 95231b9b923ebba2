/**
 * Sampling Shapley values for models without an exact algorithm (k-NN, MLP): the permutation
 * estimator of Štrumbelj & Kononenko (2014) over the interventional game "mean prediction over
 * background rows with the known players set to the row's values", with antithetic pairs
 * (each permutation is followed by its reverse, which cancels much of the variance).
 *
 * Every background row starts the same number of chains, so each chain's contributions add up
 * to f(x) − f(b) and their mean to f(x) − mean f(background): base + Σ values = prediction holds
 * exactly, whatever the sample count. A row's permutations are seeded from the seed and the
 * row's own values, so a row gets the same explanation alone or inside any file.
 */
import { Rng } from '../random';
import type { Matrix } from '../models/types';
import type { Players } from './players';

export interface SamplingOptions {
  /** Permutations per row; rounded up to a whole number of antithetic pairs per background row. Default 128. */
  permutations?: number;
  /** Default 0. */
  seed?: number;
}

export interface SamplingResult {
  /** Mean prediction over the background rows (the first output's). */
  base: number;
  /** Per output: its mean prediction over the background rows. */
  bases: Float64Array;
  /** rows × outputs × players. */
  values: Float64Array;
  /** Permutations actually used per row. */
  permutations: number;
}

/** Prediction rows sent to the model at once (bounds memory while keeping calls few). */
const BATCH_ROWS = 16_384;

/**
 * Predicts `rows` rows of row-major `data` (the model's own columns), in the units to explain:
 * rows × outputs, row-major (a classifier's explained class probabilities; one output for a regressor).
 */
export type PredictRows = (data: Float64Array, rows: number) => Float64Array;

/** `outputs`: values `predict` gives per row; each is explained along the same permutations. */
export function samplingShapley(predict: PredictRows, X: Matrix, background: Float64Array, players: Players, options: SamplingOptions = {}, outputs = 1): SamplingResult {
  const p = X.cols;
  const nb = background.length / p;
  const m = players.count;
  const O = outputs;
  const pairsPerRow = Math.max(1, Math.ceil((options.permutations ?? 128) / (2 * nb)));
  const chains = 2 * pairsPerRow * nb;
  const fb = predict(background, nb);
  const bases = new Float64Array(O);
  for (let b = 0; b < nb; b++) for (let o = 0; o < O; o++) bases[o] += fb[b * O + o];
  for (let o = 0; o < O; o++) bases[o] /= nb;
  const values = new Float64Array(X.rows * O * m);
  const fx = predict(X.data, X.rows);
  if (m === 1) {
    for (let r = 0; r < X.rows; r++) for (let o = 0; o < O; o++) values[r * O + o] = fx[r * O + o] - bases[o];
    return { base: bases[0], bases, values, permutations: chains };
  }
  const interior = m - 1;
  const perRow = chains * interior;
  const rowsPerBatch = Math.max(1, Math.floor(BATCH_ROWS / perRow));
  const order = new Int32Array(chains * m);
  const orders: Int32Array[] = [];
  for (let r0 = 0; r0 < X.rows; r0 += rowsPerBatch) {
    const r1 = Math.min(X.rows, r0 + rowsPerBatch);
    const data = new Float64Array((r1 - r0) * perRow * p);
    orders.length = 0;
    for (let r = r0; r < r1; r++) {
      const x = X.data.subarray(r * p, r * p + p);
      const rng = new Rng(((options.seed ?? 0) ^ hashRow(x)) >>> 0);
      const ord = order.slice();
      let c = 0;
      for (let b = 0; b < nb; b++)
        for (let k = 0; k < pairsPerRow; k++) {
          const perm = ord.subarray(c * m, c * m + m);
          for (let i = 0; i < m; i++) perm[i] = i;
          for (let i = m - 1; i > 0; i--) {
            const j = rng.nextInt(i + 1);
            const t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
          }
          const rev = ord.subarray((c + 1) * m, (c + 2) * m);
          for (let i = 0; i < m; i++) rev[i] = perm[m - 1 - i];
          for (const pm of [perm, rev]) {
            // Chain c: start from background row b, switch players in to the row's values one by one.
            let o = ((r - r0) * perRow + c * interior) * p;
            const state = background.slice(b * p, b * p + p);
            for (let s = 0; s < interior; s++, o += p) {
              for (const f of players.features[pm[s]]) state[f] = x[f];
              data.set(state, o);
            }
            c++;
          }
        }
      orders.push(ord);
    }
    const y = predict(data, (r1 - r0) * perRow);
    for (let r = r0; r < r1; r++) {
      const ord = orders[r - r0];
      for (let o = 0; o < O; o++) {
        const phi = values.subarray((r * O + o) * m, (r * O + o + 1) * m);
        for (let c = 0; c < chains; c++) {
          let prev = fb[Math.floor(c / (2 * pairsPerRow)) * O + o];
          const yo = (r - r0) * perRow + c * interior;
          for (let s = 0; s < m; s++) {
            const cur = s < interior ? y[(yo + s) * O + o] : fx[r * O + o];
            phi[ord[c * m + s]] += cur - prev;
            prev = cur;
          }
        }
        for (let i = 0; i < m; i++) phi[i] /= chains;
      }
    }
  }
  return { base: bases[0], bases, values, permutations: chains };
}

/** FNV-1a over the row's bytes: the same values give the same seed. */
function hashRow(x: Float64Array): number {
  const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}
