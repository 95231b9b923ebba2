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
    const F = this.feature;
    const L = this.left;
    const GL = this.goesLeft;
    const V = this.value;
    // A split's children are added together (right = left + 1, see LeafWiseGrower.grow), so
    // the step needs no branch on the direction: left + 1 − goesLeft.
    for (let k = 0; k < nRows; k++) {
      let n = 0;
      let l = L[0];
      const row = k * p;
      while (l >= 0) {
        n = l + 1 - GL[(n << 8) | bins[row + F[n]]];
        l = L[n];
      }
      out[k] += V[n];
    }
  }
}
