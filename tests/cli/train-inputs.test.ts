/**
 * What `loupe train` makes of its inputs before training: a recipe file that is not JSON, and
 * the target it proposes when none is given.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as run } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'loupe-cli-inputs-'));
const csv = join(dir, 'small.csv');
writeFileSync(csv, 'a,b,price\n' + Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 11},${10 + 2 * (i % 7) + (i % 3)}`).join('\n') + '\n');

describe('cli train --recipe', () => {
  it('a recipe file that is not JSON is one line naming the file and where it breaks, exit 1', async () => {
    const recipe = join(dir, 'broken recipe.json');
    writeFileSync(recipe, '{\n  "version": 1,\n  "target": "price",\n}\n');
    const r = await run(['train', csv, '--target', 'price', '--models', 'linear', '--recipe', recipe]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error \[not-json\]: The recipe file ".*broken recipe\.json" is not valid JSON/);
    expect(lines[0]).toContain('line 4, column 1');
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    expect((await run(['train', csv, '--target', 'price', '--recipe', empty])).err).toMatch(/"[^"]*empty\.json" is not valid JSON \(the file is empty\)/);
    const missing = await run(['train', csv, '--target', 'price', '--recipe', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no such file: .*nope\.json/);
  });
});

describe('cli train without --target', () => {
  it('predicts the column named like a target and says which and why on stderr', async () => {
    // The used-car layout: selling_price in the middle, seats (numeric) last.
    const cars = resolve(import.meta.dirname, '../fixtures/cars-units.csv');
    expect(readFileSync(cars, 'utf8').split('\n')[0]).toMatch(/,selling_price,.*,seats$/);
    const r = await run(['train', cars, '--models', 'linear', '--test-size', '0.25', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('note: no --target given; predicting "selling_price" (named like a target)');
    expect(JSON.parse(r.out).target).toBe('selling_price');
  });

  it('proposes a plain "price" too, and otherwise the last numeric column, saying so', async () => {
    const r = await run(['train', csv, '--models', 'linear', '--json']);
    expect(r.err).toContain('predicting "price" (named like a target)');
    const plain = join(dir, 'plain.csv');
    writeFileSync(plain, 'a,b,c\n' + Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 11},${2 * (i % 7) + (i % 3)}`).join('\n') + '\n');
    const p = await run(['train', plain, '--models', 'linear', '--json']);
    expect(p.code).toBe(0);
    expect(p.err).toContain('note: no --target given; predicting "c" (the last numeric column)');
    expect(JSON.parse(p.out).target).toBe('c');
  });
});
