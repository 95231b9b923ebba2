/**
 * Predicting a whole CSV file: the worker streams it through the model chunk by chunk and writes
 * the output as it goes — to a file the person picked (Save straight to a file), to a file in the
 * browser's private storage (OPFS) for large inputs, downloaded from there, or to a Blob for small
 * ones (prediction-files.ts chooses). The page keeps only progress, the first problems, the
 * summary and an object URL for the download; a result exists only for a complete output.
 * One file at a time: a new file supersedes the running one; Cancel stops it at once for the page,
 * and its output is abandoned once the worker has stopped (an OPFS file removed, a picked file's
 * writable aborted).
 */
import type { PredictionSummary } from '../core/pipeline/predict';
import type { RowProblem } from '../core/recipe/types';
import type { BatchMonitoring, BatchMonitoringResult, FilePredictionProgress, FilePredictionResult, OutputPreview, PredictionOutput, WrittenOutput } from '../../workers/protocol';
import { canPickSaveFile, chooseOutput, pickSaveFile, type HeldOutput } from './prediction-files';
import type { PredictClient } from './PredictClient';
import type { ShelfModel } from './ModelShelf.svelte';
import { describeProblem, isCancelled, type Problem } from './problems';

/** Problems listed while the file is being predicted (the worker keeps at most 100 per severity). */
const MAX_LIVE_PROBLEMS = 200;

export interface RunningFile {
  name: string;
  size: number;
  modelName: string;
  progress: FilePredictionProgress | null;
  /** Problems found so far (first ones only). */
  problems: RowProblem[];
  /** Where the output is being written. */
  output: PredictionOutput['kind'];
}

export interface FileResult {
  /** The input file's name. */
  name: string;
  modelName: string;
  summary: PredictionSummary;
  /** The first problems (errors and warnings, up to 100 each), by row. */
  problems: RowProblem[];
  header: string[];
  predictionColumn: string;
  /** The output's first rows, as written. */
  preview: OutputPreview;
  /** Where the complete output is: a picked file (saved already), or OPFS/memory (downloaded from `url`). */
  output: WrittenOutput['kind'];
  /** Object URL of the output CSV (not for a picked file); revoked when replaced or cleared. */
  url: string | null;
  /** Download name `<input>-predictions.csv`, or the picked file's name. */
  fileName: string;
  bytes: number;
  seconds: number;
  /** Where the file was read (see FilePredictionResult.readIn). */
  readIn: FilePredictionResult['readIn'];
  /** The drift report recorded for the file (see Monitor), or why there is none. */
  monitoring?: BatchMonitoringResult;
}

/** The monitored-batch request for a file predicted with `model`: registered versions are named by their shelf id. */
export function batchMonitoring(model: ShelfModel, fileName: string): BatchMonitoring {
  const m = /^registry:(.*)@(\d+)$/.exec(model.id);
  return { modelKey: model.id, modelName: model.name, fileName, ...(m ? { registered: { name: m[1], version: Number(m[2]) } } : {}) };
}

/** `gems.csv` → `gems-predictions.csv`. */
export function outputFileName(input: string): string {
  const base = input.replace(/\.(csv|tsv|txt)$/i, '') || 'data';
  return `${base}-predictions.csv`;
}

export class FilePrediction {
  running = $state.raw<RunningFile | null>(null);
  result = $state.raw<FileResult | null>(null);
  problem = $state.raw<Problem | null>(null);
  notice = $state<string | null>(null);
  /** Clip predictions to the training target's range (the next file predicted uses it). */
  clip = $state(false);
  /** Add each row's explanation as shap_base and shap_<column> columns (the next file predicted uses it). */
  explain = $state(false);
  /** Add `prediction_lower` and `prediction_upper` at the model's coverage, when it has intervals (off by default: the output keeps its columns unless asked, as the CLI's --interval). */
  intervals = $state(false);
  /** Save the output straight to a file the person picks (where the browser can): a chosen CSV then waits for `saveAndStart`. */
  saveToFile = $state(false);
  /** The CSV chosen while `saveToFile` is on, waiting for the person to pick where to save. */
  pending = $state.raw<File | null>(null);
  /** The browser can save to a picked file (showSaveFilePicker). */
  readonly canSaveToFile = canPickSaveFile();

  readonly #client: PredictClient;
  #run = 0;
  /** The OPFS output of the running file or of the result shown (removed when they go). */
  #held: HeldOutput | null = null;

  constructor(client: PredictClient) {
    this.#client = client;
  }

