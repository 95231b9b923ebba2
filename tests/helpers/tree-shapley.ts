/** Brute-force Shapley values for tests of TreeSHAP: exact enumeration over the players. */
import { exactShapley, pathExpectation } from '../../src/core/explain/exact';
import type { RoutedTree } from '../../src/core/explain/tree-models';
import type { Matrix } from '../../src/core/models/types';

/** Shapley values of row r for a set of trees (summed, each times `scale`; an offset would cancel). */
export function bruteForceTreeShapley(trees: RoutedTree[], X: Matrix, r: number, players: number, scale: number): Float64Array {
  const hots = trees.map((t) => {
    const hot = new Int32Array(t.left.length);
    t.route(X.data, r * X.cols, hot);
    return hot;
  });
  return exactShapley(players, (mask) => {
    let s = 0;
    trees.forEach((t, k) => (s += pathExpectation(t, hots[k], mask)));
    return s * scale;
  });
}
