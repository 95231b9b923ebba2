/**
 * Integer-coded prediction kernels of a TreeEnsemble's numeric trees: rows are coded once per
 * block against the ensemble's own thresholds and trees are walked on small integers, with
 * exactly the decisions of the raw thresholds (the raw descent in ensemble.ts is the reference).
 * The descents are written out per layout (packed one-word nodes, four-word nodes, with and
 * without missing values) so each hot loop stays monomorphic.
 */
import { lowerBound } from '../../stats/search';
import type { EnsembleState } from './ensemble';
import { codeColumn, thresholdCuts } from './threshold-codes';

/** Code of a missing value: above every threshold rank, so it goes right unless told otherwise. */
const MISSING_CODE = 0x3ffffffe;
/** Threshold rank of a leaf in the coded tables: no code exceeds it, so a leaf steps to itself. */
const LEAF_RANK = 0x3fffffff;
/** Bits needed to hold the values 0..n−1 (at least 1). */
function bitsFor(n: number): number {
  let b = 1;
  while (1 << b < n) b++;
  return b;
}

/**
 * Integer-coded descent tables of a forest's numeric trees (the trees `raw` does not flag).
 *
 * A row's value of feature j is coded as the number of the forest's distinct thresholds on j
 * below it, and a node's threshold as its rank among them: "value ≤ threshold" is exactly
 * "code ≤ rank". Node n occupies nodes[4n..4n+3]: the node to step to when going left (right
 * is left + 1; a leaf steps to itself), the feature, the rank (LEAF_RANK for a leaf) and 1 when
 * missing values go left. Every row takes exactly depth[t] steps in tree t with no
 * data-dependent branch ((rank − code) >>> 31 is 1 when code > rank), so several rows can
 * descend side by side. When features, ranks and tree sizes fit in 31 bits together (as with
 * 255 bins, 31 leaves and a few hundred features), `packed` holds each node in one word:
 * rank << rankShift | missing-goes-left bit | tree-local left child << featureBits | feature,
 * with the rank on top so that, with codes pre-shifted by rankShift, (word − code) >>> 31 is 1
 * exactly when code > rank. A leaf's rank is all ones, above every code.
 */
export class CodedEnsemble {
  readonly nodes: Int32Array;
  readonly packed: Int32Array | null;
  /** Layout of `packed`: feature bits, left-child bits, and the leaf rank (all ones). */
  readonly featureBits: number;
  readonly leftBits: number;
  readonly leafRank: number;
  /** Per tree: the depth of its deepest leaf. */
  readonly depth: Int32Array;
  /** Per feature: its distinct thresholds ascending, padded with +∞ to a power of two; null when unused. */
  readonly cuts: (Float64Array | null)[];

  constructor(s: EnsembleState, raw: Uint8Array, allowPacked: boolean) {
    const nNodes = s.feature.length;
    const nTrees = s.treeOffsets.length - 1;
    const nFeatures = s.categoryCount.length;
    const { cuts, counts } = thresholdCuts(s, raw);
    this.cuts = cuts;
    const maxCuts = counts.reduce((m, c) => Math.max(m, c), 0);
    this.nodes = new Int32Array(4 * nNodes);
    this.depth = new Int32Array(nTrees);
    const nodeDepth = new Int32Array(nNodes);
    let maxTreeSize = 0;
    for (let t = 0; t < nTrees; t++) {
      if (raw[t] === 1) continue;
      const o = s.treeOffsets[t];
      maxTreeSize = Math.max(maxTreeSize, s.treeOffsets[t + 1] - o);
      let maxDepth = 0;
      for (let n = o; n < s.treeOffsets[t + 1]; n++) {
        const q = 4 * n;
        if (s.left[n] < 0) {
          this.nodes[q] = n;
          this.nodes[q + 2] = LEAF_RANK;
          if (nodeDepth[n] > maxDepth) maxDepth = nodeDepth[n];
          continue;
        }
        // Children come after their parent (fromState checks it), so depths fill in order.
        nodeDepth[s.left[n] + o] = nodeDepth[n] + 1;
        nodeDepth[s.right[n] + o] = nodeDepth[n] + 1;
        const f = s.feature[n];
        this.nodes[q] = s.left[n] + o;
        this.nodes[q + 1] = f;
        this.nodes[q + 2] = lowerBound(this.cuts[f] as Float64Array, s.threshold[n]);
        this.nodes[q + 3] = s.missingLeft[n];
      }
      this.depth[t] = maxDepth;
    }
    // Codes reach maxCuts, which must stay below the packed leaf rank.
    this.featureBits = bitsFor(nFeatures);
    this.leftBits = bitsFor(maxTreeSize);
    const rankBits = bitsFor(maxCuts + 2);
    this.leafRank = (1 << rankBits) - 1;
    const packable = allowPacked && this.featureBits + this.leftBits + 1 + rankBits <= 31;
    this.packed = packable ? new Int32Array(nNodes) : null;
    if (this.packed) {
      const rs = this.featureBits + this.leftBits;
      for (let t = 0; t < nTrees; t++) {
        if (raw[t] === 1) continue;
        const o = s.treeOffsets[t];
        for (let n = o; n < s.treeOffsets[t + 1]; n++) {
          const q = 4 * n;
          const rank = s.left[n] < 0 ? this.leafRank : this.nodes[q + 2];
          this.packed[n] = (rank << (rs + 1)) | (this.nodes[q + 3] << rs) | ((this.nodes[q] - o) << this.featureBits) | this.nodes[q + 1];
        }
      }
    }
  }

