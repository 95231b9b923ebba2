/**
 * Leaf-mask prediction of a TreeEnsemble whose trees have at most 32 leaves each (the default
 * 31), after vectorised QuickScorer (Lucchese et al., SIGIR 2015 and 2016), in a small
 * WebAssembly SIMD module. Values are coded first: a number by its threshold code
 * (threshold-codes.ts), a category by its own code (every other value, NaN included, takes
 * the one code of an unseen category, as goesLeftRaw sends it the missing way).
 *
 * A tree's leaves are numbered left to right, bit k of a 32-bit mask standing for leaf k. A node
 * a row does NOT go left at rules out the leaves of its left subtree; the leaf the row reaches is
 * then the lowest leaf no node rules out (every node above it that has it on the left sends the
 * row left, and every leaf to its left hangs left of a node above it that sends the row right).
 * What a feature's value rules out in every tree depends only on the value's code, so it is
 * tabled once per feature and code (plus one row for a missing number): a row of nTrees masks.
 * A data row's masks are then the AND of one table row per feature — 4 trees per SIMD
 * instruction, no descent, no data-dependent branch — and its leaf in tree t is the lowest set
 * bit of mask t (i32.ctz).
 *
 * The sum starts from out[i] and adds tree 0's leaf value, then tree 1's, …, each rounded to a
 * double, exactly as the raw descent in ensemble.ts does, so predictions are the same bit for
 * bit. Where WebAssembly SIMD is unavailable, or the tables would be large, `build` returns null
 * and the ensemble predicts with its JavaScript coded descent (coded-ensemble.ts) instead.
 *
 * Memory (bytes): tables (Σ features (codes + 2) × rowBytes, rowBytes = 4·nTrees rounded up to
 * 16), leaf values (nTrees × 32 doubles), per feature its first table row's address (q × i32),
 * the block's codes (B × q × i32, row-major), its sums (B doubles) and four rows' masks
 * (4 × rowBytes).
 *
 * The module is assembled per feature count q (its loop over the features unrolled, each
 * table pointer in a local: 0.31 → 0.27 CPU-s per million gemstone rows with the four-row
 * sums). WAT of `predict(rows, codes, q4, bases, rowBytes, masks, leaf, treeBytes, out)`
 * (rows a multiple of 4, q4 = 4q, treeBytes = 4·nTrees; locals op, end, cb, t, lv, m0..m3,
 * p0..p(q−1): i32; s0..s3: f64; acc: v128):
 *   m_r = masks + r·rowBytes
 *   for (op = out, end = out + 8·rows; op < end; op += 32)
 *     for r in 0..3                                      ; four rows' masks
 *       p_k = bases[k] + codes[k]·rowBytes for k < q     ; unrolled
 *       for (cb = 0; cb < rowBytes; cb += 16)
 *         v128.store(m_r + cb, v128.load(p_0 + cb) & v128.load(p_1 + cb) & … & v128.load(p_(q−1) + cb))
 *       codes += q4
 *     s_r = f64.load(op + 8r)
 *     for (t = 0, lv = leaf; t < treeBytes; t += 4, lv += 256)
 *       s_r = s_r + f64.load(lv + 8·ctz(i32.load(m_r + t))) for r in 0..3   ; four independent chains
 *     f64.store(op + 8r, s_r)
 */
import { lowerBound } from '../../stats/search';
import { assemble, keyedWasmFactory, op, type WasmMemory } from '../../wasm/assembler';
import { CAT_WORDS, type EnsembleState } from './ensemble';
import { codeColumn, thresholdCuts } from './threshold-codes';

/** Leaves a mask holds. */
export const MASK_LEAVES = 32;
/** Above this many bytes of tables (many trees × many thresholds) the coded descent serves instead. */
const MAX_TABLE_BYTES = 16 << 20;
/**
 * Above this many features split on, the coded descent serves instead: a row costs the masks
 * one AND per feature for every 4 trees, the descent a few steps per tree whatever the width.
 * Measured (150 trees of 31 leaves, 50,000 rows, CPU time): masks 2.6× faster on 20 features,
 * 1.5× on 40, 1.24× on 60, even on 90, 1.35× slower on 120, 1.7× slower on 250.
 */
