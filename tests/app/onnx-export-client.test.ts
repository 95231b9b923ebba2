/**
 * ONNX export across a worker boundary (an in-process MessageChannel with Loupe's error transfer
 * installed, as in the prediction worker): PredictClient.exportOnnx hands back bytes that
 * onnxruntime opens, and a KNN bundle's refusal arrives as an ExportError with its code, field and
 * reason — the class the Models screen's problem banner reads.
 */
import { transfer } from 'comlink';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PredictClient } from '../../src/app/PredictClient';
import { loadBundle, type ModelBundle } from '../../src/core/bundle/bundle';
import { parseCsv } from '../../src/core/data';
import { ExportError } from '../../src/core/errors';
import { exportOnnx } from '../../src/core/onnx/export';
import { runTraining } from '../../src/core/pipeline/train';
import { defaultRecipe } from '../../src/core/recipe';
import { generateSampleGemstones } from '../../src/core/sample';
import { installErrorTransfer } from '../../workers/error-transfer';
import { runOnnx } from '../helpers/onnx';
import { FakeWorkers } from './fake-worker';

installErrorTransfer();

const bundles: Partial<Record<'ridge' | 'knn', ModelBundle>> = {};
let client: PredictClient;
let workers: FakeWorkers<{ exportOnnx(b: ModelBundle): Uint8Array }>;

beforeAll(async () => {
  const ds = await parseCsv(generateSampleGemstones(400, 3));
  const r = await runTraining({
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'price', ds.table),
    dataset: { hash: 'a'.repeat(64) },
    candidates: [{ type: 'ridge' }, { type: 'knn' }],
    split: { kind: 'holdout', testSize: 0.25, seed: 2 },
  });
  for (const c of r.leaderboard) bundles[c.type as 'ridge' | 'knn'] = c.bundle!;
});

afterEach(() => {
  client?.dispose();
  workers?.closeAll();
});

describe('PredictClient.exportOnnx', () => {
  it('returns the ONNX bytes built on the worker side, and relays a refusal as an ExportError', async () => {
    // What predict.worker.ts exposes: validate the bundle, export, transfer the bytes.
    workers = new FakeWorkers(() => ({
      exportOnnx(b: ModelBundle) {
        const bytes = exportOnnx(loadBundle(b));
        return transfer(bytes, [bytes.buffer]);
      },
    }));
    client = new PredictClient('onnx-test', { spawn: workers.spawn });
    const bytes = await client.exportOnnx(bundles.ridge!);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const { session } = await runOnnx(bytes, {
      carat: Float64Array.of(0.7),
      cut: ['Ideal'],
      color: ['G'],
      clarity: ['VS1'],
      depth: Float64Array.of(61.8),
      table: Float64Array.of(57),
      x: Float64Array.of(5.7),
      y: Float64Array.of(5.7),
      z: Float64Array.of(3.5),
    });
    expect(session.outputNames).toEqual(['prediction']);

    const refused = await client.exportOnnx(bundles.knn!).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ExportError);
    expect(refused).toMatchObject({ code: 'not-exportable', where: { field: 'model.type' } });
    expect((refused as Error).message).toMatch(/^k-nearest neighbours predicts by searching the training rows/);
  });
});
