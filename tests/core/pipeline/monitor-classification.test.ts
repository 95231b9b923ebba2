/**
 * Monitoring a classifier's labelled batch: its class probabilities on the rows whose label is one
 * of its classes, scored with every classification metric beside the test figures, the same by
 * predictCsv and by the streaming engine (the app's path); degraded when ROC AUC drops.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../../src/core/bundle/bundle';
import { classificationMetrics } from '../../../src/core/metrics/classification';
import { bundleReference, describeClassificationPerformance, monitorBatch, rejudgeReport } from '../../../src/core/pipeline/monitor';
import { predictRecords } from '../../../src/core/pipeline/predict';
import { batchOptions, PredictedBatchCollector, predictBatch } from '../../../src/core/pipeline/predicted-batch';
import { streamPredict } from '../../../src/core/pipeline/stream-predict';
import { cloudsCsv, trainClassifier } from '../../helpers/classifier-run';

let loaded: LoadedBundle;
beforeAll(async () => {
  const res = await trainClassifier(400, { threshold: 0.4 });
  loaded = parseBundle(serializeBundle(res.leaderboard[0].bundle!));
});

/** The batch's labelled rows scored directly: labels to codes, probabilities from predictRecords. */
function direct(csv: string) {
  const lines = csv.trim().split('\n');
  const header = lines[0].split(',');
  const records = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, j) => [header[j], v])));
  const res = predictRecords(loaded, records);
  const keep = records.map((r, i) => i).filter((i) => loaded.recipe.classes.includes(records[i].label) && res.valid[i]);
  const y = Float64Array.from(keep, (i) => loaded.recipe.classes.indexOf(records[i].label));
  const p = new Float64Array(keep.length * 2);
  keep.forEach((i, r) => p.set(res.probabilities!.subarray(i * 2, i * 2 + 2), r * 2));
  return { rows: keep.length, metrics: classificationMetrics(y, p, 2, { threshold: 0.4 }) };
}

describe('monitoring a classifier with labels', () => {
  it('scores the labelled rows beside the test figures; unlabelled and unknown labels are left out', async () => {
    // Fresh rows like the training ones, two with no label and one with a label the model never saw.
    const csv = cloudsCsv(300, { seed: 77 }).replace(/,no\n/, ',\n').replace(/,yes\n/, ',maybe\n').replace(/,no\n/, ',  \n');
    const want = direct(csv);
    expect(want.rows).toBe(297);
    const { batch } = await predictBatch(loaded, csv);
    expect(batch.probabilities).toHaveLength(300 * 2);
    const report = monitorBatch(loaded, bundleReference(loaded), batch);
    const p = report.classificationPerformance!;
    expect(report.performance).toBeUndefined();
    expect(p.rows).toBe(297);
    expect(p.metrics).toEqual(want.metrics);
    expect(p.test).toEqual(loaded.bundle.metrics.classification!.test);
    expect(p.metric).toBe('roc_auc');
    expect(p.change).toBeCloseTo(p.test!.rocAuc - p.metrics.rocAuc, 12);
    expect(p.degraded).toBe(false);
    expect(describeClassificationPerformance(p)).toMatch(/^On 297 labelled rows: ROC AUC 0\.\d{3} \(test 0\.\d{3}\), log loss .*: not degraded \(the limit is a drop in ROC AUC of 0\.1\)\.$/);

    // The app's path: the streaming engine hands the same rows to the collector.
    const collector = new PredictedBatchCollector(loaded.bundle.target, batchOptions(loaded));
    await streamPredict(loaded, csv, { write: () => undefined }, { chunkRows: 70, onPredicted: (c) => collector.addPredicted(c) });
    const streamed = monitorBatch(loaded, bundleReference(loaded), collector.finish());
    expect(streamed.classificationPerformance).toEqual(p);
  });

  it('is degraded when what the inputs say about the label changed, and re-judged under a new threshold', async () => {
    const moved = cloudsCsv(300, { seed: 78, yesAt: [1.5, -1.5] });
    const { batch } = await predictBatch(loaded, moved);
    const report = monitorBatch(loaded, bundleReference(loaded), batch);
    const p = report.classificationPerformance!;
    expect(p.metrics).toEqual(direct(moved).metrics);
    expect(p.change!).toBeGreaterThan(0.1);
    expect(p.degraded).toBe(true);
    expect(describeClassificationPerformance(p)).toMatch(/: degraded/);
    const lenient = rejudgeReport(report, { degradation: { threshold: p.change! + 0.01 } });
    expect(lenient.classificationPerformance!.degraded).toBe(false);
  });
});
