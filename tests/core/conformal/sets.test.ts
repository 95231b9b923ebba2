/**
 * Conformal prediction sets (conformal/sets.ts): the scores, the marginal coverage guarantee on
 * synthetic data, the training run's sets (hold-out and k-fold, a 3-class generated dataset), the
 * bundle round trip and the predictions file's `prediction_set` column.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle } from '../../../src/core/bundle/bundle';
import { calibrateSets, classScores, predictSets, scoreSets, setCoverage, setLabels, type SetScore } from '../../../src/core/conformal/sets';
import { parseCsv } from '../../../src/core/data';
import { BundleError, InvalidParamsError } from '../../../src/core/errors';
import { isClassifier } from '../../../src/core/models/types';
import { predictCsv, predictionChunkToCsv, predictRecords } from '../../../src/core/pipeline/predict';
import { streamPredict } from '../../../src/core/pipeline/stream-predict';
import { runTraining, type TrainingRequest } from '../../../src/core/pipeline/train';
import { Rng } from '../../../src/core/random';
import { defaultRecipe } from '../../../src/core/recipe';
import { syntheticClasses } from '../../helpers/classification';

const LABELS = ['low', 'mid, or so', 'high'];

/** n rows of three numeric features and a 3-class label (one label holds a comma, so CSV must quote it). */
async function threeClassCsv(n: number, seed: number) {
  const { X, y } = syntheticClasses(n, 3, 3, seed);
  const rows = Array.from({ length: n }, (_, i) => [X.data[i * 3].toFixed(5), X.data[i * 3 + 1].toFixed(5), X.data[i * 3 + 2].toFixed(5), LABELS[y[i]]]);
  return parseCsv(Papa.unparse([['f1', 'f2', 'f3', 'label'], ...rows], { newline: '\n' }));
}

async function request(n: number, seed: number, rest: Partial<TrainingRequest> = {}): Promise<TrainingRequest> {
  const ds = await threeClassCsv(n, seed);
  return {
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'label', ds.table),
    dataset: { hash: 'd'.repeat(64), name: 'three.csv' },
    candidates: [{ type: 'logistic' }],
    split: { kind: 'holdout', testSize: 0.3, seed },
    referenceSampleRows: 0,
    ...rest,
  };
}

/** Softmax probabilities of a deliberately overconfident model, and labels drawn from the true ones. */
function overconfident(rows: number, k: number, rng: Rng): { proba: Float64Array; y: Float64Array } {
  const proba = new Float64Array(rows * k);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const s = Array.from({ length: k }, () => rng.normal());
    const soft = (t: number) => {
      const e = s.map((v) => Math.exp(t * v));
      const z = e.reduce((a, b) => a + b);
      return e.map((v) => v / z);
    };
    const truth = soft(1);
    let u = rng.next();
    let c = 0;
    while (c < k - 1 && u >= truth[c]) u -= truth[c++];
    y[i] = c;
    proba.set(soft(3), i * k);
  }
  return { proba, y };
}

