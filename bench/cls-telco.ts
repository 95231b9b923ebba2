/**
 * The classifiers on the telco-churn reference split (tests/helpers/telco.ts: the preprocessing
 * of ../shared/reference/sklearn-logistic-telco.json), default params, beside scikit-learn timed
 * in the same session (tests/reference/scripts/sklearn_telco_classifiers.py, one thread) and the
 * figures of ../shared/reference/peers.md.
 *
 *   node --import tsx bench/cls-telco.ts [--models gbdt-classifier,…] [--runs 3] [--no-peer]
 *   node --import tsx bench/cls-telco.ts --cv '[{"numLeaves":8}, …]' [--model forest-classifier]   5-fold CV on the training rows
 *
 * Prints one JSON object. Fit seconds (wall, and the process's CPU seconds) are medians over
 * `--runs` fits with seed 0; ROC AUC and log loss are on the 1,409 test rows (seed 0). `--cv` scores parameter sets for one classifier
 * (`--model`, default the gradient-boosted one) by stratification-free 5-fold CV on the 5,634
 * training rows only (two seeds per fold), as the defaults were chosen, never looking at the
 * test rows.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { modelInfo } from '../src/core/models/catalog';
import { createModel, isModelType, MODEL_TYPES } from '../src/core/models/registry';
import { isClassifier, type Matrix, type ModelType } from '../src/core/models/types';
import { initTf } from '../src/core/tf';
import { logLoss, rocAuc } from '../src/core/metrics/classification';
import { haveTelco, loadTelcoSplit, TELCO_CSV } from '../tests/helpers/telco';
import { median, printJson, round } from './lib/measure';
import { option } from './lib/options';
import { pythonPath } from './lib/python-peer';

/** ../shared/reference/peers.md, telco section (scikit-learn 1.2.1; HistGradientBoosting on 1 thread). */
const PEERS_MD: Partial<Record<string, { tool: string; fit: number; rocAuc: number; logLoss: number }>> = {
  logistic: { tool: 'LogisticRegression (C=1)', fit: 0.05, rocAuc: 0.8418, logLoss: 0.4206 },
  'knn-classifier': { tool: 'KNeighbors (k=5)', fit: 0.004, rocAuc: 0.788, logLoss: 1.547 },
  'tree-classifier': { tool: 'DecisionTree', fit: 0.04, rocAuc: 0.6579, logLoss: 9.8748 },
  'forest-classifier': { tool: 'RandomForest (100)', fit: 0.4, rocAuc: 0.8197, logLoss: 0.5621 },
  'gbdt-classifier': { tool: 'HistGradientBoosting (defaults), 1 thread', fit: 0.84, rocAuc: 0.8345, logLoss: 0.4352 },
  'mlp-classifier': { tool: 'MLP (64, 64), early stopping', fit: 0.7, rocAuc: 0.837, logLoss: 0.4269 },
};

interface SklearnRun {
  sklearn: string;
  models: Record<string, { model: string; rocAuc: number; logLoss: number; fitSeconds: number }>;
}

async function score(type: ModelType, params: Record<string, unknown>, X: Matrix, y: Float64Array, Xt: Matrix, yt: Float64Array) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const m = await createModel(type, params).fit(X, y, { classCount: 2 });
  const fit = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  const cpu = (used.user + used.system) / 1e6;
  if (!isClassifier(m)) throw new Error(`${type} is not a classifier`);
  const proba = m.predictProba(Xt);
  return { fit, cpu, auc: rocAuc(yt, proba, 2), ll: logLoss(yt, proba, 2), history: m.history() };
}

function rowsOf(X: Matrix, rows: number[]): Matrix {
  const p = X.cols;
  const data = new Float64Array(rows.length * p);
  rows.forEach((r, k) => data.set(X.data.subarray(r * p, r * p + p), k * p));
  return { data, rows: rows.length, cols: p };
}

