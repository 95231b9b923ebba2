"""The gemstone reference split, prepared as ../shared/reference/peers.md states it, for the
scikit-learn scripts (tests/reference/scripts/sklearn_tree_seeds.py, bench/sklearn_peers.py):
cut/color/clarity ordinal codes in their known orders; every column median-imputed and
standardized on the training rows. Target: raw price.
"""
import pathlib

import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / 'shared'
ORDERS = {
    'cut': ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'],
    'color': ['J', 'I', 'H', 'G', 'F', 'E', 'D'],
    'clarity': ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'],
}
FEATURES = ['carat', 'depth', 'table', 'x', 'y', 'z', 'cut', 'color', 'clarity']


def load_reference_split():
    """(training matrix, test matrix, training prices, test prices), as float arrays."""
    df = pd.read_csv(SHARED / 'data' / 'gemstone.csv')
    for c, order in ORDERS.items():
        df[c] = df[c].map({v: i for i, v in enumerate(order)})
    test_ids = set(int(x) for x in (SHARED / 'reference' / 'gemstone-test-ids.txt').read_text().split())
    is_test = df['id'].isin(test_ids)
    X_train, X_test = df.loc[~is_test, FEATURES], df.loc[is_test, FEATURES]
    y_train, y_test = df.loc[~is_test, 'price'].to_numpy(float), df.loc[is_test, 'price'].to_numpy(float)
    prep = make_pipeline(SimpleImputer(strategy='median'), StandardScaler()).fit(X_train)
    return prep.transform(X_train), prep.transform(X_test), y_train, y_test
