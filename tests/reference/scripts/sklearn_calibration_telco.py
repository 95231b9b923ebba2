"""scikit-learn's CalibratedClassifierCV on a prefit classifier on the telco-churn reference
split (the preprocessing of telco_split.py, fitted on all 5,634 training rows), for
tests/reference/calibration-telco.test.ts. Writes tests/reference/sklearn-calibration-telco.json.

Fixed prefit split of the training rows (no random numbers, so Loupe can take the same rows):
the rows at positions i with i % 5 == 4 (1,126 rows) calibrate, the other 4,507 fit the model.
- LogisticRegression(C=1, tol=1e-12) (Loupe reproduces it; sklearn-logistic-telco.json) frozen
  (FrozenEstimator, the successor of cv='prefit'), calibrated with 'sigmoid' and 'isotonic':
  Platt's a, b, the isotonic step points and the calibrated test metrics and first ten test
  probabilities of Churn = Yes.
- HistGradientBoostingClassifier(random_state=0) frozen, 'isotonic': its test Brier score and
  log loss before and after (a peer figure: Loupe's gradient-boosted trees are not sklearn's).
scikit-learn calibrates a model's decision_function where it has one (logistic regression, its
HistGradientBoosting), else predict_proba; Loupe's classifiers give probabilities only, so each
model is wrapped here to show scikit-learn its probabilities alone (ProbabilitiesOnly).
Run by hand: /work/skl/bin/python tests/reference/scripts/sklearn_calibration_telco.py
"""
import json
import pathlib
import sys

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from telco_split import load_telco_split  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[1] / 'sklearn-calibration-telco.json'
X, Xt, y, yt, _ = load_telco_split()
cal = np.arange(len(y)) % 5 == 4


class ProbabilitiesOnly(ClassifierMixin, BaseEstimator):
    """A fitted classifier seen through predict_proba only (no decision_function)."""

    def __init__(self, model=None):
        self.model = model

    def fit(self, X, y):
        self.classes_ = self.model.classes_
        return self

    def predict_proba(self, X):
        return self.model.predict_proba(X)

    def predict(self, X):
        return self.model.predict(X)


def scores(p):
    return {'brier': brier_score_loss(yt, p), 'logLoss': log_loss(yt, p), 'rocAuc': roc_auc_score(yt, p)}


def calibrated(model, method):
    c = CalibratedClassifierCV(FrozenEstimator(ProbabilitiesOnly(model).fit(X, y)), method=method).fit(X[cal], y[cal])
    p = c.predict_proba(Xt)[:, 1]
    out = {**scores(p), 'firstTenProbabilities': p[:10].tolist()}
    cb = c.calibrated_classifiers_[0].calibrators[0]
    if method == 'sigmoid':
        out.update(a=cb.a_, b=cb.b_)
    else:
        out.update(thresholds=len(cb.X_thresholds_))
    return out


lr = LogisticRegression(C=1.0, tol=1e-12, max_iter=10000).fit(X[~cal], y[~cal])
hgb = HistGradientBoostingClassifier(random_state=0).fit(X[~cal], y[~cal])
OUT.write_text(json.dumps({
    'made_by': 'tests/reference/scripts/sklearn_calibration_telco.py',
    'sklearn': sklearn.__version__,
    'description': 'CalibratedClassifierCV(FrozenEstimator(model seen through predict_proba only)) on the telco reference split; model fitted on training rows i % 5 != 4, calibration on rows i % 5 == 4 (1,126); metrics of P(Churn = Yes) on the 1,409 test rows.',
    'calibrationRows': int(cal.sum()),
    'logistic': {
        'uncalibrated': {**scores(lr.predict_proba(Xt)[:, 1]), 'firstTenProbabilities': lr.predict_proba(Xt)[:10, 1].tolist()},
        'sigmoid': calibrated(lr, 'sigmoid'),
        'isotonic': calibrated(lr, 'isotonic'),
    },
    'histGradientBoosting': {
        'uncalibrated': scores(hgb.predict_proba(Xt)[:, 1]),
        'isotonic': calibrated(hgb, 'isotonic'),
    },
}, indent=1) + '\n')
print('wrote', OUT)
