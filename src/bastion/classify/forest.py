"""Boosted trees with a temperature, predicting a whole track table in a few array operations.

``CalibratedTrees`` holds a fitted scikit-learn ``HistGradientBoostingClassifier`` and an
inverse temperature β fitted on separate data (temperature scaling, Guo et al. 2017)::

    p = softmax(β · f(x)),   f(x) = baseline + Σ_trees leaf value of x      (one f per label)

β minimises the weighted log loss on the calibration data; it rescales every label's score
alike, so the ranking is kept and only the confidence changes.

scikit-learn walks its trees one Python call per tree, which costs more than the few dozen
rows of a tick. Here every tree's nodes are laid end to end in flat arrays and all (row, tree)
pairs descend together, one level per step down to the deepest leaf (a leaf sends a pair back
to itself): a numerical split sends x to the left child when x <= threshold, and a missing x
(NaN) where the split learned to send missing values. A test
checks the result against scikit-learn's ``decision_function``. Only the fitted estimator and
β are pickled; the flat arrays are rebuilt on load.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.ensemble import HistGradientBoostingClassifier


def fit_inverse_temperature(raw: np.ndarray, y: np.ndarray, weight: np.ndarray) -> float:
    """β minimising the weighted log loss of softmax(β raw) against labels y (column index)."""

    def loss(log_beta: float) -> float:
        logp = log_softmax(np.exp(log_beta) * raw, axis=1)
        return float(-np.sum(weight * logp[np.arange(y.size), y]) / weight.sum())

    return float(np.exp(minimize_scalar(loss, bounds=(-5.0, 5.0), method="bounded").x))


class CalibratedTrees:
    """A fitted HistGradientBoostingClassifier (numerical features only) and its β."""

    def __init__(self, trees: HistGradientBoostingClassifier, beta: float) -> None:
        self.trees = trees
        self.beta = float(beta)
        self._flatten()

    def __getstate__(self) -> dict[str, Any]:
        return {"trees": self.trees, "beta": self.beta}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.trees, self.beta = state["trees"], state["beta"]
        self._flatten()

    @property
    def classes_(self) -> np.ndarray:
        return self.trees.classes_

    def _flatten(self) -> None:
        predictors = [p for iteration in self.trees._predictors for p in iteration]
        nodes = [p.nodes for p in predictors]
        if any(n["is_categorical"].any() for n in nodes):
            raise ValueError("CalibratedTrees: categorical splits are not supported")
        sizes = np.array([n.size for n in nodes])
        offset = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        flat = np.concatenate(nodes)
        shift = np.repeat(offset, sizes)
        leaf = flat["is_leaf"].astype(bool)
        here = np.arange(flat.size)
        # A leaf sends every row back to itself, so all pairs can step together to the depth.
        self._root = offset
        self._feature = np.where(leaf, 0, flat["feature_idx"]).astype(np.intp)
        self._threshold = np.where(leaf, np.inf, flat["num_threshold"])
        self._missing_left = flat["missing_go_to_left"].astype(bool) | leaf
        left = np.where(leaf, here, flat["left"].astype(np.intp) + shift)
        right = np.where(leaf, here, flat["right"].astype(np.intp) + shift)
        self._child = np.column_stack([right, left]).ravel()  # [2 node + goes left]
        self._leaf = leaf
        self._value = flat["value"]
        self._depth = int(flat["depth"].max())
        self._labels = len(self.trees._predictors[0])
        self._baseline = self.trees._baseline_prediction.reshape(-1)

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """Raw score f(x) per label (N, labels)."""
        X = np.asarray(X, dtype=float)
        n, width = X.shape
        node = np.broadcast_to(self._root, (n, self._root.size)).copy()
        base = (np.arange(n) * width)[:, None]
        flat_x = X.ravel()
        for _ in range(self._depth):
            x = flat_x[base + self._feature[node]]
            left = (x <= self._threshold[node]) | (np.isnan(x) & self._missing_left[node])
            node = self._child[2 * node + left]
            if self._leaf[node].all():  # most trees are shallower than the deepest
                break
        leaf_values = self._value[node].reshape(n, -1, self._labels)
        return self._baseline + leaf_values.sum(axis=1)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated label probabilities (N, labels)."""
        return softmax(self.beta * self.decision_function(X), axis=1)
