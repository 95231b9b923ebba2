/**
 * The tree being grown on binned data during fit: parallel arrays sized for `capacity` nodes,
 * with each node's bin threshold and a 256-entry "goes left" table per node, so training and
 * validation predictions update on bin codes. Kept trees move into a TreeEnsemble.
 */
export class GrownTree {
  nNodes = 0;
  readonly feature: Int32Array;
  readonly bin: Int32Array;
  readonly categorical: Uint8Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly gain: Float64Array;
  /** Training rows of this tree (after row subsampling) that reached each node: TreeSHAP's cover. */
  readonly count: Int32Array;
  /** goesLeft[node·256 + bin]: 1 when rows of that bin go left at that node. */
  readonly goesLeft: Uint8Array;

  constructor(readonly capacity: number) {
    this.feature = new Int32Array(capacity);
    this.bin = new Int32Array(capacity);
    this.categorical = new Uint8Array(capacity);
    this.missingLeft = new Uint8Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.gain = new Float64Array(capacity);
    this.count = new Int32Array(capacity);
    this.goesLeft = new Uint8Array(capacity * 256);
  }

  reset(): void {
    this.nNodes = 0;
  }

  addLeaf(): number {
    const n = this.nNodes++;
    this.feature[n] = -1;
    this.left[n] = -1;
    this.right[n] = -1;
    this.value[n] = 0;
    this.gain[n] = 0;
    this.count[n] = 0;
    return n;
  }

  /** Adds value[leaf] to out[k] for every row k of row-major bins (nRows × p). */
  addPredictionsBinned(bins: Uint8Array, nRows: number, p: number, out: Float64Array): void {
    const nn = this.nNodes;
    const L = this.left;
    const V = this.value;
    // Four rows descend side by side (independent chains of loads the CPU overlaps), each until
    // all four reach a leaf, a leaf stepping to itself: step[n] − goes[n·256 + bin] is the next
    // node. A split's children are added together (right = left + 1, see LeafWiseGrower.grow),
    // so an inner node steps to left + 1 − goesLeft; a leaf's row of `goes` is all 0 and its
    // step is itself. The same leaves as one row at a time, in half the time.
    if (scratchStep.length < nn) {
      scratchStep = new Int32Array(nn * 2);
      scratchFeature = new Int32Array(nn * 2);
      scratchGoes = new Uint8Array(nn * 2 * 256);
    }
    const S = scratchStep;
    const F = scratchFeature;
    const G = scratchGoes;
    G.set(this.goesLeft.subarray(0, nn * 256));
    for (let n = 0; n < nn; n++) {
      if (L[n] >= 0) {
        S[n] = L[n] + 1;
        F[n] = this.feature[n];
      } else {
        S[n] = n;
        F[n] = 0;
        G.fill(0, n * 256, n * 256 + 256);
      }
    }
    let k = 0;
    for (; k + 4 <= nRows; k += 4) {
      const r0 = k * p;
      const r1 = r0 + p;
      const r2 = r1 + p;
      const r3 = r2 + p;
      let n0 = 0;
      let n1 = 0;
      let n2 = 0;
      let n3 = 0;
      // Until all four are at leaves (left −1): the AND of four numbers is negative only when all are.
      while ((L[n0] & L[n1] & L[n2] & L[n3]) >= 0) {
        n0 = S[n0] - G[(n0 << 8) | bins[r0 + F[n0]]];
        n1 = S[n1] - G[(n1 << 8) | bins[r1 + F[n1]]];
        n2 = S[n2] - G[(n2 << 8) | bins[r2 + F[n2]]];
        n3 = S[n3] - G[(n3 << 8) | bins[r3 + F[n3]]];
      }
      out[k] += V[n0];
      out[k + 1] += V[n1];
      out[k + 2] += V[n2];
      out[k + 3] += V[n3];
    }
    for (; k < nRows; k++) {
      const row = k * p;
      let n = 0;
      while (L[n] >= 0) n = S[n] - G[(n << 8) | bins[row + F[n]]];
      out[k] += V[n];
    }
  }
}

/** addPredictionsBinned's descent tables, kept between trees (a fit grows hundreds). */
let scratchStep = new Int32Array(0);
let scratchFeature = new Int32Array(0);
let scratchGoes = new Uint8Array(0);
