"""The vectorised tree walk gives scikit-learn's own scores; the temperature is the one that
minimises the log loss."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from scipy.special import log_softmax
from sklearn.ensemble import HistGradientBoostingClassifier

from bastion.classify.forest import CalibratedTrees, fit_inverse_temperature


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3_000, 6))
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 + rng.normal(0, 0.7, 3_000) > 0.5).astype(int)
    y += (X[:, 2] > 1.0).astype(int)  # three labels
    X[rng.random(X.shape) < 0.2] = np.nan  # missing evidence, routed by the trees
    return X, y


def test_tree_walk_matches_scikit_learn(data) -> None:
    X, y = data
    trees = HistGradientBoostingClassifier(max_iter=25, max_depth=6, random_state=0).fit(X, y)
    model = CalibratedTrees(trees, beta=0.8)
    np.testing.assert_allclose(model.decision_function(X), trees.decision_function(X), atol=1e-12)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(X[:50]), model.predict_proba(X[:50]))


def test_inverse_temperature_minimises_the_log_loss(data) -> None:
    _, y = data
    rng = np.random.default_rng(5)
    # Scores twice too confident: the data were drawn from softmax(raw / 2).
    raw = rng.normal(0.0, 3.0, (20_000, 3))
    p = np.exp(log_softmax(raw / 2.0, axis=1))
    y = (rng.random(raw.shape[0])[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
    beta = fit_inverse_temperature(raw, y, np.ones(y.size))
    assert beta == pytest.approx(0.5, rel=0.05)
