/**
 * The calibrated classifier (models/calibration-model.ts): its held-out part, its probabilities,
 * the training run's `calibration` option and the bundle round trip.
 */
import { describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle } from '../../../src/core/bundle/bundle';
import { parseCsv } from '../../../src/core/data';
import { BundleError, ExplainError, PipelineError } from '../../../src/core/errors';
import { Explainer } from '../../../src/core/explain';
import { modelReport, reportShap } from '../../../src/core/report';
import { applyCalibration } from '../../../src/core/models/calibration';
import { CalibratedClassifier, calibrationMethod } from '../../../src/core/models/calibration-model';
import { createModel } from '../../../src/core/models/registry';
import { isClassifier, type Classifier } from '../../../src/core/models/types';
import { classificationMetrics } from '../../../src/core/metrics/classification';
import { runTraining, type TrainingRequest } from '../../../src/core/pipeline/train';
import { exportOnnx } from '../../../src/core/onnx/export';
import { defaultRecipe } from '../../../src/core/recipe';
import { expectProbabilities, syntheticClasses } from '../../helpers/classification';
import { thrown } from '../../helpers/errors';

/** n rows of three numeric features and a 3-class label drawn from noisy linear scores. */
async function threeClassCsv(n: number, seed = 3) {
  const { X, y } = syntheticClasses(n, 3, 3, seed);
  const lines = ['f1,f2,f3,label'];
  for (let i = 0; i < n; i++) lines.push(`${X.data[i * 3].toFixed(5)},${X.data[i * 3 + 1].toFixed(5)},${X.data[i * 3 + 2].toFixed(5)},${['low', 'mid', 'high'][y[i]]}`);
  return parseCsv(lines.join('\n'));
}

async function request(n: number, rest: Partial<TrainingRequest>): Promise<TrainingRequest> {
  const ds = await threeClassCsv(n);
  return {
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'label', ds.table),
    dataset: { hash: 'a'.repeat(64), name: 'three.csv' },
    candidates: [{ type: 'logistic' }, { type: 'tree-classifier', params: { maxDepth: 4 } }],
    split: { kind: 'holdout', testSize: 0.25, seed: 11 },
    intervals: false,
    ...rest,
  };
}

describe('CalibratedClassifier', () => {
  it('fits the base model on a stratified 80 % and the calibration on the other 20 %; its probabilities are the calibrated base ones', async () => {
    const { X, y } = syntheticClasses(500, 3, 3, 1);
    const m = await new CalibratedClassifier(createModel('tree-classifier', { maxDepth: 3 }), 'isotonic', 5).fit(X, y, { classCount: 3 });
    expect(m.calibrationRows).toBe(100);
    expect(m.type).toBe('tree-classifier');
    expect(m.classCount).toBe(3);
    expect(m.calibration.calibrators).toHaveLength(3);
    const p = m.predictProba(X);
    expectProbabilities(p, 500, 3);
    expect(Array.from(p)).toEqual(Array.from(applyCalibration(m.calibration, (m.base as Classifier).predictProba(X))));
    // Seeded: the same seed holds out the same rows, so the same model.
    const again = await new CalibratedClassifier(createModel('tree-classifier', { maxDepth: 3 }), 'isotonic', 5).fit(X, y, { classCount: 3 });
    expect(Array.from(again.predictProba(X))).toEqual(Array.from(p));
  });

  it('refuses a regressor and an unknown method, naming the field', () => {
    expect(() => new CalibratedClassifier(createModel('ridge'), 'sigmoid', 0)).toThrow(/for classifiers/);
    expect(() => calibrationMethod('beta')).toThrow(/none, platt or isotonic/);
    expect(calibrationMethod('platt')).toBe('sigmoid');
    expect(calibrationMethod('none')).toBeNull();
  });
});

