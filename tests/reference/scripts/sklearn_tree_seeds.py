"""scikit-learn's DecisionTreeRegressor on the gemstone reference split, over random_state 0..11.

Writes tests/reference/sklearn-tree-seeds.json (the test-RMSE spread the decision-tree test
holds Loupe to). Preprocessing as ../shared/reference/peers.md states it: numeric columns
median-imputed and standardized; cut/color/clarity ordinal-encoded in their known orders, then
standardized. Target: raw price.

    python3 tests/reference/scripts/sklearn_tree_seeds.py   # from the repository root, ../shared beside it
"""
import json
import pathlib
import sys

import numpy as np
import pandas as pd
import sklearn
from sklearn.impute import SimpleImputer
from sklearn.metrics import mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / 'shared'
ORDERS = {
    'cut': ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'],
    'color': ['J', 'I', 'H', 'G', 'F', 'E', 'D'],
    'clarity': ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'],
}
FEATURES = ['carat', 'depth', 'table', 'x', 'y', 'z', 'cut', 'color', 'clarity']

df = pd.read_csv(SHARED / 'data' / 'gemstone.csv')
for c, order in ORDERS.items():
    df[c] = df[c].map({v: i for i, v in enumerate(order)})
test_ids = set(int(x) for x in (SHARED / 'reference' / 'gemstone-test-ids.txt').read_text().split())
is_test = df['id'].isin(test_ids)
X_train, X_test = df.loc[~is_test, FEATURES], df.loc[is_test, FEATURES]
y_train, y_test = df.loc[~is_test, 'price'], df.loc[is_test, 'price']
prep = make_pipeline(SimpleImputer(strategy='median'), StandardScaler()).fit(X_train)
A, B = prep.transform(X_train), prep.transform(X_test)

seeds = list(range(12))
rmse = []
for s in seeds:
    m = DecisionTreeRegressor(random_state=s).fit(A, y_train)
    rmse.append(round(float(np.sqrt(mean_squared_error(y_test, m.predict(B)))), 2))

out = {
    'description': 'Test RMSE of scikit-learn DecisionTreeRegressor (defaults: unlimited depth) on the gemstone reference split, per random_state; the seed breaks ties between equally good splits.',
    'made_by': 'python3 tests/reference/scripts/sklearn_tree_seeds.py',
    'sklearn': sklearn.__version__,
    'python': sys.version.split()[0],
    'train_rows': int(len(y_train)),
    'test_rows': int(len(y_test)),
    'random_state': seeds,
    'rmse': rmse,
    'median_rmse': float(np.median(rmse)),
}
(ROOT / 'tests' / 'reference' / 'sklearn-tree-seeds.json').write_text(json.dumps(out, indent=1) + '\n')
print(json.dumps(out))
