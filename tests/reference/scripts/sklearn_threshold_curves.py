"""scikit-learn's numbers for the Train screen's threshold slider and one-vs-rest curves, for
tests/core/metrics/threshold.test.ts. Writes tests/reference/sklearn-threshold-curves.json.

- binary: a seeded case of 200 rows whose probabilities are rounded to 2 decimals (many ties,
  and scores exactly on the thresholds tried). At each threshold t the predictions are
  (p1 >= t), as sklearn's FixedThresholdClassifier decides; then confusion_matrix, accuracy,
  balanced accuracy, precision, recall, F1 (zero_division=0) of class 1, and the ROC false
  positive rate fp / (fp + tn).
- multiclass: a seeded 3-class case of 150 rows (Dirichlet probabilities rounded to 2
  decimals); per class c, roc_curve, auc, precision_recall_curve and average_precision_score of
  (y == c) against proba[:, c], as roc_auc_score(multi_class='ovr') scores each class.
Run by hand: /work/skl/bin/python tests/reference/scripts/sklearn_threshold_curves.py
"""
import json
import math
import pathlib

import numpy as np
import sklearn
from sklearn import metrics

OUT = pathlib.Path(__file__).resolve().parents[1] / 'sklearn-threshold-curves.json'


def clean(x):
    """Floats as JSON: NaN and ±inf as null; arrays as lists."""
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in np.asarray(x).tolist()]
    x = float(x)
    return None if not math.isfinite(x) else x


rng = np.random.default_rng(11)
n = 200
y_bin = (rng.random(n) < 0.35).astype(int)
p1 = np.clip(np.round(0.35 + 0.3 * (y_bin - 0.35) + rng.normal(0, 0.22, n), 2), 0, 1)
thresholds = [0.0, 0.1, 0.25, 0.3, 0.5, 0.62, 0.8, 1.0]
at = []
for t in thresholds:
    pred = (p1 >= t).astype(int)
    cm = metrics.confusion_matrix(y_bin, pred, labels=[0, 1])
    tn, fp = cm[0]
    at.append({
        'threshold': t,
        'confusion': cm.tolist(),
        'accuracy': clean(metrics.accuracy_score(y_bin, pred)),
        'balancedAccuracy': clean(metrics.balanced_accuracy_score(y_bin, pred)),
        'precision': clean(metrics.precision_score(y_bin, pred, zero_division=0)),
        'recall': clean(metrics.recall_score(y_bin, pred, zero_division=0)),
        'f1': clean(metrics.f1_score(y_bin, pred, zero_division=0)),
        'falsePositiveRate': clean(fp / (fp + tn)),
    })
binary = {'y': y_bin.tolist(), 'proba': np.column_stack([1 - p1, p1]).ravel().tolist(), 'at': at}

m = 150
y_multi = rng.integers(0, 3, m)
alpha = np.ones((m, 3)) + 2.0 * np.eye(3)[y_multi]
raw = np.array([rng.dirichlet(a) for a in alpha])
proba = np.round(raw, 2)
proba[:, 2] = np.round(1 - proba[:, 0] - proba[:, 1], 2)
proba = np.clip(proba, 0, 1)
per_class = []
for c in range(3):
    pos = (y_multi == c).astype(int)
    fpr, tpr, thr = metrics.roc_curve(pos, proba[:, c])
    p, r, pthr = metrics.precision_recall_curve(pos, proba[:, c])
    per_class.append({
        'roc': {'fpr': clean(fpr), 'tpr': clean(tpr), 'thresholds': clean(thr)},
        'auc': clean(metrics.auc(fpr, tpr)),
        'pr': {'precision': clean(p), 'recall': clean(r), 'thresholds': clean(pthr)},
        'averagePrecision': clean(metrics.average_precision_score(pos, proba[:, c])),
    })
multiclass = {
    'y': y_multi.tolist(),
    'proba': proba.ravel().tolist(),
    'classes': per_class,
    'rocAucOvrMacro': clean(metrics.roc_auc_score(y_multi, proba, multi_class='ovr', average='macro')),
}

OUT.write_text(json.dumps({
    'made_by': 'tests/reference/scripts/sklearn_threshold_curves.py',
    'sklearn': sklearn.__version__,
    'numpy': np.__version__,
    'notes': 'predictions at a threshold t: p1 >= t; zero_division=0; null = NaN or +inf',
    'binary': binary,
    'multiclass': multiclass,
}) + '\n')
print('wrote', OUT)
