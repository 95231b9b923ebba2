import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../../src/core/bundle/bundle';
import { concatTables, parseCsv, takeRows, trainTestSplit, type ParsedDataset, type Table } from '../../../src/core/data';
import { PipelineError } from '../../../src/core/errors';
import { regressionMetrics } from '../../../src/core/metrics';
import { runRetrain, type RetrainRequest } from '../../../src/core/pipeline/retrain';
import { runTraining } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import { haveGemstone, SKIP_MESSAGE } from '../../helpers/gemstone';
import { csvText, gemstoneLines } from '../../helpers/gemstone-subsets';

const hashOf = (c: string): string => c.repeat(64);

/** A champion trained (gbdt, quick) on the given rows, as a loaded bundle. */
async function champion(ds: ParsedDataset, hash: string, params: Record<string, unknown> = { maxIterations: 60 }): Promise<LoadedBundle> {
  const res = await runTraining({
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'price', ds.table),
    candidates: [{ type: 'gbdt', params }],
    split: { kind: 'holdout', testSize: 0.2, seed: 7 },
    dataset: { hash, name: 'champion.csv' },
    modelSeed: 7,
    bundles: 'best',
  });
  return parseBundle(serializeBundle(res.leaderboard[0].bundle!));
}

describe('concatTables', () => {
  it('appends rows and merges the levels of a categorical column, remapping codes', () => {
    const a: Table = { rowCount: 2, columns: [{ type: 'numeric', name: 'x', values: Float64Array.of(1, 2) }, { type: 'categorical', name: 'c', codes: Int32Array.of(0, 1), levels: ['a', 'b'] }] };
    const b: Table = { rowCount: 3, columns: [{ type: 'categorical', name: 'c', codes: Int32Array.of(0, -1, 1), levels: ['b', 'z'] }, { type: 'numeric', name: 'x', values: Float64Array.of(3, NaN, 5) }] };
    const t = concatTables([a, b]);
    expect(t.rowCount).toBe(5);
    expect(Array.from((t.columns[0] as { values: Float64Array }).values)).toEqual([1, 2, 3, NaN, 5]);
    const c = t.columns[1] as { codes: Int32Array; levels: string[] };
    expect(c.levels).toEqual(['a', 'b', 'z']);
    expect(Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]))).toEqual(['a', 'b', 'b', null, 'z']);
  });

  it('names the column that a later part lacks', () => {
    const a: Table = { rowCount: 1, columns: [{ type: 'numeric', name: 'x', values: Float64Array.of(1) }] };
    const b: Table = { rowCount: 1, columns: [{ type: 'numeric', name: 'y', values: Float64Array.of(1) }] };
    expect(() => concatTables([a, b])).toThrow(/Part 2 of the rows has no column "x"/);
  });
});