  /**
   * Writes the codes of rows b0..b1−1 of row-major `d` (p columns) into `codes` (row-major,
   * from 0); returns true when one of them is missing.
   */
  codeRows(d: Float64Array, p: number, b0: number, b1: number, codes: Int32Array): boolean {
    let missing = false;
    for (let j = 0; j < p; j++) {
      const cuts = this.cuts[j];
      if (cuts !== null && codeColumn(cuts, d, p, j, b0, b1, codes, j, p, MISSING_CODE)) missing = true;
    }
    return missing;
  }

  /** Shifts codes (no missing ones) for the packed tables: code << (featureBits + leftBits). */
  shiftCodes(codes: Int32Array, n: number): void {
    const rs = this.featureBits + this.leftBits + 1;
    const missing = this.leafRank << rs;
    for (let q = 0; q < n; q++) {
      const c = codes[q];
      codes[q] = c === MISSING_CODE ? missing : c << rs;
    }
  }

  /**
   * Adds tree t's leaf values to out[b0..b1) for the coded rows (codes row 0 is row b0), which
   * `shiftCodes` has shifted when packed tables exist and no code is missing.
   */
  addTree(t: number, root: number, V: Float64Array, codes: Int32Array, p: number, b0: number, b1: number, hasMissing: boolean, out: Float64Array): void {
    if (this.packed) {
      if (hasMissing) descendPacked8Missing(this.packed, this.featureBits, this.leftBits, this.leafRank, V, codes, p, b0, b1, root, this.depth[t], out);
      else descendPacked8(this.packed, this.featureBits, this.leftBits, this.leafRank, V, codes, p, b0, b1, root, this.depth[t], out);
    } else if (hasMissing) descendCodedMissing(this.nodes, V, codes, p, b0, b1, root, this.depth[t], out);
    else descendCoded4(this.nodes, V, codes, p, b0, b1, root, this.depth[t], out);
  }
}

/**
 * Packed tables, shifted codes (none missing): eight rows side by side (independent chains of
 * loads the CPU overlaps), at most `depth` steps each. Node indices are tree-local (o: the
 * tree's offset).
 */
function descendPacked8(P: Int32Array, FB: number, LB: number, leafRank: number, V: Float64Array, C: Int32Array, p: number, b0: number, b1: number, o: number, depth: number, out: Float64Array): void {
  const FM = (1 << FB) - 1;
  const LM = (1 << LB) - 1;
  const RS = FB + LB + 1;
  let i = b0;
  let r = 0;
  for (; i + 7 < b1; i += 8, r += 8 * p) {
    const r1 = r + p;
    const r2 = r1 + p;
    const r3 = r2 + p;
    const r4 = r3 + p;
    const r5 = r4 + p;
    const r6 = r5 + p;
    const r7 = r6 + p;
    let n0 = 0;
    let n1 = 0;
    let n2 = 0;
    let n3 = 0;
    let n4 = 0;
    let n5 = 0;
    let n6 = 0;
    let n7 = 0;
    for (let k = 0; k < depth; k++) {
      const w0 = P[o + n0];
      const w1 = P[o + n1];
      const w2 = P[o + n2];
      const w3 = P[o + n3];
      const w4 = P[o + n4];
      const w5 = P[o + n5];
      const w6 = P[o + n6];
      const w7 = P[o + n7];
      // Every row at a leaf (a leaf's rank field is all ones): the remaining steps are no-ops.
      if ((w0 & w1 & w2 & w3 & w4 & w5 & w6 & w7) >>> RS === leafRank) break;
      n0 = ((w0 >>> FB) & LM) + ((w0 - C[r + (w0 & FM)]) >>> 31);
      n1 = ((w1 >>> FB) & LM) + ((w1 - C[r1 + (w1 & FM)]) >>> 31);
      n2 = ((w2 >>> FB) & LM) + ((w2 - C[r2 + (w2 & FM)]) >>> 31);
      n3 = ((w3 >>> FB) & LM) + ((w3 - C[r3 + (w3 & FM)]) >>> 31);
      n4 = ((w4 >>> FB) & LM) + ((w4 - C[r4 + (w4 & FM)]) >>> 31);
      n5 = ((w5 >>> FB) & LM) + ((w5 - C[r5 + (w5 & FM)]) >>> 31);
      n6 = ((w6 >>> FB) & LM) + ((w6 - C[r6 + (w6 & FM)]) >>> 31);
      n7 = ((w7 >>> FB) & LM) + ((w7 - C[r7 + (w7 & FM)]) >>> 31);
    }
    out[i] += V[o + n0];
    out[i + 1] += V[o + n1];
    out[i + 2] += V[o + n2];
    out[i + 3] += V[o + n3];
    out[i + 4] += V[o + n4];
    out[i + 5] += V[o + n5];
    out[i + 6] += V[o + n6];
    out[i + 7] += V[o + n7];
  }
  for (; i < b1; i++, r += p) {
    let n = 0;
    for (let k = 0; k < depth; k++) {
      const w = P[o + n];
      n = ((w >>> FB) & LM) + ((w - C[r + (w & FM)]) >>> 31);
    }
    out[i] += V[o + n];
  }
}

