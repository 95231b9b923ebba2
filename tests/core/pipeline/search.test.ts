import { describe, expect, it } from 'vitest';
import { parseCsv, targetIsPositive } from '../../../src/core/data';
import { CancelledError } from '../../../src/core/errors';
import { rmse } from '../../../src/core/metrics';
import { MODEL_CATALOG } from '../../../src/core/models/catalog';
import { drawParams, searchSpaceOf, startParams } from '../../../src/core/models/search-space';
import { resolveParams } from '../../../src/core/models/params';
import { Rng } from '../../../src/core/random';
import { DEFAULT_SEARCH_MODELS, defaultSearchModels, fitOnTrainingRows, prefittedOf, refitParams, runSearch, searchData, searchTrials, type FitRows, type RefitHook, type SearchRequest, type Trial, type TrialRunner } from '../../../src/core/pipeline/search';
import type { ModelType } from '../../../src/core/models/types';
import { defaultRecipe } from '../../../src/core/recipe';
import { generateSampleChurn, generateSampleGemstones } from '../../../src/core/sample';
import { logLoss } from '../../../src/core/metrics/classification';
import { ensembleOfTrials } from '../../../src/core/pipeline/search-ensemble';
// The ensemble is not searched: it is made from a search's trials (pipeline/search-ensemble.ts).
import { CANDIDATE_TYPES as SEARCHED_TYPES } from '../../../src/core/models/catalog';

const DATASET = { hash: 'c'.repeat(64), name: 'sample.csv' };

/** A search of the gemstone sample's price, or of the churn sample's Churn (a classification). */
async function request(rows: number, rest: Partial<SearchRequest>, sample: 'gemstones' | 'churn' = 'gemstones'): Promise<SearchRequest> {
  const ds = await parseCsv(sample === 'churn' ? generateSampleChurn(rows, 4) : generateSampleGemstones(rows, 5));
  return {
    table: ds.table,
    recipe: defaultRecipe(ds.schema, sample === 'churn' ? 'Churn' : 'price', ds.table),
    dataset: DATASET,
    split: { kind: 'holdout', testSize: 0.2, seed: 7 },
    models: ['ridge', 'tree', 'knn'],
    seed: 3,
    folds: 3,
    budgetSeconds: 600,
    intervals: false,
    referenceSampleRows: 0,
    ...rest,
  };
}

/** What makes two searches the same: which configurations ran on which rows, and how they scored. */
const shape = (ts: Trial[]) => ts.map((t) => ({ id: t.id, model: t.model, params: t.params, resource: t.resource, bracket: t.bracket, rung: t.rung, status: t.status, cvScore: t.cvScore }));

