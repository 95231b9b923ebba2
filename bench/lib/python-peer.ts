/**
 * Runs bench/sklearn_peers.py (scikit-learn timed in the same run as Loupe) and returns the JSON
 * it prints. Python: $LOUPE_PYTHON, else /work/skl/bin/python when present, else python3.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const SCRIPT = resolve(import.meta.dirname, '../sklearn_peers.py');

export function pythonPath(): string {
  return process.env.LOUPE_PYTHON ?? (existsSync('/work/skl/bin/python') ? '/work/skl/bin/python' : 'python3');
}

export function pythonPeer<T>(args: readonly string[]): T {
  const r = spawnSync(pythonPath(), [SCRIPT, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${pythonPath()} ${SCRIPT} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-800)}`);
  return JSON.parse(r.stdout) as T;
}

/** The value after `--name` on the command line, or the fallback. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
