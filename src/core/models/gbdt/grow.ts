/**
 * Best-first (leaf-wise) growth, as LightGBM: repeatedly split the leaf whose best split gains
 * most, until numLeaves leaves, maxDepth, or no split gains anything. Rows of a node are a
 * contiguous range of one index array, partitioned in place (stably) at each split; only the
 * smaller child's histogram is built from rows, the larger one is parent − smaller.
 */
import type { Binning } from './binning';
import { buildHistogram, FeatureSet, subtractInto, type HistogramInput } from './histogram';
import { findBestSplit, SplitCandidate, SplitScratch, type SplitParams } from './split';
import { GrownTree } from './grown-tree';
import { GrowerKernels } from './grower-kernels';
import { Rng } from '../../random';

/** Trees between rebuilds of the carried root histogram from rows (see `LeafWiseGrower.grow`). */
const ROOT_REBUILD_EVERY = 32;

export interface GrowParams extends SplitParams {
  numLeaves: number;
  /** Infinity for no limit. */
  maxDepth: number;
  learningRate: number;
  /** Fraction of the tree's features considered at each node (1: all). */
  colSubsampleByNode: number;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  G: number;
  H: number;
  C: number;
  /** Histogram buffer, or null when the leaf cannot be split. */
  hist: Float64Array | null;
  split: SplitCandidate;
}

export class LeafWiseGrower {
  readonly tree: GrownTree;
  /** Row indices; after growth, leaf i's rows are idx[leafStart[i]..leafEnd[i]). */
  readonly idx: Int32Array;
  private readonly rows: GrowerKernels;
  private readonly histSize: number;
  private readonly freeHists: Float64Array[] = [];
  private readonly freeSplits: SplitCandidate[] = [];
  private readonly scratch = new SplitScratch();
  private leaves: Leaf[] = [];
  /**
   * The root histogram carried from one tree to the next (see `grow`): valid when the last
   * tree was grown on every row and feature with a constant hessian and its root had one.
   */
  private rootHist: Float64Array | null = null;
  private rootValid = false;
  /** Trees since the carried root histogram was last built from rows. */
  private rootAge = 0;
  private readonly nodeFeatures: FeatureSet;
  private treeFeatures: FeatureSet | null = null;

  /** The features a node's split may use: the tree's, or a seeded sample of them. */
  private featuresForNode(): FeatureSet {
    const fs = this.treeFeatures as FeatureSet;
    const frac = this.p.colSubsampleByNode;
    if (frac >= 1) return fs;
    const k = Math.max(1, Math.round(fs.count * frac));
    if (k >= fs.count) return fs;
    const pick = Array.from(fs.columns.subarray(0, fs.count));
    for (let i = 0; i < k; i++) {
      const j = i + this.rng.nextInt(pick.length - i);
      const t = pick[i];
      pick[i] = pick[j];
      pick[j] = t;
    }
    this.nodeFeatures.set(pick.slice(0, k).sort((a, b) => a - b), this.binning);
    return this.nodeFeatures;
  }

  constructor(
    private readonly input: HistogramInput,
    private readonly binning: Binning,
    private readonly p: GrowParams,
    private readonly rng: Rng = new Rng(0),
    /** 'js' keeps the partition and histogram loops in JavaScript (tests compare the two). */
    kernels: 'auto' | 'js' = 'auto',
  ) {
    this.nodeFeatures = new FeatureSet(binning.nFeatures);
    const n = input.nRows;
    this.tree = new GrownTree(2 * p.numLeaves - 1);
    this.histSize = binning.offsets[binning.nFeatures] * 3;
    this.rows = new GrowerKernels(input, Int32Array.from(binning.offsets.subarray(0, binning.nFeatures), (o) => o * 3), this.histSize, kernels === 'auto');
    this.idx = this.rows.idx;
  }

  /** Leaves of the last grown tree: node, row range. */
  get grownLeaves(): readonly Leaf[] {
    return this.leaves;
  }

  private takeHist(): Float64Array {
    return this.freeHists.pop() ?? new Float64Array(this.histSize);
  }

  private takeSplit(): SplitCandidate {
    return this.freeSplits.pop() ?? new SplitCandidate();
  }

