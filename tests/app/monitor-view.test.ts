/**
 * MonitorView over IndexedDB (fake-indexeddb): batches grouped by model, the latest shown; saved
 * thresholds judge the stored reports again (and persist); a threshold a test cannot take is
 * refused, saying why, and nothing is saved; the reference choice persists per model; "retraining
 * recommended" follows a registered model's policy (drift, degradation) on its latest batch.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { MonitorView } from '../../src/app/MonitorView.svelte';
import { MonitorStore, openLoupeDb, PolicyStore } from '../../src/storage';
import { retrainingReason } from '../../src/app/retrain-recommendation';
import { batchInit, smallReport } from '../helpers/monitored-batch';

describe('MonitorView', () => {
  it('groups batches by model, judges them under saved thresholds, refuses bad ones', async () => {
    const db = await openLoupeDb();
    let t = 1_000;
    const store = new MonitorStore(db, { now: () => (t += 100) });
    await store.add(batchInit('registry:Gems@1', 0));
    await store.add(batchInit('registry:Gems@1', 1.5));
    await store.add(batchInit('run-7', 0));

    const view = new MonitorView();
    await view.init();
    expect(view.models.map((m) => [m.key, m.batches])).toEqual([
      ['run-7', 1],
      ['registry:Gems@1', 2],
    ]);
    await view.selectModel('registry:Gems@1');
    expect(view.judged.map((j) => j.report.datasetDrift)).toEqual([false, true]);
    expect(view.selected!.batch.fileName).toBe('batch-1.5.csv');
    const p = view.selected!.report.columns[0].value;

    // A p-value threshold just under the shifted batch's p-value: it no longer drifts.
    expect(await view.saveSettings({ drift: { perColumn: { carat: { threshold: p / 2 } } }, prediction: { threshold: 1e-12 } })).toBe(true);
    expect(view.judged.map((j) => j.report.datasetDrift)).toEqual([false, false]);
    expect(view.selected!.report.prediction.drift).toBe(false);
    expect(await store.getSettings('registry:Gems@1')).toEqual({ drift: { perColumn: { carat: { threshold: p / 2 } } }, prediction: { threshold: 1e-12 } });

    expect(await view.saveSettings({ drift: { threshold: 5 } })).toBe(false);
    expect(view.problem?.message).toMatch(/p-value, so its threshold must be at most 1/);
    expect((await store.getSettings('registry:Gems@1')).drift?.threshold).toBeUndefined();

    // Retraining recommended when the registered model's policy is tripped by its latest batch.
    expect(view.recommendation).toBeNull(); // manual policy, and run-7 is not registered
    view.dispose();
    db.close();
  });

  it('says "retraining recommended" when a registered model\'s policy is tripped by its latest batch', async () => {
    const db = await openLoupeDb();
    const store = new MonitorStore(db);
    await store.add({ ...batchInit('registry:Drifty@1', 3), registered: { name: 'Drifty', version: 1 } });
    const view = new MonitorView();
    await view.init();
    await view.selectModel('registry:Drifty@1');
    expect(view.recommendation).toBeNull(); // no policy: manual
    await new PolicyStore(db).set({ name: 'Drifty', trigger: 'drift', mode: 'all' });
    await view.selectModel('registry:Drifty@1');
    expect(view.recommendation).toEqual({ model: 'Drifty', reason: '“batch-3.csv” drifts (1 of 1 column), and this model’s policy retrains on dataset drift.' });
    // Judged under the thresholds shown: raised so the batch no longer drifts, nothing is recommended.
    await view.saveSettings({ drift: { threshold: 1e-30 }, prediction: {} });
    expect(view.recommendation).toBeNull();
    view.dispose();
    db.close();
  });

  it('a degradation policy trips on RMSE past its threshold, whatever metric the report compares', () => {
    const report = smallReport(0);
    const metrics = (rmse: number) => ({ r2: 0.9, rmse, mae: 1, mape: 0.1, medianAe: 1, maxError: 3 });
    const withRmse = (rmse: number) => ({ ...report, performance: { rows: 40, metrics: metrics(rmse), test: metrics(100), metric: 'mae' as const, change: 0, threshold: 0.1, degraded: false } });
    expect(retrainingReason({ trigger: 'degradation', threshold: 0.2 }, 'b.csv', withRmse(125))).toBe('RMSE on “b.csv” is 25% above the test RMSE, past the policy’s 20%.');
    expect(retrainingReason({ trigger: 'degradation', threshold: 0.2 }, 'b.csv', withRmse(115))).toBeNull();
    expect(retrainingReason({ trigger: 'degradation', threshold: 0.2 }, 'b.csv', report)).toBeNull(); // not labelled
    expect(retrainingReason({ trigger: 'manual' }, 'b.csv', smallReport(3))).toBeNull();
  });

  it('keeps the reference choice per model', async () => {
    const db = await openLoupeDb();
    const store = new MonitorStore(db);
    const view = new MonitorView();
    await view.init();
    await view.selectModel('registry:Gems@1');
    await view.setReference('dataset');
    expect(await store.getReference('registry:Gems@1')).toBe('dataset');
    await view.selectModel('run-7');
    expect(view.reference).toBe('sample');
    expect(view.settings).toEqual({});
    view.dispose();
    db.close();
  });
});
