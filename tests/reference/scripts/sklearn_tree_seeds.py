"""scikit-learn's DecisionTreeRegressor on the gemstone reference split, over random_state 0..11.

Writes tests/reference/sklearn-tree-seeds.json (the test-RMSE spread the decision-tree test
holds Loupe to). Preprocessing as ../shared/reference/peers.md states it (gemstone_split.py).

    python3 tests/reference/scripts/sklearn_tree_seeds.py   # from the repository root, ../shared beside it
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import mean_squared_error
from sklearn.tree import DecisionTreeRegressor

from gemstone_split import ROOT, load_reference_split

A, B, y_train, y_test = load_reference_split()

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
