/**
 * PredictedBatchCollector's bound: a batch over `maxRows` rows is kept as a uniform seeded sample
 * of whole rows (every column of a kept row from the same row), so a file of any size is
 * monitored in bounded memory; under the bound it keeps every row, as without one.
 */
import { describe, expect, it } from 'vitest';
import { PredictedBatchCollector } from '../../../src/core/pipeline/predicted-batch';
import type { PredictedColumns } from '../../../src/core/pipeline/stream-predict';

const LEVELS = ['Fair', 'Good', 'Ideal'];

/** Row r: x = r, a label of level r % 3 (each chunk with its own level order), prediction 2r (NaN when r % 7 = 0: invalid), actual 3r. */
function chunk(from: number, n: number): PredictedColumns {
  const x = Float64Array.from({ length: n }, (_, i) => from + i);
  const levels = from % 2 ? [...LEVELS].reverse() : LEVELS;
  const codes = Int32Array.from(x, (r) => levels.indexOf(LEVELS[r % 3]));
  const valid = Uint8Array.from(x, (r) => (r % 7 === 0 ? 0 : 1));
  return {
    header: ['x', 'cut', 'price'],
    inputs: { rowCount: n, columns: [{ type: 'numeric', name: 'x', values: x }, { type: 'categorical', name: 'cut', codes, levels }] },
    predictions: Float64Array.from(x, (r) => (r % 7 === 0 ? NaN : 2 * r)),
    valid,
    actual: Float64Array.from(x, (r) => 3 * r),
  };
}

function collect(rows: number, chunkRows: number, options?: { maxRows?: number; seed?: number }) {
  const c = new PredictedBatchCollector('price', options);
  for (let from = 0; from < rows; from += chunkRows) c.addPredicted(chunk(from, Math.min(chunkRows, rows - from)));
  return c.finish();
}

describe('PredictedBatchCollector with maxRows', () => {
  it('keeps every row when the batch fits, as without a bound', () => {
    const bounded = collect(2_000, 300, { maxRows: 2_000 });
    expect(bounded).toEqual(collect(2_000, 300));
    expect(bounded.sampledFrom).toBeUndefined();
    expect(bounded.table.rowCount).toBe(2_000);
    const x = bounded.table.columns[0];
    expect(x.type === 'numeric' && Array.from(x.values.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps a uniform sample of whole rows past the bound, the same for the same seed', () => {
    const batch = collect(10_000, 300, { maxRows: 1_000 });
    expect(batch.table.rowCount).toBe(1_000);
    expect(batch.sampledFrom).toBe(10_000);
    const [x, cut] = batch.table.columns;
    if (x.type !== 'numeric' || cut.type !== 'categorical') throw new Error('column kinds');
    expect(x.values.length).toBe(1_000);
    expect(new Set(x.values).size).toBe(1_000);
    for (let i = 0; i < 1_000; i++) {
      const r = x.values[i];
      expect(Number.isInteger(r) && r >= 0 && r < 10_000).toBe(true);
      expect(cut.levels[cut.codes[i]]).toBe(LEVELS[r % 3]);
      if (r % 7 === 0) expect(batch.predictions[i]).toBeNaN();
      else expect(batch.predictions[i]).toBe(2 * r);
      expect(batch.actual![i]).toBe(3 * r);
    }
    // Rows from the whole file, not its start: about as many from each half, mean near the middle
    // (a uniform sample of 1,000 of 0..9,999: the mean's sd is about 91).
    const late = x.values.filter((r) => r >= 5_000).length;
    expect(late).toBeGreaterThan(420);
    expect(late).toBeLessThan(580);
    const mean = x.values.reduce((a, b) => a + b, 0) / 1_000;
    expect(Math.abs(mean - 4_999.5)).toBeLessThan(400);
    expect(collect(10_000, 300, { maxRows: 1_000 })).toEqual(batch);
    expect(collect(10_000, 300, { maxRows: 1_000, seed: 7 }).table.columns[0]).not.toEqual(x);
  });
});
