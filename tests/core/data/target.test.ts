import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, proposeTarget, type ColumnKind, type ColumnSchema } from '../../../src/core/data/index';

const fixture = (name: string): Uint8Array => readFileSync(resolve(import.meta.dirname, '../../fixtures', name));
const numeric = (...names: string[]): ColumnSchema[] => names.map((name) => col(name, 'numeric'));
function col(name: string, kind: ColumnKind): ColumnSchema {
  const storage = kind === 'numeric' || kind === 'unit' || kind === 'id' ? 'numeric' : 'categorical';
  return { name, kind, reason: 'test', storage };
}

describe('proposeTarget', () => {
  it('proposes selling_price on the used-car file, not the trailing seats', async () => {
    const d = await parseCsv(fixture('cars-units.csv'));
    const names = d.schema.map((s) => s.name);
    expect(names.slice(-2)).toEqual(['max_power', 'seats']);
    expect(d.schema.find((s) => s.name === 'seats')?.kind).toBe('numeric');
    expect(proposeTarget(d.schema)).toEqual({ column: 'selling_price', reason: 'named like a target' });
  });

  it('proposes price on the gemstones, whose y is a dimension beside x', () => {
    const gems = [col('id', 'id'), ...numeric('carat'), col('cut', 'ordinal'), col('color', 'categorical'), ...numeric('depth', 'table', 'x', 'y', 'z', 'price')];
    expect(proposeTarget(gems)).toEqual({ column: 'price', reason: 'named like a target' });
    // Without price nothing is named like a target: the last numeric column, and y stays a dimension.
    expect(proposeTarget(gems.slice(0, -1))).toEqual({ column: 'z', reason: 'the last numeric column' });
    expect(proposeTarget(numeric('x1', 'x2', 'y', 'noise'))?.column).toBe('y');
  });

  it('matches whole names before words inside names, case and separators aside', () => {
    expect(proposeTarget(numeric('Target', 'sale_price', 'rooms'))?.column).toBe('Target');
    expect(proposeTarget(numeric('LotArea', 'SalePrice', 'YrSold'))).toEqual({ column: 'SalePrice', reason: 'named like a target' });
    expect(proposeTarget(numeric('Year', 'Selling_Price', 'Present_Price', 'Kms_Driven'))?.column).toBe('Selling_Price');
    expect(proposeTarget(numeric('price_usd', 'weight'))?.column).toBe('price_usd');
    expect(proposeTarget(numeric('OUTCOME', 'age'))?.column).toBe('OUTCOME');
    // Words, not substrings: "priceless" and "labelled" do not count.
    expect(proposeTarget(numeric('priceless', 'labelled', 'count'))).toEqual({ column: 'count', reason: 'the last numeric column' });
  });

  it('proposes a label column named like a target (classification), else only numbers, and nothing when there is none', () => {
    // Telco churn: Churn holds Yes/No labels and is named like a target; an id-like "label_id" is no target.
    const telco = [col('customerID', 'id'), ...numeric('tenure', 'MonthlyCharges'), col('Churn', 'boolean'), col('label_id', 'id')];
    expect(proposeTarget(telco)).toEqual({ column: 'Churn', reason: 'named like a target' });
    expect(proposeTarget([col('species', 'categorical'), col('class', 'categorical')])).toEqual({ column: 'class', reason: 'named like a target' });
    // Free text, ids and constants are never targets, whatever their names.
    expect(proposeTarget([col('label', 'text'), col('target', 'constant'), ...numeric('km')])).toEqual({ column: 'km', reason: 'the last numeric column' });
    // The fallback is a measurement only: a table of labels none named like a target proposes nothing.
    expect(proposeTarget([col('mileage', 'unit'), ...numeric('km')])?.column).toBe('km');
    expect(proposeTarget([col('name', 'text'), col('colour', 'categorical')])).toBeNull();
  });
});