describe('search spaces', () => {
  it('every model with a hyperparameter worth tuning declares where a search draws it', () => {
    // Plain least squares has nothing to tune; every other model must be searchable.
    for (const type of SEARCHED_TYPES.filter((t) => t !== 'linear')) expect(searchSpaceOf(MODEL_CATALOG[type].params).length, type).toBeGreaterThan(0);
    for (const type of SEARCHED_TYPES.filter((t) => MODEL_CATALOG[t].seeded)) expect(searchSpaceOf(MODEL_CATALOG[type].params).map(([k]) => k), type).not.toContain('seed');
  });

  it('draws valid, seeded configurations that vary', () => {
    for (const type of SEARCHED_TYPES) {
      const table = MODEL_CATALOG[type].params;
      const a = new Rng(11);
      const b = new Rng(11);
      const draws = Array.from({ length: 30 }, () => drawParams(table, a, type));
      expect(Array.from({ length: 30 }, () => drawParams(table, b, type))).toEqual(draws);
      for (const d of draws) expect(() => resolveParams(table, d, type)).not.toThrow();
      if (type !== 'linear') expect(new Set(draws.map((d) => JSON.stringify(d))).size, type).toBeGreaterThan(1);
    }
  });

  it('tries a log-link loss only when every training target is above 0', () => {
    const table = MODEL_CATALOG.gbdt.params;
    const losses = (positiveTarget: boolean): Set<unknown> => {
      const rng = new Rng(5);
      return new Set(Array.from({ length: 40 }, () => drawParams(table, rng, 'gbdt', { positiveTarget }).loss));
    };
    expect(losses(true)).toEqual(new Set(['squared_error', 'squared_error_log_link', 'squared_error_log_target']));
    // Not searched: the field is left out of the draw and keeps its default.
    expect(losses(false)).toEqual(new Set([undefined]));
    expect(searchSpaceOf(table, { positiveTarget: false }).map(([k]) => k)).not.toContain('loss');
    expect(searchSpaceOf(table).map(([k]) => k)).toContain('loss');
  });

  it('starts a gbdt search from its defaults, a depth-limited log-link configuration and a log-target one, as the target allows', () => {
    const table = MODEL_CATALOG.gbdt.params;
    const [start, logTarget] = MODEL_CATALOG.gbdt.searchStarts!;
    expect(startParams(table, start, { positiveTarget: true })).toEqual(start);
    const { loss: _loss, ...rest } = start;
    expect(startParams(table, start, { positiveTarget: false })).toEqual(rest);
    expect(startParams(table, logTarget, { positiveTarget: true })).toEqual({ loss: 'squared_error_log_target' });
    expect(startParams(table, logTarget, { positiveTarget: false })).toEqual({});
    for (const type of SEARCHED_TYPES) for (const st of MODEL_CATALOG[type].searchStarts ?? []) expect(() => resolveParams(MODEL_CATALOG[type].params, st, type)).not.toThrow();
  });

  it('draws a k-NN classifier\'s k from 10 up (log loss punishes the 0/1 probabilities of a few neighbours), a regressor\'s from 1', () => {
    const ks = (type: 'knn' | 'knn-classifier'): number[] => {
      const rng = new Rng(2);
      return Array.from({ length: 200 }, () => drawParams(MODEL_CATALOG[type].params, rng, type).k as number);
    };
    const cls = ks('knn-classifier');
    expect(Math.min(...cls)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...cls)).toBeLessThanOrEqual(200);
    expect(Math.max(...cls)).toBeGreaterThan(100);
    expect(Math.min(...ks('knn'))).toBeLessThan(3);
    // The defaults are scikit-learn's for both.
    expect(MODEL_CATALOG['knn-classifier'].params.defaults.k).toBe(5);
  });

  it('knows a positive target from its values, missing ones aside', () => {
    const table = (values: number[]) => ({ rowCount: values.length, columns: [{ type: 'numeric' as const, name: 'y', values: Float64Array.from(values) }] });
    expect(targetIsPositive(table([3, NaN, 0.5]), 'y')).toBe(true);
    expect(targetIsPositive(table([3, 0, 0.5]), 'y')).toBe(false);
    expect(targetIsPositive(table([3, -1]), 'y')).toBe(false);
    expect(targetIsPositive(table([NaN]), 'y')).toBe(false);
    expect(targetIsPositive(table([1]), 'other')).toBe(false);
  });
});

