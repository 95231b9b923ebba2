/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import { loadBundle, parseBundle, type LoadedBundle, type ModelBundle } from '../src/core/bundle/bundle';
import { checkBundleSize } from '../src/core/bundle/limits';
import { intervalCoverage } from '../src/core/conformal/calibration';
import { setCoverage } from '../src/core/conformal/sets';
import { Explainer } from '../src/core/explain';
import { modelInfo } from '../src/core/models/catalog';
import { exportOnnx } from '../src/core/onnx';
import { modelReport } from '../src/core/report';
import { throwIfAborted } from '../src/core/abort';
import { LoupeError } from '../src/core/errors';
import { bundleReference, monitorBatch, referenceFromCsv, type MonitorReference } from '../src/core/pipeline/monitor';
import { bundleClasses, predictRecords } from '../src/core/pipeline/predict';
import { streamPredict, type PredictedColumns, type PredictionSink } from '../src/core/pipeline/stream-predict';
import { batchOptions, PredictedBatchCollector } from '../src/core/pipeline/predicted-batch';
import { DatasetStore, MonitorStore, openLoupeDb, type LoupeDb, type ReferenceChoice } from '../src/storage';
import { initTf } from '../src/core/tf';
import { installErrorTransfer } from './error-transfer';
import { fileSource } from './file-source';
import { openOutput, OutputHead } from './prediction-output';
import { startReadWorker } from './read-client';
import type { BatchMonitoring, BatchMonitoringResult, FilePredictionResult, LoadedModelInfo, PredictApi, RowPredictionResult } from './protocol';

installErrorTransfer();

/** Rows handed to the model at a time: bounds memory and the time between cancel checks. */
const CHUNK_ROWS = 10_000;
/** Problems kept for the page, per severity (all are counted in the summary). */
const MAX_PROBLEMS = 100;
/**
 * Rows of a predicted file kept for its drift report: beyond this, a uniform seeded sample of
 * this many (about 90 MB for the gemstone model's inputs), so the worker's memory stays bounded
 * whatever the file's size (the stored batch still counts every row; the report says how many it compared).
 */
const MONITOR_MAX_ROWS = 1_000_000;
/** Rows of a predicted file's output shown on the page. */
const PREVIEW_ROWS = 8;
/** Loaded bundles kept per worker (the most recently used). */
const MAX_LOADED = 4;
/**
 * Where the app serves the tfjs .wasm binaries: `tfjs/` at the app's root (the build writes them
 * there from node_modules; the dev server serves them). Worker scripts live one folder below the
 * root (assets/ in the build). If they cannot be fetched, the cpu backend is used.
 */
const WASM_DIR = new URL('../tfjs/', self.location.href).href;

const loaded = new Map<string, LoadedBundle>();
/** Explainers of loaded bundles, built on first use (an older bundle's ExplainError is kept as its answer). */
const explainers = new Map<string, Explainer | Error>();

function explainerFor(key: string): Explainer {
  let e = explainers.get(key);
  if (!e) {
    try {
      e = new Explainer(get(key).model, get(key).recipe);
    } catch (err) {
      e = err instanceof Error ? err : new Error(String(err));
    }
    explainers.set(key, e);
  }
  if (e instanceof Error) throw e;
  return e;
}
let current: AbortController | null = null;
let tfReady: Promise<unknown> | null = null;

async function readyTf(): Promise<void> {
  tfReady ??= (async () => {
    const probe = await fetch(`${WASM_DIR}tfjs-backend-wasm-simd.wasm`, { method: 'HEAD' }).catch(() => null);
    const served = probe?.ok === true && (probe.headers.get('content-type') ?? '').includes('wasm');
    return initTf(served ? { backend: 'wasm', wasmPaths: WASM_DIR } : { backend: 'cpu' });
  })();
  await tfReady;
}

async function keep(key: string, model: LoadedBundle): Promise<LoadedModelInfo> {
  if (modelInfo(model.bundle.model.type).tfjs) await readyTf();
  loaded.delete(key);
  explainers.delete(key);
  loaded.set(key, model);
  while (loaded.size > MAX_LOADED) {
    const oldest = loaded.keys().next().value as string;
    loaded.delete(oldest);
    explainers.delete(oldest);
  }
  return { bundle: model.bundle, inputs: model.recipe.inputSchema() };
}

function get(key: string): LoadedBundle {
  const m = loaded.get(key);
  if (!m) throw new Error(`Model ${key} is not loaded in the prediction worker.`);
  return m;
}