describe('the training run with calibration', () => {
  it('scores, ranks and bundles the calibrated models; the bundle loads back predicting the same probabilities', async () => {
    const plain = await runTraining(await request(600, {}));
    const res = await runTraining(await request(600, { calibration: 'platt' }));
    expect(plain.calibration).toBe('none');
    expect(res.calibration).toBe('platt');
    for (const r of res.leaderboard) {
      expect(r.status).toBe('finished');
      const e = r.evaluation!;
      // The metrics are those of the calibrated probabilities kept per row.
      expect(classificationMetrics(e.actual, e.probabilities!, 3)).toEqual(r.classification);
      const b = r.bundle!;
      expect(b.model.type).toBe(r.type);
      expect(b.probabilityCalibration!.method).toBe('sigmoid');
      expect(b.probabilityCalibration!.calibrators).toHaveLength(3);
      const loaded = parseBundle(serializeBundle(b));
      if (!isClassifier(loaded.model)) throw new Error('a classifier expected');
      expect(Array.from(loaded.model.predictProba(res.evaluationRows.X))).toEqual(Array.from(e.probabilities!));
      // Saved again, it is the same bundle.
      expect(serializeBundle(parseBundle(serializeBundle(loaded.bundle)).bundle)).toBe(serializeBundle(loaded.bundle));
    }
    // Calibrated probabilities differ from the uncalibrated ones.
    expect(Array.from(res.leaderboard[0].evaluation!.probabilities!)).not.toEqual(Array.from(plain.leaderboard.find((r) => r.name === res.leaderboard[0].name)!.evaluation!.probabilities!));
  });

  it('is not explained, saying why: Explainer refuses it (ExplainError, not a missing sample), the model report says so and is still written', async () => {
    const res = await runTraining(await request(300, { calibration: 'platt', candidates: [{ type: 'tree-classifier', params: { maxDepth: 3 } }] }));
    const loaded = parseBundle(serializeBundle(res.leaderboard[0].bundle!));
    expect(loaded.referenceSample).toBeDefined();
    const refused = thrown(() => new Explainer(loaded.model, loaded.recipe));
    expect(refused).toBeInstanceOf(ExplainError);
    expect(refused).toMatchObject({ code: 'calibrated-model' });
    expect((refused as Error).message).toMatch(/calibrated classifier.*Platt calibration.*Train it without calibration/);
    expect(reportShap(loaded, { tfReady: true })).toEqual({ reason: (refused as Error).message });
    expect(modelReport(loaded, {}, { tfReady: true })).toContain('Train it without calibration to explain it.');
  });

  it('calibrates every fold of k-fold (isotonic) and the refit that ships', async () => {
    const res = await runTraining(await request(400, { calibration: 'isotonic', split: { kind: 'kfold', k: 3, seed: 2 }, candidates: [{ type: 'logistic' }] }));
    const [r] = res.leaderboard;
    expect(r.classificationFolds).toHaveLength(3);
    expect(r.bundle!.probabilityCalibration!.method).toBe('isotonic');
    expect(r.bundle!.probabilityCalibration!.rows).toBe(80);
    expect(res.logs.some((l) => /calibrated \(isotonic\)/.test(l.message))).toBe(true);
  });

  it('refuses calibration for a regression target', async () => {
    const ds = await parseCsv('x,y\n' + Array.from({ length: 40 }, (_, i) => `${i},${2 * i + (i % 3)}`).join('\n'));
    await expect(
      runTraining({ table: ds.table, recipe: defaultRecipe(ds.schema, 'y', ds.table), dataset: { hash: 'b'.repeat(64) }, candidates: [{ type: 'ridge' }], split: { kind: 'holdout', testSize: 0.25, seed: 1 }, calibration: 'isotonic' }),
    ).rejects.toThrow(PipelineError);
  });
});

describe('a bundle’s probabilityCalibration', () => {
  it('is checked on load, each failure naming its path', async () => {
    const res = await runTraining(await request(300, { calibration: 'isotonic', candidates: [{ type: 'logistic' }] }));
    const b = res.leaderboard[0].bundle!;
    const damaged = (change: (c: Record<string, unknown>) => void): string => {
      const copy = JSON.parse(serializeBundle(b)) as { probabilityCalibration: Record<string, unknown> };
      change(copy.probabilityCalibration);
      return JSON.stringify(copy);
    };
    const fieldOf = (text: string): string | undefined => {
      try {
        parseBundle(text);
      } catch (e) {
        expect(e).toBeInstanceOf(BundleError);
        return (e as BundleError).where.field;
      }
      return undefined;
    };
    expect(fieldOf(damaged((c) => (c.classCount = 2)))).toBe('probabilityCalibration.classCount');
    expect(fieldOf(damaged((c) => (c.method = 'beta')))).toBe('probabilityCalibration.method');
    expect(fieldOf(damaged((c) => (c.calibrators as unknown[]).pop()))).toBe('probabilityCalibration.calibrators');
    // An isotonic step at +Infinity (one little-endian float64).
    const infinite = { $typed: 'Float64Array', length: 1, base64: 'AAAAAAAA8H8=' };
    expect(fieldOf(damaged((c) => ((c.calibrators as Array<Record<string, unknown>>)[1].x = infinite)))).toBe('probabilityCalibration.calibrators[1].x[0]');
    // Without the field the model is the uncalibrated base.
    const { probabilityCalibration: _c, ...rest } = JSON.parse(serializeBundle(b)) as Record<string, unknown>;
    expect(parseBundle(JSON.stringify(rest)).model).not.toBeInstanceOf(CalibratedClassifier);
    expect(parseBundle(serializeBundle(b)).model).toBeInstanceOf(CalibratedClassifier);
    // ONNX would carry the model without its calibration: refused, saying why.
    expect(() => exportOnnx(parseBundle(serializeBundle(b)))).toThrow(/calibrated \(Platt or isotonic\)/);
  });
});