  /** A CSV was chosen: predicts it now, or (saving to a file) waits for `saveAndStart`. */
  choose(file: File, model: ShelfModel): Promise<void> {
    if (this.saveToFile && this.canSaveToFile) {
      this.clear();
      this.pending = file;
      return Promise.resolve();
    }
    return this.start(file, model);
  }

  /** Asks where to save the pending file's predictions (call from a click) and starts; nothing happens if the dialog is dismissed. */
  async saveAndStart(model: ShelfModel): Promise<void> {
    const file = this.pending;
    if (!file) return;
    let handle: FileSystemFileHandle | null;
    try {
      handle = await pickSaveFile(outputFileName(file.name));
    } catch (e) {
      this.problem = describeProblem(e, `Could not save the predictions of “${file.name}”`);
      return;
    }
    if (!handle) return;
    this.pending = null;
    await this.start(file, model, handle);
  }

  /** Predicts every row of `file` with `model`, into `saveTo` when given. */
  async start(file: File, model: ShelfModel, saveTo?: FileSystemFileHandle): Promise<void> {
    const run = ++this.#run;
    const classifier = model.bundle.task === 'classification';
    /** The model's conformal calibration: a regressor's intervals, a classifier's prediction sets. */
    const calibrated = model.bundle.intervals ?? model.bundle.predictionSets;
    if (this.running) this.#stop();
    this.clear();
    this.pending = null;
    this.running = { name: file.name, size: file.size, modelName: model.name, progress: null, problems: [], output: saveTo ? 'picked' : 'memory' };
    try {
      const chosen: { output: PredictionOutput; held?: HeldOutput } = saveTo ? { output: { kind: 'picked', handle: saveTo } } : await chooseOutput(file.size);
      if (run !== this.#run) {
        void chosen.held?.release();
        return;
      }
      this.#held = chosen.held ?? null;
      this.running = { ...this.running, output: chosen.output.kind };
      const r = await this.#client.predictFile(
        model.id,
        model.bundle,
        file,
        (p) => {
          const cur = this.running;
          if (run !== this.#run || !cur) return;
          const problems = p.newProblems.length && cur.problems.length < MAX_LIVE_PROBLEMS ? [...cur.problems, ...p.newProblems].slice(0, MAX_LIVE_PROBLEMS) : cur.problems;
          this.running = { ...cur, progress: p, problems };
        },
        {
          // Clipping is for numbers; a classifier's file can explain its class and carry its prediction sets.
          clip: this.clip && !classifier,
          monitor: batchMonitoring(model, file.name),
          explain: this.explain,
          ...(this.intervals && calibrated ? { interval: calibrated.coverage } : {}),
          output: chosen.output,
        },
      );
      if (run !== this.#run) return; // cancelled or superseded
      const o = r.output;
      this.result = {
        name: file.name,
        modelName: model.name,
        summary: r.summary,
        problems: r.problems,
        header: r.header,
        predictionColumn: r.predictionColumn,
        preview: r.preview,
        output: o.kind,
        url: o.kind === 'picked' ? null : URL.createObjectURL(o.kind === 'opfs' ? o.file : o.blob),
        fileName: o.kind === 'picked' ? o.name : outputFileName(file.name),
        bytes: o.bytes,
        seconds: r.seconds,
        readIn: r.readIn,
        ...(r.monitoring ? { monitoring: r.monitoring } : {}),
      };
    } catch (e) {
      if (run !== this.#run) return;
      this.#releaseHeld();
      if (isCancelled(e)) this.notice = `Predicting “${file.name}” was cancelled.`;
      else this.problem = describeProblem(e, `Could not predict “${file.name}”`);
    } finally {
      if (run === this.#run) this.running = null;
    }
  }

  /** Stops the running file now (the worker is told to stop, and replaced if it does not). */
  cancel(): void {
    const cur = this.running;
    if (!cur) return;
    this.#run++;
    this.#stop();
    this.running = null;
    this.notice = `Predicting “${cur.name}” was cancelled.`;
  }

  /** Stops the worker's file; its OPFS output is removed once the worker has let go of it. */
  #stop(): void {
    const held = this.#held;
    this.#held = null;
    void this.#client.cancel().then(() => held?.release());
  }

  #releaseHeld(): void {
    void this.#held?.release();
    this.#held = null;
  }

  /** Forgets the result (and frees its download, and its file in the browser's storage). */
  clear(): void {
    if (this.result?.url) URL.revokeObjectURL(this.result.url);
    if (this.result) this.#releaseHeld();
    this.result = null;
    this.problem = null;
    this.notice = null;
  }

  dispose(): void {
    this.#run++;
    if (this.running) this.#stop();
    this.running = null;
    this.clear();
    this.pending = null;
  }
}
