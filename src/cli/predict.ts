/**
 * `loupe predict <model.json> <file.csv> [--out predictions.csv] [--explain]`: streams the CSV
 * through a model bundle chunk by chunk (streamPredict) and writes the input columns plus
 * `prediction` and `error` columns (and with --explain, `shap_base` and `shap_<column>`; a
 * classifier's after `shap_class`, the class explained). Rows
 * with problems are kept (error column filled) and summarised on stderr. `--out` is written as
 * `<out>.partial` and renamed when every row is written, so a failed or interrupted run never
 * leaves a file that looks complete. A classifier's bundle writes the class label as
 * `prediction` and one `proba_<class>` column per class, and with --interval its conformal
 * prediction set as `prediction_set` (the labels joined by '|').
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { openBundle } from '../core/bundle/bundle';
import { Explainer } from '../core/explain';
import { explanationMethod, unitWords } from '../core/explain/method';
import { intervalCoverage, percent } from '../core/conformal/calibration';
import { setCoverage } from '../core/conformal/sets';
import { checkBundleSize } from '../core/bundle/limits';
import { bundleReference, monitorBatch } from '../core/pipeline/monitor';
import { batchOptions, PredictedBatchCollector } from '../core/pipeline/predicted-batch';
import { streamPredict, type PredictionSink } from '../core/pipeline/stream-predict';
import { monitorJson } from './monitor';
import { numberOption, parseArgs, rejectUnknown, stringOption, UsageError, type ParsedArgs } from './args';
import type { Command, CommandIo } from './command';
import { ReadWorker } from './read-worker-client';
import { openFileSource } from './node-source';
import { terminalText } from './terminal-text';

const USAGE = `loupe predict <model.json> <file.csv> [--out predictions.csv] [--chunk-rows n] [--clip] [--interval [coverage]] [--explain [--explain-class label]] [--drift drift.json]

Predicts every row of the CSV with the model bundle and writes CSV: the input columns, a
"prediction" column and an "error" column (why a row could not be predicted, or a warning that
its prediction lies outside the range of the target in the training data). Without --out the
CSV goes to stdout. A summary (rows, predicted, problems) goes to stderr. Bundles over 512 MB
are refused. A classifier writes the predicted class as "prediction" (two classes: by the
decision threshold stored in the bundle) and one "proba_<class>" column per class; with
--interval, a "prediction_set" column: the classes of its conformal prediction set at that
coverage, joined by "|" (it holds the true class with that probability); with --explain,
"shap_class", "shap_base" and "shap_<column>" (see --explain-class). --clip is for regression models.
  --out <file>       write the predictions CSV here
  --chunk-rows <n>   rows per chunk (default 10000)
  --clip             clip predictions to the training range of the target
  --interval [c]     add prediction_lower and prediction_upper: the conformal prediction
                     interval at coverage c (a share, e.g. 0.8), by default the one the model
                     was calibrated at (0.9 unless chosen otherwise in training)
  --strict           exit with status 1 when any row could not be predicted
  --drift <file>     also compare the file with the model's reference sample and write the
                     drift report there (the JSON of \`loupe monitor --report\`)
  --explain          add "shap_base" and a "shap_<column>" per input column: how much each
                     column moved the prediction away from the model's expected one, in the
                     target's units (shap_base + all shap_ columns = the prediction before
                     --clip). Exact for trees and linear models; sampled for k-NN and MLP.
                     A classifier's explain one class per row, named in "shap_class": the
                     positive class for two classes, else the row's predicted class; in
                     log-odds (gradient-boosted trees, logistic regression) or probability
                     (tree, forest, k-NN, MLP), adding up to that class's log-odds/probability
  --explain-class <label>  explain this class on every row instead (classifiers)
  --permutations <n> permutations per row for sampled explanations (default 128)`;


/** Writes to a Node stream, waiting for 'drain' when its buffer is full (backpressure); a stream error rejects. */
function streamWriter(stream: WriteStream | NodeJS.WriteStream): (chunk: Uint8Array | string) => Promise<void> {
  let failed: Error | null = null;
  stream.on('error', (e: Error) => (failed ??= e));
  return (chunk) =>
    new Promise((resolve, reject) => {
      if (failed) return reject(failed);
      if (stream.write(chunk)) return resolve();
      const done = (e?: Error): void => {
        stream.off('drain', done);
        stream.off('error', done);
        if (e) reject(e);
        else resolve();
      };
      stream.once('drain', done);
      stream.once('error', done);
    });
}