let db: Promise<LoupeDb> | null = null;
function database(): Promise<LoupeDb> {
  const d = (db ??= openLoupeDb());
  d.catch(() => {
    if (db === d) db = null; // try again next time
  });
  return d;
}

/** References read from training datasets, by model key (predicting a dataset once per model). */
const datasetReferences = new Map<string, MonitorReference>();

/**
 * The model's reference as chosen: its bundle's sample, or its training dataset when this browser
 * keeps it (predicted by the model, as the batch is). Without a sample, the dataset is used.
 * A string says why there is none.
 */
async function referenceFor(model: LoadedBundle, key: string, choice: ReferenceChoice, signal: AbortSignal): Promise<MonitorReference | string> {
  if (model.referenceSample && choice === 'sample') return bundleReference(model);
  const cached = datasetReferences.get(key);
  if (cached) return cached;
  let file: Blob;
  try {
    file = await new DatasetStore(await database()).loadFile(model.bundle.lineage.datasetHash);
  } catch {
    return model.referenceSample
      ? 'No drift report: Monitor is set to compare this model with its training dataset, which is not stored in this browser. Load it on the Data screen, or choose the sample in the model as the reference.'
      : 'No drift report: this model’s bundle carries no reference sample and its training dataset is not stored in this browser. Load the training data on the Data screen (or use a bundle with its sample) to monitor it.';
  }
  const reference = await referenceFromCsv(model, fileSource(file), 'dataset', { signal, chunkRows: CHUNK_ROWS });
  datasetReferences.set(key, reference);
  return reference;
}

/** Compares the predicted batch with the model's reference and stores the report; never fails the prediction. */
async function recordBatch(model: LoadedBundle, monitor: BatchMonitoring, collector: PredictedBatchCollector, signal: AbortSignal): Promise<BatchMonitoringResult> {
  try {
    const store = new MonitorStore(await database());
    const reference = await referenceFor(model, monitor.modelKey, await store.getReference(monitor.modelKey), signal);
    if (typeof reference === 'string') return { status: 'no-reference', message: reference };
    const settings = await store.getSettings(monitor.modelKey);
    const batch = collector.finish();
    const report = monitorBatch(model, reference, batch, settings);
    // A larger file is compared on its sample (report.rows); the batch is as many rows as were predicted.
    const rows = batch.sampledFrom ?? report.rows;
    const p = report.performance;
    const cp = report.classificationPerformance;
    const stored = await store.add({
      modelKey: monitor.modelKey,
      modelName: monitor.modelName,
      ...(monitor.registered ? { registered: monitor.registered } : {}),
      fileName: monitor.fileName,
      rows,
      referenceRows: report.referenceRows,
      referenceSource: reference.source,
      driftShare: report.driftShare,
      datasetDrift: report.datasetDrift,
      ...(p ? { metric: { name: p.metric, value: p.metrics[p.metric], degraded: p.degraded } } : {}),
      ...(cp ? { metric: { name: cp.metric, value: cp.metric === 'roc_auc' ? cp.metrics.rocAuc : cp.metrics.logLoss, degraded: cp.degraded } } : {}),
      report,
      settings,
    });
    return {
      status: 'recorded',
      batchId: stored.id,
      rows,
      driftShare: report.driftShare,
      datasetDrift: report.datasetDrift,
      drifting: report.columns.filter((c) => c.drift).map((c) => c.name),
      columns: report.columns.length,
      predictionDrift: report.prediction.drift,
      referenceSource: reference.source,
      ...(p ? { degraded: p.degraded } : {}),
    };
  } catch (e) {
    if (signal.aborted) throw e;
    return { status: 'failed', message: `No drift report: ${e instanceof LoupeError || e instanceof Error ? e.message : String(e)}` };
  }
}

