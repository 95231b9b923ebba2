"""scikit-learn's classification metrics on small hand-made cases, for
tests/core/metrics/classification.test.ts. Writes tests/reference/sklearn-classification-metrics.json.

Cases: a binary one with tied scores and probabilities of exactly 0 and 1 (log-loss clipping), a
3-class one where class 2 is never predicted, and a 4-class one where class 3 is in neither y nor
the predictions (absent from y: its one-vs-rest ROC AUC is undefined, so sklearn's macro is NaN;
written as null). Predictions are the argmax of the probabilities (ties: the lowest code).
Run by hand: /work/skl/bin/python tests/reference/scripts/sklearn_classification_metrics.py
"""
import json
import math
import pathlib

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.calibration import calibration_curve

OUT = pathlib.Path(__file__).resolve().parents[1] / 'sklearn-classification-metrics.json'


def clean(x):
    """Floats as JSON: NaN and ±inf as null; arrays as lists."""
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in np.asarray(x).tolist()]
    x = float(x)
    return None if not math.isfinite(x) else x


def label_scores(y, pred, k):
    labels = list(range(k))
    out = {
        'accuracy': metrics.accuracy_score(y, pred),
        'balancedAccuracy': metrics.balanced_accuracy_score(y, pred),
        'f1Macro': metrics.f1_score(y, pred, average='macro', zero_division=0),
        'f1Weighted': metrics.f1_score(y, pred, average='weighted', zero_division=0),
        'precisionMacro': metrics.precision_score(y, pred, average='macro', zero_division=0),
        'recallMacro': metrics.recall_score(y, pred, average='macro', zero_division=0),
        'confusion': metrics.confusion_matrix(y, pred, labels=labels).tolist(),
    }
    if k == 2:
        out['precision'] = metrics.precision_score(y, pred, zero_division=0)
        out['recall'] = metrics.recall_score(y, pred, zero_division=0)
        out['f1'] = metrics.f1_score(y, pred, zero_division=0)
    return {key: (v if key == 'confusion' else clean(v)) for key, v in out.items()}


def proba_scores(y, proba, k):
    labels = list(range(k))
    out = {'logLoss': metrics.log_loss(y, proba, labels=labels)}
    if k == 2:
        out['rocAuc'] = metrics.roc_auc_score(y, proba[:, 1])
        out['brier'] = metrics.brier_score_loss(y, proba[:, 1])
        out['averagePrecision'] = metrics.average_precision_score(y, proba[:, 1])
    else:
        out['rocAuc'] = metrics.roc_auc_score(y, proba, multi_class='ovr', average='macro', labels=labels)
        out['brier'] = metrics.brier_score_loss(y, proba, labels=labels)
    return {key: clean(v) for key, v in out.items()}


def curves(y, score):
    fpr, tpr, thr = metrics.roc_curve(y, score)
    p, r, pthr = metrics.precision_recall_curve(y, score)
    prob_true, prob_pred = calibration_curve(y, score, n_bins=5, strategy='uniform')
    return {
        'roc': {'fpr': clean(fpr), 'tpr': clean(tpr), 'thresholds': clean(thr)},
        'pr': {'precision': clean(p), 'recall': clean(r), 'thresholds': clean(pthr)},
        'reliability5': {'fractionPositive': clean(prob_true), 'meanPredicted': clean(prob_pred)},
    }


def case(name, y, proba):
    y = np.asarray(y)
    proba = np.asarray(proba, dtype=float)
    k = proba.shape[1]
    pred = proba.argmax(axis=1)
    out = {'name': name, 'k': k, 'y': y.tolist(), 'proba': proba.ravel().tolist(), 'pred': pred.tolist()}
    out.update(label_scores(y, pred, k))
    out.update(proba_scores(y, proba, k))
    if k == 2:
        out['curves'] = curves(y, proba[:, 1])
    return out


p1 = np.array([0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.5, 0.4, 0.4, 0.3, 0.2, 0.2, 0.1, 0.0, 1.0, 0.55, 0.35, 0.8, 0.05])
y_bin = [1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1]
binary = case('binary with ties, 0 and 1', y_bin, np.column_stack([1 - p1, p1]))

three = np.array([
    [0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.4, 0.4, 0.2], [0.1, 0.6, 0.3], [0.5, 0.2, 0.3],
    [0.3, 0.35, 0.35], [0.45, 0.1, 0.45], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.25, 0.4, 0.35],
    [0.4, 0.3, 0.3], [0.1, 0.8, 0.1],
])
y_three = [0, 1, 1, 2, 0, 2, 2, 1, 0, 2, 1, 1]
multiclass = case('3 classes, class 2 never predicted', y_three, three)

four = np.array([
    [0.5, 0.2, 0.2, 0.1], [0.1, 0.6, 0.2, 0.1], [0.2, 0.2, 0.5, 0.1], [0.3, 0.3, 0.3, 0.1],
    [0.1, 0.1, 0.7, 0.1], [0.4, 0.4, 0.1, 0.1], [0.0, 0.9, 0.1, 0.0], [0.6, 0.1, 0.2, 0.1],
])
y_four = [0, 1, 2, 2, 2, 1, 0, 0]
absent = case('4 classes, class 3 in neither y nor predictions', y_four, four)

OUT.write_text(json.dumps({
    'made_by': 'tests/reference/scripts/sklearn_classification_metrics.py',
    'sklearn': sklearn.__version__,
    'numpy': np.__version__,
    'notes': 'zero_division=0; log loss and Brier with labels=range(k); multiclass ROC AUC one-vs-rest macro; '
             'Brier multiclass: sklearn>=1.7 brier_score_loss (mean over rows of the sum of squares, not halved); '
             'null = NaN or +inf',
    'cases': [binary, multiclass, absent],
}, indent=1) + '\n')
print('wrote', OUT)
