/**
 * Bulk prediction benchmark: `loupe predict` (streamPredict) on a generated gemstone-shaped file
 * with the default gradient-boosted model trained on ../shared/data/gemstone.csv, beside
 * papaparse alone parsing the same file and the chunked path (predictCsv + predictionChunkToCsv
 * into a write stream, what the CLI ran before streamPredict) — in the same run, rounds
 * interleaved so that the machine's load falls on all alike. Each measurement runs in its own child process (its
 * own peak RSS); figures are medians of `--repeats` (3) runs.
 *
 *   node --import tsx bench/predict-stream.ts [--rows 1000000] [--repeats 3] [--old auto|yes|no]
 *
 * The CLI reads the file in a worker thread (src/cli/read-worker*.ts) beside predicting and writing.
 * Targets (issue 14): 1M rows ≤ 4 s in the CLI and ≤ 2.5× papaparse alone; 10M rows with a peak
 * RSS under 400 MB. The chunked path is left out above 2M rows unless `--old yes` (it takes
 * minutes). The streamed and chunked outputs are checked to be the same bytes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as cli } from '../src/cli/main';
import { openFileSource } from '../src/cli/node-source';
import { openBundle } from '../src/core/bundle/bundle';
import { predictCsv, predictionChunkToCsv } from '../src/core/pipeline/predict';
import { streamPredict } from '../src/core/pipeline/stream-predict';
import { generateGemstoneLike, papaOnce } from './ingest';
import { median, measureInChild, printJson, round, runChild, type ChildReport } from './lib/measure';
import { numberOption, option } from './lib/options';

const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = resolve(import.meta.dirname, '..');
export const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
/** The default gbdt trained on gemstone.csv (trainModel), kept in tmp between runs; bench/gbdt-predict uses it too. */
export const MODEL = resolve(tmpdir(), 'loupe-bench-predict-gbdt.json');

type Tool = 'papaparse' | 'stream' | 'chunked';

/** Today's path before streamPredict: predictCsv, each chunk's text written to a file stream. */
async function chunkedOnce(file: string, out: string): Promise<Record<string, unknown>> {
  const loaded = await openBundle(await readFile(MODEL, 'utf8'));
  const source = await openFileSource(file);
  const stream = createWriteStream(out);
  let first = true;
  try {
    const summary = await predictCsv(loaded, source, {
      onChunk: async (chunk) => {
        const ok = stream.write(predictionChunkToCsv(chunk, first));
        first = false;
        if (!ok) await new Promise<void>((r) => stream.once('drain', () => r()));
      },
    });
    return { rows: summary.rows };
  } finally {
    await source.close();
    await new Promise<void>((r) => stream.end(r));
  }
}

/** The CLI itself, in-process: `loupe predict model.json file.csv --out out`. */
async function streamOnce(file: string, out: string): Promise<Record<string, unknown>> {
  let err = '';
  const code = await cli(['predict', MODEL, file, '--out', out], { out: () => undefined, err: (t) => (err += t + '\n') });
  if (code !== 0) throw new Error(`loupe predict exited with ${code}: ${err}`);
  return { rows: Number(/^([\d,]+) rows:/.exec(err)?.[1].replace(/,/g, '') ?? NaN) };
}

const WORK: Record<Tool, (file: string, out: string) => Promise<Record<string, unknown>>> = {
  papaparse: (file) => papaOnce(file),
  stream: streamOnce,
  chunked: chunkedOnce,
};

async function child(tool: Tool, file: string, out: string): Promise<void> {
  await measureInChild(() => WORK[tool](file, out));
}

function sha256(file: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolveHash(h.digest('hex')))
      .on('error', reject);
  });
}

/** The default model (gbdt, default params) trained on gemstone.csv with the CLI, kept in tmp between runs. */
export function trainModel(): void {
  if (existsSync(MODEL)) return;
  process.stderr.write(`training the default gbdt on ${GEMSTONE} → ${MODEL}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/cli/main.ts'), 'train', GEMSTONE, '--target', 'price', '--models', 'gbdt', '--out', MODEL], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('training the benchmark model failed');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1] as Tool, argv[2], argv[3]);
  if (!existsSync(GEMSTONE)) {
    process.stderr.write(`skipping predict-stream: ${GEMSTONE} is absent (the benchmark's model is trained on it)\n`);
    return;
  }
  const rows = numberOption('rows', 1_000_000);
  const repeats = numberOption('repeats', 3);
  const oldOption = option('old') ?? 'auto';
  const withOld = oldOption === 'yes' || (oldOption === 'auto' && rows <= 2_000_000);
  trainModel();
  const file = generateGemstoneLike(rows);
  const mb = statSync(file).size / 1048576;
  const outs: Record<Tool, string> = {
    papaparse: '',
    stream: resolve(tmpdir(), `loupe-bench-predictions-stream-${rows}.csv`),
    chunked: resolve(tmpdir(), `loupe-bench-predictions-chunked-${rows}.csv`),
  };
  const tools: Tool[] = withOld ? ['papaparse', 'stream', 'chunked'] : ['papaparse', 'stream'];
  const runs: Record<Tool, ChildReport[]> = { papaparse: [], stream: [], chunked: [] };
  for (let r = 0; r < repeats; r++) for (const t of tools) runs[t].push(await runChild(SCRIPT, ['--child', t, file, outs[t]]));
  const figures = (rs: ChildReport[]) => ({
    seconds: round(median(rs.map((x) => x.seconds))),
    cpuSeconds: round(median(rs.map((x) => x.cpuSeconds))),
    rowsPerSecond: Math.round(rows / median(rs.map((x) => x.seconds))),
    peakMB: round(Math.max(...rs.map((x) => x.peakMB)), 1),
    runs: rs.map((x) => round(x.seconds, 2)),
  });
  const papa = figures(runs.papaparse);
  const stream = figures(runs.stream);
  const chunked = withOld ? figures(runs.chunked) : undefined;
  const streamHash = await sha256(outs.stream);
  const sameBytes = withOld ? (await sha256(outs.chunked)) === streamHash : undefined;
  const outputMB = round(statSync(outs.stream).size / 1048576, 1);
  for (const t of ['stream', 'chunked'] as const) rmSync(outs[t], { force: true });
  printJson({
    benchmark: 'predict-stream',
    node: process.version,
    rows,
    inputMB: round(mb, 1),
    outputMB,
    repeats,
    model: 'gbdt, default parameters, trained on gemstone.csv (65,535 rows; the CLI train default split)',
    papaparse: { what: 'papaparse alone: header:false, no typing, streaming the file', ...papa },
    stream: { what: 'loupe predict --out (streamPredict; the file read in a worker thread): read, transform, predict, write', ...stream },
    ...(chunked ? { chunked: { what: 'the path before streamPredict: predictCsv + predictionChunkToCsv to a write stream', ...chunked } } : {}),
    ratio: {
      streamOverPapaparse: round(stream.seconds / papa.seconds, 2),
      streamOverPapaparseCpu: round(stream.cpuSeconds / papa.cpuSeconds, 2),
      ...(chunked ? { chunkedOverStream: round(chunked.seconds / stream.seconds, 2) } : {}),
    },
    ...(sameBytes !== undefined ? { sameBytes } : {}),
    targets:
      rows <= 2_000_000
        ? { cliWithin4sPerMillionRows: stream.seconds <= 4 * (rows / 1e6), within2_5xPapaparse: stream.seconds / papa.seconds <= 2.5 }
        : { peakUnder400MB: stream.peakMB < 400 },
  });
}

if (resolve(process.argv[1] ?? '') === SCRIPT) await main();
