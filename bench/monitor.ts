/**
 * Monitoring benchmark: what recording a drift report adds to predicting a file, as the app's
 * prediction worker does it (predictBatch keeps the inputs and predictions as columns, then
 * monitorBatch compares them with the bundle's 10,000-row reference sample), against predicting
 * the same file alone (predictCsv, chunks discarded) — the peer, measured in the same run.
 * Also: the bundle's size with and without its reference sample.
 *
 * Data: generated gemstones (src/core/sample), a linear model trained on 20,000 of them; the
 * batch is --rows more, as CSV text in memory. Times are medians of --repeats runs after a warm-up.
 *
 *   node --import tsx bench/monitor.ts [--rows 500000] [--repeats 3]
 */
import { cpus, loadavg } from 'node:os';
import { parseBundle, serializeBundle, withoutReferenceSample } from '../src/core/bundle/bundle';
import { parseCsv } from '../src/core/data';
import { bundleReference, monitorBatch } from '../src/core/pipeline/monitor';
import { predictCsv } from '../src/core/pipeline/predict';
import { predictBatch } from '../src/core/pipeline/predicted-batch';
import { runTraining } from '../src/core/pipeline/train';
import { defaultRecipe } from '../src/core/recipe';
import { generateSampleGemstones } from '../src/core/sample';
import { median, round } from './lib/measure';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const rows = option('rows', 500_000);
const repeats = option('repeats', 3);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; out: T }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, out };
}

const trainCsv = generateSampleGemstones(20_000, 1);
const ds = await parseCsv(trainCsv);
const result = await runTraining({
  table: ds.table,
  dataset: { hash: '0'.repeat(64) },
  recipe: defaultRecipe(ds.schema, 'price', ds.table),
  candidates: [{ type: 'linear' }],
  split: { kind: 'holdout', testSize: 0.2, seed: 1 },
});
const bundle = result.leaderboard[0].bundle!;
const text = serializeBundle(bundle);
const loaded = parseBundle(text);
const reference = bundleReference(loaded);
const batchCsv = generateSampleGemstones(rows, 2);

const predictOnly = async (): Promise<number> => (await predictCsv(loaded, batchCsv, { onChunk: () => {} })).rows;
const monitored = async () => {
  const { batch } = await predictBatch(loaded, batchCsv);
  const t0 = performance.now();
  const report = monitorBatch(loaded, reference, batch);
  return { report, driftMs: performance.now() - t0 };
};

await predictOnly();
await monitored();
const plain: { ms: number; cpuMs: number }[] = [];
const withDrift: { ms: number; cpuMs: number; driftMs: number }[] = [];
let last: Awaited<ReturnType<typeof monitored>> | undefined;
for (let r = 0; r < repeats; r++) {
  // Alternated, so a busier moment of the machine falls on both.
  plain.push(await timed(predictOnly));
  const m = await timed(monitored);
  last = m.out;
  withDrift.push({ ms: m.ms, cpuMs: m.cpuMs, driftMs: m.out.driftMs });
}
const med = (xs: number[]): number => round(median(xs), 1);
const plainMs = med(plain.map((p) => p.ms));
const monitoredMs = med(withDrift.map((p) => p.ms));
console.log(
  JSON.stringify(
    {
      bench: 'monitor',
      machine: { cpus: cpus().length, loadavg: loadavg().map((x) => round(x, 2)) },
      batchRows: rows,
      referenceRows: reference.table.rowCount,
      repeats,
      predictOnly: { medianMs: plainMs, cpuMedianMs: med(plain.map((p) => p.cpuMs)), runsMs: plain.map((p) => round(p.ms, 1)) },
      predictAndMonitor: {
        medianMs: monitoredMs,
        cpuMedianMs: med(withDrift.map((p) => p.cpuMs)),
        runsMs: withDrift.map((p) => round(p.ms, 1)),
        driftReportMedianMs: med(withDrift.map((p) => p.driftMs)),
      },
      overhead: round(monitoredMs / plainMs, 3),
      datasetDrift: last?.report.datasetDrift,
      bundleChars: { withSample: text.length, withoutSample: serializeBundle(withoutReferenceSample(bundle)).length },
    },
    null,
    2,
  ),
);
