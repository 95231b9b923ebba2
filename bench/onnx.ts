/**
 * ONNX export on the reference gemstone split, default recipe and default hyperparameters: per
 * exportable model, the seconds to build the ONNX file (median of 3), its size beside the
 * bundle's, and predicting the 13,107 test rows with onnxruntime-node (one session with one
 * intra-op thread, as Loupe predicts on one; median of 5 runs) beside Loupe's own predictCsv on the
 * same rows in the same run (median of 5). On a busy 2-core machine onnxruntime's default thread
 * pool spins against the other processes and runs tree ensembles several times slower.
 * Run: node --import tsx bench/onnx.ts   (optional: --models linear,gbdt)
 */
import * as ort from 'onnxruntime-node';
import { parseBundle, serializeBundle } from '../src/core/bundle/bundle';
import { parseCsv } from '../src/core/data';
import { MODEL_CATALOG, MODEL_TYPES } from '../src/core/models/catalog';
import type { ModelType } from '../src/core/models/types';
import { exportOnnx } from '../src/core/onnx';
import { predictCsv } from '../src/core/pipeline/predict';
import { runTraining } from '../src/core/pipeline/train';
import { defaultRecipe } from '../src/core/recipe';
import { ensureTf } from '../src/core/tf';
import { haveGemstone, SKIP_MESSAGE } from '../tests/helpers/gemstone';
import { gemstoneText } from '../tests/helpers/onnx';
import { cpuSeconds, median, printJson, round } from './lib/measure';
import { option } from './lib/options';

if (!haveGemstone) {
  console.log(JSON.stringify({ skipped: SKIP_MESSAGE }));
  process.exit(0);
}
const types = (option('models')?.split(',') ?? MODEL_TYPES).filter((t): t is ModelType => MODEL_CATALOG[t as ModelType]?.exports.includes('onnx'));

const text = gemstoneText();
const [train, test] = await Promise.all([parseCsv(text.trainCsv), parseCsv(text.testCsv)]);
await ensureTf();
const result = await runTraining({
  table: train.table,
  recipe: defaultRecipe(train.schema, 'price', train.table),
  dataset: { hash: 'f'.repeat(64) },
  candidates: types.map((type) => ({ type })),
  split: { kind: 'test-table', table: test.table, seed: 42 },
  modelSeed: 42,
});

const seconds = async (fn: () => unknown | Promise<unknown>): Promise<number> => (await timed(fn)).wall;

/** Wall and CPU seconds (every thread of the process: steadier on a shared machine). */
async function timed(fn: () => unknown | Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await fn();
  return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

const rows: Record<string, unknown>[] = [];
for (const c of result.leaderboard) {
  const json = serializeBundle(c.bundle!);
  const loaded = parseBundle(json);
  let bytes: Uint8Array = new Uint8Array();
  const exportS: number[] = [];
  for (let r = 0; r < 3; r++) exportS.push(await seconds(() => (bytes = exportOnnx(loaded))));
  let session!: ort.InferenceSession;
  const sessionS = await seconds(async () => (session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 })));
  const cols = text.testColumns(loaded.recipe.inputSchema());
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, v] of Object.entries(cols)) feeds[name] = v instanceof Float64Array ? new ort.Tensor('float64', v, [v.length, 1]) : new ort.Tensor('string', v, [v.length, 1]);
  const ortS: { wall: number; cpu: number }[] = [];
  const loupeS: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < 5; r++) {
    ortS.push(await timed(() => session.run(feeds)));
    loupeS.push(await timed(() => predictCsv(loaded, text.testCsv, { chunkRows: 20_000, onChunk: () => undefined })));
  }
  rows.push({
    model: c.type,
    exportSeconds: round(median(exportS)),
    onnxMB: round(bytes.length / 1048576, 2),
    bundleMB: round(json.length / 1048576, 2),
    sessionSeconds: round(sessionS),
    onnxruntimePredictSeconds: round(median(ortS.map((t) => t.wall)), 4),
    onnxruntimePredictCpuSeconds: round(median(ortS.map((t) => t.cpu)), 4),
    loupePredictCsvSeconds: round(median(loupeS.map((t) => t.wall)), 4),
    loupePredictCsvCpuSeconds: round(median(loupeS.map((t) => t.cpu)), 4),
    rows: text.testRows,
  });
  await session.release();
}
printJson({ bench: 'onnx', split: 'gemstone reference', results: rows });
