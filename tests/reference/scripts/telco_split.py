"""The telco-churn reference split, prepared as ../shared/reference/sklearn-logistic-telco.json
states it, for the scikit-learn scripts (sklearn_telco_classifiers.py): TotalCharges blanks ->
missing; tenure, MonthlyCharges, TotalCharges median-imputed then StandardScaler; every other
column except customerID and Churn (SeniorCitizen as a category) most-frequent-imputed then
one-hot, levels sorted as strings. y: 1 for Churn = Yes. tests/helpers/telco.ts builds the same.
"""
import pathlib

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / 'shared'
NUMERIC = ['tenure', 'MonthlyCharges', 'TotalCharges']


def load_telco_split():
    """(training matrix, test matrix, training y, test y, feature names), as float arrays."""
    df = pd.read_csv(SHARED / 'data' / 'telco-churn.csv', dtype=str, keep_default_na=False)
    for c in NUMERIC:
        df[c] = pd.to_numeric(df[c].str.strip().replace('', np.nan))
    test_ids = set((SHARED / 'reference' / 'telco-test-ids.txt').read_text().split())
    is_test = df['customerID'].isin(test_ids)
    categorical = [c for c in df.columns if c not in NUMERIC + ['customerID', 'Churn']]
    ct = ColumnTransformer([
        ('num', make_pipeline(SimpleImputer(strategy='median'), StandardScaler()), NUMERIC),
        ('cat', make_pipeline(SimpleImputer(strategy='most_frequent'), OneHotEncoder(handle_unknown='ignore', sparse_output=False)), categorical),
    ])
    X_train = ct.fit_transform(df.loc[~is_test])
    X_test = ct.transform(df.loc[is_test])
    y = (df['Churn'] == 'Yes').astype(int).to_numpy()
    return X_train, X_test, y[~is_test.to_numpy()], y[is_test.to_numpy()], list(ct.get_feature_names_out())
