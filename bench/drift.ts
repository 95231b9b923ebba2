/**
 * Drift benchmark: a drift report (every column, Evidently's defaults) of a generated
 * gemstone-shaped batch of 1,000,000 rows against a 10,000-row reference (both seeded, built in
 * memory), on the main thread and inside a Node worker_thread (the batch transferred to it, as the
 * app's worker gets it). Target: ≤ 2 s in a worker.
 *
 * Peers measured in the same run, on the same data:
 * - the built-in Float64Array#sort of the batch's seven numeric columns (the obvious cost of an
 *   exact empirical CDF; Loupe sorts with a radix sort instead);
 * - when python3 with numpy and scipy is on the machine: scipy.stats.wasserstein_distance / np.std
 *   per numeric column and scipy.spatial.distance.jensenshannon on Evidently's shares per
 *   categorical column — the computation Evidently's DataDriftPreset runs for these sizes. Its
 *   values are also compared with Loupe's (max relative difference), an exactness check at 1M rows.
 *
 * Also timed, main thread only: the same batch against a 1,000-row reference, where Evidently's
 * defaults switch to p-values (KS asymptotic for 1,000 vs 1,000,000, chi-square for the levels).
 *
 * Prints JSON; times are medians of --repeats runs after one warm-up.
 *
 *   node --import tsx bench/drift.ts [--rows 1000000] [--reference 10000] [--repeats 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Column, Table } from '../src/core/data/types';
import { computeDrift, type DriftReport } from '../src/core/drift';
import { Rng } from '../src/core/random';
import { median, round } from './lib/measure';
import { numberOption } from './lib/options';

const ORDERS: Record<'cut' | 'color' | 'clarity', string[]> = {
  cut: ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'],
  color: ['J', 'I', 'H', 'G', 'F', 'E', 'D'],
  clarity: ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'],
};
const NUMERIC = ['carat', 'depth', 'table', 'x', 'y', 'z', 'price'];

/** Gemstone-like rows; `shift` > 0 makes heavier stones (a drifted batch). A few missing depths. */
function generate(rows: number, seed: number, shift: number): Table {
  const rng = new Rng(seed);
  const f = (): Float64Array => new Float64Array(rows);
  const [carat, depth, table, x, y, z, price] = [f(), f(), f(), f(), f(), f(), f()];
  const codes = { cut: new Int32Array(rows), color: new Int32Array(rows), clarity: new Int32Array(rows) };
  for (let i = 0; i < rows; i++) {
    carat[i] = Math.round((0.2 + (3 + shift) * rng.next() ** 2) * 100) / 100;
    x[i] = Math.round((3.8 + 2.5 * Math.cbrt(carat[i]) + 0.1 * rng.normal()) * 100) / 100;
    y[i] = Math.round((x[i] + 0.05 * rng.normal()) * 100) / 100;
    depth[i] = i % 50_000 === 13 ? NaN : Math.round((61.8 + 1.2 * rng.normal()) * 10) / 10;
    z[i] = i % 20011 === 7 ? 0 : Math.round(x[i] * (depth[i] || 61.8)) / 100;
    table[i] = 56 + rng.nextInt(6) + (rng.next() < 0.3 ? 0.5 : 0);
    price[i] = Math.max(326, Math.round(4000 * carat[i] ** 1.7 + 300 * rng.normal()));
    codes.cut[i] = Math.min(4, rng.nextInt(5) + (shift > 0 && rng.next() < 0.2 ? 1 : 0));
    codes.color[i] = rng.nextInt(7);
    codes.clarity[i] = rng.nextInt(8);
  }
  const n = (name: string, values: Float64Array): Column => ({ type: 'numeric', name, values });
  const c = (name: keyof typeof codes): Column => ({ type: 'categorical', name, codes: codes[name], levels: ORDERS[name] });
  return {
    rowCount: rows,
    columns: [n('carat', carat), c('cut'), c('color'), c('clarity'), n('depth', depth), n('table', table), n('x', x), n('y', y), n('z', z), n('price', price)],
  };
}

