/**
 * What `loupe train` makes of its inputs before training: a recipe file that is not JSON, and
 * the target it proposes when none is given.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

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
