/**
 * `loupe search <file.csv> --target <col> ...`: a time-budgeted model search (core
 * pipeline/search.ts) in this process, then the best refitted on the training rows and scored on
 * the test part. The report is train's report of that refit plus the trials and the search's
 * course; like train's, its shape is a public interface (extend, never rename).
 */
import { writeFile } from 'node:fs/promises';
import { serializeBundle } from '../core/bundle/bundle';
import { REFERENCE_SAMPLE_ROWS } from '../core/bundle/reference-sample';
import { candidateTypesFor, modelInfo, modelLabel } from '../core/models/catalog';
import { formatLogLine } from '../core/pipeline/log';
import type { ModelType, Task } from '../core/models/types';
import { DEFAULT_CLASSIFICATION_SEARCH_MODELS, DEFAULT_SEARCH_BUDGET, DEFAULT_SEARCH_FOLDS, DEFAULT_SEARCH_MODELS, defaultSearchModels, formatCvScore, refittedBest, runSearch, searchMetricOf, type BestPoint, type SearchMetric, type SearchStop } from '../core/pipeline/search';
import { ensembleMembers, ensembleOfTrials } from '../core/pipeline/search-ensemble';
import { numberOption, parseArgs, rejectUnknown, stringOption, UsageError } from './args';
import type { Command } from './command';
import { defaultTrialWorkers, TrialWorkers } from './search-workers';
import { checkModelNames, fmt, intervalOptions, parseModels, parseTask, trainingInputs, trainReport, type TrainReport } from './train';

const USAGE = `loupe search <file.csv> --target <col> [options]

Searches model families and their hyperparameters within a time budget (Hyperband: successive
halving on shares of the rows, k-fold cross-validation on the training rows), then refits the
best on every training row and scores it on the test part. Regression trials are scored by
their cross-validated RMSE; classification trials (a target of labels) by their log loss, on
stratified folds.
  --target <col>       the column to predict (default: one named like a target)
  --task <t>           auto (default: labels, or a few whole numbers each common, are classes;
                       other numbers regression), regression or classification
  --test <file.csv>    score the best on this file instead of a random split
  --test-size <f>      share of rows held out for testing the best (default 0.2)
  --folds <k>          no test part: k-fold cross-validation scores the search and the best
  --cv-folds <k>       folds of the search's cross-validation on the training rows (default ${DEFAULT_SEARCH_FOLDS})
  --budget <seconds>   wall-clock budget of the search (default ${DEFAULT_SEARCH_BUDGET}); the refit comes after it
  --max-trials <n>     stop after n trials, whatever the time (results then do not depend on speed)
  --models <list>      families searched, comma-separated: ${candidateTypesFor('regression').join(',')}
                       (default: ${DEFAULT_SEARCH_MODELS.join(',')}); classification:
                       ${candidateTypesFor('classification').join(',')} (default: ${DEFAULT_CLASSIFICATION_SEARCH_MODELS.join(',')};
                       regression names stand for their classifiers)
  --seed <n>           seed of the split, the folds, the draws and the models (default 42)
  --workers <n>        trials scored at once, each in its own worker thread (default: one
                       per core, ${defaultTrialWorkers()} here); 0 scores them one at a time in this thread
  --ensemble           regression: then blend the trials: greedy ensemble selection on their out-of-fold
                       predictions, the members refitted; the ensemble is the final model when
                       its cross-validated RMSE beats the best trial's (ridge stacking:
                       --ensemble-method stacking)
  --ensemble-method <m> greedy (default) or stacking
  --recipe <file>      a Recipe JSON (default: inferred from the schema; id columns dropped)
  --interval <c>       coverage of the best model's prediction intervals (default 0.9)
  --no-intervals       calibrate no prediction intervals
  --reference-rows <n> training rows the bundle keeps as its drift reference (default 10000)
  --out <model.json>   write the best model's bundle here
  --report <file>      write the JSON report here (train's report plus "trials" and "search")
  --json               print the JSON report on stdout instead of the summary
  --verbose            print the pipeline's log lines on stderr`;

const VALUE_OPTIONS = ['target', 'task', 'test', 'test-size', 'folds', 'cv-folds', 'budget', 'max-trials', 'seed', 'models', 'recipe', 'out', 'report', 'reference-rows', 'interval', 'ensemble-method', 'workers'];