function timeRuns<T>(repeats: number, fn: () => T): { runsMs: number[]; cpuMs: number[]; out: T } {
  let out = fn(); // warm-up
  const runsMs: number[] = [];
  const cpuMs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    out = fn();
    runsMs.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  return { runsMs, cpuMs, out };
}

const summary = (runsMs: number[]): { medianMs: number; runsMs: number[] } => ({ medianMs: round(median(runsMs), 1), runsMs: runsMs.map((v) => round(v, 1)) });

interface WorkerJob {
  reference: Table;
  current: Table;
  repeats: number;
}
interface WorkerAnswer {
  runsMs: number[];
  report: DriftReport;
}

/** Copies of a table's arrays, so the originals stay usable after the copies are transferred. */
function cloneTable(t: Table): Table {
  return {
    rowCount: t.rowCount,
    columns: t.columns.map((c) => (c.type === 'numeric' ? { ...c, values: c.values.slice() } : { ...c, codes: c.codes.slice() })),
  };
}

function buffers(t: Table): ArrayBuffer[] {
  return t.columns.map((c) => (c.type === 'numeric' ? c.values.buffer : c.codes.buffer) as ArrayBuffer);
}

function runInWorker(reference: Table, current: Table, repeats: number): Promise<WorkerAnswer & { roundTripMs: number }> {
  return new Promise((resolve, reject) => {
    const ref = cloneTable(reference);
    const cur = cloneTable(current);
    const t0 = performance.now();
    // tsx's loader does not reach worker threads by itself: the worker's entry registers it first.
    const entry = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(import.meta.url)});`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`), { workerData: null });
    worker.once('message', (answer: WorkerAnswer) => {
      void worker.terminate();
      resolve({ ...answer, roundTripMs: performance.now() - t0 });
    });
    worker.once('error', reject);
    worker.postMessage({ reference: ref, current: cur, repeats } satisfies WorkerJob, [...buffers(ref), ...buffers(cur)]);
  });
}

function workerMain(): void {
  parentPort!.once('message', (job: WorkerJob) => {
    const { runsMs, out } = timeRuns(job.repeats, () => computeDrift(job.reference, job.current));
    parentPort!.postMessage({ runsMs, report: out } satisfies WorkerAnswer);
  });
}