describe('prediction-set scores', () => {
  it('LAC is 1 − p of the class; APS the mass of the classes at least as probable', () => {
    const p = Float64Array.of(0.5, 0.3, 0.2);
    expect(Array.from(classScores('lac', p, 3)).map((v) => +v.toFixed(12))).toEqual([0.5, 0.7, 0.8]);
    expect(Array.from(classScores('aps', p, 3)).map((v) => +v.toFixed(12))).toEqual([0.5, 0.8, 1]);
    // Scores of 9 rows 0.1 … 0.9: at 80 % the ⌈10 · 0.8⌉ = 8th smallest, 0.8.
    const c = { score: 'lac' as const, method: 'split' as const, coverage: 0.8, scores: Float64Array.from({ length: 9 }, (_, i) => (i + 1) / 10), calibrationRows: 9 };
    expect(Array.from(predictSets(c, p, 3))).toEqual([1, 1, 1]);
    expect(Array.from(predictSets(c, p, 3, 0.6))).toEqual([1, 0, 0]);
    // Too few scores for 95 %: every class.
    expect(() => setCoverage(c, 0.95)).toThrow(InvalidParamsError);
    expect(setCoverage(c)).toBe(0.8);
    expect(() => setCoverage(undefined)).toThrow(/no prediction sets/);
    expect(setLabels(Uint8Array.of(1, 0, 1), 0, ['a', 'b', 'c'])).toBe('a|c');
  });

  it.each(['lac', 'aps'] as SetScore[])('%s: marginal coverage is at least 90 % over many calibrations of an overconfident model (LAC: at most 90 % + 1/(n+1))', (score) => {
    // Exchangeable rows: 400 draws of 99 calibration rows and 200 new rows each; E[coverage] ≥ 0.9, and
    // ≤ 0.9 + 1/100 where scores do not tie (LAC's). APS without randomisation ties at 1 (the least
    // probable class's score) and covers more.
    const rng = new Rng(17);
    let covered = 0;
    let total = 0;
    let naive = 0;
    for (let t = 0; t < 400; t++) {
      const cal = overconfident(99, 4, rng);
      const test = overconfident(200, 4, rng);
      const c = calibrateSets({ score, method: 'split', coverage: 0.9, proba: cal.proba, y: cal.y, k: 4 });
      const e = scoreSets('test', test.y, predictSets(c, test.proba, 4), 4, 0.9);
      covered += e.empiricalCoverage * e.rows;
      total += e.rows;
      // The model's own "90 % of its probability" sets (the most probable classes until their mass reaches 0.9) undercover: it is overconfident.
      const aps = classScores('aps', test.proba, 4);
      const own = Uint8Array.from(aps, (m, j) => (m - test.proba[j] < 0.9 ? 1 : 0));
      naive += scoreSets('test', test.y, own, 4, 0.9).empiricalCoverage;
    }
    const mean = covered / total;
    expect(mean).toBeGreaterThanOrEqual(0.9 - 0.006);
    if (score === 'lac') expect(mean).toBeLessThanOrEqual(0.91 + 0.006);
    console.log(`${score}: mean coverage ${(mean * 100).toFixed(2)} % over 400 calibrations; the model's own 90 % sets ${((naive / 400) * 100).toFixed(1)} %`);
    expect(naive / 400).toBeLessThan(0.85);
  });
});

describe('prediction sets in the training run (3 classes, generated)', () => {
  it('hold-out: 90 % sets cover 88–92 % of the test rows (mean over seeds 1–3), stored in the bundle, round trip identical', async () => {
    const coverages: number[] = [];
    for (const seed of [1, 2, 3]) {
      const res = await runTraining(await request(4000, seed));
      const [r] = res.leaderboard;
      expect(res.warnings.map((w) => w.code)).not.toContain('no-intervals');
      const s = r.predictionSets!;
      expect(s).toMatchObject({ score: 'lac', method: 'split', coverage: 0.9, calibrationRows: 560 });
      const e = s.evaluation!;
      expect(e.kind).toBe('test');
      expect(e.rows).toBe(1200);
      // An accurate model: about one class a set (LAC leaves a row's set empty where no class is probable enough).
      expect(e.meanSetSize).toBeGreaterThan(0.8);
      expect(e.meanSetSize).toBeLessThan(1.5);
      coverages.push(e.empiricalCoverage);
      // The bundle carries the sets; loaded back, the same scores and the same sets.
      const loaded = parseBundle(serializeBundle(r.bundle!));
      expect(Array.from(loaded.predictionSets!.scores)).toEqual(Array.from(s.scores));
      expect(loaded.predictionSets!.evaluation).toEqual(e);
      if (!isClassifier(loaded.model)) throw new Error('a classifier expected');
      const members = predictSets(loaded.predictionSets!, loaded.model.predictProba(res.evaluationRows.X), 3);
      expect(scoreSets('test', res.evaluationRows.y, members, 3, 0.9)).toEqual(e);
    }
    const mean = coverages.reduce((a, b) => a + b) / coverages.length;
    console.log(`3-class generated, logistic: 90 % LAC sets cover ${coverages.map((c) => (c * 100).toFixed(1)).join(', ')} % (mean ${(mean * 100).toFixed(1)} %)`);
    expect(mean).toBeGreaterThanOrEqual(0.88);
    expect(mean).toBeLessThanOrEqual(0.92);
  });

  it('k-fold: out-of-fold scores of every row, coverage estimated out of fold, of calibrated probabilities too', async () => {
    const res = await runTraining(await request(1500, 4, { split: { kind: 'kfold', k: 5, seed: 4 }, intervals: { coverage: 0.8 }, calibration: 'platt' }));
    const s = res.leaderboard[0].predictionSets!;
    expect(s).toMatchObject({ score: 'lac', method: 'cv', coverage: 0.8, calibrationRows: 1500 });
    expect(s.evaluation!.kind).toBe('out-of-fold');
    expect(Math.abs(s.evaluation!.empiricalCoverage - 0.8)).toBeLessThan(0.03);
  });

  it('APS when asked: larger sets, never empty, covering at least the coverage asked', async () => {
    const res = await runTraining(await request(2000, 8, { intervals: { setScore: 'aps' } }));
    const s = res.leaderboard[0].predictionSets!;
    expect(s.score).toBe('aps');
    expect(s.evaluation!.empiricalCoverage).toBeGreaterThanOrEqual(0.88);
    expect(s.evaluation!.meanSetSize).toBeGreaterThanOrEqual(1);
  });

  it('too few rows: no sets, said so', async () => {
    const res = await runTraining(await request(24, 5, { intervals: { coverage: 0.95 } }));
    expect(res.leaderboard[0].predictionSets).toBeUndefined();
    expect(res.warnings.find((w) => w.code === 'no-intervals')?.message).toMatch(/^No prediction sets: 95 % prediction sets need at least 19 calibration rows/);
  });

  it('a damaged predictionSets field is refused, naming its path', async () => {
    const res = await runTraining(await request(400, 6));
    const json = JSON.parse(serializeBundle(res.leaderboard[0].bundle!)) as { predictionSets: Record<string, unknown> };
    json.predictionSets.score = 'raps';
    expect(() => parseBundle(JSON.stringify(json))).toThrow(BundleError);
    try {
      parseBundle(JSON.stringify(json));
    } catch (e) {
      expect((e as BundleError).where.field).toBe('predictionSets.score');
    }
  });
});