export const MAX_MASK_FEATURES = 64;
/** Rows per block handed to WebAssembly (a multiple of ROW_GROUP). */
const BLOCK_ROWS = 1024;
/** Rows summed side by side: four independent chains of additions instead of one. */
const ROW_GROUP = 4;

/** The kernel for `q` features, its loop over them unrolled (each feature's table pointer in a local). */
function moduleBytes(q: number): Uint8Array {
  const { get, set, tee, i32, i32Add: add, i32Mul: mul, i32Shl: shl, simd, forLessThan } = op;
  const [ROWS, CODES, Q4, BASES, ROW_BYTES, MASKS, LEAF, TREE_BYTES, OUT] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [OP, END, CB, T, LV] = [9, 10, 11, 12, 13];
  const M = [14, 15, 16, 17];
  const P = Array.from({ length: q }, (_, k) => 18 + k);
  const S = [18 + q, 19 + q, 20 + q, 21 + q];
  const ACC = 22 + q;
  const vload = [...simd(0x00), 0, 0];
  const vstore = [...simd(0x0b), 0, 0];
  const vand = simd(0x4e);
  const ctz = 0x68;
  /** One row's masks into M[r]'s ROW_BYTES, from the codes at CODES (then advanced to the next row). */
  const rowMasks = (mr: number) => [
    ...P.flatMap((pk, k) => [...get(BASES), ...op.i32Load(4 * k), ...get(CODES), ...op.i32Load(4 * k), ...get(ROW_BYTES), mul, add, ...set(pk)]),
    ...i32(0), ...set(CB),
    ...forLessThan(CB, ROW_BYTES, [
      ...get(mr), ...get(CB), add,
      ...get(P[0]), ...get(CB), add, ...vload,
      ...P.slice(1).flatMap((pk) => [...get(pk), ...get(CB), add, ...vload, ...vand]),
      ...vstore,
      ...get(CB), ...i32(16), add, ...set(CB),
    ]),
    ...get(CODES), ...get(Q4), add, ...set(CODES),
  ];
  const body = [
    ...get(MASKS), ...tee(M[0]), ...get(ROW_BYTES), add, ...tee(M[1]), ...get(ROW_BYTES), add, ...tee(M[2]), ...get(ROW_BYTES), add, ...set(M[3]),
    ...get(OUT), ...tee(OP), ...get(ROWS), ...i32(3), shl, add, ...set(END),
    ...forLessThan(OP, END, [
      ...M.flatMap(rowMasks),
      ...S.flatMap((s, r) => [...get(OP), ...op.f64Load(8 * r), ...set(s)]),
      ...i32(0), ...set(T),
      ...get(LEAF), ...set(LV),
      ...forLessThan(T, TREE_BYTES, [
        ...S.flatMap((s, r) => [...get(s), ...get(LV), ...get(M[r]), ...get(T), add, ...op.i32Load(), ctz, ...i32(3), shl, add, ...op.f64Load(), op.f64Add, ...set(s)]),
        ...get(T), ...i32(4), add, ...set(T),
        ...get(LV), ...i32(8 * MASK_LEAVES), add, ...set(LV),
      ]),
      ...S.flatMap((s, r) => [...get(OP), ...get(s), ...op.f64Store(8 * r)]),
      ...get(OP), ...i32(32), add, ...set(OP),
    ]),
  ];
  return assemble([{ name: 'predict', params: Array.from({ length: 9 }, () => 'i32' as const), locals: { i32: 9 + q, f64: 4, v128: 1 }, body }]);
}

/** An instance of the kernel for q features (each count compiled on first use). */
const instance = keyedWasmFactory(moduleBytes);

type PredictFn = (rows: number, codes: number, q4: number, bases: number, rowBytes: number, masks: number, leaf: number, treeBytes: number, out: number) => void;

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** How a feature's values become codes: against thresholds, or as category codes. */
type FeatureCoding = { cuts: Float64Array } | { categories: number };