/**
 * As `descendPacked8`, for blocks with missing values. Their code (leafRank << rank shift) is
 * above every internal node's word, so they go right, flipped to left where the node's
 * missing bit is set ((c ^ CM) − 1 is negative only for the missing code).
 */
function descendPacked8Missing(P: Int32Array, FB: number, LB: number, leafRank: number, V: Float64Array, C: Int32Array, p: number, b0: number, b1: number, o: number, depth: number, out: Float64Array): void {
  const FM = (1 << FB) - 1;
  const LM = (1 << LB) - 1;
  const RS = FB + LB + 1;
  const MB = FB + LB;
  const CM = leafRank << RS;
  let i = b0;
  let r = 0;
  for (; i + 7 < b1; i += 8, r += 8 * p) {
    const r1 = r + p;
    const r2 = r1 + p;
    const r3 = r2 + p;
    const r4 = r3 + p;
    const r5 = r4 + p;
    const r6 = r5 + p;
    const r7 = r6 + p;
    let n0 = 0;
    let n1 = 0;
    let n2 = 0;
    let n3 = 0;
    let n4 = 0;
    let n5 = 0;
    let n6 = 0;
    let n7 = 0;
    for (let k = 0; k < depth; k++) {
      const w0 = P[o + n0];
      const w1 = P[o + n1];
      const w2 = P[o + n2];
      const w3 = P[o + n3];
      const w4 = P[o + n4];
      const w5 = P[o + n5];
      const w6 = P[o + n6];
      const w7 = P[o + n7];
      // Every row at a leaf (a leaf's rank field is all ones): the remaining steps are no-ops.
      if ((w0 & w1 & w2 & w3 & w4 & w5 & w6 & w7) >>> RS === leafRank) break;
      const c0 = C[r + (w0 & FM)];
      n0 = ((w0 >>> FB) & LM) + (((w0 - c0) >>> 31) ^ ((w0 >>> MB) & ((c0 ^ CM) - 1) >>> 31));
      const c1 = C[r1 + (w1 & FM)];
      n1 = ((w1 >>> FB) & LM) + (((w1 - c1) >>> 31) ^ ((w1 >>> MB) & ((c1 ^ CM) - 1) >>> 31));
      const c2 = C[r2 + (w2 & FM)];
      n2 = ((w2 >>> FB) & LM) + (((w2 - c2) >>> 31) ^ ((w2 >>> MB) & ((c2 ^ CM) - 1) >>> 31));
      const c3 = C[r3 + (w3 & FM)];
      n3 = ((w3 >>> FB) & LM) + (((w3 - c3) >>> 31) ^ ((w3 >>> MB) & ((c3 ^ CM) - 1) >>> 31));
      const c4 = C[r4 + (w4 & FM)];
      n4 = ((w4 >>> FB) & LM) + (((w4 - c4) >>> 31) ^ ((w4 >>> MB) & ((c4 ^ CM) - 1) >>> 31));
      const c5 = C[r5 + (w5 & FM)];
      n5 = ((w5 >>> FB) & LM) + (((w5 - c5) >>> 31) ^ ((w5 >>> MB) & ((c5 ^ CM) - 1) >>> 31));
      const c6 = C[r6 + (w6 & FM)];
      n6 = ((w6 >>> FB) & LM) + (((w6 - c6) >>> 31) ^ ((w6 >>> MB) & ((c6 ^ CM) - 1) >>> 31));
      const c7 = C[r7 + (w7 & FM)];
      n7 = ((w7 >>> FB) & LM) + (((w7 - c7) >>> 31) ^ ((w7 >>> MB) & ((c7 ^ CM) - 1) >>> 31));
    }
    out[i] += V[o + n0];
    out[i + 1] += V[o + n1];
    out[i + 2] += V[o + n2];
    out[i + 3] += V[o + n3];
    out[i + 4] += V[o + n4];
    out[i + 5] += V[o + n5];
    out[i + 6] += V[o + n6];
    out[i + 7] += V[o + n7];
  }
  for (; i < b1; i++, r += p) {
    let n = 0;
    for (let k = 0; k < depth; k++) {
      const w = P[o + n];
      const c = C[r + (w & FM)];
      n = ((w >>> FB) & LM) + (((w - c) >>> 31) ^ ((w >>> MB) & ((c ^ CM) - 1) >>> 31));
    }
    out[i] += V[o + n];
  }
}

