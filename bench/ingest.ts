/**
 * Ingestion benchmark: our parse + profile (parseCsv over a file ByteSource) against papaparse
 * alone (header:false, no dynamic typing, streaming over the same file), on gemstone.csv and on a
 * generated 1,000,000-row file of the same shape. Each measurement runs in its own child process
 * so that its peak RSS is its own; times are medians of 3 runs.
 *
 *   node --import tsx bench/ingest.ts [--rows 1000000] [--repeats 3]
 *
 * Targets: our 1M-row load within 2× papaparse alone (wall and CPU seconds), peak under 300 MB.
 * Each run also reports its minor page faults (fresh memory touched), a large share of the cost.
 */
import { createReadStream, existsSync, openSync, closeSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import { parseCsv } from '../src/core/data/index';
import { Rng } from '../src/core/random';
import { openFileSource } from '../src/cli/node-source';
import { measureInChild, printJson, repeatChild, round } from './lib/measure';
import { numberOption } from './lib/options';

const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = resolve(import.meta.dirname, '..');
const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');

const CUTS = ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'];
const COLORS = ['J', 'I', 'H', 'G', 'F', 'E', 'D'];
const CLARITIES = ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'];

/** Writes a deterministic gemstone-shaped CSV (seeded xoshiro128**) unless it already exists. */
export function generateGemstoneLike(rows: number): string {
  const file = resolve(tmpdir(), `loupe-bench-gemstone-${rows}.csv`);
  if (existsSync(file) && statSync(file).size > 0) return file;
  const rng = new Rng(20240229);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, 'id,carat,cut,color,clarity,depth,table,x,y,z,price\n');
    const batch: string[] = [];
    for (let i = 0; i < rows; i++) {
      const carat = 0.2 + 3 * rng.next() ** 2;
      const x = 3.8 + 2.5 * Math.cbrt(carat) + 0.1 * rng.normal();
      const y = x + 0.05 * rng.normal();
      const depth = 61.8 + 1.2 * rng.normal();
      const z = i % 20011 === 7 ? 0 : (x * depth) / 100;
      const price = Math.max(326, Math.round(4000 * carat ** 1.7 + 300 * rng.normal()));
      batch.push(
        `${i},${carat.toFixed(2)},${CUTS[rng.nextInt(5)]},${COLORS[rng.nextInt(7)]},${CLARITIES[rng.nextInt(8)]},` +
          `${depth.toFixed(1)},${56 + rng.nextInt(6)},${x.toFixed(2)},${y.toFixed(2)},${z.toFixed(2)},${price}`,
      );
      if (batch.length === 10000) {
        writeSync(fd, batch.join('\n') + '\n');
        batch.length = 0;
      }
    }
    if (batch.length) writeSync(fd, batch.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
  return file;
}

async function oursOnce(file: string): Promise<Record<string, unknown>> {
  const source = await openFileSource(file);
  try {
    const d = await parseCsv(source);
    return { rows: d.table.rowCount, columns: d.table.columns.length, warnings: d.warnings.length };
  } finally {
    await source.close();
  }
}

export function papaOnce(file: string): Promise<Record<string, unknown>> {
  return new Promise((resolveRun, reject) => {
    let rows = 0;
    Papa.parse<string[]>(createReadStream(file), {
      header: false,
      dynamicTyping: false,
      chunk: (res) => {
        rows += res.data.length;
      },
      complete: () => resolveRun({ rows }),
      error: (e) => reject(e),
    });
  });
}

async function child(tool: string, file: string): Promise<void> {
  await measureInChild(() => (tool === 'ours' ? oursOnce(file) : papaOnce(file)));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], argv[2]);
  const rows = numberOption('rows', 1_000_000);
  const repeats = numberOption('repeats', 3);
  const inputs: { name: string; file: string }[] = [];
  if (existsSync(GEMSTONE)) inputs.push({ name: 'gemstone.csv', file: GEMSTONE });
  else process.stderr.write(`skipping gemstone.csv: ${GEMSTONE} is absent\n`);
  inputs.push({ name: `generated ${rows.toLocaleString('en-US')} rows`, file: generateGemstoneLike(rows) });

  const results = [];
  for (const { name, file } of inputs) {
    const mb = statSync(file).size / 1048576;
    const ours = await repeatChild(SCRIPT, ['--child', 'ours', file], repeats);
    const papa = await repeatChild(SCRIPT, ['--child', 'papaparse', file], repeats);
    const n = Number(ours.runs[0].rows);
    const figures = (r: typeof ours) => ({
      seconds: round(r.seconds),
      cpuSeconds: round(r.cpuSeconds),
      MBps: round(mb / r.seconds, 1),
      rowsPerSecond: Math.round(n / r.seconds),
      peakMB: round(r.peakMB, 1),
      baselineMB: round(r.baselineMB, 1),
      minorFaults: r.minorFaults,
    });
    results.push({
      input: name,
      file,
      sizeMB: round(mb, 2),
      rows: n,
      papaparseRows: Number(papa.runs[0].rows),
      ours: { what: 'parseCsv: parse + schema + profile, ByteSource over the file', ...figures(ours) },
      papaparse: { what: 'papaparse alone: header:false, no typing, streaming the file', ...figures(papa) },
      ratio: { seconds: round(ours.seconds / papa.seconds, 2), cpuSeconds: round(ours.cpuSeconds / papa.cpuSeconds, 2) },
    });
  }
  const big = results[results.length - 1];
  printJson({
    benchmark: 'ingest',
    node: process.version,
    repeats,
    results,
    targets: {
      within2xPapaparse: big.ratio.seconds <= 2,
      // On a shared machine wall time depends on the load; CPU seconds are the steadier comparison.
      within2xPapaparseCpu: big.ratio.cpuSeconds <= 2,
      peakUnder300MB: big.ours.peakMB < 300,
    },
  });
}

if (resolve(process.argv[1] ?? '') === SCRIPT) await main();
