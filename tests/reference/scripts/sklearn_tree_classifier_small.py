"""scikit-learn's DecisionTreeClassifier on a small generated 3-class problem (no ties between
candidate splits, so the tree is unique whatever the feature order), for
tests/core/models/tree-classifier.test.ts:

    python tests/reference/scripts/sklearn_tree_classifier_small.py > tests/fixtures/sklearn-tree-classifier-small.json
"""
import json

import numpy as np
import sklearn
from sklearn.tree import DecisionTreeClassifier

rng = np.random.default_rng(7)
X = rng.normal(size=(300, 4)).round(6)
score = np.stack([X[:, 0] - X[:, 1], X[:, 1] + 0.5 * X[:, 2], -X[:, 0] + X[:, 3]], axis=1) + 0.7 * rng.normal(size=(300, 3))
y = score.argmax(axis=1)
Xt = rng.normal(size=(50, 4)).round(6)
out = {'made_by': 'tests/reference/scripts/sklearn_tree_classifier_small.py', 'sklearn': sklearn.__version__, 'X': X.tolist(), 'y': y.tolist(), 'Xtest': Xt.tolist(), 'cases': []}
for params in [{'criterion': 'gini', 'max_depth': 4}, {'criterion': 'entropy', 'max_depth': 4}, {'criterion': 'gini', 'max_depth': 4, 'min_samples_leaf': 5, 'class_weight': 'balanced'}, {'criterion': 'entropy', 'max_depth': 3, 'class_weight': 'balanced'}]:
    m = DecisionTreeClassifier(random_state=0, **params).fit(X, y)
    out['cases'].append({'params': params, 'proba': m.predict_proba(Xt).tolist(), 'importance': m.feature_importances_.tolist(), 'nodes': int(m.tree_.node_count)})
print(json.dumps(out))
