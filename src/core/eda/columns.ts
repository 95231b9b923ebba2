/** Looking up columns by name with errors a person can read. */
import type { CategoricalColumn, Column, NumericColumn, Table } from '../data/types';
import { InvalidParamsError } from '../errors';

export function findColumn(table: Table, name: string, field: string): Column {
  const col = table.columns.find((c) => c.name === name);
  if (!col) throw new InvalidParamsError('unknown-column', `${field}: there is no column named "${name}".`, { field, column: name });
  if (col.type === 'numeric' ? col.values.length !== table.rowCount : col.codes.length !== table.rowCount)
    throw new InvalidParamsError('column-length', `Column "${name}" has a different number of rows than the table (${table.rowCount}).`, { field, column: name });
  return col;
}

export function findNumeric(table: Table, name: string, field: string): NumericColumn {
  const col = findColumn(table, name, field);
  if (col.type !== 'numeric')
    throw new InvalidParamsError('not-numeric', `${field}: column "${name}" holds labels, not numbers.`, { field, column: name });
  return col;
}

export function findCategorical(table: Table, name: string, field: string): CategoricalColumn {
  const col = findColumn(table, name, field);
  if (col.type !== 'categorical')
    throw new InvalidParamsError('not-categorical', `${field}: column "${name}" holds numbers, not labels.`, { field, column: name });
  return col;
}
