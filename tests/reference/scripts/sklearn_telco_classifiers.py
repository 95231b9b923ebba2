"""scikit-learn's classifiers with their defaults on the telco-churn reference split (the
preprocessing of telco_split.py), one thread, for tests/reference/sklearn-telco-classifiers.json
and bench/cls-telco.ts (which runs it to time scikit-learn in the same session as Loupe).

    python tests/reference/scripts/sklearn_telco_classifiers.py [repeats] > tests/reference/sklearn-telco-classifiers.json

Prints one JSON object: per model its test ROC AUC, log loss, accuracy (mean over random_state
0-4 for the seeded ones, with each seed's figures) and its median fit seconds over `repeats` fits.
"""
import json
import pathlib
import statistics
import sys
import time

import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from telco_split import load_telco_split  # noqa: E402

MODELS = {
    'tree-classifier': ('DecisionTreeClassifier()', lambda s: DecisionTreeClassifier(random_state=s), True),
    'forest-classifier': ('RandomForestClassifier(100)', lambda s: RandomForestClassifier(random_state=s, n_jobs=1), True),
    'gbdt-classifier': ('HistGradientBoostingClassifier()', lambda s: HistGradientBoostingClassifier(random_state=s), True),
    'knn-classifier': ('KNeighborsClassifier(5)', lambda s: KNeighborsClassifier(), False),
    'mlp-classifier': ('MLPClassifier((64, 64), early_stopping=True)', lambda s: MLPClassifier((64, 64), early_stopping=True, random_state=s, max_iter=500), True),
}


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    A, B, y, yt = load_telco_split()[:4]
    out = {
        'description': 'scikit-learn classifiers with defaults on the telco-churn reference split (preprocessing of tests/reference/scripts/telco_split.py); metrics on the 1,409 test rows, mean over random_state 0-4 for seeded models; fit seconds: median over repeats, one thread.',
        'made_by': 'tests/reference/scripts/sklearn_telco_classifiers.py',
        'sklearn': sklearn.__version__,
        'models': {},
    }
    with threadpool_limits(limits=1):
        for key, (name, make, seeded) in MODELS.items():
            seeds = list(range(5)) if seeded else [0]
            per = []
            for s in seeds:
                m = make(s).fit(A, y)
                p = m.predict_proba(B)[:, 1]
                per.append({'seed': s, 'rocAuc': roc_auc_score(yt, p), 'logLoss': log_loss(yt, p), 'accuracy': accuracy_score(yt, p > 0.5)})
            fits = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                make(0).fit(A, y)
                fits.append(time.perf_counter() - t0)
            out['models'][key] = {
                'model': name,
                'rocAuc': statistics.mean(r['rocAuc'] for r in per),
                'logLoss': statistics.mean(r['logLoss'] for r in per),
                'accuracy': statistics.mean(r['accuracy'] for r in per),
                'fitSeconds': statistics.median(fits),
                'seeds': per,
            }
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