/** Output bytes the file sink holds before it waits for the disk: bounded memory, writes beside the work. */
const SINK_BUFFER_BYTES = 8 << 20;

/** The predictions file: written as `<path>.partial`, renamed to `path` on close, removed on abort. */
export function fileSink(path: string): PredictionSink {
  const partial = `${path}.partial`;
  // Writes overlap the next chunks' work: the stream asks to wait only past a few chunks of output
  // (the default 16 KB would wait for every chunk to reach the disk before reading on).
  const stream = createWriteStream(partial, { highWaterMark: SINK_BUFFER_BYTES });
  const write = streamWriter(stream);
  return {
    write,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => resolve());
      });
      await rename(partial, path);
    },
    abort: async () => {
      await new Promise<void>((resolve) => {
        if (stream.closed) resolve();
        else stream.destroy().once('close', () => resolve());
      });
      await rm(partial, { force: true });
    },
  };
}

/** Standard output (control characters escaped on a terminal); never ended. */
function stdoutSink(): PredictionSink {
  const write = streamWriter(process.stdout);
  const decoder = new TextDecoder();
  return { write: (bytes) => write(process.stdout.isTTY ? terminalText(decoder.decode(bytes, { stream: true })) : bytes) };
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'predict a CSV with a model bundle; writes input columns + prediction',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(intervalValue(argv), ['out', 'chunk-rows', 'drift', 'permutations', 'explain-class']);
    rejectUnknown(args, ['out', 'chunk-rows', 'clip', 'strict', 'interval', 'drift', 'explain', 'explain-class', 'permutations', 'help']);
    if (args.positionals.length !== 2) throw new UsageError('predict takes a model bundle and a CSV file');
    const [modelPath, csvPath] = args.positionals;
    const chunkRows = numberOption(args, 'chunk-rows') ?? 10_000;
    if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new UsageError('--chunk-rows must be a positive integer');
    if (args.options.get('clip') !== undefined && args.options.get('clip') !== true) throw new UsageError('--clip takes no value');
    const clip = args.options.get('clip') === true;
    if (args.options.get('explain') !== undefined && args.options.get('explain') !== true) throw new UsageError('--explain takes no value');
    const explain = args.options.get('explain') === true;
    const permutations = numberOption(args, 'permutations');
    if (permutations !== undefined && (!Number.isInteger(permutations) || permutations < 2)) throw new UsageError('--permutations must be an integer of at least 2');
    if (permutations !== undefined && !explain) throw new UsageError('--permutations goes with --explain');
    const explainLabel = stringOption(args, 'explain-class');
    if (explainLabel !== undefined && !explain) throw new UsageError('--explain-class goes with --explain');
    // The file is read and parsed in a worker thread, beside the predicting and writing here;
    // started now, its start-up overlaps loading the model.
    const reading = new ReadWorker(csvPath, chunkRows);
    try {
      return await predictWith(args, io, modelPath, csvPath, chunkRows, { clip, explain, permutations, explainLabel }, reading);
    } finally {
      reading.stop();
    }
  },
};

