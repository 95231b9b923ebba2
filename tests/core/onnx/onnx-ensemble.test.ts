/**
 * ONNX export of an ensemble (its members' graphs, weighed and summed) and of gradient-boosted
 * trees with the log-link loss (the exp of the trees' sum, as the booster predicts), checked in
 * onnxruntime-node against Loupe's own predictions.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../../src/core/bundle/bundle';
import { parseCsv } from '../../../src/core/data';
import { ExportError } from '../../../src/core/errors';
import { exportOnnx } from '../../../src/core/onnx/export';
import { predictRecords } from '../../../src/core/pipeline/predict';
import { runTraining, type CandidateSpec } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import { generateSampleGemstones } from '../../../src/core/sample';
import { compare, onnxColumns, runOnnx } from '../../helpers/onnx';

const records = Papa.parse<Record<string, string>>(generateSampleGemstones(40, 9).trim(), { header: true }).data;

async function bundleOf(candidates: CandidateSpec[], name: string, ensemble = false): Promise<LoadedBundle> {
  const ds = await parseCsv(generateSampleGemstones(900, 3));
  const res = await runTraining({
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'price', ds.table),
    dataset: { hash: 'c'.repeat(64) },
    candidates,
    split: ensemble ? { kind: 'kfold', k: 3, seed: 1 } : { kind: 'holdout', testSize: 0.2, seed: 1 },
    ...(ensemble ? { ensemble: { method: 'stacking' as const } } : {}),
    intervals: false,
  });
  return parseBundle(serializeBundle(res.leaderboard.find((r) => r.name === name)!.bundle!));
}

async function worstRelative(loaded: LoadedBundle): Promise<number> {
  const { prediction } = await runOnnx(exportOnnx(loaded), onnxColumns(loaded.recipe.inputSchema(), records));
  const c = compare(prediction, predictRecords(loaded, records).predictions);
  expect(c.nanMismatches).toBe(0);
  return c.worstRelative;
}

describe('ONNX export', () => {
  it.each(['squared_error_log_link', 'squared_error_log_target'])('gradient-boosted trees with the %s loss predict exp of the trees’ sum, as in Loupe', async (loss) => {
    const loaded = await bundleOf([{ type: 'gbdt', params: { loss, maxIterations: 40 } }], 'Gradient-boosted trees');
    expect(await worstRelative(loaded)).toBeLessThanOrEqual(1e-12);
  });

  it('an ensemble is its members’ graphs weighed and summed (a log-link gbdt member included)', async () => {
    const loaded = await bundleOf(
      [{ type: 'ridge' }, { type: 'tree', params: { maxDepth: 5 } }, { type: 'gbdt', params: { loss: 'squared_error_log_link', maxIterations: 40 } }],
      'Ensemble',
      true,
    );
    expect(loaded.bundle.model.type).toBe('ensemble');
    // Stacking gives every member a weight: three graphs in one.
    expect((loaded.model.toJSON().state.members as unknown[]).length).toBe(3);
    expect(await worstRelative(loaded)).toBeLessThanOrEqual(1e-12);
  });

  it('refuses an ensemble with a k-NN member, naming it', async () => {
    const loaded = await bundleOf([{ type: 'ridge' }, { type: 'knn', params: { k: 10 } }], 'Ensemble', true);
    let err: unknown;
    try {
      exportOnnx(loaded);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExportError);
    expect(err).toMatchObject({ code: 'not-exportable', where: { field: 'model.state.members[1].type' } });
    expect((err as Error).message).toMatch(/member 2 \(k-nearest neighbours\) cannot\. k-nearest neighbours predicts by searching/);
  });
});