describe('the model search', () => {
  it('is determined by its seed when bounded in trials, and keeps every trial’s out-of-fold predictions', async () => {
    const req = await request(1200, { maxTrials: 14 });
    const a = await runSearch(req);
    const b = await runSearch(await request(1200, { maxTrials: 14 }));
    expect(a.stoppedBy).toBe('max-trials');
    expect(a.trials).toHaveLength(14);
    expect(shape(b.trials)).toEqual(shape(a.trials));
    expect(b.best.id).toBe(a.best.id);
    // Defaults first, on every row; then successive halving from a fraction of the rows.
    expect(a.trials.slice(0, 3).map((t) => [t.model, t.resource, t.bracket])).toEqual([['ridge', 1, -1], ['tree', 1, -1], ['knn', 1, -1]]);
    expect(a.trials[3].resource).toBeLessThan(1);
    expect(new Set(a.trials.map((t) => t.model))).toEqual(new Set(['ridge', 'tree', 'knn']));
    // The best is the lowest CV RMSE among full-resource trials, and the curve only improves.
    const full = a.trials.filter((t) => t.status === 'finished' && t.resource === 1);
    expect(a.best.cvScore).toBe(Math.min(...full.map((t) => t.cvScore)));
    expect(a.curve.at(-1)!.cvScore).toBe(a.best.cvScore);
    for (let i = 1; i < a.curve.length; i++) expect(a.curve[i].cvScore).toBeLessThan(a.curve[i - 1].cvScore);
    // Each trial's out-of-fold predictions are aligned to the training rows and give its score.
    expect(a.actual).toHaveLength(960);
    for (const t of a.trials.filter((x) => x.status === 'finished')) {
      expect(t.oof).toHaveLength(960);
      expect(rmse(a.actual, t.oof!)).toBeCloseTo(t.cvScore, 9);
    }
    expect(new Set(a.foldOf)).toEqual(new Set([0, 1, 2]));
    // The best, refitted on every training row and scored on the test part, with its bundle.
    expect(a.candidate).toMatchObject({ type: a.best.model, status: 'finished' });
    expect(a.candidate.params).toEqual(a.best.params);
    expect(a.run.split).toMatchObject({ kind: 'holdout', trainRows: 960, testRows: 240 });
    expect(a.candidate.metrics!.rmse).toBeGreaterThan(0);
    expect(a.candidate.bundle).toBeDefined();
  });

  it('refits a gbdt whose CV fits stopped early on every row, for as many iterations as they ran', async () => {
    const res = await runSearch(await request(1200, { maxTrials: 8, models: ['gbdt'] }));
    // The defaults ('auto': no early stopping under 10,000 rows) ran their iterations to the end…
    expect(res.trials[0].params.earlyStopping).toBe('auto');
    expect(res.trials[0].stepsRun).toBeUndefined();
    expect(refitParams(res.trials[0])).toEqual(res.trials[0].params);
    // …the drawn configurations stop early (the space holds true): each of the 3 fits' iterations.
    const stopped = res.trials.filter((t) => t.status === 'finished' && t.params.earlyStopping === true);
    expect(stopped.length).toBeGreaterThan(0);
    for (const t of stopped) {
      expect(t.stepsRun).toHaveLength(3);
      for (const n of t.stepsRun!) expect(n).toBeGreaterThan(0);
      const mean = t.stepsRun!.reduce((a, b) => a + b, 0) / 3;
      expect(refitParams(t)).toEqual({ ...t.params, earlyStopping: false, maxIterations: Math.round(mean) });
    }
    // The refit of the best trains with exactly those params, and its model ran that many iterations.
    expect(res.candidate.params).toEqual(refitParams(res.best));
    if (res.best.stepsRun) expect(res.candidate.model!.history().train).toHaveLength(res.candidate.params.maxIterations as number);
  });

  it('refits an MLP as the average of several seeded networks, unless the trial chose more', () => {
    const trial = (networks: number) => ({ model: 'mlp' as const, params: { ...MODEL_CATALOG.mlp.params.defaults, networks } as Record<string, unknown> });
    expect(MODEL_CATALOG.mlp.refitAveraged).toEqual({ param: 'networks', count: 3 });
    expect(refitParams(trial(1))).toEqual({ ...trial(1).params, networks: 3 });
    expect(refitParams(trial(5)).networks).toBe(5);
    // Other families refit with their own params.
    const ridge = { model: 'ridge' as const, params: { alpha: 2 } };
    expect(refitParams(ridge)).toBe(ridge.params);
  });

  it('opens with the defaults and starting points, and begins the brackets while a long one runs', async () => {
    // A fake runner: trial 1 (gbdt's first starting point) takes 300 ms, every other trial no time.
    const events: string[] = [];
    const runner = (parallel: number): TrialRunner => ({
      parallel,
      run: async (spec) => {
        events.push(`start ${spec.id}`);
        if (spec.id === 1) await new Promise((r) => setTimeout(r, 300));
        events.push(`end ${spec.id}`);
        return { status: 'finished', cvScore: 100 + ((spec.id * 7) % 11), seconds: 0 };
      },
    });
    const schedule = { models: ['gbdt', 'ridge'] as ModelType[], seed: 1, budgetSeconds: 600, maxTrials: 12, foldTrainRows: 5000, positiveTarget: true };
    const two = await searchTrials({ ...schedule, runner: runner(2) });
    // gbdt's defaults and starting points, ridge's defaults, all on every row before any bracket.
    expect(two.trials.slice(0, 4).map((t) => [t.model, t.bracket, t.resource])).toEqual([['gbdt', -1, 1], ['gbdt', -1, 1], ['gbdt', -1, 1], ['ridge', -1, 1]]);
    expect(two.trials[1].params).toMatchObject({ maxDepth: 6, numLeaves: 64, learningRate: 0.03, loss: 'squared_error_log_link' });
    expect(two.trials[2].params).toMatchObject({ maxDepth: null, numLeaves: 31, learningRate: 0.04, loss: 'squared_error_log_target' });
    expect(two.trials[4].bracket).toBeGreaterThanOrEqual(0);
    // On two slots, brackets ran while the long opening trial did.
    expect(events.indexOf('start 4')).toBeLessThan(events.indexOf('end 1'));
    expect(events.indexOf('end 11')).toBeLessThan(events.indexOf('end 1'));
    // One slot runs the same trials, one after another.
    events.length = 0;
    const one = await searchTrials({ ...schedule, runner: runner(1) });
    expect(one.trials.map(({ seconds: _s, ...t }) => t)).toEqual(two.trials.map(({ seconds: _s, ...t }) => t));
    expect(events.indexOf('end 3')).toBeLessThan(events.indexOf('start 4'));
    expect(events.indexOf('end 1')).toBeLessThan(events.indexOf('start 2'));
    // With a target that is not always above 0, the log-target start is gbdt's defaults: run once.
    const signed = await searchTrials({ ...schedule, positiveTarget: false, runner: runner(1) });
    expect(signed.trials.slice(0, 3).map((t) => [t.model, t.bracket])).toEqual([['gbdt', -1], ['gbdt', -1], ['ridge', -1]]);
    expect(signed.trials[1].params).toMatchObject({ maxDepth: 6, numLeaves: 64, loss: 'squared_error' });
    expect(signed.trials[3].bracket).toBeGreaterThanOrEqual(0);
  });

  it('promotes only the best third of a rung, on three times the rows', async () => {
    // 2,000 training rows per fold: rungs of 1/9, 1/3 and all of them.
    const res = await runSearch(await request(3750, { maxTrials: 17, models: ['tree'], split: { kind: 'holdout', testSize: 0.2, seed: 7 } }));
    const first = res.trials.slice(1); // after the defaults: the first bracket, run to its end
    expect(first.map((t) => [t.bracket, t.rung])).toEqual([...Array(9).fill([2, 0]), ...Array(3).fill([2, 1]), [2, 2], ...Array(3).fill([1, 0])].slice(0, 16));
    const rung = (r: number) => first.filter((t) => t.bracket === 2 && t.rung === r);
    expect(rung(0)[0].resource).toBeCloseTo(1 / 9, 12);
    expect(rung(1)[0].resource).toBeCloseTo(1 / 3, 12);
    expect(rung(2)[0].resource).toBe(1);
    for (const r of [1, 2]) {
      const before = [...rung(r - 1)].sort((x, y) => x.cvScore - y.cvScore || x.id - y.id).slice(0, rung(r).length);
      expect(rung(r).map((t) => t.params)).toEqual(before.map((t) => t.params));
    }
  });

  it('stops when a small budget is spent and keeps the best so far', async () => {
    const res = await runSearch(await request(1500, { budgetSeconds: 0.5, models: ['tree', 'knn'] }));
    expect(res.stoppedBy).toBe('budget');
    expect(res.best.status).toBe('finished');
    expect(res.candidate.status).toBe('finished');
    expect(res.trials.length).toBeGreaterThanOrEqual(1);
  });

  it('cancelling keeps the best so far and refits it', async () => {
    const controller = new AbortController();
    let finished = 0;
    const res = await runSearch(
      await request(1200, {
        signal: controller.signal,
        onTrial: (t) => {
          if (t.status === 'finished' && ++finished === 5) controller.abort();
        },
      }),
    );
    expect(res.stoppedBy).toBe('cancelled');
    expect(res.trials.filter((t) => t.status === 'finished')).toHaveLength(5);
    expect(res.trials).toHaveLength(5);
    expect(res.best.status).toBe('finished');
    expect(res.candidate.bundle).toBeDefined();
  });

  it('says so when cancelled before anything was scored', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runSearch(await request(300, { signal: controller.signal }))).rejects.toBeInstanceOf(CancelledError);
  });
});