async function predictWith(
  args: ParsedArgs,
  io: CommandIo,
  modelPath: string,
  csvPath: string,
  chunkRows: number,
  { clip, explain, permutations, explainLabel }: { clip: boolean; explain: boolean; permutations: number | undefined; explainLabel: string | undefined },
  reading: ReadWorker,
): Promise<number> {
  checkBundleSize((await stat(modelPath)).size, basename(modelPath));
  const loaded = await openBundle(await readFile(modelPath, 'utf8'));
  const classes = loaded.recipe.task === 'classification' ? loaded.recipe.classes : undefined;
  if (classes) {
    if (args.options.has('clip')) throw new UsageError(`--clip is for regression models; ${basename(modelPath)} predicts the classes of "${loaded.bundle.target}"`);
  } else if (explainLabel !== undefined) throw new UsageError(`--explain-class is for classifiers; ${basename(modelPath)} predicts a number`);
  const explainClass = explainLabel !== undefined ? classes!.indexOf(explainLabel) : undefined;
  if (explainClass === -1) throw new UsageError(`--explain-class: "${explainLabel}" is not a class of this model (its classes: ${classes!.map((c) => JSON.stringify(c)).join(', ')})`);
  const intervalArg = args.options.get('interval');
  let interval: number | undefined;
  if (intervalArg !== undefined) {
    const requested = intervalArg === true ? undefined : Number(intervalArg);
    if (intervalArg !== true && (intervalArg.trim() === '' || !(requested! > 0 && requested! < 1)))
      throw new UsageError(`--interval takes a coverage between 0 and 1 (0.9 for 90 %), got "${intervalArg}"`);
    if (classes) {
      if (!loaded.predictionSets) io.err(`${basename(modelPath)} has no prediction sets (made before Loupe computed them, or trained on too few rows): prediction_set is left out. Train the model again to get them.`);
      else interval = setCoverage(loaded.predictionSets, requested, 'interval');
    } else if (!loaded.intervals) io.err(`${basename(modelPath)} has no prediction intervals (made before Loupe computed them, or trained on too few rows): prediction_lower and prediction_upper are left out. Train the model again to get them.`);
    else interval = intervalCoverage(loaded.intervals, requested, 'interval');
  }
  // Built before the output opens: a model that cannot be explained fails with nothing written.
  const explainer = explain ? new Explainer(loaded.model, loaded.recipe, permutations !== undefined ? { permutations } : {}) : undefined;
  const outPath = stringOption(args, 'out');
  const driftPath = stringOption(args, 'drift');
  // Before predicting: a bundle without a sample cannot give the report asked for.
  const reference = driftPath !== undefined ? bundleReference(loaded) : undefined;
  const source = await openFileSource(csvPath);
  const collector = reference ? new PredictedBatchCollector(loaded.bundle.target, batchOptions(loaded)) : null;
  try {
    const summary = await streamPredict(loaded, reading.reader(source), outPath !== undefined ? fileSink(outPath) : stdoutSink(), {
      chunkRows,
      clip,
      explainer,
      interval,
      ...(explainClass !== undefined ? { explainClass } : {}),
      ...(collector ? { onPredicted: (c) => collector.addPredicted(c) } : {}),
    });
    const permutationsUsed = summary.permutations ?? 0;
    const listed = summary.problems.filter((p) => p.severity === 'error').slice(0, 20).map((p) => `  row ${p.row}: ${p.message}`);
    const warned = summary.problems.filter((p) => p.severity === 'warning').slice(0, 10).map((p) => `  row ${p.row}: ${p.message}`);
    io.err(
      `${summary.rows.toLocaleString('en-US')} rows: ${summary.predicted.toLocaleString('en-US')} predicted, ${summary.failed.toLocaleString('en-US')} could not be predicted` +
        (summary.raggedRows ? `, ${summary.raggedRows} with a different number of fields than the header` : ''),
    );
    if (summary.classCounts) {
      const counts = Object.entries(summary.classCounts).map(([c, n]) => `${JSON.stringify(c)} ${n.toLocaleString('en-US')}`);
      io.err(`predicted classes: ${counts.join(', ')}${summary.threshold !== undefined ? ` (${JSON.stringify(classes![1])} where its probability ≥ ${summary.threshold})` : ''}; probabilities in ${classes!.map((c) => `proba_${c}`).join(', ')}`);
    }
    if (summary.interval && loaded.predictionSets) {
      const e = loaded.predictionSets.evaluation;
      io.err(
        `prediction_set: ${percent(summary.interval.coverage)} conformal prediction sets, mean size ${(summary.meanSetSize ?? NaN).toFixed(3)}` +
          (e ? ` (at ${percent(e.coverage)} they covered ${percent(e.empiricalCoverage)} of the ${e.kind === 'test' ? 'test rows' : 'rows out of fold'} in training, mean size ${e.meanSetSize.toFixed(3)})` : ''),
      );
    }
    if (summary.interval && loaded.intervals) {
      const e = loaded.intervals.evaluation;
      io.err(
        `prediction_lower/prediction_upper: ${percent(summary.interval.coverage)} conformal intervals` +
          (e ? ` (at ${percent(e.coverage)} they covered ${percent(e.empiricalCoverage)} of the ${e.kind === 'test' ? 'test rows' : 'rows out of fold'} in training)` : ''),
      );
    }
    if (summary.outOfRange > 0 && summary.targetRange)
      io.err(
        `${summary.outOfRange.toLocaleString('en-US')} prediction${summary.outOfRange === 1 ? '' : 's'} outside the training range of ${loaded.bundle.target} (${summary.targetRange.min} to ${summary.targetRange.max}): ` +
          (summary.clipped > 0 ? 'clipped to it' : 'flagged in the error column (--clip clips them)'),
      );
    const warnings = Object.entries(summary.problemCounts).filter(([k]) => k.endsWith(':warning'));
    if (warnings.length) {
      const total = warnings.reduce((sum, [, n]) => sum + n, 0);
      io.err(`warnings: ${warnings.map(([k, n]) => `${n} ${k.replace(':warning', '')}`).join(', ')}`);
      io.err(['first warnings:', ...warned, total > warned.length ? `  … and ${total - warned.length} more (all in the error column)` : ''].filter(Boolean).join('\n'));
    }
    if (explainer) io.err(explanationNote(explainer, permutationsUsed, clip, classes && (explainClass !== undefined ? classes[explainClass] : explainer.classes!.length === 1 ? classes[explainer.classes![0]] : undefined)));
    if (listed.length) io.err(['rows that could not be predicted:', ...listed, summary.failed > listed.length ? `  … and ${summary.failed - listed.length} more` : ''].filter(Boolean).join('\n'));
    if (outPath !== undefined) io.err(`wrote ${outPath}`);
    if (reference && driftPath !== undefined && collector) {
      const report = monitorBatch(loaded, reference, collector.finish());
      await writeFile(driftPath, JSON.stringify(monitorJson(report), null, 2) + '\n');
      io.err(`${report.datasetDrift ? 'dataset drift' : 'no dataset drift'}: ${report.columns.filter((c) => c.drift).length} of ${report.columns.length} columns drift; wrote ${driftPath}`);
    }
    return args.options.get('strict') === true && summary.failed > 0 ? 1 : 0;
  } finally {
    await source.close();
  }
}

/**
 * How the shap_ columns were computed, in a line. A classifier's (`explained`: the one class
 * every row explains, undefined for each row's predicted class) say of which class, in what unit.
 */
function explanationNote(explainer: Explainer, permutations: number, clip: boolean, explained?: string): string {
  const how = `explanations: ${explanationMethod(explainer.kind, permutations || undefined)}`;
  if (!explainer.classes) return `${how}; shap_base + the shap_ columns = the prediction${clip ? ' before clipping' : ''}`;
  const which = explained !== undefined ? `class ${JSON.stringify(explained)}` : "each row's predicted class";
  return `${how}, of ${which} (shap_class) in ${unitWords(explainer.unit, '')}; shap_base + the shap_ columns = that class's ${explainer.unit === 'log-odds' ? 'log-odds' : 'probability'}`;
}

/** `--interval` may stand alone (the model's own coverage) or take a number: `--interval 0.8`. */
function intervalValue(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--interval' && i + 1 < argv.length && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(argv[i + 1])) out.push(`--interval=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}
