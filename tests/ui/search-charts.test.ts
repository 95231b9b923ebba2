/** The Search mode's drawings: axis end labels that tell close scores apart, and the score axis of the parallel coordinates. */
import { describe, expect, it } from 'vitest';
import type { TrialView } from '../../src/app/ModelSearch.svelte';
import { endLabels, parallelAxes, parallelLines } from '../../src/ui/train/search-charts';
import { formatStat } from '../../src/ui/format';

const trial = (id: number, cvScore: number, C: number, resource = 1): TrialView => ({ id, model: 'logistic', params: { C }, resource, bracket: 0, rung: 0, status: 'finished', cvScore, seconds: 0.1 });

describe('search charts', () => {
  it('labels the ends of an axis with the digits that tell them apart', () => {
    expect(endLabels(0.43136, 0.43142, formatStat)).toEqual(['0.43136', '0.43142']);
    expect(endLabels(591.94, 604.2, formatStat)).toEqual([formatStat(591.94), formatStat(604.2)]);
    // Equal ends stay equal (one point): no endless search for digits.
    expect(endLabels(0.5, 0.5, formatStat)).toEqual(['0.5', '0.5']);
  });

  it('draws the score on the last axis, named for the metric, the best at the top', () => {
    const trials = [trial(0, 0.45, 1), trial(1, 0.41, 10), trial(2, 0.4, 100, 1 / 3)];
    const axes = parallelAxes('logistic', trials, 'CV log loss');
    expect(axes.at(-1)!.name).toBe('CV log loss');
    expect(axes.map((a) => a.name)).toContain('C');
    expect(parallelAxes('logistic', trials).at(-1)!.name).toBe('CV RMSE');
    const lines = parallelLines('logistic', trials, axes);
    // y runs from the top (0): the lowest score is drawn highest.
    const scoreY = (id: number) => lines.find((l) => l.id === id)!.points.at(-1)![1];
    expect(scoreY(2)).toBe(0);
    expect(scoreY(0)).toBe(1);
    // The best is the lowest score among full-resource trials.
    expect(lines.filter((l) => l.best).map((l) => l.id)).toEqual([1]);
  });
});
