/**
 * What the Train screen of a classifier costs, at the largest evaluation a candidate keeps
 * (MAX_EVALUATION_ROWS = 100,000 rows of probabilities, generated and seeded here):
 * - `oneVsRestCurves`, once per model shown, on the page: binary (one sort) and 5 classes (five);
 * - `thresholdScores`, on every move of the threshold slider, on the page;
 * - `reliabilityBins` of one class, once per model (and per class chosen);
 * - `withDecisionThreshold`, once per save, in the training worker: a logistic regression's
 *   bundle with its 10,000-row reference sample, decided again, and its test metrics taken again
 *   on 20,000 held-out rows.
 * Peer measured in the same run: Float64Array#sort of the same 100,000 scores, the floor of any
 * curve that orders the rows by score.
 *
 * Prints JSON; times are medians (ms) of --repeats runs after one warm-up.
 *
 *   node --import tsx bench/cls-screens.ts [--rows 100000] [--repeats 9]
 */
import { cpus, loadavg } from 'node:os';
import { parseCsv } from '../src/core/data';
import { columnOf, oneVsRest, oneVsRestCurves, reliabilityBins } from '../src/core/metrics/curves';
import { thresholdScores } from '../src/core/metrics/threshold';
import { withDecisionThreshold } from '../src/core/pipeline/decision-threshold';
import { runTraining } from '../src/core/pipeline/train';
import { defaultRecipe } from '../src/core/recipe';
import { Rng } from '../src/core/random';
import { median, round } from './lib/measure';
import { numberOption } from './lib/options';

const rows = numberOption('rows', 100_000);
const repeats = numberOption('repeats', 9);

/** Class codes and rows × k probabilities leaning towards the true class (softmax of noisy scores). */
function evaluation(n: number, k: number, seed: number): { y: Float64Array; proba: Float64Array } {
  const rng = new Rng(seed);
  const y = new Float64Array(n);
  const proba = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    y[i] = Math.floor(rng.next() * k);
    let total = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp((c === y[i] ? 1.2 : 0) + rng.normal());
      proba[i * k + c] = e;
      total += e;
    }
    for (let c = 0; c < k; c++) proba[i * k + c] /= total;
  }
  return { y, proba };
}

function timeMs(work: () => unknown): number {
  work();
  const ms: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    work();
    ms.push(performance.now() - t0);
  }
  return round(median(ms), 2);
}

const two = evaluation(rows, 2, 1);
const five = evaluation(rows, 5, 2);
const scores = columnOf(two.proba, 2, 1);
let t = 0;

const screen = {
  curvesBinaryMs: timeMs(() => oneVsRestCurves(two.y, two.proba, 2)),
  curvesFiveClassesMs: timeMs(() => oneVsRestCurves(five.y, five.proba, 5)),
  // A different threshold each move, as a dragged slider gives.
  thresholdScoresMs: timeMs(() => thresholdScores(two.y, two.proba, (t = (t + 0.37) % 1))),
  reliabilityBinsMs: timeMs(() => reliabilityBins(oneVsRest(two.y, 1), scores, 10)),
  peerFloat64SortMs: timeMs(() => Float64Array.from(scores).sort()),
};

// A trained bundle to save a threshold into: 100,000 generated rows, 20 % held out, logistic regression.
const lines = ['a,b,shade,churn'];
const rng = new Rng(3);
for (let i = 0; i < 100_000; i++) {
  const yes = rng.next() < 0.3;
  lines.push(`${((yes ? 1 : 0) + 2 * rng.normal()).toFixed(4)},${rng.normal().toFixed(4)},${rng.next() < 0.5 ? 'dark' : 'light'},${yes ? 'Yes' : 'No'}`);
}
const ds = await parseCsv(lines.join('\n'));
const run = await runTraining({
  table: ds.table,
  recipe: defaultRecipe(ds.schema, 'churn', ds.table),
  dataset: { hash: 'e'.repeat(64), name: 'generated.csv' },
  candidates: [{ type: 'logistic' }],
  split: { kind: 'holdout', testSize: 0.2, seed: 1 },
});
const c = run.leaderboard[0];
const saveMs = timeMs(() => withDecisionThreshold(c.bundle!, (t = (t + 0.37) % 1), c.evaluation));

console.log(
  JSON.stringify(
    {
      bench: 'cls-screens',
      rows,
      repeats,
      machine: { cpus: cpus().length, load1: round(loadavg()[0], 2) },
      page: screen,
      worker: { saveThresholdMs: saveMs, referenceSampleRows: c.bundle!.referenceSample?.rows, testRows: c.evaluation!.totalRows },
    },
    null,
    1,
  ),
);