const api: PredictApi = {
  async importBundle(key: string, file: Blob): Promise<LoadedModelInfo> {
    checkBundleSize(file.size, file instanceof File ? file.name : 'The bundle file');
    return keep(key, parseBundle(await file.text()));
  },
  async load(key: string, bundle: ModelBundle): Promise<LoadedModelInfo> {
    return keep(key, loadBundle(bundle));
  },
  has(key: string): boolean {
    return loaded.has(key);
  },
  async predictRow(key, record, options) {
    const model = get(key);
    let explainer: Explainer | undefined;
    let unavailable: string | undefined;
    if (options?.explain) {
      try {
        explainer = explainerFor(key);
      } catch (e) {
        unavailable = e instanceof Error ? e.message : String(e);
      }
    }
    // The model's own coverage: a regressor's interval, a classifier's prediction set.
    const coverage = model.intervals?.coverage ?? model.predictionSets?.coverage;
    // A classifier's row carries every class's values: the waterfall switches class without asking again.
    const res = predictRecords(model, [record], 1, { explainer, interval: coverage, explainAllClasses: true });
    const out: RowPredictionResult = { prediction: res.valid[0] ? res.predictions[0] : null, problems: res.problems };
    if (res.valid[0] && res.lower && coverage !== undefined) out.interval = { lower: res.lower[0], upper: res.upper![0], coverage };
    if (res.valid[0] && res.probabilities && res.classes) {
      out.label = res.classes[res.predictions[0]];
      out.probabilities = Array.from(res.probabilities.subarray(0, res.classes.length));
      if (res.sets && coverage !== undefined) out.predictionSet = { labels: res.classes.filter((_, c) => res.sets![c] === 1), coverage };
    }
    if (res.explanation) out.explanation = res.explanation;
    else if (unavailable) out.explanation = { unavailable };
    return out;
  },
  async predictFile(key, file, onProgress, options): Promise<FilePredictionResult> {
    const model = get(key);
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const collector = options?.monitor ? new PredictedBatchCollector(model.bundle.target, batchOptions(model, { maxRows: MONITOR_MAX_ROWS })) : null;
    // The file is read and parsed in a nested worker, beside predicting and writing here; it
    // starts first, so that its start-up overlaps opening the output.
    const reading = startReadWorker(file, CHUNK_ROWS);
    let output: Awaited<ReturnType<typeof openOutput>>;
    try {
      output = await openOutput(options?.output);
    } catch (e) {
      reading?.stop();
      throw e;
    }
    let written = 0;
    const head = new OutputHead();
    try {
      // The engine aborts the output on a failure; it is closed here, after monitoring, so that
      // a cancel until the very end still leaves no output claimed complete.
      const sink: PredictionSink = {
        write: (bytes) => ((written += bytes.length), head.add(bytes), output.write(bytes)),
        abort: () => output.abort(),
      };
      const summary = await streamPredict(model, reading ? reading.reader(fileSource(file)) : fileSource(file), sink, {
        chunkRows: CHUNK_ROWS,
        clip: options?.clip === true,
        explainer: options?.explain ? explainerFor(key) : undefined,
        interval: options?.interval === undefined ? undefined : model.predictionSets ? setCoverage(model.predictionSets, options.interval) : intervalCoverage(model.intervals, options.interval),
        signal: controller.signal,
        maxListed: MAX_PROBLEMS,
        ...(collector ? { onPredicted: (chunk: PredictedColumns) => collector.addPredicted(chunk) } : {}),
        onProgress: (p) =>
          onProgress?.({
            bytesRead: p.bytes,
            totalBytes: p.totalBytes ?? file.size,
            rows: p.rows,
            predicted: p.rows,
            newProblems: p.newProblems,
            rowsPerSecond: p.rowsPerSecond,
            ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}),
            bytesWritten: written,
          }),
      });
      const monitoring = collector && options?.monitor ? await recordBatch(model, options.monitor, collector, controller.signal) : undefined;
      throwIfAborted(controller.signal);
      // The summary proper; the listed problems travel once.
      const { header, predictionColumn, problems, seconds, columns: _columns, bytesRead: _read, bytesWritten: _written, permutations: _permutations, ...counts } = summary;
      const readIn = reading?.readIn === 'worker' ? 'read worker' : 'prediction worker';
      return { summary: counts, output: await output.close(), header, predictionColumn, preview: head.preview(PREVIEW_ROWS), problems, seconds, readIn, ...(monitoring ? { monitoring } : {}) };
    } catch (e) {
      await output.abort();
      throw e;
    } finally {
      reading?.stop();
      if (current === controller) current = null;
    }
  },
  cancel(): void {
    current?.abort();
  },
  async exportOnnx(bundle: ModelBundle): Promise<Uint8Array> {
    // Only the model's state is read: no tfjs backend is needed, even for the MLP.
    const bytes = exportOnnx(loadBundle(bundle));
    return transfer(bytes, [bytes.buffer]);
  },
  async modelReport(bundle, extra) {
    const model = loadBundle(bundle);
    if (modelInfo(model.bundle.model.type).tfjs) await readyTf();
    return modelReport(model, extra, { tfReady: true });
  },
};

expose(api);