export class LeafMaskEnsemble {
  /** Features some tree splits on, in order; used[k]'s codes go in column k of the block's codes. */
  private readonly used: number[];
  private readonly coding: FeatureCoding[];
  /** Per used feature: the code of a missing value (and, for categories, of an unseen one). */
  private readonly missingCode: Int32Array;
  private readonly predictFn: PredictFn;
  private readonly rowBytes: number;
  private readonly treeBytes: number;
  private readonly at: { leaf: number; bases: number; codes: number; out: number; masks: number };
  /** Views of the block's codes and sums in WebAssembly memory. */
  private readonly codes: Int32Array;
  private readonly sums: Float64Array;

  /**
   * The kernel for `s`, or null when it does not apply: a tree with more than 32 leaves, a
   * feature split both on thresholds and as categories, no split at all, more than
   * MAX_MASK_FEATURES features split on, tables over 16 MB, or no WebAssembly SIMD here.
   */
  static build(s: EnsembleState): LeafMaskEnsemble | null {
    const nTrees = s.treeOffsets.length - 1;
    const nFeatures = s.categoryCount.length;
    // Per feature: 1 split on thresholds, 2 as categories, 3 both.
    const kind = new Uint8Array(nFeatures);
    for (let t = 0; t < nTrees; t++) {
      let leaves = 0;
      for (let n = s.treeOffsets[t]; n < s.treeOffsets[t + 1]; n++) {
        if (s.left[n] < 0) leaves++;
        else kind[s.feature[n]] |= s.catIndex[n] < 0 ? 1 : 2;
      }
      if (leaves > MASK_LEAVES) return null;
    }
    if (kind.includes(3)) return null;
    const { cuts, counts } = thresholdCuts(s, new Uint8Array(nTrees));
    const coding: (FeatureCoding | null)[] = Array.from(kind, (k, j) => (k === 1 ? { cuts: cuts[j] as Float64Array } : k === 2 ? { categories: s.categoryCount[j] } : null));
    // Codes 0..count are values (count: above every threshold; for categories, an unseen one), count + 1 missing.
    const count = (j: number): number => (kind[j] === 1 ? counts[j] : s.categoryCount[j]);
    let tableRows = 0;
    let used = 0;
    for (let j = 0; j < nFeatures; j++) {
      if (!kind[j]) continue;
      tableRows += count(j) + 2;
      used++;
    }
    const rowBytes = align16(4 * nTrees);
    if (tableRows === 0 || used > MAX_MASK_FEATURES || tableRows * rowBytes > MAX_TABLE_BYTES) return null;
    try {
      const k = instance(used);
      return k ? new LeafMaskEnsemble(s, coding, count, rowBytes, k.exports.predict as PredictFn, k.memory) : null;
    } catch {
      return null; // no instance or memory to be had (address space, out of memory): the coded descent serves
    }
  }