/** scipy on the same data, when python3 has numpy and scipy; null (with the reason on stderr) otherwise. */
function scipyPeer(reference: Table, current: Table, repeats: number): { medianMs: number; runsMs: number[]; values: Record<string, number> } | null {
  const probe = spawnSync('python3', ['-c', 'import numpy, scipy; print(scipy.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    process.stderr.write('scipy peer skipped: python3 with numpy and scipy is not available\n');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'loupe-drift-bench-'));
  try {
    for (const [side, t] of [['ref', reference], ['cur', current]] as const)
      for (const c of t.columns) writeFileSync(join(dir, `${side}-${c.name}.bin`), c.type === 'numeric' ? c.values : c.codes);
    const script = `
import json, sys, time, numpy as np
from scipy import stats
from scipy.spatial import distance
d = sys.argv[1]; reps = int(sys.argv[2])
num = ${JSON.stringify(NUMERIC)}; cat = ${JSON.stringify(Object.keys(ORDERS))}
load = lambda side, name, t: np.fromfile(f"{d}/{side}-{name}.bin", dtype=t)
data = {n: (load('ref', n, np.float64), load('cur', n, np.float64)) for n in num}
codes = {n: (load('ref', n, np.int32), load('cur', n, np.int32)) for n in cat}
def shares(c, k):
    p = np.bincount(c[c >= 0], minlength=k) / np.count_nonzero(c >= 0)
    nz = p[p != 0].min()
    p[p == 0] = nz / 10**6 if nz <= 0.0001 else 0.0001
    return p
def run():
    out = {}
    for n, (r, c) in data.items():
        r = r[np.isfinite(r)]; c = c[np.isfinite(c)]
        out[n] = stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)
    for n, (r, c) in codes.items():
        k = int(max(r.max(), c.max())) + 1
        used = (np.bincount(r[r >= 0], minlength=k) + np.bincount(c[c >= 0], minlength=k)) > 0
        out[n] = float(distance.jensenshannon(shares(r, k)[used], shares(c, k)[used]))
    return out
run()
times = []
for _ in range(reps):
    t0 = time.perf_counter(); values = run(); times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"runsMs": times, "values": values, "scipy": __import__('scipy').__version__}))
`;
    const r = spawnSync('python3', ['-c', script, dir, String(repeats)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) {
      process.stderr.write(`scipy peer failed: ${r.stderr.slice(-500)}\n`);
      return null;
    }
    const out = JSON.parse(r.stdout) as { runsMs: number[]; values: Record<string, number> };
    return { ...summary(out.runsMs), values: out.values };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows = numberOption('rows', 1_000_000);
  const referenceRows = numberOption('reference', 10_000);
  const repeats = numberOption('repeats', 5);
  const t0 = performance.now();
  const reference = generate(referenceRows, 20240229, 0);
  const current = generate(rows, 20240301, 0.4);
  const generateMs = round(performance.now() - t0);

  const main = timeRuns(repeats, () => computeDrift(reference, current));
  const smallReference = generate(1000, 20240228, 0);
  const small = timeRuns(repeats, () => computeDrift(smallReference, current));
  const inWorker = await runInWorker(reference, current, repeats);
  const sortPeer = timeRuns(repeats, () => {
    for (const name of NUMERIC) {
      const col = current.columns.find((c) => c.name === name)!;
      if (col.type === 'numeric') col.values.slice().sort();
    }
  });
  const scipy = scipyPeer(reference, current, repeats);

  const report = main.out;
  const loupeMs = median(main.runsMs);
  const workerMs = median(inWorker.runsMs);
  let maxRelDiff: number | undefined;
  if (scipy) {
    maxRelDiff = 0;
    for (const c of report.columns) maxRelDiff = Math.max(maxRelDiff, Math.abs(c.value - scipy.values[c.name]) / Math.abs(scipy.values[c.name]));
  }
  const result = {
    benchmark: 'drift',
    node: process.version,
    machine: { cpus: cpus().length, loadAverage1m: round(loadavg()[0], 1) },
    rows,
    referenceRows,
    columns: report.columns.length,
    repeats,
    generateMs,
    targetMs: 2000,
    mainThread: { ...summary(main.runsMs), cpuMedianMs: round(median(main.cpuMs), 1) },
    worker: { ...summary(inWorker.runsMs), roundTripMs: round(inWorker.roundTripMs, 1), meetsTarget: workerMs <= 2000 },
    smallReference: {
      referenceRows: 1000,
      ...summary(small.runsMs),
      tests: [...new Set(small.out.columns.map((c) => `${c.test}${c.method ? ` (${c.method})` : ''}`))],
    },
    peers: {
      builtinSortOfNumericColumns: summary(sortPeer.runsMs),
      scipy: scipy ? { medianMs: scipy.medianMs, runsMs: scipy.runsMs, maxRelDiffFromLoupe: maxRelDiff } : 'skipped (python3 with numpy and scipy not available)',
    },
    ratios: {
      reportOverBuiltinSort: round(loupeMs / median(sortPeer.runsMs), 2),
      ...(scipy ? { reportOverScipy: round(loupeMs / scipy.medianMs, 2) } : {}),
      workerOverMainThread: round(workerMs / loupeMs, 2),
    },
    report: {
      datasetDrift: report.datasetDrift,
      driftShare: report.driftShare,
      columns: report.columns.map((c) => ({ name: c.name, test: c.test, value: c.value, drift: c.drift })),
    },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

if (isMainThread) await main();
else if (workerData === null) workerMain();
