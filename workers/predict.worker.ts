/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import { loadBundle, parseBundle, type LoadedBundle, type ModelBundle } from '../src/core/bundle/bundle';
import { checkBundleSize } from '../src/core/bundle/limits';
import type { ByteSource } from '../src/core/data/types';
import { modelInfo } from '../src/core/models/catalog';
import { exportOnnx } from '../src/core/onnx';
import { predictCsv, predictionChunkToCsv, predictionColumnName, predictRecords } from '../src/core/pipeline/predict';
import type { RowProblem } from '../src/core/recipe/types';
import { initTf } from '../src/core/tf';
import { installErrorTransfer } from './error-transfer';
import type { FilePredictionResult, LoadedModelInfo, PredictApi } from './protocol';

installErrorTransfer();

/** Rows handed to the model at a time: bounds memory and the time between cancel checks. */
const CHUNK_ROWS = 10_000;
/** Problems kept for the page, per severity (all are counted in the summary). */
const MAX_PROBLEMS = 100;
/** Loaded bundles kept per worker (the most recently used). */
const MAX_LOADED = 4;
/**
 * Where the app serves the tfjs .wasm binaries: `tfjs/` at the app's root (the build writes them
 * there from node_modules; the dev server serves them). Worker scripts live one folder below the
 * root (assets/ in the build). If they cannot be fetched, the cpu backend is used.
 */
const WASM_DIR = new URL('../tfjs/', self.location.href).href;

const loaded = new Map<string, LoadedBundle>();
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
  loaded.set(key, model);
  while (loaded.size > MAX_LOADED) loaded.delete(loaded.keys().next().value as string);
  return { bundle: model.bundle, inputs: model.recipe.inputSchema() };
}

function get(key: string): LoadedBundle {
  const m = loaded.get(key);
  if (!m) throw new Error(`Model ${key} is not loaded in the prediction worker.`);
  return m;
}

function fileSource(file: Blob): ByteSource {
  return {
    size: file.size,
    read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
  };
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
  async predictRow(key, record) {
    const res = predictRecords(get(key), [record], 1);
    return { prediction: res.valid[0] ? res.predictions[0] : null, problems: res.problems };
  },
  async predictFile(key, file, onProgress, options): Promise<FilePredictionResult> {
    const model = get(key);
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const started = performance.now();
    // Each chunk's CSV text becomes a small Blob at once, so the text can be collected and the
    // browser may keep the parts out of the JS heap; the result is one Blob over all parts.
    const parts: Blob[] = [];
    const errors: RowProblem[] = [];
    const warnings: RowProblem[] = [];
    let sentErrors = 0;
    let sentWarnings = 0;
    let header: string[] = [];
    try {
      const summary = await predictCsv(model, fileSource(file), {
        chunkRows: CHUNK_ROWS,
        clip: options?.clip === true,
        signal: controller.signal,
        onChunk: (chunk) => {
          parts.push(new Blob([predictionChunkToCsv(chunk, parts.length === 0)], { type: 'text/csv' }));
          header = chunk.header;
          for (const p of chunk.problems) {
            const list = p.severity === 'error' ? errors : warnings;
            if (list.length < MAX_PROBLEMS) list.push(p);
          }
        },
        onProgress: (p) => {
          const newProblems = [...errors.slice(sentErrors), ...warnings.slice(sentWarnings)];
          sentErrors = errors.length;
          sentWarnings = warnings.length;
          onProgress?.({ bytesRead: p.bytesRead, totalBytes: p.totalBytes, rows: p.rows, predicted: p.predicted, newProblems });
        },
      });
      const problems = [...errors, ...warnings].sort((a, b) => a.row - b.row);
      return {
        summary,
        output: new Blob(parts, { type: 'text/csv' }),
        header,
        predictionColumn: predictionColumnName(header),
        problems,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
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
};

expose(api);
