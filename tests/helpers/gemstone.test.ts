import { describe, expect, it } from 'vitest';
import { haveGemstone, loadGemstoneSplit, SKIP_MESSAGE } from './gemstone';

describe.skipIf(!haveGemstone)('gemstone reference split helper', () => {
  it('has the reference sizes and matches the sklearn reference statistics', async () => {
    const s = loadGemstoneSplit();
    expect(s.trainRaw.rows).toBe(52428);
    expect(s.testRaw.rows).toBe(13107);
    expect(Array.from(s.testIds.slice(0, 5))).toEqual([2, 9, 10, 12, 16]);
    // No missing values in this file: standardized column means are ~0.
    let m = 0;
    for (let i = 0; i < s.trainStd.rows; i++) m += s.trainStd.data[i * 9];
    expect(Math.abs(m / s.trainStd.rows)).toBeLessThan(1e-9);
  });
});
if (!haveGemstone) it.skip(SKIP_MESSAGE, () => {});