describe.skipIf(!haveGemstone)(`retraining on gemstone subsets (reference split) ${haveGemstone ? '' : SKIP_MESSAGE}`, () => {
  let small: ParsedDataset; // reference training rows with carat ≤ 1
  let all: ParsedDataset; // every reference training row
  let fresh: ParsedDataset; // the reference test rows: the new labelled data
  let smallChampion: LoadedBundle;

  beforeAll(async () => {
    const g = gemstoneLines();
    small = await parseCsv(csvText(g.header, g.train.filter((l) => g.value(l, 'carat') <= 1)));
    all = await parseCsv(csvText(g.header, g.train));
    fresh = await parseCsv(csvText(g.header, g.test));
    smallChampion = await champion(small, hashOf('a'));
  }, 60_000);

  const request = (over: Partial<RetrainRequest> = {}): RetrainRequest => ({
    champion: smallChampion,
    newData: { table: fresh.table, dataset: { hash: hashOf('b'), name: 'test-rows.csv', rows: fresh.table.rowCount } },
    mode: 'new',
    ...over,
  });

  it('a champion that never saw stones over one carat loses to a challenger trained on the new rows, scored on the same held-out rows', async () => {
    const r = await runRetrain(request());
    // The held-out part is the seeded 20 % of the new rows (seed: the champion's split seed).
    const split = trainTestSplit(fresh.table.rowCount, { testSize: 0.2, seed: 7 });
    expect(r.seed).toBe(7);
    expect(r.evaluatedRows).toBe(split.test.length);
    expect(r.skippedRows).toEqual({ cleaning: 0, missingTarget: 0, unpredictable: 0 });
    expect(r.training).toMatchObject({ baseRows: 0, newRows: split.train.length });
    // The champion's figures are its predictions on exactly those rows.
    const held = takeRows(fresh.table, split.test);
    const { X } = smallChampion.recipe.transformTable(held);
    const y = (held.columns.find((c) => c.name === 'price') as { values: Float64Array }).values;
    expect(r.champion.metrics).toEqual(regressionMetrics(y, smallChampion.recipe.decodeTarget(smallChampion.model.predict(X))));
    // The challenger's figures are its bundle's predictions on the same rows.
    const challenger = parseBundle(serializeBundle(r.bundle));
    expect(r.challenger.metrics).toEqual(regressionMetrics(y, challenger.recipe.decodeTarget(challenger.model.predict(challenger.recipe.transformTable(held).X))));
    expect(r.rankedBy).toBe('r2');
    expect(r.better).toBe('challenger');
    expect(r.challenger.metrics!.r2).toBeGreaterThan(0.95);
    expect(r.champion.metrics!.r2).toBeLessThan(r.challenger.metrics!.r2 - 0.1);
  });

  it('keeps the champion’s recipe and hyperparameters, and its lineage names the parents and the champion', async () => {
    const r = await runRetrain(request());
    const b = parseBundle(serializeBundle(r.bundle)).bundle;
    expect(b.model.type).toBe('gbdt');
    expect(b.model.params).toEqual(smallChampion.bundle.model.params);
    expect((b.recipe as { recipe: unknown }).recipe).toEqual((smallChampion.bundle.recipe as { recipe: unknown }).recipe);
    expect(b.lineage.datasetHash).toBe(r.training.dataset.hash);
    expect(b.lineage.datasetHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.lineage.parents).toEqual([{ role: 'new', hash: hashOf('b'), name: 'test-rows.csv', rows: fresh.table.rowCount }]);
    expect(b.lineage.retrain).toEqual({ mode: 'new', holdoutShare: 0.2, seed: 7, champion: { name: smallChampion.bundle.name, datasetHash: hashOf('a'), createdAt: smallChampion.bundle.lineage.createdAt } });
    // The same retrain of the same files is the same derived dataset version; another mode is another.
    const again = await runRetrain(request({ mode: 'window', window: 500 }));
    expect(again.training.dataset.hash).not.toBe(r.training.dataset.hash);
  });

  it('old ∪ new puts the base rows first; a window keeps the newest rows; both scored on the same held-out rows as new-only', async () => {
    const base = { table: small.table, dataset: { hash: hashOf('a'), name: 'small.csv', rows: small.table.rowCount } };
    const union = await runRetrain(request({ mode: 'all', base }));
    const newOnly = await runRetrain(request());
    expect(union.training).toMatchObject({ baseRows: small.table.rowCount, newRows: newOnly.training.newRows });
    expect(union.run.split.trainRows).toBe(small.table.rowCount + newOnly.training.newRows);
    expect(union.training.parents.map((p) => p.role)).toEqual(['base', 'new']);
    expect(union.evaluatedRows).toBe(newOnly.evaluatedRows);
    expect(union.champion.metrics).toEqual(newOnly.champion.metrics);
    const windowed = await runRetrain(request({ mode: 'window', window: newOnly.training.newRows + 1000, base }));
    expect(windowed.training).toMatchObject({ baseRows: 1000, newRows: newOnly.training.newRows });
    expect(windowed.run.split.trainRows).toBe(newOnly.training.newRows + 1000);
    const clipped = await runRetrain(request({ mode: 'window', window: 10 ** 6 }));
    expect(clipped.warnings.join(' ')).toMatch(/window asks for 1000000 rows but only \d+ are available/);
  }, 60_000);

  it('a challenger trained on a window of 40 rows loses to a champion trained on every reference training row', async () => {
    const strong = await champion(all, hashOf('c'));
    const r = await runRetrain(request({ champion: strong, mode: 'window', window: 40 }));
    expect(r.run.split.trainRows).toBe(40);
    expect(r.better).toBe('champion');
    expect(r.champion.metrics!.rmse).toBeLessThan(r.challenger.metrics!.rmse);
  });

  it('a fresh model choice: the best of the given candidates is the challenger', async () => {
    const r = await runRetrain(request({ candidates: [{ type: 'linear' }, { type: 'gbdt', params: { maxIterations: 80 } }] }));
    expect(r.run.leaderboard).toHaveLength(2);
    expect(r.challenger.type).toBe(r.run.leaderboard[0].type);
    expect(r.bundle.model.type).toBe(r.run.leaderboard[0].type);
  });

  it('refuses what cannot be retrained, naming the field or column', async () => {
    await expect(runRetrain(request({ mode: 'all' }))).rejects.toMatchObject({ code: 'no-base-data', where: { field: 'base' } });
    await expect(runRetrain(request({ mode: 'window', window: 1 }))).rejects.toMatchObject({ code: 'bad-window', where: { field: 'window' } });
    const unlabelled = await parseCsv('carat,cut,color,clarity,depth,table,x,y,z\n0.3,Ideal,E,VS1,61,57,4.3,4.3,2.6\n');
    const e = await runRetrain(request({ newData: { table: unlabelled.table, dataset: { hash: hashOf('d'), name: 'unlabelled.csv' } } })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PipelineError);
    expect(e).toMatchObject({ code: 'missing-column', where: { column: 'price' } });
    expect((e as Error).message).toBe('The new data (unlabelled.csv) has no column "price", which the model predicts.');
    const blank = await parseCsv('carat,cut,color,clarity,depth,table,x,y,z,price\n0.3,Ideal,E,VS1,61,57,4.3,4.3,2.6,\n0.4,Ideal,E,VS1,61,57,4.6,4.6,2.8,\n');
    await expect(runRetrain(request({ newData: { table: blank.table, dataset: { hash: hashOf('d') } } }))).rejects.toMatchObject({ code: 'unlabelled', where: { column: 'price' } });
  });
});
if (!haveGemstone) console.warn(SKIP_MESSAGE);
