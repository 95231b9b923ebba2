/**
 * Predicting a whole CSV file: the worker streams it through the model chunk by chunk and hands
 * back the output as one Blob (built from per-chunk parts, never one big string). The page keeps
 * only progress, the first problems, the summary and an object URL for the download.
 * One file at a time: a new file supersedes the running one; Cancel stops it at once for the page.
 */
import type { PredictionSummary } from '../core/pipeline/predict';
import type { RowProblem } from '../core/recipe/types';
import type { BatchMonitoring, BatchMonitoringResult, FilePredictionProgress } from '../../workers/protocol';
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
  /** Object URL of the output CSV; revoked when replaced or cleared. */
  url: string;
  /** Download name: `<input>-predictions.csv`. */
  fileName: string;
  bytes: number;
  seconds: number;
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

  readonly #client: PredictClient;
  #run = 0;

  constructor(client: PredictClient) {
    this.#client = client;
  }

  /** Predicts every row of `file` with `model`. */
  async start(file: File, model: ShelfModel): Promise<void> {
    const run = ++this.#run;
    if (this.running) this.#client.cancel();
    this.clear();
    this.running = { name: file.name, size: file.size, modelName: model.name, progress: null, problems: [] };
    try {
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
        { clip: this.clip, monitor: batchMonitoring(model, file.name), explain: this.explain, ...(this.intervals && model.bundle.intervals ? { interval: model.bundle.intervals.coverage } : {}) },
      );
      if (run !== this.#run) return; // cancelled or superseded
      this.result = {
        name: file.name,
        modelName: model.name,
        summary: r.summary,
        problems: r.problems,
        header: r.header,
        predictionColumn: r.predictionColumn,
        url: URL.createObjectURL(r.output),
        fileName: outputFileName(file.name),
        bytes: r.output.size,
        seconds: r.seconds,
        ...(r.monitoring ? { monitoring: r.monitoring } : {}),
      };
    } catch (e) {
      if (run !== this.#run) return;
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
    this.#client.cancel();
    this.running = null;
    this.notice = `Predicting “${cur.name}” was cancelled.`;
  }

  /** Forgets the result (and frees its download). */
  clear(): void {
    if (this.result) URL.revokeObjectURL(this.result.url);
    this.result = null;
    this.problem = null;
    this.notice = null;
  }

  dispose(): void {
    this.#run++;
    this.clear();
  }
}
