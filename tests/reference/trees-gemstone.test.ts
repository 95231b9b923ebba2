/**
 * Accuracy of the tree models on the reference gemstone split, against scikit-learn 1.2.1's
 * figures in ../shared/reference/peers.md (DecisionTree 836.20, RandomForest(100) 611.84).
 * Timing is in bench/trees.ts, never here.
 */
import { describe, expect, it } from 'vitest';
import { haveGemstone, loadGemstoneSplit, rmse, SKIP_MESSAGE } from '../helpers/gemstone';
import { DecisionTreeRegressor } from '../../src/core/models/tree';
import { RandomForestRegressor } from '../../src/core/models/forest';

describe.skipIf(!haveGemstone)(`tree models on the gemstone reference split ${haveGemstone ? '' : SKIP_MESSAGE}`, () => {
  it('DecisionTree (unlimited depth, defaults): RMSE in scikit-learn\'s range over seeds', async () => {
    // A fully grown tree's test RMSE depends on how ties between equally good splits are broken,
    // i.e. on the seed. scikit-learn 1.2.1 on this split, random_state 0..11 (measured in the same
    // session): 836.2 857.8 853.4 846.2 855.2 850.7 843.1 852.7 849.8 848.1 849.8 848.9 — median
    // 849.8; peers.md's 836.2 is random_state=0, the luckiest of the twelve.
    const s = loadGemstoneSplit();
    const errors: number[] = [];
    for (let seed = 0; seed < 6; seed++) {
      const m = await new DecisionTreeRegressor({ seed }).fit(s.trainStd, s.yTrain);
      errors.push(rmse(m.predict(s.testStd), s.yTest));
    }
    errors.sort((a, b) => a - b);
    const median = (errors[2] + errors[3]) / 2;
    expect(median).toBeGreaterThan(849.8 - 8);
    expect(median).toBeLessThan(849.8 + 8);
    expect(errors[0]).toBeLessThan(845);
    expect(errors[5]).toBeLessThan(862);
    // Trees are invariant to monotone scaling: the raw features give a tree of the same shape.
    const std0 = await new DecisionTreeRegressor().fit(s.trainStd, s.yTrain);
    const raw0 = await new DecisionTreeRegressor().fit(s.trainRaw, s.yTrain);
    expect(raw0.shape().nodes).toBeCloseTo(std0.shape().nodes, -2);
  });

  it('RandomForest (100 trees, defaults): RMSE ≤ 612 (scikit-learn 611.84)', async () => {
    const s = loadGemstoneSplit();
    const m = await new RandomForestRegressor().fit(s.trainStd, s.yTrain);
    const e = rmse(m.predict(s.testStd), s.yTest);
    expect(e).toBeLessThanOrEqual(612);
  });
});
if (!haveGemstone) console.warn(SKIP_MESSAGE);
