"""scikit-learn's CalibratedClassifierCV on a fitted ("frozen") classifier, for
tests/core/models/calibration.test.ts. Writes tests/reference/sklearn-calibration.json.

The classifier is a fixed table of probabilities (row i's are proba[i]; X holds the row number),
deliberately miscalibrated: binary p = expit(2.5·s + 0.3) for labels drawn with expit(s), and a
3-class softmax of 2·(scores) for labels drawn from softmax(scores); some probabilities are
rounded to two decimals so that isotonic regression meets tied scores. Calibration is fitted on
rows 0..299 with method 'sigmoid' (Platt) and 'isotonic' (sklearn >= 1.6: FrozenEstimator, the
successor of cv='prefit'; its fit does nothing, so the cross-validated predictions are the fixed
model's own) and applied to rows 300..399.
Run by hand: /work/skl/bin/python tests/reference/scripts/sklearn_calibration.py
"""
import json
import pathlib

import numpy as np
import sklearn
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator

OUT = pathlib.Path(__file__).resolve().parents[1] / 'sklearn-calibration.json'
rng = np.random.default_rng(7)


class FixedProbabilities(ClassifierMixin, BaseEstimator):
    """A fitted classifier whose predict_proba for row X[i, 0] = r is proba[r]."""

    def __init__(self, proba=None):
        self.proba = proba

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return self.proba[X[:, 0].astype(int)]

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def case(name, proba, y):
    n = len(y)
    X = np.arange(n, dtype=float).reshape(-1, 1)
    fixed = FixedProbabilities(proba).fit(X, y)
    out = {'name': name, 'k': proba.shape[1], 'proba': proba.ravel().tolist(), 'y': y.tolist(), 'calibrationRows': 300}
    for method in ('sigmoid', 'isotonic'):
        cal = CalibratedClassifierCV(FrozenEstimator(fixed), method=method).fit(X[:300], y[:300])
        calibrators = cal.calibrated_classifiers_[0].calibrators
        entry = {'proba': cal.predict_proba(X[300:]).ravel().tolist()}
        if method == 'sigmoid':
            entry['a'] = [c.a_ for c in calibrators]
            entry['b'] = [c.b_ for c in calibrators]
        else:
            entry['thresholdsX'] = [c.X_thresholds_.tolist() for c in calibrators]
            entry['thresholdsY'] = [c.y_thresholds_.tolist() for c in calibrators]
        out[method] = entry
    return out


s = rng.normal(size=400)
y2 = (rng.random(400) < expit(s)).astype(int)
p1 = expit(2.5 * s + 0.3)
p1[::4] = np.round(p1[::4], 2)
binary = case('binary, overconfident, tied scores', np.column_stack([1 - p1, p1]), y2)

scores = rng.normal(size=(400, 3))
y3 = np.array([rng.choice(3, p=p) for p in softmax(scores, axis=1)])
p3 = softmax(2 * scores, axis=1)
p3[::5] = np.round(p3[::5], 2)
p3[::5] /= p3[::5].sum(axis=1, keepdims=True)
three = case('3 classes, overconfident, tied scores', p3, y3)

OUT.write_text(json.dumps({
    'made_by': 'tests/reference/scripts/sklearn_calibration.py',
    'sklearn': sklearn.__version__,
    'cases': [binary, three],
}, indent=1) + '\n')
print('wrote', OUT)
