/**
 * The tree grower carries the root histogram from one tree to the next (constant hessian, all
 * rows and features) instead of rebuilding it from rows: the next tree must come out as if
 * the root histogram had been built from the updated gradients.
 */
import { describe, expect, it } from 'vitest';
import { binMatrix, fitBinning, transposeBins } from '../../../src/core/models/gbdt/binning';
import { LeafWiseGrower, type GrowParams } from '../../../src/core/models/gbdt/grow';
import { buildHistogram, FeatureSet } from '../../../src/core/models/gbdt/histogram';
import type { GrownTree } from '../../../src/core/models/gbdt/grown-tree';
import { Rng } from '../../../src/core/random';

const PARAMS: GrowParams = {
  numLeaves: 15,
  maxDepth: Infinity,
  learningRate: 0.3,
  lambda: 0.5,
  constantHessian: 1,
  minSamplesLeaf: 10,
  minHessianLeaf: 1e-3,
  minGainToSplit: 0,
  maxCatThreshold: 32,
  catSmooth: 10,
  catL2: 10,
  maxCatToOnehot: 4,
  colSubsampleByNode: 1,
};

function problem(n: number, p: number) {
  const rng = new Rng(5);
  const data = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) data[i * p + j] = rng.next() < 0.05 ? NaN : j === 2 ? rng.nextInt(4) : rng.normal();
    const a = data[i * p] || 0;
    y[i] = Math.sin(2 * a) * 5 + (data[i * p + 1] > 0 ? 3 : 0) + rng.normal();
  }
  const X = { data, rows: n, cols: p };
  const binning = fitBinning(X, null, { maxBins: 64, categorical: new Array(p).fill(false), subsample: 200_000, seed: 0 });
  const bins = binMatrix(X, null, binning);
  return { y, binning, bins, byColumn: transposeBins(bins, n, p) };
}

function snapshot(t: GrownTree) {
  const nodes = [];
  // A leaf's bin and missing direction are leftovers of the reused arrays: only splits count.
  for (let k = 0; k < t.nNodes; k++)
    nodes.push(t.left[k] < 0 ? { leaf: k } : { f: t.feature[k], bin: t.bin[k], ml: t.missingLeft[k], l: t.left[k], r: t.right[k] });
  return { nodes, values: Array.from(t.value.subarray(0, t.nNodes)) };
}

describe('LeafWiseGrower root histogram carried between trees', () => {
  it('grows the same trees as a grower that rebuilds every root from rows', () => {
    const n = 3000;
    const p = 4;
    const { y, binning, bins, byColumn } = problem(n, p);
    const fs = new FeatureSet(p);
    fs.set([0, 1, 2, 3], binning);
    const raw = new Float64Array(n);
    const g = new Float64Array(n);
    const h = new Float64Array(n).fill(1);
    const input = { bins, binsByColumn: byColumn, nRows: n, gradients: g, hessians: h, constantHessian: 1 };
    const carrying = new LeafWiseGrower(input, binning, PARAMS);
    for (let it = 0; it < 6; it++) {
      for (let i = 0; i < n; i++) g[i] = raw[i] - y[i];
      // A fresh grower has no carried histogram: it builds the root from the rows.
      const fresh = new LeafWiseGrower(input, binning, PARAMS);
      for (let i = 0; i < n; i++) fresh.idx[i] = carrying.idx[i] = i;
      const a = snapshot(fresh.grow(n, true, fs));
      const b = snapshot(carrying.grow(n, true, fs));
      expect(b.nodes).toEqual(a.nodes);
      expect(a.nodes.length).toBeGreaterThan(10);
      for (let k = 0; k < a.values.length; k++) expect(b.values[k]).toBeCloseTo(a.values[k], 9);
      // Update the predictions with the (carrying) tree's leaves.
      for (const leaf of carrying.grownLeaves) {
        const v = b.values[leaf.node];
        for (let k = leaf.start; k < leaf.end; k++) raw[carrying.idx[k]] += v;
      }
    }
  });
});

describe('LeafWiseGrower kernels', () => {
  // 5 features: the histogram unrolled over them; 70: past MAX_UNROLLED, its loop.
  it.each([5, 70])('the WebAssembly partition and histogram grow the same trees as the JavaScript loops, bit for bit (%i features)', (p) => {
    const n = 4000;
    const { y, binning, bins, byColumn } = problem(n, p);
    const fs = new FeatureSet(p);
    fs.set(Array.from({ length: p }, (_, j) => j), binning);
    const grown: ReturnType<typeof snapshot>[][] = [];
    for (const kernels of ['auto', 'js'] as const) {
      const raw = new Float64Array(n);
      const g = new Float64Array(n);
      const input = { bins, binsByColumn: byColumn, nRows: n, gradients: g, hessians: new Float64Array(n).fill(1), constantHessian: 1 };
      const grower = new LeafWiseGrower(input, binning, PARAMS, new Rng(1), kernels);
      const trees: ReturnType<typeof snapshot>[] = [];
      for (let it = 0; it < 5; it++) {
        for (let i = 0; i < n; i++) g[i] = raw[i] - y[i];
        for (let i = 0; i < n; i++) grower.idx[i] = i;
        const t = snapshot(grower.grow(n, true, fs));
        trees.push({ ...t, rows: Array.from(grower.idx) } as typeof t);
        for (const leaf of grower.grownLeaves) for (let k = leaf.start; k < leaf.end; k++) raw[grower.idx[k]] += t.values[leaf.node];
      }
      grown.push(trees);
    }
    expect(grown[0][4].nodes.length).toBeGreaterThan(10);
    expect(grown[0]).toEqual(grown[1]);
  });
});

describe('root histogram over a feature subset', () => {
  it('is the same whether the rows come as "all rows" or as an explicit index', () => {
    const n = 500;
    const p = 4;
    const { binning, bins, byColumn } = problem(n, p);
    const rng = new Rng(3);
    const g = Float64Array.from({ length: n }, () => rng.normal());
    const input = { bins, binsByColumn: byColumn, nRows: n, gradients: g, hessians: new Float64Array(n).fill(1), constantHessian: 1 };
    const fs = new FeatureSet(p);
    fs.set([0, 1, 2, 3], binning); // leaves stale entries past the subset below, as in a real fit
    fs.set([1, 3], binning);
    const size = binning.offsets[p] * 3;
    const viaAll = new Float64Array(size);
    const viaIndex = new Float64Array(size);
    buildHistogram(viaAll, input, binning, fs, null, 0, n);
    buildHistogram(viaIndex, input, binning, fs, Int32Array.from({ length: n }, (_, i) => i), 0, n);
    expect(Array.from(viaAll)).toEqual(Array.from(viaIndex));
    let count = 0;
    for (let b = binning.offsets[1]; b < binning.offsets[2]; b++) count += viaAll[b * 3 + 2];
    expect(count).toBe(n);
  });
});