/** Four-word tables, no missing codes: four rows side by side, `depth` steps each. */
function descendCoded4(N: Int32Array, V: Float64Array, C: Int32Array, p: number, b0: number, b1: number, root: number, depth: number, out: Float64Array): void {
  let i = b0;
  let r = 0;
  for (; i + 3 < b1; i += 4, r += 4 * p) {
    const r1 = r + p;
    const r2 = r1 + p;
    const r3 = r2 + p;
    let n0 = root;
    let n1 = root;
    let n2 = root;
    let n3 = root;
    for (let k = 0; k < depth; k++) {
      const q0 = n0 << 2;
      const q1 = n1 << 2;
      const q2 = n2 << 2;
      const q3 = n3 << 2;
      n0 = N[q0] + ((N[q0 + 2] - C[r + N[q0 + 1]]) >>> 31);
      n1 = N[q1] + ((N[q1 + 2] - C[r1 + N[q1 + 1]]) >>> 31);
      n2 = N[q2] + ((N[q2 + 2] - C[r2 + N[q2 + 1]]) >>> 31);
      n3 = N[q3] + ((N[q3 + 2] - C[r3 + N[q3 + 1]]) >>> 31);
    }
    out[i] += V[n0];
    out[i + 1] += V[n1];
    out[i + 2] += V[n2];
    out[i + 3] += V[n3];
  }
  for (; i < b1; i++, r += p) {
    let n = root;
    for (let k = 0; k < depth; k++) {
      const q = n << 2;
      n = N[q] + ((N[q + 2] - C[r + N[q + 1]]) >>> 31);
    }
    out[i] += V[n];
  }
}

/** Four-word tables, block with missing codes (those go left where the node says so): four rows side by side. */
function descendCodedMissing(N: Int32Array, V: Float64Array, C: Int32Array, p: number, b0: number, b1: number, root: number, depth: number, out: Float64Array): void {
  const M = MISSING_CODE;
  let i = b0;
  let r = 0;
  // A missing code exceeds every rank (1), flipped to 0 where missing values go left.
  for (; i + 3 < b1; i += 4, r += 4 * p) {
    const r1 = r + p;
    const r2 = r1 + p;
    const r3 = r2 + p;
    let n0 = root;
    let n1 = root;
    let n2 = root;
    let n3 = root;
    for (let k = 0; k < depth; k++) {
      const q0 = n0 << 2;
      const q1 = n1 << 2;
      const q2 = n2 << 2;
      const q3 = n3 << 2;
      const c0 = C[r + N[q0 + 1]];
      const c1 = C[r1 + N[q1 + 1]];
      const c2 = C[r2 + N[q2 + 1]];
      const c3 = C[r3 + N[q3 + 1]];
      n0 = N[q0] + (((N[q0 + 2] - c0) >>> 31) ^ (N[q0 + 3] & ((c0 ^ M) - 1) >>> 31));
      n1 = N[q1] + (((N[q1 + 2] - c1) >>> 31) ^ (N[q1 + 3] & ((c1 ^ M) - 1) >>> 31));
      n2 = N[q2] + (((N[q2 + 2] - c2) >>> 31) ^ (N[q2 + 3] & ((c2 ^ M) - 1) >>> 31));
      n3 = N[q3] + (((N[q3 + 2] - c3) >>> 31) ^ (N[q3 + 3] & ((c3 ^ M) - 1) >>> 31));
    }
    out[i] += V[n0];
    out[i + 1] += V[n1];
    out[i + 2] += V[n2];
    out[i + 3] += V[n3];
  }
  for (; i < b1; i++, r += p) {
    let n = root;
    for (let k = 0; k < depth; k++) {
      const q = n << 2;
      const c = C[r + N[q + 1]];
      n = N[q] + (((N[q + 2] - c) >>> 31) ^ (N[q + 3] & ((c ^ M) - 1) >>> 31));
    }
    out[i] += V[n];
  }
}
