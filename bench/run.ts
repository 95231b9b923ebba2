/**
 * `npm run bench`: every benchmark in turn, each in its own Node process (so one's memory and
 * JIT state do not colour the next). Each prints its own JSON; pass names to run a subset:
 * `npm run bench -- train ingest`.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ALL = ['ingest', 'train', 'gbdt', 'gbdt-peer', 'knn', 'trees', 'tfjs-models', 'mlp-predict', 'eda', 'drift', 'monitor', 'linear-wide', 'browser', 'browser-predict', 'predict-stream', 'bundle', 'onnx', 'shap', 'intervals', 'search', 'cls-telco', 'ensemble'];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = chosen.length ? chosen : ALL;
let failed = 0;
for (const name of names) {
  if (!ALL.includes(name)) {
    process.stderr.write(`unknown benchmark "${name}"; choose from ${ALL.join(', ')}\n`);
    process.exitCode = 2;
    continue;
  }
  process.stderr.write(`\n=== bench/${name}.ts ===\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, `${name}.ts`)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (failed) process.exitCode = 1;
