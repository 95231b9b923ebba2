import { describe, expect, it } from 'vitest';
import { generateSampleGemstones, SAMPLE_COLUMNS, SAMPLE_GRADES } from '../../../src/core/sample';

function rowsOf(csv: string): string[][] {
  return csv.trimEnd().split('\n').map((l) => l.split(','));
}

describe('generateSampleGemstones', () => {
  it('is deterministic in (rows, seed) and differs across seeds', () => {
    expect(generateSampleGemstones(300, 7)).toBe(generateSampleGemstones(300, 7));
    expect(generateSampleGemstones(300, 7)).not.toBe(generateSampleGemstones(300, 8));
    // A prefix of a longer sample is the shorter sample.
    expect(generateSampleGemstones(500, 3).startsWith(generateSampleGemstones(100, 3))).toBe(true);
  });

  it('has the gemstone columns, unique ids and known grade levels', () => {
    const [header, ...rows] = rowsOf(generateSampleGemstones());
    expect(header).toEqual([...SAMPLE_COLUMNS]);
    expect(rows).toHaveLength(5000);
    expect(rows.every((r) => r.length === 11)).toBe(true);
    expect(new Set(rows.map((r) => r[0])).size).toBe(5000);
    for (const [i, name] of [[2, 'cut'], [3, 'color'], [4, 'clarity']] as const) {
      const seen = new Set(rows.map((r) => r[i]));
      expect([...seen].every((v) => (SAMPLE_GRADES[name].levels as readonly string[]).includes(v))).toBe(true);
      expect(seen.size).toBe(SAMPLE_GRADES[name].levels.length);
    }
  });

  it('has plausible ranges and a price that rises with carat', () => {
    const rows = rowsOf(generateSampleGemstones(5000, 1)).slice(1);
    const num = (i: number): number[] => rows.map((r) => Number(r[i]));
    const carat = num(1);
    const price = num(10);
    const depth = num(5);
    expect(Math.min(...carat)).toBeGreaterThanOrEqual(0.2);
    expect(Math.max(...carat)).toBeLessThanOrEqual(3.5);
    expect(Math.min(...price)).toBeGreaterThanOrEqual(326);
    expect(Math.max(...price)).toBeLessThanOrEqual(18818);
    expect(Math.min(...depth)).toBeGreaterThanOrEqual(55);
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(price)).toBeGreaterThan(2000);
    expect(mean(price)).toBeLessThan(7000);
    const small = price.filter((_, i) => carat[i] < 0.5);
    const large = price.filter((_, i) => carat[i] > 1.5);
    expect(mean(large)).toBeGreaterThan(5 * mean(small));
    // Better clarity costs more at equal carat band (0.9–1.1 ct).
    const band = rows.filter((r) => Number(r[1]) >= 0.9 && Number(r[1]) <= 1.1);
    const byClarity = (lv: string[]): number => mean(band.filter((r) => lv.includes(r[4])).map((r) => Number(r[10])));
    expect(byClarity(['VVS1', 'IF', 'VVS2'])).toBeGreaterThan(byClarity(['I1', 'SI2']));
  });
});