/** The search report: train's report of the refitted best, plus the search (public interface). */
export interface SearchReport extends TrainReport {
  trials: Array<{
    id: number;
    model: string;
    params: Record<string, unknown>;
    /** Cross-validated score on the training rows (`search.metric`: RMSE in target units, or log loss); null unless finished. */
    cvScore: number | null;
    seconds: number;
    status: 'finished' | 'failed' | 'cancelled';
    /** Share of each fold's training rows the trial's fits saw (1 = all). */
    resource: number;
    bracket: number;
    rung: number;
    error?: string;
  }>;
  search: {
    budgetSeconds: number;
    seconds: number;
    stoppedBy: SearchStop;
    folds: number;
    models: string[];
    seed: number;
    /** The trial refitted: its id and cross-validated score; its test metrics are `models[0]`'s. */
    bestTrial: number;
    cvScore: number;
    /** The best full-resource CV score each time it improved. */
    curve: BestPoint[];
    /** What every cvScore measures: "rmse" (regression) or "log_loss" (classification). */
    metric: SearchMetric;
  };
  /**
   * --ensemble: the blend of the trials. `models` then holds its members (refitted) and the
   * Ensemble, and `best` the final model: the ensemble when `cvScore` beats `search.cvScore`.
   */
  ensemble?: {
    method: 'greedy' | 'stacking';
    status: 'finished' | 'failed' | 'cancelled';
    /** Cross-validated RMSE: each fold predicted with weights chosen on the other folds; null if it failed. */
    cvScore: number | null;
    chosen: boolean;
    members: Array<{ trial: number; name: string; weight: number }>;
    error?: string;
  };
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'search models and hyperparameters within a time budget, refit the best, write its report',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, VALUE_OPTIONS);
    rejectUnknown(args, [...VALUE_OPTIONS, 'json', 'verbose', 'no-intervals', 'ensemble', 'help']);
    if (args.positionals.length !== 1) throw new UsageError('search takes exactly one CSV file');
    const file = args.positionals[0];
    const seed = numberOption(args, 'seed') ?? 42;
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
    const budget = numberOption(args, 'budget') ?? DEFAULT_SEARCH_BUDGET;
    if (!(budget > 0)) throw new UsageError('--budget must be a positive number of seconds');
    const maxTrials = numberOption(args, 'max-trials');
    if (maxTrials !== undefined && !(Number.isInteger(maxTrials) && maxTrials >= 1)) throw new UsageError('--max-trials must be a whole number of at least 1');
    const cvFolds = numberOption(args, 'cv-folds');
    if (cvFolds !== undefined && !(Number.isInteger(cvFolds) && cvFolds >= 2)) throw new UsageError('--cv-folds must be an integer ≥ 2');
    if (cvFolds !== undefined && args.options.has('folds')) throw new UsageError('--folds already sets the search’s folds; drop --cv-folds');
    const referenceRows = numberOption(args, 'reference-rows') ?? REFERENCE_SAMPLE_ROWS;
    if (!Number.isInteger(referenceRows) || referenceRows < 0) throw new UsageError('--reference-rows must be a whole number of at least 0');
    const taskOption = parseTask(stringOption(args, 'task'));
    const modelsOption = checkModelNames(stringOption(args, 'models'));
    const modelsFor = (task: Task): ModelType[] => (args.options.has('models') ? parseModels(modelsOption, task) : [...defaultSearchModels(task)]);
    const blend = args.options.get('ensemble');
    if (blend !== undefined && blend !== true) throw new UsageError('--ensemble takes no value; choose its method with --ensemble-method greedy|stacking');
    const method = stringOption(args, 'ensemble-method');
    if (method !== undefined && method !== 'greedy' && method !== 'stacking') throw new UsageError(`--ensemble-method must be greedy or stacking; got "${method}"`);
    if (method !== undefined && !blend) throw new UsageError('--ensemble-method needs --ensemble');
    const workers = numberOption(args, 'workers') ?? defaultTrialWorkers();
    if (!(Number.isInteger(workers) && workers >= 0)) throw new UsageError('--workers must be a whole number of at least 0');
    const json = args.options.get('json') === true;
    const verbose = args.options.get('verbose') === true;
    const intervals = intervalOptions(args);

    const { ds, target, recipe, split, dataWarnings, hash, task, models } = await trainingInputs(args, file, seed, modelsFor, io, { task: taskOption, quiet: json });
    if (blend && task === 'classification') throw new UsageError(`--ensemble blends regression models; "${target}" is a classification target`);
    const metric = searchMetricOf(task);
    const out = stringOption(args, 'out');
    // The trial workers start now: their preparation of the folds overlaps this thread's.
    const pool = workers > 0 ? new TrialWorkers(workers, { table: ds.table, recipe, split, folds: cvFolds, seed }, { tfjs: models.some((m) => modelInfo(m).tfjs) }) : undefined;
    let res: Awaited<ReturnType<typeof runSearch>>;
    let blended: Awaited<ReturnType<typeof ensembleOfTrials>> | undefined;
    try {
      res = await runSearch({
        table: ds.table,
        recipe,
        split,
        dataset: { hash, name: file.split(/[\\/]/).pop(), rows: ds.table.rowCount },
        models,
        seed,
        folds: cvFolds,
        runner: pool?.runner,
        // The refit of the best (and its hold-out calibration fit) in the workers, which the trials no longer need.
        refit: pool?.fit,
        budgetSeconds: budget,
        maxTrials,
        intervals,
        referenceSampleRows: out !== undefined ? referenceRows : 0,
        onLog: verbose ? (l) => io.err(formatLogLine(l)) : undefined,
        onTrial: json
          ? undefined
          : (t) =>
              io.err(
                `  trial ${String(t.id).padStart(3)} ${t.model.padEnd(10)} ${t.resource === 1 ? 'all rows' : `1/${Math.round(1 / t.resource)} rows`.padEnd(8)} ${
                  t.status === 'finished' ? formatCvScore(metric, t.cvScore) : t.status === 'failed' ? `failed: ${t.error?.message ?? ''}` : 'stopped by the budget'
                }  (${t.seconds.toFixed(2)} s)`,
              ),
      });
      if (!verbose) for (const w of res.warnings) io.err(`warning: ${w.message}`);
      // --ensemble: the trials blended (the members refitted side by side in the trial workers); the final model is chosen by cross-validation.
      blended = blend
        ? await ensembleOfTrials({
            table: ds.table,
            recipe,
            split,
            dataset: { hash, name: file.split(/[\\/]/).pop(), rows: ds.table.rowCount },
            trials: res.trials,
            actual: res.actual,
            foldOf: res.foldOf,
            ensemble: { method: method ?? 'greedy' },
            intervals,
            referenceSampleRows: out !== undefined ? referenceRows : 0,
            onLog: verbose ? (l) => io.err(formatLogLine(l)) : undefined,
            refit: pool?.fit,
            // The search refitted its best already (for intervals, the same split and rows): not again.
            refitted: refittedBest(res),
          })
        : undefined;
    } finally {
      await pool?.close();
    }
    const final = blended ? blended.chosen : res.candidate;
    const finalRun = blended ? blended.run : res.run;
    let bundlePath: string | undefined;
    if (out !== undefined) {
      await writeFile(out, serializeBundle(final.bundle!));
      bundlePath = out;
    }
    const report: SearchReport = {
      ...trainReport({ file, rows: ds.table.rowCount, hash, target, result: finalRun, best: final, dataWarnings, bundlePath }),
      trials: res.trials.map((t) => ({
        id: t.id,
        model: t.model,
        params: t.params,
        cvScore: t.status === 'finished' ? t.cvScore : null,
        seconds: t.seconds,
        status: t.status,
        resource: t.resource,
        bracket: t.bracket,
        rung: t.rung,
        ...(t.error ? { error: t.error.message } : {}),
      })),
      search: { budgetSeconds: res.budgetSeconds, seconds: res.seconds, stoppedBy: res.stoppedBy, folds: res.folds, models, seed, bestTrial: res.best.id, cvScore: res.best.cvScore, curve: res.curve, metric: res.metric },
      ...(blended
        ? {
            ensemble: {
              method: method ?? 'greedy',
              status: blended.ensemble.status,
              cvScore: Number.isFinite(blended.cvRmse.ensemble) ? blended.cvRmse.ensemble : null,
              chosen: blended.chosen === blended.ensemble,
              members: ensembleMembers(blended, res.trials),
              ...(blended.ensemble.error ? { error: blended.ensemble.error.message } : {}),
            },
          }
        : {}),
    };
    const reportPath = stringOption(args, 'report');
    if (reportPath !== undefined) await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');

    if (json) io.out(JSON.stringify(report, null, 2));
    else {
      const s = finalRun.split;
      const why = { budget: 'the budget was spent', 'max-trials': 'it reached --max-trials', cancelled: 'it was cancelled' }[res.stoppedBy];
      io.out(`${file}: ${ds.table.rowCount.toLocaleString('en-US')} rows; target "${target}"; searched ${models.join(', ')} with ${res.folds}-fold CV (seed ${seed})`);
      io.out(`${res.trials.length} trials in ${res.seconds.toFixed(1)} s; stopped because ${why}`);
      io.out(`best: trial ${res.best.id}, ${modelLabel(res.best.model)}, ${formatCvScore(metric, res.best.cvScore)}; params ${JSON.stringify(res.best.params)}`);
      if (blended) {
        const e = blended.ensemble;
        io.out(
          e.status === 'finished'
            ? `ensemble (${method ?? 'greedy'}): ${e.members!.map((x) => `${x.name} ${x.weight.toFixed(3)}`).join(', ')}; CV RMSE ${fmt(blended.cvRmse.ensemble, 2)} — ${blended.chosen === e ? 'better than the best trial: the final model' : 'not better than the best trial, which stays the final model'}`
            : `ensemble: ${e.status}: ${e.error?.message ?? ''}`,
        );
      }
      const scores = final.classification
        ? `ROC AUC ${fmt(final.classification.rocAuc, 4)}, log loss ${fmt(final.classification.logLoss, 4)}, accuracy ${fmt(final.classification.accuracy, 4)}`
        : `R² ${fmt(final.metrics!.r2, 5)}, RMSE ${fmt(final.metrics!.rmse, 2)}, MAE ${fmt(final.metrics!.mae, 2)}`;
      io.out(`${blended ? `${final.name}, ` : ''}${s.kind === 'kfold' ? `${s.k}-fold cross-validation` : `test part (${s.testRows.toLocaleString('en-US')} rows)`}: ${scores}`);
      if (bundlePath) io.out(`model bundle: ${bundlePath}`);
      if (reportPath) io.out(`report: ${reportPath}`);
    }
    return 0;
  },
};