describe('predicting with prediction sets', () => {
  it('one row gets its set; a file gets prediction_set (labels joined by |, quoted as CSV needs), the same from predictCsv and streamPredict', async () => {
    const res = await runTraining(await request(1200, 7));
    const loaded = parseBundle(serializeBundle(res.leaderboard[0].bundle!));
    const one = predictRecords(loaded, [{ f1: 0.1, f2: -0.2, f3: 0.05 }], 1, { interval: 0.9 });
    expect(one.sets).toHaveLength(3);
    const sure = predictRecords(loaded, [{ f1: 4, f2: -4, f3: 0 }], 1, { interval: 0.9 });
    // Classes in sorted order: high, low, "mid, or so"; this row is clearly "low".
    expect(Array.from(sure.sets!)).toEqual([0, 1, 0]);
    const csv = 'f1,f2,f3\n4,-4,0\n0.1,-0.2,0.05\n-3,4,0\n';
    let viaChunks = '';
    const summary = await predictCsv(loaded, csv, { interval: 0.9, onChunk: (c) => void (viaChunks += predictionChunkToCsv(c, c.firstRow === 1)) });
    const out = Papa.parse<Record<string, string>>(viaChunks.trim(), { header: true }).data;
    expect(Object.keys(out[0])).toEqual(['f1', 'f2', 'f3', 'prediction', 'proba_high', 'proba_low', 'proba_mid, or so', 'prediction_set', 'error']);
    expect(out[0].prediction_set).toBe('low');
    for (const r of out.slice(0, 3)) for (const label of r.prediction_set.split('|').filter(Boolean)) expect(['high', 'low', 'mid, or so']).toContain(label);
    expect(viaChunks).toContain('"'); // the label with a comma is quoted
    expect(summary.interval).toEqual({ coverage: 0.9 });
    expect(summary.meanSetSize).toBeGreaterThanOrEqual(1);
    const chunks: Uint8Array[] = [];
    await streamPredict(loaded, csv, { write: (b) => void chunks.push(b) }, { interval: 0.9 });
    expect(Buffer.concat(chunks).toString('utf8')).toBe(viaChunks);
  });
});
