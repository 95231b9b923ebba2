"""scikit-learn's MLPClassifier on a three-class target of the telco-churn reference split,
for tests/reference/sklearn-mlp-telco-contract.json (tests/reference/mlp-classifier-telco.test.ts):

    python tests/reference/scripts/sklearn_mlp_telco_contract.py > tests/reference/sklearn-mlp-telco-contract.json

Target `Contract` (Month-to-month, One year, Two year); features prepared as telco_split.py
prepares them for Churn, with Churn one-hot among the categories instead (tests/helpers/telco.ts
`loadTelcoSplit('Contract')` builds the same matrix): numeric columns median-imputed and
standardized, every other column but customerID and Contract one-hot, levels sorted as strings.
MLPClassifier((64, 64), early_stopping=True) for random_state 0-4, scored on the 1,409 test rows:
ROC AUC one-vs-rest macro, log loss, accuracy.
"""
import json
import statistics

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from telco_split import NUMERIC, SHARED

TARGET = 'Contract'


def main():
    df = pd.read_csv(SHARED / 'data' / 'telco-churn.csv', dtype=str, keep_default_na=False)
    for c in NUMERIC:
        df[c] = pd.to_numeric(df[c].str.strip().replace('', np.nan))
    is_test = df['customerID'].isin(set((SHARED / 'reference' / 'telco-test-ids.txt').read_text().split())).to_numpy()
    categorical = [c for c in df.columns if c not in NUMERIC + ['customerID', TARGET]]
    ct = ColumnTransformer([
        ('num', make_pipeline(SimpleImputer(strategy='median'), StandardScaler()), NUMERIC),
        ('cat', OneHotEncoder(handle_unknown='ignore', sparse_output=False), categorical),
    ])
    A = ct.fit_transform(df.loc[~is_test])
    B = ct.transform(df.loc[is_test])
    classes = sorted(df[TARGET].unique())
    y = df[TARGET].map({c: i for i, c in enumerate(classes)}).to_numpy()
    ytr, yte = y[~is_test], y[is_test]
    per = []
    with threadpool_limits(limits=1):
        for s in range(5):
            m = MLPClassifier((64, 64), early_stopping=True, random_state=s, max_iter=500).fit(A, ytr)
            p = m.predict_proba(B)
            per.append({'seed': s, 'rocAuc': roc_auc_score(yte, p, multi_class='ovr', average='macro'), 'logLoss': log_loss(yte, p), 'accuracy': accuracy_score(yte, p.argmax(1)), 'epochs': m.n_iter_})
    print(json.dumps({
        'description': f'scikit-learn MLPClassifier((64, 64), early_stopping=True) on the telco-churn reference split with target {TARGET} ({", ".join(classes)}); metrics on the 1,409 test rows (ROC AUC one-vs-rest macro), mean over random_state 0-4.',
        'made_by': 'tests/reference/scripts/sklearn_mlp_telco_contract.py',
        'sklearn': sklearn.__version__,
        'classes': classes,
        'features': int(A.shape[1]),
        'rocAuc': statistics.mean(r['rocAuc'] for r in per),
        'logLoss': statistics.mean(r['logLoss'] for r in per),
        'accuracy': statistics.mean(r['accuracy'] for r in per),
        'seeds': per,
    }, indent=1))


if __name__ == '__main__':
    main()
