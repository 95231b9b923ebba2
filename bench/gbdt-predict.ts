/**
 * The gradient-boosted trees' prediction kernels alone, in the same run: leaf masks in
 * WebAssembly (leaf-masks.ts, the default), the coded descent in JavaScript (coded-ensemble.ts,
 * the fallback) and the raw descent (the reference), on the model inputs of a generated
 * gemstone-shaped file as `loupe predict` encodes them, with the default gbdt trained on
 * ../shared/data/gemstone.csv (bench/predict-stream's model). Rounds interleave the kernels;
 * figures are medians of `--repeats` (5), in CPU seconds as well (steadier on a shared machine).
 * All three must give the same doubles (`sameDoubles`).
 *
 *   node --import tsx bench/gbdt-predict.ts [--rows 1000000] [--repeats 5]
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { openFileSource } from '../src/cli/node-source';
import { openBundle } from '../src/core/bundle/bundle';
import { GradientBoostingRegressor } from '../src/core/models/gbdt';
import { TreeEnsemble } from '../src/core/models/gbdt/ensemble';
import type { Matrix } from '../src/core/models/types';
import { streamPredict } from '../src/core/pipeline/stream-predict';
import { generateGemstoneLike } from './ingest';
import { cpuSeconds, median, printJson, round } from './lib/measure';
import { numberOption } from './lib/options';
import { GEMSTONE, MODEL, trainModel } from './predict-stream';

type Kernel = 'leafMasks' | 'coded' | 'raw';

async function main(): Promise<void> {
  if (!existsSync(GEMSTONE)) {
    process.stderr.write(`skipping gbdt-predict: ${GEMSTONE} is absent (the benchmark's model is trained on it)\n`);
    return;
  }
  const rows = numberOption('rows', 1_000_000);
  const repeats = numberOption('repeats', 5);
  trainModel();
  const loaded = await openBundle(await readFile(MODEL, 'utf8'));
  if (!(loaded.model instanceof GradientBoostingRegressor)) throw new Error(`${MODEL} does not hold a gbdt regressor`);
  const model = loaded.model;
  // The matrices the model is given, chunk by chunk, when the CLI predicts the file.
  const chunks: Matrix[] = [];
  const predict = model.predict.bind(model);
  model.predict = (X: Matrix) => {
    chunks.push({ data: X.data.slice(), rows: X.rows, cols: X.cols });
    return predict(X);
  };
  const source = await openFileSource(generateGemstoneLike(rows));
  try {
    await streamPredict(loaded, source, { write: () => undefined });
  } finally {
    await source.close();
  }
  const state = model.ensemble().state;
  const ensembles: Record<Kernel, TreeEnsemble> = { leafMasks: new TreeEnsemble(state), coded: new TreeEnsemble(state, { leafMasks: false }), raw: new TreeEnsemble(state) };
  if (ensembles.leafMasks.predictionKernel() !== 'leaf-masks') throw new Error('leaf masks do not apply to this model here (no WebAssembly SIMD?)');
  const outputs = {} as Record<Kernel, Float64Array[]>;
  const times: Record<Kernel, { seconds: number[]; cpu: number[] }> = { leafMasks: { seconds: [], cpu: [] }, coded: { seconds: [], cpu: [] }, raw: { seconds: [], cpu: [] } };
  for (let r = 0; r < repeats; r++)
    for (const k of ['leafMasks', 'coded', 'raw'] as const) {
      const e = ensembles[k];
      const c0 = cpuSeconds();
      const t0 = performance.now();
      outputs[k] = chunks.map((m) => {
        const out = new Float64Array(m.rows).fill(model.baseline);
        if (k === 'raw') e.addPredictionsRaw(m, out);
        else e.addPredictions(m, out);
        return out;
      });
      times[k].seconds.push((performance.now() - t0) / 1000);
      times[k].cpu.push(cpuSeconds() - c0);
    }
  const same = (a: Float64Array[], b: Float64Array[]) => a.every((x, i) => x.every((v, j) => Object.is(v, b[i][j])));
  const figures = (k: Kernel) => ({ seconds: round(median(times[k].seconds)), cpuSeconds: round(median(times[k].cpu)), runs: times[k].seconds.map((s) => round(s, 2)) });
  const f = { leafMasks: figures('leafMasks'), coded: figures('coded'), raw: figures('raw') };
  printJson({
    benchmark: 'gbdt-predict',
    node: process.version,
    rows: chunks.reduce((n, m) => n + m.rows, 0),
    trees: model.iterations,
    repeats,
    leafMasks: { what: 'leaf masks, WebAssembly SIMD (the default)', ...f.leafMasks },
    coded: { what: 'coded descent, JavaScript (the fallback)', ...f.coded },
    raw: { what: 'raw descent (the reference)', ...f.raw },
    ratio: { codedOverLeafMasksCpu: round(f.coded.cpuSeconds / f.leafMasks.cpuSeconds, 2), rawOverLeafMasksCpu: round(f.raw.cpuSeconds / f.leafMasks.cpuSeconds, 2) },
    sameDoubles: same(outputs.leafMasks, outputs.coded) && same(outputs.leafMasks, outputs.raw),
  });
}

await main();
