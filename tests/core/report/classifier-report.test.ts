/**
 * The model report of a classifier: every classification metric from the bundle, the confusion
 * matrix at its threshold, ROC curves and a reliability diagram drawn from the bundle's aggregate
 * diagnostics (which survive the bundle file), parameters and lineage — and no row of the data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../../src/core/bundle/bundle';
import { BundleError } from '../../../src/core/errors';
import { confusionMatrix, decide } from '../../../src/core/metrics/classification';
import type { TrainingResult } from '../../../src/core/pipeline/train';
import { modelReport, RELIABILITY_BINS, ROC_THRESHOLDS, type ClassificationDiagnostics } from '../../../src/core/report';
import { cloudsCsv, trainClassifier } from '../../helpers/classifier-run';

let res: TrainingResult;
let loaded: LoadedBundle;
let html: string;

beforeAll(async () => {
  res = await trainClassifier(400, { threshold: 0.4 });
  loaded = parseBundle(serializeBundle(res.leaderboard[0].bundle!));
  html = modelReport(loaded, { registry: { model: 'churn', version: 2, aliases: ['champion'] } });
});

const value = (field: string): string | undefined => html.match(new RegExp(`data-field="${field.replace(/\./g, '\\.')}" data-value="([^"]+)"`))?.[1];

describe('the model report of a classifier', () => {
  it('keeps aggregate diagnostics in the bundle: the confusion matrix at the threshold, ROC at fixed thresholds, reliability bins', () => {
    const d = loaded.diagnostics as ClassificationDiagnostics;
    const ev = res.leaderboard[0].evaluation!;
    expect(d).toMatchObject({ task: 'classification', kind: 'test', rows: 100, classCount: 2 });
    expect(Array.from(d.confusion)).toEqual(confusionMatrix(ev.actual, decide(ev.probabilities!, 2, 0.4), 2).flat());
    expect(d.rocFpr).toHaveLength(ROC_THRESHOLDS);
    // Threshold 0 calls every row positive; 1 (almost) none.
    expect([d.rocFpr[0], d.rocTpr[0]]).toEqual([1, 1]);
    expect(d.rocFpr[ROC_THRESHOLDS - 1]).toBeLessThanOrEqual(d.rocFpr[50]);
    expect(Array.from(d.reliabilityCounts).reduce((a, b) => a + b, 0)).toBe(100);
    expect(d.reliabilityCounts).toHaveLength(RELIABILITY_BINS);
  });

  it('shows every classification metric as the bundle records it, the classes and the decision', () => {
    const m = loaded.bundle.metrics.classification!.test;
    for (const [k, v] of Object.entries(m)) expect(Number(value(`metrics.classification.${k}`))).toBe(v);
    expect(html).toContain('ROC AUC');
    expect(html).toContain('Log loss');
    expect(html).toContain('Brier score');
    expect(html).toMatch(/predicts “yes” \(the positive class\) where its probability is at least 0\.4/);
    expect(html).not.toContain('no evaluation diagnostics');
    expect(html).not.toContain('Predicted vs actual');
  });

  it('draws the confusion matrix, a ROC curve and the reliability diagram', () => {
    const d = loaded.diagnostics as ClassificationDiagnostics;
    for (let a = 0; a < 2; a++) for (let p = 0; p < 2; p++) expect(Number(value(`confusion.${a}.${p}`))).toBe(d.confusion[a * 2 + p]);
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect((html.match(/<polyline class="roc"/g) ?? []).length).toBe(1);
    const bins = Array.from(d.reliabilityCounts).filter((n) => n > 0).length;
    expect((html.match(/<circle class="bin"/g) ?? []).length).toBe(bins);
  });

  it('lists parameters and lineage, and carries no row of the data', () => {
    expect(html).toContain('registered as churn v2 · aliases: champion');
    expect(html).toContain('c'.repeat(64));
    expect(html).not.toMatch(/<script/i);
    // No row's probability appears (the curves are read at fixed thresholds, the bins are means)…
    const proba = res.leaderboard[0].evaluation!.probabilities!;
    for (const p of proba) expect(html).not.toContain(String(p));
    // …and no input value stands as a number of its own (metric values to four digits may coincide with one).
    const cells = new Set(cloudsCsv(400).trim().split('\n').slice(1).flatMap((l) => l.split(',').slice(0, 2)));
    for (const c of cells) expect(html).not.toContain(`data-value="${c}"`);
    for (const m of html.matchAll(/>(-?\d+\.\d{4})</g)) if (cells.has(m[1])) expect(Object.values(loaded.bundle.metrics.classification!.test).map((v) => v.toPrecision(4))).toContain(Number(m[1]).toPrecision(4));
  });

  it('a three-class model: one ROC curve per class, a 3 × 3 matrix', async () => {
    const three = await trainClassifier(300, {}, true);
    const b = parseBundle(serializeBundle(three.leaderboard[0].bundle!));
    const h = modelReport(b);
    expect((h.match(/<polyline class="roc"/g) ?? []).length).toBe(3);
    expect(h).toContain('data-field="confusion.2.2"');
    expect(h).toMatch(/predicts the most probable of its 3 classes/);
  });

  it('a classifier bundle without diagnostics says so; corrupted ones are refused naming the field', () => {
    const old = JSON.parse(serializeBundle(loaded.bundle));
    delete old.diagnostics;
    expect(modelReport(parseBundle(JSON.stringify(old)))).toMatch(/holds no evaluation diagnostics \(made before Loupe kept them for classifiers\)/);
    const bad = JSON.parse(serializeBundle(loaded.bundle));
    bad.diagnostics.rocTpr.length = 7;
    bad.diagnostics.rocTpr.base64 = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const e = (() => {
      try {
        parseBundle(JSON.stringify(bad));
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(BundleError);
    expect((e as BundleError).where.field).toBe('diagnostics.rocTpr');
  });
});
