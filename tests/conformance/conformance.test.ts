import { describe, expect, it } from 'vitest';
import { MODEL_TYPES } from '../../src/core/models/catalog';
import { CONFORMANCE } from './specs';
import { describeModelConformance } from './suite';

describe('every model type of the catalog', () => {
  it('has a conformance spec', () => {
    expect(MODEL_TYPES.filter((t) => !CONFORMANCE[t])).toEqual([]);
    expect(Object.keys(CONFORMANCE).filter((t) => !(MODEL_TYPES as readonly string[]).includes(t))).toEqual([]);
  });
});

for (const type of MODEL_TYPES) {
  const spec = CONFORMANCE[type];
  if (spec) describeModelConformance(type, spec);
}
