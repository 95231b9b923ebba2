import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli as run } from '../../helpers/cli';
import { utf16 } from './helpers';

const ROOT = resolve(import.meta.dirname, '../../..');
const fixture = (name: string): string => resolve(ROOT, 'tests/fixtures', name);

describe('loupe CLI', () => {
  it('profile prints the schema, profile, warnings and hash as JSON', async () => {
    const r = await run(['profile', fixture('cars-units.csv')]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rows).toBe(20);
    expect(j.hash).toMatch(/^[0-9a-f]{64}$/);
    const mileage = j.columns.find((c: { name: string }) => c.name === 'mileage');
    expect(mileage).toMatchObject({ kind: 'unit', unit: 'kmpl', missing: 2 });
    expect(typeof mileage.reason).toBe('string');
    expect(mileage.numeric.max).toBe(25.8);
    expect(j.ragged).toEqual({ count: 0, rows: [], policy: 'padded-or-truncated' });
    expect(Array.isArray(j.warnings)).toBe(true);
  });

  it('bad input: one line with the code and row, exit 1', async () => {
    const r = await run(['profile', fixture('latin1.csv')]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^error \[not-utf8\] \(row 1\): /);
    const missing = await run(['profile', fixture('nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no such file');
  });

  it('profile reads UTF-16 files (either byte order) as their UTF-8 original', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-utf16-'));
    const text = 'city;price;rooms\r\nZürich;1250000.5;4\r\nGenève;980000;3\r\n"Bâle; old town";NA;5\r\n';
    const profile = async (name: string, bytes: Uint8Array) => {
      writeFileSync(join(dir, name), bytes);
      const r = await run(['profile', join(dir, name)]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const { hash: _hash, bytes: _bytes, ...rest } = JSON.parse(r.out);
      return rest;
    };
    const original = await profile('utf8.csv', new TextEncoder().encode(text));
    expect(original.rows).toBe(3);
    expect(original.delimiter).toBe(';');
    expect(original.columns.map((c: { name: string; kind: string }) => [c.name, c.kind])).toEqual([
      ['city', 'categorical'],
      ['price', 'numeric'],
      ['rooms', 'numeric'],
    ]);
    expect(await profile('le.csv', utf16(text, 'le'))).toEqual(original);
    expect(await profile('be.csv', utf16(text, 'be'))).toEqual(original);
  });

  it('usage errors exit 2; --help prints usage and exits 0', async () => {
    expect((await run(['profile'])).code).toBe(2);
    expect((await run(['profile', 'a.csv', '--bogus'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('profile');
    const sub = await run(['profile', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.out).toContain('--delimiter');
  });

  it('runs as `node --import tsx src/cli/main.ts` with the exit code', async () => {
    const exec = promisify(execFile);
    const ok = await exec(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'profile', fixture('semicolon-bom-crlf.csv')], { cwd: ROOT });
    expect(JSON.parse(ok.stdout).delimiter).toBe(';');
    const bad = await exec(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'profile'], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
  });
});
