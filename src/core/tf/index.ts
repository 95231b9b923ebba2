/**
 * The one place that initialises TensorFlow.js for src/core.
 *
 * Backends: @tensorflow/tfjs-backend-wasm (preferred; XNNPACK, SIMD, and threads when the page is
 * cross-origin isolated) with @tensorflow/tfjs-backend-cpu as the fallback. A backend is set once
 * per thread (page, worker or Node process); models call `await ensureTf()` before fitting and
 * `requireTf()` (synchronous) before predicting.
 *
 * Where the .wasm binaries come from:
 * - Node (CLI, bench, vitest): nothing to pass. Node resolves the packages' CommonJS bundles and
 *   Emscripten reads `tfjs-backend-wasm-simd.wasm` from the package's own dist/ folder. tfjs
 *   reports no thread support under Node, so the SIMD (single-threaded) build is used.
 * - Browser / worker: the app serves the three .wasm files from static/ and passes
 *   `wasmPaths` (a folder URL ending in '/', or a map of file name → URL). When the context is
 *   cross-origin isolated, tfjs picks the threaded SIMD build itself.
 *
 * tfjs (about 1 MB of script) is imported on first initialisation, not when this module loads:
 * the page imports model and bundle code (parameter checks, bundle validation) but never
 * initialises tfjs, so tfjs loads only in the workers, the CLI and tests.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';

/** tfjs-core's namespace; set by the first `initTf()` / `ensureTf()` (use `requireTf()` where in doubt). */
export let tf: typeof TfCore;
let wasm: typeof TfWasm;
let loading: Promise<void> | undefined;

function loadTf(): Promise<void> {
  loading ??= Promise.all([import('@tensorflow/tfjs-core'), import('@tensorflow/tfjs-backend-wasm'), import('@tensorflow/tfjs-backend-cpu')]).then(
    ([core, w]) => {
      tf = core;
      wasm = w;
    },
  );
  return loading;
}

export type TfBackendName = 'wasm' | 'cpu';

export interface TfInitOptions {
  /** Backend to use; 'wasm' (default) falls back to 'cpu' if the WASM module cannot load. */
  backend?: TfBackendName;
  /** Where the .wasm binaries are served: folder prefix ending in '/', or a map file name → URL. Needed in browsers only. */
  wasmPaths?: string | Record<string, string>;
  /** XNNPACK thread-pool size for the threaded WASM build (default: tfjs's, the core count). */
  threads?: number;
}

export interface TfBackendInfo {
  /** Active backend name as tfjs reports it ('wasm' or 'cpu'). */
  backend: string;
  /** WASM only: whether the SIMD build was usable. */
  simd?: boolean;
  /** WASM only: whether the threaded build was usable (cross-origin isolated browser contexts). */
  multithread?: boolean;
  /** WASM only: XNNPACK threads in use (1 when not threaded). */
  threads?: number;
  /** Set when 'wasm' was asked for but 'cpu' is in use, with the reason. */
  fallbackReason?: string;
}

let current: TfBackendInfo | undefined;
let chain: Promise<TfBackendInfo> | undefined;
let wasmConfigured = false;

async function activate(opts: TfInitOptions): Promise<TfBackendInfo> {
  await loadTf();
  const { getThreadsCount, setThreadsCount, setWasmPaths } = wasm;
  const want = opts.backend ?? 'wasm';
  if (current && tf.getBackend() === want) return current;
  if (want === 'cpu') {
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend failed to initialise.');
    await tf.ready();
    current = { backend: tf.getBackend() };
    return current;
  }
  let reason: string | undefined;
  try {
    if (!wasmConfigured) {
      // Both must happen before the wasm backend is first initialised; later values are ignored.
      if (opts.wasmPaths !== undefined) setWasmPaths(opts.wasmPaths as Parameters<typeof setWasmPaths>[0]);
      if (opts.threads !== undefined) setThreadsCount(opts.threads);
      wasmConfigured = true;
    }
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      const [simd, multithread] = await Promise.all([
        tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
        tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
      ]);
      current = { backend: tf.getBackend(), simd: Boolean(simd), multithread: Boolean(multithread), threads: getThreadsCount() };
      return current;
    }
    reason = 'the WASM backend failed to initialise (see the console for tfjs\'s message)';
  } catch (e) {
    reason = e instanceof Error ? e.message : String((e as { message?: unknown })?.message ?? e);
  }
  if (!(await tf.setBackend('cpu'))) throw new Error(`tfjs: neither wasm (${reason}) nor cpu could be initialised.`);
  await tf.ready();
  current = { backend: tf.getBackend(), fallbackReason: reason };
  return current;
}

/**
 * Initialises tfjs once for this thread and returns what is in use. Idempotent: a second call
 * returns the same result; a call naming a different `backend` switches to it (the bench
 * compares wasm with cpu in one process). `wasmPaths` and `threads` only count on the first
 * wasm initialisation.
 */
export function initTf(opts: TfInitOptions = {}): Promise<TfBackendInfo> {
  if (chain && (opts.backend === undefined || current?.backend === opts.backend)) return chain;
  const prev = chain ?? Promise.resolve(undefined);
  chain = prev.catch(() => undefined).then(() => activate(opts));
  return chain;
}

/** What models call before using tfjs: initialises the default (wasm → cpu) backend if nobody did. */
export function ensureTf(): Promise<TfBackendInfo> {
  return chain ?? initTf();
}

/** The backend in use, or undefined before initialisation. */
export function tfBackendInfo(): TfBackendInfo | undefined {
  return current ? { ...current } : undefined;
}

/**
 * For synchronous code paths (predict): tfjs must already be initialised, since backend
 * initialisation is asynchronous. A fit, `initTf()` or `ensureTf()` in this thread does it.
 */
export function requireTf(): typeof tf {
  if (!current) throw new Error('TensorFlow.js is not initialised in this thread: await initTf() (or ensureTf()) before predicting.');
  return tf;
}
