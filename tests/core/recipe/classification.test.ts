import { describe, expect, it } from 'vitest';
import { BundleError, RecipeError } from '../../../src/core/errors';
import { defaultRecipe, fitRecipe, FittedRecipe, parseRecipe, type Recipe } from '../../../src/core/recipe';
import type { ColumnSchema } from '../../../src/core/data/types';
import { thrown } from '../../helpers/errors';
import { makeTable } from './make-table';

const schema: ColumnSchema[] = [
  { name: 'tenure', kind: 'numeric', storage: 'numeric', reason: 'test' },
  { name: 'plan', kind: 'categorical', storage: 'categorical', reason: 'test' },
  { name: 'Churn', kind: 'boolean', storage: 'categorical', reason: 'test' },
];
const table = makeTable({
  tenure: [1, 20, 3, 40, 5, 60],
  plan: ['a', 'b', 'a', 'b', 'a', 'b'],
  Churn: ['Yes', 'No', 'Yes', 'No', 'No', 'No'],
});

describe('a classification recipe', () => {
  it('defaults to task auto, resolves a label target to classification and learns classes in LabelEncoder order', () => {
    const recipe = defaultRecipe(schema, 'Churn', table);
    expect(recipe.task).toBe('auto');
    const fitted = fitRecipe(recipe, table);
    expect(fitted.task).toBe('classification');
    expect(fitted.classes).toEqual(['No', 'Yes']);
    expect(Array.from(fitted.targetCodes(table))).toEqual([1, 0, 1, 0, 0, 0]);
    // transformTable's y is the codes too; the model learns them as they are (no log1p, no scaling).
    const { y } = fitted.transformTable(table);
    expect(Array.from(fitted.encodeTarget(y!))).toEqual([1, 0, 1, 0, 0, 0]);
  });

  it('keeps the classes it is given (every row of a run), so a fold missing a class keeps its codes', () => {
    const fitted = fitRecipe(defaultRecipe(schema, 'Churn', table), table, { classes: ['Maybe', 'No', 'Yes'] });
    expect(fitted.classes).toEqual(['Maybe', 'No', 'Yes']);
    expect(Array.from(fitted.targetCodes(table)).slice(0, 2)).toEqual([2, 1]);
  });

  it('names the row and column of a label it was not trained on, and leaves it NaN where reading leniently', () => {
    const fitted = fitRecipe(defaultRecipe(schema, 'Churn', table), table);
    const other = makeTable({ tenure: [1, 2], plan: ['a', 'b'], Churn: ['No', 'Perhaps'] });
    const e = thrown(() => fitted.targetCodes(other, 1), RecipeError);
    expect(e.code).toBe('unseen-class');
    expect(e.where).toMatchObject({ row: 2, column: 'Churn' });
    expect(Array.from(fitted.transformTable(other).y!)).toEqual([0, NaN]);
  });

  it('refuses log1p and a single class, naming the field', () => {
    const withLog: Recipe = { ...defaultRecipe(schema, 'Churn', table), targetTransform: 'log1p' };
    expect(thrown(() => fitRecipe(withLog, table), RecipeError).where.field).toBe('targetTransform');
    expect(thrown(() => parseRecipe({ ...withLog, task: 'classification' }), RecipeError).where.field).toBe('targetTransform');
    const one = makeTable({ tenure: [1, 2], plan: ['a', 'b'], Churn: ['No', 'No'] });
    expect(thrown(() => fitRecipe(defaultRecipe(schema, 'Churn', one), one), RecipeError).code).toBe('one-class');
  });

  it('turns a 0/1 number target into classes when asked, and stays regression for an old recipe without a task', () => {
    const flags = makeTable({ tenure: [1, 2, 3, 4], plan: ['a', 'b', 'a', 'b'], Churn: [0, 1, 0, 1] });
    const numberSchema = schema.map((s) => (s.name === 'Churn' ? { ...s, storage: 'numeric' as const, kind: 'numeric' as const } : s));
    const base = defaultRecipe(numberSchema, 'Churn', flags);
    const cls = fitRecipe({ ...base, task: 'classification' }, flags);
    expect(cls.classes).toEqual(['0', '1']);
    const { task: _auto, ...legacy } = base;
    expect(fitRecipe(legacy, flags).task).toBe('regression');
  });

  it('stores the task and classes in its JSON and reads them back; regression JSON is unchanged', () => {
    const fitted = fitRecipe(defaultRecipe(schema, 'Churn', table), table);
    const json = fitted.toJSON();
    expect(json).toMatchObject({ task: 'classification', classes: ['No', 'Yes'] });
    const back = FittedRecipe.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(back.task).toBe('classification');
    expect(back.classes).toEqual(['No', 'Yes']);
    expect(Array.from(back.transformTable(table).X.data)).toEqual(Array.from(fitted.transformTable(table).X.data));
    const reg = fitRecipe(defaultRecipe(schema, 'tenure', table), table).toJSON();
    expect('task' in reg || 'classes' in reg).toBe(false);
    expect(FittedRecipe.fromJSON(reg).task).toBe('regression');
    // Classes that contradict the task are refused, naming the field.
    expect(thrown(() => FittedRecipe.fromJSON({ ...json, classes: ['No'] }), BundleError).where.field).toBe('classes');
    expect(thrown(() => FittedRecipe.fromJSON({ ...json, classes: ['No', 'No'] }), BundleError).where.field).toBe('classes[1]');
    expect(thrown(() => FittedRecipe.fromJSON({ ...reg, classes: ['a', 'b'] }), BundleError).where.field).toBe('classes');
  });
});