  private constructor(s: EnsembleState, allCoding: (FeatureCoding | null)[], count: (j: number) => number, rowBytes: number, predictFn: PredictFn, memory: WasmMemory) {
    const nTrees = s.treeOffsets.length - 1;
    this.predictFn = predictFn;
    this.rowBytes = rowBytes;
    this.treeBytes = 4 * nTrees;
    this.used = [];
    for (let j = 0; j < allCoding.length; j++) if (allCoding[j]) this.used.push(j);
    const q = this.used.length;
    this.coding = this.used.map((j) => allCoding[j] as FeatureCoding);
    this.missingCode = Int32Array.from(this.used, (j) => count(j) + 1);
    // First table row of each used feature, in rows.
    const firstRow = new Int32Array(allCoding.length);
    let tableRows = 0;
    for (const j of this.used) {
      firstRow[j] = tableRows;
      tableRows += count(j) + 2;
    }
    const words = rowBytes / 4;
    const at = { leaf: 0, bases: 0, codes: 0, out: 0, masks: 0 };
    at.leaf = tableRows * rowBytes;
    at.bases = at.leaf + nTrees * MASK_LEAVES * 8;
    at.codes = align16(at.bases + 4 * q);
    at.out = at.codes + BLOCK_ROWS * q * 4;
    at.masks = align16(at.out + BLOCK_ROWS * 8);
    const bytes = at.masks + ROW_GROUP * rowBytes;
    const pages = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
    if (pages > 0) memory.grow(pages);
    const buffer = memory.buffer;
    this.at = at;
    const tables = new Int32Array(buffer, 0, tableRows * words).fill(-1);
    const leafValue = new Float64Array(buffer, at.leaf, nTrees * MASK_LEAVES);
    const bases = new Int32Array(buffer, at.bases, q);
    for (let k = 0; k < q; k++) bases[k] = firstRow[this.used[k]] * rowBytes;
    this.codes = new Int32Array(buffer, at.codes, BLOCK_ROWS * q);
    this.sums = new Float64Array(buffer, at.out, BLOCK_ROWS);

    const leftLeaves = new Int32Array(s.feature.length);
    for (let t = 0; t < nTrees; t++) {
      const o = s.treeOffsets[t];
      // Leaves numbered left to right; leftLeaves[n]: the mask of node n's left subtree.
      let next = 0;
      const visit = (n: number): number => {
        if (s.left[n] < 0) {
          leafValue[t * MASK_LEAVES + next] = s.value[n];
          return 1 << next++;
        }
        const l = visit(s.left[n] + o);
        leftLeaves[n] = l;
        return l | visit(s.right[n] + o);
      };
      visit(o);
      for (let n = o; n < s.treeOffsets[t + 1]; n++) {
        if (s.left[n] < 0) continue;
        const f = s.feature[n];
        const coding = allCoding[f] as FeatureCoding;
        const n0 = firstRow[f] * words + t;
        // The codes this node sends right rule out its left subtree: for thresholds, codes above
        // the node's rank (values above its threshold); for categories, those whose bit is clear;
        // a missing value (and an unseen category) unless the node sends it left.
        const off = ~leftLeaves[n];
        if ('cuts' in coding) {
          for (let c = lowerBound(coding.cuts, s.threshold[n]) + 1; c <= count(f); c++) tables[n0 + c * words] &= off;
        } else {
          const bits = s.catIndex[n] * CAT_WORDS;
          for (let c = 0; c < coding.categories; c++) if (((s.catBits[bits + (c >>> 5)] >>> (c & 31)) & 1) === 0) tables[n0 + c * words] &= off;
          if (s.missingLeft[n] !== 1) tables[n0 + coding.categories * words] &= off;
        }
        if (s.missingLeft[n] !== 1) tables[n0 + (count(f) + 1) * words] &= off;
      }
    }
  }

  /** Adds every tree's prediction to out[i] for each row i of row-major `d` (rows × p, NaN = missing). */
  addPredictions(d: Float64Array, rows: number, p: number, out: Float64Array): void {
    const q = this.used.length;
    const at = this.at;
    const codes = this.codes;
    for (let b0 = 0; b0 < rows; b0 += BLOCK_ROWS) {
      const b1 = Math.min(rows, b0 + BLOCK_ROWS);
      for (let k = 0; k < q; k++) {
        const coding = this.coding[k];
        const j = this.used[k];
        if ('cuts' in coding) {
          codeColumn(coding.cuts, d, p, j, b0, b1, codes, k, q, this.missingCode[k]);
          continue;
        }
        // A category code as goesLeftRaw reads it; anything else (NaN included) goes the missing way.
        const nc = coding.categories;
        for (let i = b0, c = k; i < b1; i++, c += q) {
          const v = d[i * p + j];
          codes[c] = v >= 0 && v < nc && v === Math.floor(v) ? v : nc;
        }
      }
      // Rows in groups of four: a short last group is padded with rows of code 0 whose sums are dropped.
      const n = b1 - b0;
      const padded = Math.ceil(n / ROW_GROUP) * ROW_GROUP;
      codes.fill(0, n * q, padded * q);
      this.sums.set(out.subarray(b0, b1));
      this.predictFn(padded, at.codes, 4 * q, at.bases, this.rowBytes, at.masks, at.leaf, this.treeBytes, at.out);
      out.set(this.sums.subarray(0, n), b0);
    }
  }
}
