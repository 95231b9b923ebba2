"""scikit-learn peers for bench/knn.ts and bench/gbdt-peer.ts, timed in the same run as Loupe.

Prints one JSON object. Data: ../shared/data/gemstone.csv with the reference split, prepared as
../shared/reference/peers.md states (cut/color/clarity ordinal codes in their known orders;
numeric columns median-imputed and standardized on the training rows). One thread throughout
(threadpoolctl limits OpenMP and BLAS), as Loupe fits on one core.

    python bench/sklearn_peers.py knn <repeats>    KNeighborsRegressor(n_neighbors=5): fit once,
                                                   predict the 13,107 test rows <repeats> times
    python bench/sklearn_peers.py hgb <repeats> <seeds>
                                                   HistGradientBoostingRegressor defaults, fit
                                                   <repeats> times with random_state 0, then the
                                                   test RMSE for each of the comma-separated seeds
"""
import json
import pathlib
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.neighbors import KNeighborsRegressor
from threadpoolctl import threadpool_limits

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tests' / 'reference' / 'scripts'))
from gemstone_split import load_reference_split as load  # noqa: E402  (the one reader of the reference split)


def rmse(pred, y):
    return float(np.sqrt(np.mean((pred - y) ** 2)))


def main():
    task = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    A, B, y, yt = load()
    out = {'tool': f'scikit-learn {sklearn.__version__}', 'threads': 1}
    with threadpool_limits(limits=1):
        if task == 'knn':
            m = KNeighborsRegressor(n_neighbors=5)
            t0 = time.perf_counter()
            m.fit(A, y)
            out['fitSeconds'] = time.perf_counter() - t0
            out['algorithm'] = m._fit_method
            runs = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                pred = m.predict(B)
                runs.append(time.perf_counter() - t0)
            out.update(model='KNeighborsRegressor(n_neighbors=5)', predictSecondsRuns=runs, predictSeconds=float(np.median(runs)), rmse=rmse(pred, yt))
        elif task == 'hgb':
            seeds = [int(s) for s in sys.argv[3].split(',')] if len(sys.argv) > 3 else [0]
            runs = []
            cpu_runs = []
            for _ in range(repeats):
                m = HistGradientBoostingRegressor(random_state=0)
                t0 = time.perf_counter()
                c0 = time.process_time()
                m.fit(A, y)
                runs.append(time.perf_counter() - t0)
                cpu_runs.append(time.process_time() - c0)
            by_seed = []
            for s in seeds:
                m = HistGradientBoostingRegressor(random_state=s).fit(A, y)
                by_seed.append({'seed': s, 'rmse': rmse(m.predict(B), yt), 'iterations': int(m.n_iter_)})
            out.update(
                model='HistGradientBoostingRegressor() defaults',
                fitSecondsRuns=runs,
                fitSeconds=float(np.median(runs)),
                fitCpuSecondsRuns=cpu_runs,
                bySeed=by_seed,
                meanRmse=float(np.mean([r['rmse'] for r in by_seed])),
            )
        else:
            raise SystemExit(f'unknown task {task!r}: knn or hgb')
    print(json.dumps(out))


main()