  /**
   * Grows one tree on the rows idx[0..nRows) (the caller fills idx; all rows 0..n−1 in order
   * when `allRows`) over the selected features. Leaf values get the learning rate applied.
   *
   * With a constant hessian, all rows and all features, the root histogram is not rebuilt
   * from rows: the caller adds each leaf's value to its rows' predictions, so every row's
   * gradient (prediction − target, times the constant) moves by its leaf's value, and the
   * next root histogram is this one plus, per leaf, value × the leaf's row count in each bin
   * (a bin's count slot of the leaf's histogram), accumulated split by split (`carryLeaves`).
   */
  grow(nRows: number, allRows: boolean, fs: FeatureSet): GrownTree {
    const { input, binning, p, tree } = this;
    tree.reset();
    this.treeFeatures = fs;
    for (const l of this.leaves) {
      if (l.hist) this.freeHists.push(l.hist);
      this.freeSplits.push(l.split);
    }
    this.leaves = [];
    const g = input.gradients;
    const h = input.hessians;
    const idx = this.idx;
    let G = 0;
    let H = 0;
    const constH = input.constantHessian === input.constantHessian;
    const carry = constH && allRows && fs.count === binning.nFeatures;
    if (!carry) this.rootValid = false;
    for (let k = 0; k < nRows; k++) G += g[idx[k]];
    if (constH) H = nRows * input.constantHessian;
    else for (let k = 0; k < nRows; k++) H += h[idx[k]];

    this.rows.loadGradients();
    const root: Leaf = { node: tree.addLeaf(), start: 0, end: nRows, depth: 0, G, H, C: nRows, hist: null, split: this.takeSplit() };
    root.split.reset();
    if (this.splittable(root)) {
      root.hist = this.takeHist();
      // Rebuilt from rows now and then, so that rounding in the carried sums cannot pile up.
      if (carry && this.rootValid && ++this.rootAge < ROOT_REBUILD_EVERY) root.hist.set(this.rootHist as Float64Array);
      else {
        this.rootAge = 0;
        buildHistogram(root.hist, input, binning, fs, allRows ? null : idx, 0, nRows);
        if (carry) (this.rootHist ??= new Float64Array(this.histSize)).set(root.hist);
      }
      this.rootValid = carry;
      findBestSplit(root.hist, binning, this.featuresForNode(), G, H, nRows, p, root.split, this.scratch);
    }
    tree.count[root.node] = nRows;
    const leaves = this.leaves;
    if (root.hist === null) this.rootValid = false;
    const carrying = this.rootValid;
    if (carrying) this.carryLeaves(root, null, null);
    leaves.push(root);
    while (leaves.length < p.numLeaves) {
      let bi = -1;
      let bestGain = 0;
      for (let i = 0; i < leaves.length; i++) {
        const gn = leaves[i].split.gain;
        if (gn > bestGain) {
          bestGain = gn;
          bi = i;
        }
      }
      if (bi < 0) break;
      const parent = leaves[bi];
      const s = parent.split;
      const mid = this.rows.partition(parent.start, parent.end, s.feature, s.goesLeft);
      const node = parent.node;
      tree.feature[node] = s.feature;
      tree.bin[node] = s.bin;
      tree.categorical[node] = s.categorical ? 1 : 0;
      tree.missingLeft[node] = s.missingLeft ? 1 : 0;
      tree.gain[node] = s.gain;
      tree.goesLeft.set(s.goesLeft, node * 256);
      const left: Leaf = {
        node: tree.addLeaf(),
        start: parent.start,
        end: mid,
        depth: parent.depth + 1,
        G: s.gradLeft,
        H: s.hessLeft,
        C: s.countLeft,
        hist: null,
        split: this.takeSplit(),
      };
      const right: Leaf = {
        node: tree.addLeaf(),
        start: mid,
        end: parent.end,
        depth: parent.depth + 1,
        G: parent.G - s.gradLeft,
        H: parent.H - s.hessLeft,
        C: parent.C - s.countLeft,
        hist: null,
        split: this.takeSplit(),
      };
      tree.left[node] = left.node;
      tree.right[node] = right.node;
      tree.count[left.node] = left.C;
      tree.count[right.node] = right.C;
      left.split.reset();
      right.split.reset();
      leaves[bi] = left;
      leaves.push(right);
      this.freeSplits.push(s);
      const parentHist = parent.hist as Float64Array;
      parent.hist = null;
      const room = leaves.length < p.numLeaves;
      const lOk = room && this.splittable(left);
      const rOk = room && this.splittable(right);
      if (lOk || rOk || carrying) {
        const [small, large] = left.C <= right.C ? [left, right] : [right, left];
        small.hist = this.takeHist();
        if (!this.rows.histogram(small.hist, fs.count, small.start, small.end)) buildHistogram(small.hist, input, binning, fs, idx, small.start, small.end);
        subtractInto(parentHist, small.hist, binning, fs);
        large.hist = parentHist;
        if (carrying) this.carryLeaves(parent, left, right);
        for (const c of [left, right]) {
          if (c === left ? lOk : rOk) {
            findBestSplit(c.hist as Float64Array, binning, this.featuresForNode(), c.G, c.H, c.C, p, c.split, this.scratch);
          }
          if ((c.split.gain === -Infinity || !(c === left ? lOk : rOk)) && c.hist) {
            this.freeHists.push(c.hist);
            c.hist = null;
          }
        }
      } else {
        this.freeHists.push(parentHist);
      }
    }
    for (const l of leaves) tree.value[l.node] = this.leafValue(l);
    return tree;
  }

  /** A leaf's value as `grow` sets it (learning rate applied). */
  private leafValue(l: Leaf): number {
    return (-l.G / (l.H + this.p.lambda)) * this.p.learningRate;
  }

  /**
   * Keeps the carried root histogram up to date: after the tree, it must have grown by
   * value × bin count of every final leaf. Called with the root alone (it is the only leaf),
   * then at every split, where the parent's term is swapped for its children's.
   */
  private carryLeaves(parent: Leaf, left: Leaf | null, right: Leaf | null): void {
    const R = this.rootHist as Float64Array;
    const end = this.histSize;
    const c = this.input.constantHessian;
    const vp = this.leafValue(parent) * c;
    if (left === null || right === null) {
      const hp = parent.hist as Float64Array;
      for (let t = 0; t < end; t += 3) R[t] += vp * hp[t + 2];
      return;
    }
    const dl = this.leafValue(left) * c - vp;
    const dr = this.leafValue(right) * c - vp;
    const hl = left.hist as Float64Array;
    const hr = right.hist as Float64Array;
    for (let t = 0; t < end; t += 3) R[t] += dl * hl[t + 2] + dr * hr[t + 2];
  }

  private splittable(l: Leaf): boolean {
    return l.depth < this.p.maxDepth && l.C >= 2 * this.p.minSamplesLeaf && l.H >= 2 * this.p.minHessianLeaf;
  }

}