describe("the search's refit made elsewhere", () => {
  /** A refit hook that fits on the search's own prepared run, as a worker does, recording which rows it was asked for; `lie` swaps in other params for the proper part. */
  function hookOn(req: SearchRequest, lie?: Record<string, unknown>): { hook: RefitHook; asked: FitRows[] } {
    const data = searchData(req);
    const asked: FitRows[] = [];
    const hook: RefitHook = async (type, params, rows) => {
      asked.push(rows);
      return prefittedOf(await fitOnTrainingRows(data, type, lie && rows !== 'all' ? { ...params, ...lie } : params, undefined, rows));
    };
    return { hook, asked };
  }

  it('takes the best fitted on every row and on the proper part of the calibration split: the same model and intervals', async () => {
    const req = await request(900, { models: ['ridge', 'tree'], maxTrials: 6, intervals: { coverage: 0.8 } });
    const { hook, asked } = hookOn(req);
    const a = await runSearch({ ...req, refit: hook });
    const b = await runSearch(req);
    expect(asked).toEqual(['all', { properAt: 0.8 }]);
    expect(a.candidate.metrics).toEqual(b.candidate.metrics);
    expect(a.candidate.intervals!.scores).toEqual(b.candidate.intervals!.scores);
    expect(a.candidate.intervals!.evaluation).toEqual(b.candidate.intervals!.evaluation);
    expect(a.bestFits).toBeDefined();
  });

  it('really uses the calibration fit it is given (other params: other intervals), and asks for none without hold-out intervals', async () => {
    const req = await request(900, { models: ['ridge'], maxTrials: 2, intervals: { coverage: 0.8, normalized: false } });
    const honest = await runSearch({ ...req, refit: hookOn(req).hook });
    const lied = await runSearch({ ...req, refit: hookOn(req, { alpha: 1e9 }).hook });
    expect(lied.candidate.metrics).toEqual(honest.candidate.metrics);
    expect(lied.candidate.intervals!.evaluation!.meanWidth).toBeGreaterThan(2 * honest.candidate.intervals!.evaluation!.meanWidth);
    for (const rest of [{ intervals: false as const }, { split: { kind: 'kfold' as const, k: 3, seed: 7 } }]) {
      const r = { ...req, ...rest };
      const { hook, asked } = hookOn(r);
      await runSearch({ ...r, refit: hook });
      expect(asked).toEqual(['all']);
    }
  });

  it("makes a classifier's prediction-set calibration fit elsewhere too, to the same sets", async () => {
    const req = await request(900, { models: ['logistic', 'tree-classifier'], maxTrials: 4, intervals: { coverage: 0.8 } }, 'churn');
    const { hook, asked } = hookOn(req);
    const a = await runSearch({ ...req, refit: hook });
    const b = await runSearch(req);
    expect(asked).toEqual(['all', { properAt: 0.8 }]);
    expect(a.candidate.classification).toEqual(b.candidate.classification);
    expect(a.candidate.predictionSets!.evaluation).toEqual(b.candidate.predictionSets!.evaluation);
    expect(a.candidate.predictionSets!.evaluation).toBeDefined();
    // A calibration fit with other params gives other sets: the one given is the one used.
    const one = await request(900, { models: ['logistic'], maxTrials: 1, intervals: { coverage: 0.8 } }, 'churn');
    const honest = await runSearch({ ...one, refit: hookOn(one).hook });
    const lied = await runSearch({ ...one, refit: hookOn(one, { C: 1e-6 }).hook });
    expect(lied.candidate.classification).toEqual(honest.candidate.classification);
    expect(lied.candidate.predictionSets!.evaluation!.meanSetSize).toBeGreaterThan(honest.candidate.predictionSets!.evaluation!.meanSetSize + 0.2);
  });
});

