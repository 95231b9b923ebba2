/**
 * Brute-force references: exact Shapley values by enumerating every coalition (2^M of them),
 * and the value functions TreeSHAP and the sampling estimator stand for. Exponential in the
 * number of players: for tests on few players and for the bench's baseline, never for use.
 */
import type { ShapTree } from './tree-shap';

/** Shapley values of the game `v` over M ≤ 20 players (`v(mask)`: bit i set when player i is in the coalition). */
export function exactShapley(m: number, v: (mask: number) => number): Float64Array {
  if (m > 20) throw new Error(`Brute-force Shapley over ${m} players would take 2^${m} coalitions.`);
  const n = 1 << m;
  const value = new Float64Array(n);
  for (let s = 0; s < n; s++) value[s] = v(s);
  // weight[k] = k! (M − k − 1)! / M!
  const weight = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let w = 1 / m;
    for (let i = 1; i <= k; i++) w *= i / (m - i);
    weight[k] = w;
  }
  const phi = new Float64Array(m);
  for (let s = 0; s < n; s++) {
    let size = 0;
    for (let x = s; x; x &= x - 1) size++;
    for (let i = 0; i < m; i++) if (!(s & (1 << i))) phi[i] += weight[size] * (value[s | (1 << i)] - value[s]);
  }
  return phi;
}

/**
 * The path-dependent conditional expectation TreeSHAP explains: the tree's prediction for a row
 * when only the players in `mask` are known — known players follow the row (`hot`), unknown
 * ones split the way over both children by cover.
 */
export function pathExpectation(t: ShapTree, hot: Int32Array, mask: number, node = 0): number {
  const l = t.left[node];
  if (l < 0) return t.value[node];
  if (mask & (1 << t.player[node])) return pathExpectation(t, hot, mask, hot[node]);
  const r = t.right[node];
  return (t.cover[l] * pathExpectation(t, hot, mask, l) + t.cover[r] * pathExpectation(t, hot, mask, r)) / t.cover[node];
}

/**
 * The interventional game the sampling estimator estimates: the mean prediction over the
 * background rows with the players in `mask` set to the row's values.
 */
export function backgroundExpectation(
  predict: (data: Float64Array, rows: number) => Float64Array,
  x: Float64Array,
  background: Float64Array,
  features: Int32Array[],
  mask: number,
): number {
  const p = x.length;
  const rows = background.length / p;
  const data = background.slice();
  for (let r = 0; r < rows; r++) features.forEach((fs, i) => { if (mask & (1 << i)) for (const f of fs) data[r * p + f] = x[f]; });
  const y = predict(data, rows);
  let s = 0;
  for (const v of y) s += v;
  return s / rows;
}