async function crossValidate(type: ModelType, grid: Record<string, unknown>[]): Promise<void> {
  const s = loadTelcoSplit();
  const n = s.train.rows;
  const out: Record<string, unknown>[] = [];
  for (const params of grid) {
    let auc = 0;
    let ll = 0;
    for (let f = 0; f < 5; f++) {
      const tr: number[] = [];
      const va: number[] = [];
      // A fixed interleaving (row · 7919 mod 5) so that every candidate sees the same folds.
      for (let i = 0; i < n; i++) ((i * 7919) % 5 === f ? va : tr).push(i);
      // An unseeded model (k-NN) gives the same fit twice; it is scored twice all the same, to keep one loop.
      for (const seed of [0, 1]) {
        const r = await score(type, modelInfo(type).seeded ? { ...params, seed } : params, rowsOf(s.train, tr), Float64Array.from(tr, (i) => s.yTrain[i]), rowsOf(s.train, va), Float64Array.from(va, (i) => s.yTrain[i]));
        auc += r.auc / 10;
        ll += r.ll / 10;
      }
    }
    out.push({ params, cvRocAuc: round(auc, 4), cvLogLoss: round(ll, 4) });
    process.stderr.write(`${JSON.stringify(params)}: CV ROC AUC ${auc.toFixed(4)}, log loss ${ll.toFixed(4)}\n`);
  }
  printJson({ cv: out });
}

async function main(): Promise<void> {
  if (!haveTelco) {
    printJson({ skipped: `${TELCO_CSV} or its reference split is absent` });
    return;
  }
  const cv = option('cv');
  const cvModel = option('model') ?? 'gbdt-classifier';
  if (cv && isModelType(cvModel)) return crossValidate(cvModel, JSON.parse(cv) as Record<string, unknown>[]);
  const classifiers = MODEL_TYPES.filter((t) => PEERS_MD[t] && modelInfo(t).tasks.includes('classification'));
  const models = (option('models')?.split(',') ?? classifiers).filter((t): t is ModelType => isModelType(t) && classifiers.includes(t));
  const runs = Number(option('runs') ?? 3);
  if (models.some((t) => modelInfo(t).tfjs)) await initTf();
  const s = loadTelcoSplit();

  let sk: SklearnRun | undefined;
  if (!process.argv.includes('--no-peer')) {
    const script = resolve(import.meta.dirname, '../tests/reference/scripts/sklearn_telco_classifiers.py');
    const r = spawnSync(pythonPath(), [script, String(runs)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status === 0) sk = JSON.parse(r.stdout) as SklearnRun;
    else process.stderr.write(`scikit-learn peer skipped: ${r.stderr.slice(-400)}\n`);
  }

  const rows: Record<string, unknown>[] = [];
  for (const type of models) {
    const fits: number[] = [];
    const cpus: number[] = [];
    let last: Awaited<ReturnType<typeof score>> | undefined;
    for (let r = 0; r < runs; r++) {
      last = await score(type, modelInfo(type).seeded ? { seed: 0 } : {}, s.train, s.yTrain, s.test, s.yTest);
      fits.push(last.fit);
      cpus.push(last.cpu);
    }
    const peer = sk?.models[type];
    const fit = median(fits);
    const row = {
      model: type,
      fitSeconds: round(fit, 3),
      // The process's CPU seconds per fit (median): on a loaded machine wall time also counts waiting for a core.
      fitCpuSeconds: round(median(cpus), 3),
      rocAuc: round(last!.auc, 4),
      logLoss: round(last!.ll, 4),
      iterations: last!.history.train.length || undefined,
      sklearnSameSession: peer && { tool: `${peer.model}, scikit-learn ${sk!.sklearn}`, fitSeconds: round(peer.fitSeconds, 3), rocAuc: round(peer.rocAuc, 4), logLoss: round(peer.logLoss, 4) },
      fitRatioToSklearn: peer ? round(fit / peer.fitSeconds, 2) : undefined,
      peersMd: PEERS_MD[type],
    };
    rows.push(row);
    process.stderr.write(`${type}: ROC AUC ${row.rocAuc}, log loss ${row.logLoss}, fit ${row.fitSeconds} s (scikit-learn ${row.sklearnSameSession?.fitSeconds ?? '?'} s)\n`);
  }
  printJson({ split: 'telco-churn reference split (5,634 train / 1,409 test)', runs, models: rows });
}

await main();
