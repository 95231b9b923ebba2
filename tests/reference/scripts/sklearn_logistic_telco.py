"""Logistic regression minimisers on the telco reference split, for tests/reference/logistic-telco.test.ts.
Writes tests/reference/sklearn-logistic-telco-exact.json.

Why beside ../shared/reference/sklearn-logistic-telco.json: that oracle (scikit-learn 1.2.1, lbfgs,
tol=1e-12) stopped before the minimiser — lbfgs' ftol rule ends it when the objective stops falling
by 64·eps relative, and this design is rank-deficient (46 one-hot columns of rank 24), so the
objective is nearly flat along many directions. Its objective C·Σ log loss + ½‖w‖² is 5.9e-6 above
the minimum and its largest gradient component is 0.015; its probabilities differ from the
minimiser's by up to 2.8e-5. Here the same problem is solved by Newton's method (newton-cholesky,
tol 1e-14: gradient ~1e-13), with newton-cg as a cross-check, and the sparse penalties by saga.

Preprocessing as that oracle states it: TotalCharges blanks missing; tenure, MonthlyCharges,
TotalCharges median-imputed then standardized (population std); every other column but customerID
and the target one-hot over its levels sorted as strings (SeniorCitizen as a category).
Probabilities are listed for the first ten test rows in the order of telco-test-ids.txt.
Run by hand: /work/skl/bin/python tests/reference/scripts/sklearn_logistic_telco.py
"""
import json
import pathlib
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / 'shared'
OUT = pathlib.Path(__file__).resolve().parents[1] / 'sklearn-logistic-telco-exact.json'
NUMERIC = ['tenure', 'MonthlyCharges', 'TotalCharges']

df = pd.read_csv(SHARED / 'data' / 'telco-churn.csv', dtype={'SeniorCitizen': str})
df['TotalCharges'] = pd.to_numeric(df['TotalCharges'].str.strip().replace('', np.nan))
order = (SHARED / 'reference' / 'telco-test-ids.txt').read_text().split()
is_test = df['customerID'].isin(set(order)).to_numpy()


def design(target):
    cat = [c for c in df.columns if c not in NUMERIC + ['customerID', target]]
    ct = ColumnTransformer([
        ('num', make_pipeline(SimpleImputer(strategy='median'), StandardScaler()), NUMERIC),
        ('cat', make_pipeline(SimpleImputer(strategy='most_frequent'), OneHotEncoder(sparse_output=False)), cat),
    ])
    X_train = ct.fit_transform(df[~is_test])
    X_test = ct.transform(df[is_test])
    return ct, X_train, X_test


def first_ten(proba):
    by_id = dict(zip(df.loc[is_test, 'customerID'], proba))
    return [np.asarray(by_id[i]).tolist() for i in order[:10]]


def fit(name, target, y_codes, classes, **params):
    ct, X_train, X_test = design(target)
    y_train, y_test = y_codes[~is_test], y_codes[is_test]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        m = LogisticRegression(**params).fit(X_train, y_train)
    proba = m.predict_proba(X_test)
    binary = proba.shape[1] == 2
    return {
        'name': name,
        'target': target,
        'classes': classes,
        'params': {k: (v if not isinstance(v, float) or np.isfinite(v) else None) for k, v in params.items()},
        'nIter': int(np.max(m.n_iter_)),
        'featureNames': list(ct.get_feature_names_out()),
        'coef': m.coef_.tolist(),
        'intercept': m.intercept_.tolist(),
        'objective': objective(m, X_train, y_train, params),
        'firstTenProbabilities': first_ten(proba),
        'test': {
            'rocAuc': roc_auc_score(y_test, proba[:, 1]) if binary else roc_auc_score(y_test, proba, multi_class='ovr'),
            'logLoss': log_loss(y_test, proba),
        },
    }


def objective(m, X, y, params):
    """C·Σ sᵢ·log loss + penalty at the fitted coefficients (the quantity every solver minimises)."""
    proba = np.clip(m.predict_proba(X), 1e-300, 1)
    w = np.ones(len(y))
    if params.get('class_weight') == 'balanced':
        counts = np.bincount(y)
        w = len(y) / (len(counts) * counts[y])
    loss = -np.sum(w * np.log(proba[np.arange(len(y)), y]))
    rho = params.get('l1_ratio', 0.0) or 0.0
    coef = m.coef_.ravel()
    return params['C'] * loss + 0.5 * (1 - rho) * np.dot(coef, coef) + rho * np.abs(coef).sum()


churn = (df['Churn'] == 'Yes').to_numpy().astype(int)
contract_classes = sorted(df['Contract'].unique())
contract = df['Contract'].map({c: i for i, c in enumerate(contract_classes)}).to_numpy()

exact = dict(solver='newton-cholesky', tol=1e-14, max_iter=1000)
cases = [
    fit('l2, C=1 (the shared oracle\'s problem)', 'Churn', churn, ['No', 'Yes'], C=1.0, **exact),
    fit('l2, C=0.05, balanced class weights', 'Churn', churn, ['No', 'Yes'], C=0.05, class_weight='balanced', **exact),
    fit('elasticnet, C=0.1, l1_ratio=0.5 (saga)', 'Churn', churn, ['No', 'Yes'], C=0.1, l1_ratio=0.5, solver='saga', tol=1e-12, max_iter=100000),
    fit('l1, C=0.1 (saga)', 'Churn', churn, ['No', 'Yes'], C=0.1, l1_ratio=1.0, solver='saga', tol=1e-12, max_iter=100000),
    fit('multinomial l2, C=1, target Contract', 'Contract', contract, contract_classes, C=1.0, **exact),
]
check = LogisticRegression(C=1.0, solver='newton-cg', tol=1e-14, max_iter=1000).fit(*design('Churn')[1:2], churn[~is_test])
assert np.max(np.abs(check.coef_ - np.array(cases[0]['coef']))) < 1e-8, 'newton-cg and newton-cholesky disagree'

OUT.write_text(json.dumps({
    'made_by': 'tests/reference/scripts/sklearn_logistic_telco.py',
    'sklearn': sklearn.__version__,
    'description': __doc__.split('\n\n')[1].replace('\n', ' '),
    'cases': cases,
}, indent=1) + '\n')
print('wrote', OUT)
for c in cases:
    print(c['name'], c['nIter'], c['objective'], c['test'])
