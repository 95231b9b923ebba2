/**
 * MonitorView over IndexedDB (fake-indexeddb): batches grouped by model, the latest shown; saved
 * thresholds judge the stored reports again (and persist); a threshold a test cannot take is
 * refused, saying why, and nothing is saved; the reference choice persists per model.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { MonitorView } from '../../src/app/MonitorView.svelte';
import { MonitorStore, openLoupeDb } from '../../src/storage';
import { batchInit } from '../helpers/monitored-batch';

describe('MonitorView', () => {
  it('groups batches by model, judges them under saved thresholds, refuses bad ones, keeps the reference choice', async () => {
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

    await view.setReference('dataset');
    expect(await store.getReference('registry:Gems@1')).toBe('dataset');
    await view.selectModel('run-7');
    expect(view.reference).toBe('sample');
    expect(view.settings).toEqual({});
    view.dispose();
    db.close();
  });
});
