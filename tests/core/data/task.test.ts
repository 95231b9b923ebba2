import { describe, expect, it } from 'vitest';
import { classCodes, classLabels, inferTask, MAX_CLASSES, resolveTask, checkClasses } from '../../../src/core/data/task';
import { RecipeError } from '../../../src/core/errors';
import type { Column } from '../../../src/core/data/types';
import { thrown } from '../../helpers/errors';
import { makeTable } from '../recipe/make-table';

const column = (name: string, cells: Array<number | null> | Array<string | null>): Column => makeTable({ [name]: cells }).columns[0];
/** n rows cycling through `values`. */
const cycle = (values: number[], n: number): number[] => Array.from({ length: n }, (_, i) => values[i % values.length]);

describe('inferTask', () => {
  it('calls labels classification and says how many classes', () => {
    const p = inferTask(column('Churn', ['No', 'Yes', 'No', null]));
    expect(p).toEqual({ task: 'classification', reason: '"Churn" holds labels: 2 classes ("No", "Yes")' });
  });

  it('calls a few whole numbers in many rows classes, and counts or small files quantities', () => {
    expect(inferTask(column('grade', cycle([1, 2, 3, 4, 5], 100)))).toMatchObject({ task: 'classification', reason: expect.stringContaining('5 distinct whole numbers (1, 2, 3, 4, 5) in 100 rows') });
    expect(inferTask(column('SeniorCitizen', cycle([0, 1], 7043))).task).toBe('classification');
    // 11 distinct values: above MAX_INTEGER_CLASSES.
    expect(inferTask(column('rooms', cycle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1000))).task).toBe('regression');
    // 5 values in 60 rows: more than 5 % of the rows, each value too rare to be a class.
    expect(inferTask(column('rating', cycle([1, 2, 3, 4, 5], 60)))).toMatchObject({ task: 'regression', reason: expect.stringContaining('a quantity') });
    expect(inferTask(column('price', cycle([0.5, 1, 1.5], 1000)))).toEqual({ task: 'regression', reason: '"price" holds numbers' });
  });
});

describe('resolveTask', () => {
  const labels = column('y', ['a', 'b']);
  const flags = column('y', cycle([0, 1], 100));
  it('infers for auto, keeps a given task, and reads a recipe without one as before classification existed', () => {
    expect(resolveTask('auto', flags).task).toBe('classification');
    expect(resolveTask(undefined, flags)).toEqual({ task: 'regression', reason: '"y" holds numbers' });
    expect(resolveTask(undefined, labels).task).toBe('classification');
    expect(resolveTask('classification', flags)).toEqual({ task: 'classification', reason: 'chosen in the recipe' });
    expect(resolveTask('regression', flags).task).toBe('regression');
  });
  it('refuses regression on labels, naming the column and the task field', () => {
    const e = thrown(() => resolveTask('regression', labels), RecipeError);
    expect(e.where).toMatchObject({ column: 'y', field: 'task' });
    expect(e.message).toMatch(/holds labels/);
  });
});

describe('classLabels and classCodes', () => {
  it("orders classes as scikit-learn's LabelEncoder: labels by code unit, numbers numerically", () => {
    expect(classLabels(column('c', ['b', 'B', 'a', 'Yes', 'No', null]))).toEqual(['B', 'No', 'Yes', 'a', 'b']);
    expect(classLabels(column('n', [10, 2, 1, null, 2]))).toEqual(['1', '2', '10']);
    expect(classLabels(column('t', ['True', 'False']))).toEqual(['False', 'True']);
  });

  it('codes rows by label, NaN where missing, and names the row and column of an unseen label', () => {
    const y = column('Churn', ['Yes', null, 'No', 'Yes']);
    expect(Array.from(classCodes(y, ['No', 'Yes']))).toEqual([1, NaN, 0, 1]);
    expect(Array.from(classCodes(column('n', [2, 1, 10]), ['1', '2', '10']))).toEqual([1, 0, 2]);
    const e = thrown(() => classCodes(column('Churn', ['No', 'Maybe']), ['No', 'Yes'], 101), RecipeError);
    expect(e.code).toBe('unseen-class');
    expect(e.where).toMatchObject({ row: 102, column: 'Churn' });
    expect(e.message).toContain('"Maybe"');
  });

  it('needs two classes and at most MAX_CLASSES', () => {
    expect(thrown(() => checkClasses(['x'], 'y'), RecipeError).code).toBe('one-class');
    const many = Array.from({ length: MAX_CLASSES + 1 }, (_, i) => `c${i}`);
    expect(thrown(() => checkClasses(many, 'y'), RecipeError).code).toBe('too-many-classes');
    expect(() => checkClasses(many.slice(1), 'y')).not.toThrow();
  });
});
