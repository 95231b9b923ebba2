/**
 * ONNX export on a second real table, ../shared/data/telco-churn.csv (7,043 customers, mostly
 * categories): predicting MonthlyCharges from the rest with the default recipe (one-hot columns,
 * TotalCharges with its 11 blank cells imputed). Every row of the file is predicted, after
 * blanking one cell in 20 and giving one row in 15 a label never seen in training; every
 * exportable model's ONNX predictions, run by onnxruntime-node, equal Loupe's within 1e-6 relative.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../src/core/bundle/bundle';
import { parseCsv } from '../../src/core/data';
import { MODEL_CATALOG, MODEL_TYPES } from '../../src/core/models/catalog';
import type { ModelType } from '../../src/core/models/types';
import { exportOnnx } from '../../src/core/onnx/export';
import { predictRecords } from '../../src/core/pipeline/predict';
import { runTraining } from '../../src/core/pipeline/train';
import { Rng } from '../../src/core/random';
import { defaultRecipe, type RecordValue } from '../../src/core/recipe';
import { ROOT } from '../helpers/gemstone';
import { compare, onnxColumns, runOnnx } from '../helpers/onnx';

const TELCO_CSV = resolve(ROOT, '../shared/data/telco-churn.csv');
const haveTelco = existsSync(TELCO_CSV);
const SKIP = `skipped: ${TELCO_CSV} is absent`;
const EXPORTABLE = MODEL_TYPES.filter((t) => MODEL_CATALOG[t].exports.includes('onnx'));
const PARAMS: Partial<Record<ModelType, Record<string, unknown>>> = { forest: { nEstimators: 20 } };

describe.skipIf(!haveTelco)(`ONNX export on telco-churn ${haveTelco ? '' : SKIP}`, () => {
  const bundles = new Map<ModelType, LoadedBundle>();
  let records: Array<Record<string, RecordValue>>;

  beforeAll(async () => {
    const text = readFileSync(TELCO_CSV, 'utf8');
    const ds = await parseCsv(text);
    const result = await runTraining({
      table: ds.table,
      recipe: defaultRecipe(ds.schema, 'MonthlyCharges', ds.table),
      dataset: { hash: '1'.repeat(64) },
      candidates: EXPORTABLE.map((type) => ({ type, params: PARAMS[type] })),
      split: { kind: 'holdout', testSize: 0.2, seed: 8 },
      modelSeed: 8,
    });
    for (const c of result.leaderboard) {
      expect(c.status, `${c.type}: ${c.error?.message}`).toBe('finished');
      bundles.set(c.type, parseBundle(serializeBundle(c.bundle!)));
    }
    const rng = new Rng(4);
    records = Papa.parse<Record<string, string>>(text.trim(), { header: true }).data;
    const columns = Object.keys(records[0]).filter((c) => c !== 'MonthlyCharges' && c !== 'customerID');
    for (const r of records) {
      if (rng.next() < 0.05) r[columns[Math.floor(rng.next() * columns.length)]] = '';
      if (rng.next() < 1 / 15) {
        r.PaymentMethod = 'Bitcoin';
        r.Contract = 'Lifetime';
      }
    }
  });

  it.each(EXPORTABLE)('%s: every row within 1e-6 relative', async (type) => {
    const loaded = bundles.get(type)!;
    const schema = loaded.recipe.inputSchema();
    expect(schema.find((c) => c.name === 'PaymentMethod')?.kind).toBe('categorical');
    const loupe = predictRecords(loaded, records).predictions;
    const { prediction } = await runOnnx(exportOnnx(loaded), onnxColumns(schema, records));
    const c = compare(prediction, loupe);
    console.log(`onnx telco ${type}: worst relative difference ${c.worstRelative.toExponential(2)} over ${loupe.length} rows`);
    expect(c.nanMismatches + c.nanRows).toBe(0);
    expect(c.worstRelative, `row ${c.worstRow}: onnx ${prediction[c.worstRow]} vs loupe ${loupe[c.worstRow]}`).toBeLessThanOrEqual(1e-6);
  });
});
if (!haveTelco) console.warn(SKIP);
