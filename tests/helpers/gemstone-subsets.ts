/**
 * Subsets of ../shared/data/gemstone.csv as CSV text, cut along the reference split
 * (../shared/reference/gemstone-test-ids.txt), for the retrain and monitor tests: the raw lines,
 * so a test can write a subset to a file or parse it with the project's own CSV reader.
 */
import { readFileSync } from 'node:fs';
import { GEMSTONE_CSV, TEST_IDS } from './gemstone';

export interface GemstoneLines {
  header: string;
  /** Data lines of the reference training rows, in file order. */
  train: string[];
  /** Data lines of the reference test rows, in file order. */
  test: string[];
  /** A line's numeric value in a column, e.g. `value(line, 'carat')`. */
  value(line: string, column: string): number;
}

let cached: GemstoneLines | undefined;

export function gemstoneLines(): GemstoneLines {
  if (cached) return cached;
  const lines = readFileSync(GEMSTONE_CSV, 'utf8').trim().split(/\r?\n/);
  const header = lines[0];
  const names = header.split(',');
  const testIds = new Set(readFileSync(TEST_IDS, 'utf8').trim().split(/\s+/));
  const idAt = names.indexOf('id');
  const train: string[] = [];
  const test: string[] = [];
  for (const line of lines.slice(1)) (testIds.has(line.split(',')[idAt]) ? test : train).push(line);
  cached = { header, train, test, value: (line, column) => Number(line.split(',')[names.indexOf(column)]) };
  return cached;
}

/** A CSV file's text from a header and data lines. */
export function csvText(header: string, lines: readonly string[]): string {
  return [header, ...lines].join('\n') + '\n';
}
