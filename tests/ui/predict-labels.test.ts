/** Words for a classifier's answer: classes by probability (Predict), probabilities and shares as percentages (Predict, Explore). */
import { describe, expect, it } from 'vitest';
import { formatShare } from '../../src/ui/format';
import { rankedClasses } from '../../src/ui/predict/labels';

describe('rankedClasses', () => {
  it('lists every class with its probability, most probable first; ties keep the class order', () => {
    expect(rankedClasses(['No', 'Yes'], [0.27, 0.73])).toEqual([
      { label: 'Yes', probability: 0.73 },
      { label: 'No', probability: 0.27 },
    ]);
    expect(rankedClasses(['a', 'b', 'c'], [0.25, 0.5, 0.25]).map((c) => c.label)).toEqual(['b', 'a', 'c']);
  });
});

describe('formatShare', () => {
  it('shows one decimal of a percentage, and never rounds a small or large probability to 0 % or 100 %', () => {
    expect(formatShare(0.7312)).toBe('73.1 %');
    expect(formatShare(0)).toBe('0.0 %');
    expect(formatShare(1)).toBe('100.0 %');
    expect(formatShare(0.0001)).toBe('< 0.1 %');
    expect(formatShare(0.99995)).toBe('> 99.9 %');
    expect(formatShare(NaN)).toBe('—');
  });
});
