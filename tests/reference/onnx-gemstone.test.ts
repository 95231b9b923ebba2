/**
 * ONNX export on the gemstone reference split, through the CLI (`export-onnx`) and run by
 * onnxruntime-node: for every exportable model, the ONNX file's prediction for each of the
 * 13,107 test rows equals Loupe's own (`predictCsv` on the same rows) within 1e-6 relative —
 * with the default recipe, and with a log1p target and derived features. The MLP computes in
 * double on both sides (Loupe's float64 forward pass, the ONNX file's double Gemm layers) over the
 * same widened float32 weights, so it is held to the same bound.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../src/core/bundle/bundle';
import { parseCsv, type ParsedDataset } from '../../src/core/data';
import { MODEL_CATALOG, MODEL_TYPES } from '../../src/core/models/catalog';
import type { ModelType } from '../../src/core/models/types';
import { predictCsv } from '../../src/core/pipeline/predict';
import { runTraining } from '../../src/core/pipeline/train';
import { defaultRecipe, type Recipe } from '../../src/core/recipe';
import { runCli } from '../helpers/cli';
import { haveGemstone, SKIP_MESSAGE } from '../helpers/gemstone';
import { compare, gemstoneText, runOnnx, type GemstoneText } from '../helpers/onnx';

const EXPORTABLE = MODEL_TYPES.filter((t) => MODEL_CATALOG[t].exports.includes('onnx'));
/** A smaller forest than the default 100 trees keeps the test's time down; the export is the same code for any count. */
const PARAMS: Partial<Record<ModelType, Record<string, unknown>>> = { forest: { nEstimators: 25 } };
const dir = mkdtempSync(join(tmpdir(), 'loupe-onnx-'));

interface Split extends GemstoneText {
  train: ParsedDataset;
  test: ParsedDataset;
}

async function loadSplit(): Promise<Split> {
  const text = gemstoneText();
  const [train, test] = await Promise.all([parseCsv(text.trainCsv), parseCsv(text.testCsv)]);
  return { ...text, train, test };
}

async function trainAll(split: Split, recipe: Recipe, types: readonly ModelType[]): Promise<Map<ModelType, LoadedBundle>> {
  const result = await runTraining({
    table: split.train.table,
    recipe,
    dataset: { hash: 'd'.repeat(64) },
    candidates: types.map((type) => ({ type, params: PARAMS[type] })),
    split: { kind: 'test-table', table: split.test.table, seed: 42 },
    modelSeed: 42,
  });
  const out = new Map<ModelType, LoadedBundle>();
  for (const c of result.leaderboard) {
    expect(c.status, `${c.type}: ${c.error?.message}`).toBe('finished');
    out.set(c.type, parseBundle(serializeBundle(c.bundle!)));
  }
  return out;
}

/** Loupe's predictions for the test file, and the ONNX file's (written by the CLI), for one bundle. */
async function bothPredictions(split: Split, loaded: LoadedBundle, name: string): Promise<{ loupe: Float64Array; onnx: Float64Array }> {
  const bundlePath = join(dir, `${name}.json`);
  const onnxPath = join(dir, `${name}.onnx`);
  writeFileSync(bundlePath, serializeBundle(loaded.bundle));
  const r = await runCli(['export-onnx', bundlePath, onnxPath]);
  expect(r.err).toMatch(/^wrote /);
  expect(r.code).toBe(0);
  const parts: Float64Array[] = [];
  await predictCsv(loaded, split.testCsv, { chunkRows: 20_000, onChunk: (c) => void parts.push(c.predictions) });
  const loupe = Float64Array.from(parts.flatMap((p) => Array.from(p)));
  const { prediction } = await runOnnx(new Uint8Array(readFileSync(onnxPath)), split.testColumns(loaded.recipe.inputSchema()));
  return { loupe, onnx: prediction };
}

describe.skipIf(!haveGemstone)(`ONNX export on the gemstone reference split ${haveGemstone ? '' : SKIP_MESSAGE}`, () => {
  let split: Split;
  let defaults: Map<ModelType, LoadedBundle>;
  let logged: Map<ModelType, LoadedBundle>;

  beforeAll(async () => {
    split = await loadSplit();
    expect(split.test.table.rowCount).toBe(13_107);
    defaults = await trainAll(split, defaultRecipe(split.train.schema, 'price', split.train.table), EXPORTABLE);
    const recipe = defaultRecipe(split.train.schema, 'price', split.train.table);
    recipe.targetTransform = 'log1p';
    recipe.features = [
      { name: 'volume', op: 'product', columns: ['x', 'y', 'z'] },
      { name: 'density', op: 'ratio', columns: ['carat', 'volume'], impute: { strategy: 'median' } },
      { name: 'log_carat', op: 'log', columns: ['carat'] },
    ];
    logged = await trainAll(split, recipe, ['ridge', 'gbdt', 'forest', 'mlp']);
  });

  it.each(EXPORTABLE)('%s (default recipe): all 13,107 test rows within 1e-6 relative', async (type) => {
    const { loupe, onnx } = await bothPredictions(split, defaults.get(type)!, `default-${type}`);
    const c = compare(onnx, loupe);
    console.log(`onnx ${type}: worst relative difference ${c.worstRelative.toExponential(2)} over ${loupe.length} rows`);
    expect(c.nanMismatches + c.nanRows).toBe(0);
    expect(c.worstRelative, `row ${c.worstRow}: onnx ${onnx[c.worstRow]} vs loupe ${loupe[c.worstRow]}`).toBeLessThanOrEqual(1e-6);
  });

  it.each(['ridge', 'gbdt', 'forest', 'mlp'] as const)('%s (log1p target, derived volume, density and log): all test rows within 1e-6 relative', async (type) => {
    const { loupe, onnx } = await bothPredictions(split, logged.get(type)!, `log1p-${type}`);
    const c = compare(onnx, loupe);
    console.log(`onnx ${type} (log1p, derived): worst relative difference ${c.worstRelative.toExponential(2)}`);
    expect(c.nanMismatches + c.nanRows).toBe(0);
    expect(c.worstRelative, `row ${c.worstRow}: onnx ${onnx[c.worstRow]} vs loupe ${loupe[c.worstRow]}`).toBeLessThanOrEqual(1e-6);
  });
});
if (!haveGemstone) console.warn(SKIP_MESSAGE);
