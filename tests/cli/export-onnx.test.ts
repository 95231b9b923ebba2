/**
 * `export-onnx` through main(): a trained bundle becomes an ONNX file whose predictions, run by
 * onnxruntime-node, are the ones `predict` gives for the same rows; a KNN bundle is refused with
 * the reason and exit code 1; wrong arguments are a usage error.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/core/bundle/bundle';
import { predictRecords } from '../../src/core/pipeline/predict';
import { generateSampleGemstones } from '../../src/core/sample';
import { runCli } from '../helpers/cli';
import { compare, onnxColumns, runOnnx } from '../helpers/onnx';

const dir = mkdtempSync(join(tmpdir(), 'loupe-cli-onnx-'));
const trainCsv = join(dir, 'train.csv');

beforeAll(() => writeFileSync(trainCsv, generateSampleGemstones(800, 11)));

describe('cli export-onnx', () => {
  it('writes an ONNX file that predicts what `predict` predicts, and lists its inputs', async () => {
    const model = join(dir, 'gbdt.json');
    expect((await runCli(['train', trainCsv, '--target', 'price', '--models', 'gbdt', '--out', model])).code).toBe(0);
    const out = join(dir, 'gbdt.onnx');
    const r = await runCli(['export-onnx', model, out]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^wrote .*gbdt\.onnx \([\d,]+ bytes\): gbdt predicting "price"/);
    expect(r.err).toMatch(/^ {2}carat: double \[N, 1\]$/m);
    expect(r.err).toMatch(/^ {2}cut: string \[N, 1\]$/m);
    expect(r.err).toMatch(/^ {2}prediction: double \[N, 1\]$/m);
    const loaded = await openBundle(readFileSync(model, 'utf8'));
    const records = Papa.parse<Record<string, string>>(generateSampleGemstones(60, 5).trim(), { header: true }).data;
    const loupe = predictRecords(loaded, records).predictions;
    const { prediction } = await runOnnx(new Uint8Array(readFileSync(out)), onnxColumns(loaded.recipe.inputSchema(), records));
    const c = compare(prediction, loupe);
    expect(c.nanMismatches + c.nanRows).toBe(0);
    expect(c.worstRelative).toBeLessThanOrEqual(1e-6);
  });

  it('refuses a KNN bundle with the reason (exit 1) and wrong arguments with the usage (exit 2)', async () => {
    const model = join(dir, 'knn.json');
    expect((await runCli(['train', trainCsv, '--target', 'price', '--models', 'knn', '--out', model])).code).toBe(0);
    const r = await runCli(['export-onnx', model, join(dir, 'knn.onnx')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error \[not-exportable\] \(field model\.type\): k-nearest neighbours predicts by searching the training rows/);
    const u = await runCli(['export-onnx', model]);
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/export-onnx takes a model bundle and the ONNX file to write/);
  });
});
