/**
 * A deterministic synthetic gemstone table with the columns and kinds of ../shared/data/gemstone.csv
 * (id, carat, cut, color, clarity, depth, table, x, y, z, price). It is NOT real data: it lets a
 * person try Loupe without a file, and it is labelled as synthetic wherever it is shown.
 *
 * Shapes follow the real file roughly: carat log-normal (median ≈ 0.7), grade frequencies close
 * to the real ones, x ≈ y ∝ carat^(1/3), z from depth, a few rows with a zero dimension (the
 * real file has them too), and price ≈ exp(8.4 + 1.7·ln carat + grade effects) with noise.
 */
import { Rng } from '../random';
import { clamp, pick } from './draw';

export const SAMPLE_COLUMNS = ['id', 'carat', 'cut', 'color', 'clarity', 'depth', 'table', 'x', 'y', 'z', 'price'] as const;

/** Grades, worst first, with their approximate frequencies in the real file. */
export const SAMPLE_GRADES = {
  cut: { levels: ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'], weights: [0.015, 0.06, 0.19, 0.25, 0.485] },
  color: { levels: ['J', 'I', 'H', 'G', 'F', 'E', 'D'], weights: [0.04, 0.08, 0.16, 0.23, 0.18, 0.19, 0.12] },
  clarity: {
    levels: ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'],
    weights: [0.01, 0.16, 0.27, 0.24, 0.15, 0.08, 0.07, 0.02],
  },
} as const;

/** Suggested file name; says that the data is synthetic. */
export const SAMPLE_FILE_NAME = 'gemstone-sample-synthetic.csv';

/** CSV text (header + `rows` lines, '\n' line ends); the same (rows, seed) always gives the same text. */
export function generateSampleGemstones(rows = 5000, seed = 1): string {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
  const rng = new Rng(seed);
  const { cut, color, clarity } = SAMPLE_GRADES;
  const lines: string[] = [SAMPLE_COLUMNS.join(',')];
  for (let id = 0; id < rows; id++) {
    const carat = Math.round(clamp(Math.exp(Math.log(0.7) + 0.55 * rng.normal()), 0.2, 3.5) * 100) / 100;
    const c = pick(rng, cut.weights);
    const k = pick(rng, color.weights);
    const q = pick(rng, clarity.weights);
    const depth = Math.round(clamp(61.8 + 1.2 * rng.normal() - 0.3 * (c - 3), 55, 70) * 10) / 10;
    const table = Math.round(clamp(57.3 + 2 * rng.normal() - 0.5 * (c - 3), 50, 70));
    const x = 6.45 * Math.cbrt(carat) * (1 + 0.015 * rng.normal());
    const y = x * (1 + 0.006 * rng.normal());
    const z = ((depth / 100) * (x + y)) / 2;
    const dims = [x, y, z].map((v) => Math.round(v * 100) / 100);
    if (rng.next() < 0.0008) dims[2] = 0; // a data-entry zero, as in the real file
    const logPrice = 8.4 + 1.7 * Math.log(carat) + 0.05 * (c - 3) + 0.07 * (k - 3.5) + 0.1 * (q - 3) + 0.12 * rng.normal();
    const price = Math.round(clamp(Math.exp(logPrice), 326, 18818));
    lines.push(
      [
        id,
        carat.toFixed(2),
        cut.levels[c],
        color.levels[k],
        clarity.levels[q],
        depth.toFixed(1),
        table.toFixed(1),
        dims[0].toFixed(2),
        dims[1].toFixed(2),
        dims[2].toFixed(2),
        price,
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