describe('the model search of a classification target', () => {
  const churnRequest = (rest: Partial<SearchRequest>): Promise<SearchRequest> =>
    request(900, { models: ['logistic', 'tree-classifier', 'knn-classifier'], maxTrials: 9, ...rest }, 'churn');

  it('scores classifiers by the log loss of their stratified out-of-fold probabilities, determined by its seed', async () => {
    const a = await runSearch(await churnRequest({}));
    const b = await runSearch(await churnRequest({}));
    expect(a.metric).toBe('log_loss');
    expect(a.trials).toHaveLength(9);
    expect(shape(b.trials)).toEqual(shape(a.trials));
    expect(a.trials.slice(0, 3).map((t) => t.model)).toEqual(['logistic', 'tree-classifier', 'knn-classifier']);
    const n = a.actual.length;
    expect(n).toBe(720);
    // Stratified folds: each holds a third of each class, give or take a row.
    const yes = Array.from(a.actual).filter((c) => c === 1).length;
    for (let f = 0; f < 3; f++) {
      const inFold = Array.from(a.foldOf).map((g, i) => [g, a.actual[i]]).filter(([g]) => g === f);
      expect(Math.abs(inFold.filter(([, c]) => c === 1).length - yes / 3)).toBeLessThanOrEqual(1);
    }
    const finished = a.trials.filter((t) => t.status === 'finished');
    expect(finished.length).toBeGreaterThan(5);
    for (const t of finished) {
      // Two probabilities per row, summing to 1; the score is their log loss.
      expect(t.oof).toHaveLength(2 * n);
      for (let i = 0; i < n; i += 97) expect(t.oof![2 * i] + t.oof![2 * i + 1]).toBeCloseTo(1, 9);
      expect(t.cvScore).toBeCloseTo(logLoss(a.actual, t.oof!, 2), 12);
      expect(t.classification!.logLoss).toBe(t.cvScore);
      expect(t.classification!.rocAuc).toBeGreaterThan(0.6);
      expect(t.metrics).toBeUndefined();
    }
    const full = finished.filter((t) => t.resource === 1);
    expect(a.best.cvScore).toBe(Math.min(...full.map((t) => t.cvScore)));
    // The best refitted and scored on the test part as a classifier, with its bundle.
    expect(a.candidate).toMatchObject({ type: a.best.model, status: 'finished' });
    expect(a.candidate.classification!.rocAuc).toBeGreaterThan(0.6);
    expect(a.candidate.classification!.logLoss).toBeLessThan(0.69);
    expect(a.candidate.bundle).toBeDefined();
  });

  it('refuses a family of the other task, naming it', async () => {
    await expect(runSearch(await churnRequest({ models: ['logistic', 'ridge'] }))).rejects.toMatchObject({
      code: 'wrong-task',
      where: { field: 'models[1]' },
      message: expect.stringContaining('Ridge (ridge) is a regression model, but "Churn" is a classification target'),
    });
    await expect(runSearch(await request(300, { models: ['knn-classifier'] }))).rejects.toMatchObject({ code: 'wrong-task', where: { field: 'models[0]' } });
  });

  it('cannot be blended: an ensemble of its trials is refused', async () => {
    const req = await churnRequest({ maxTrials: 3 });
    const a = await runSearch(req);
    const { table, recipe, split, dataset } = req;
    await expect(ensembleOfTrials({ table, recipe, split, dataset, intervals: false, trials: a.trials, actual: a.actual, foldOf: a.foldOf })).rejects.toMatchObject({ code: 'bad-ensemble', message: expect.stringContaining('Ensembles blend regression models') });
  });

  it('has defaults of its own task', () => {
    expect(defaultSearchModels('classification').every((m) => MODEL_CATALOG[m].tasks.includes('classification'))).toBe(true);
    expect(defaultSearchModels('regression')).toEqual(DEFAULT_SEARCH_MODELS);
  });
});
