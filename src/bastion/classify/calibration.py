"""Calibration measures and the map from the model's labels to the belief's classes.

The model predicts the training labels (:data:`bastion.classify.flights.LABELS`: the drone
split into rotary and fixed-wing); the belief holds :data:`bastion.types.CLASSES`, the drone
column being their sum.

Expected calibration error (top label, equal-width bins): with each belief's most probable
class at confidence c and a hit when that class is the truth,

    ECE = sum_b (n_b / N) |mean hit_b - mean c_b|

over ``bins`` confidence bins b. A calibrated belief that says 0.8 is right 8 times in 10.
"""

from __future__ import annotations

import numpy as np

from bastion.classify.flights import LABELS
from bastion.types import CLASSES

#: CLASSES index of each training label.
CLASS_OF_LABEL = np.array([CLASSES.index(name.split("_")[0]) for name in LABELS])


def class_probabilities(p_labels: np.ndarray) -> np.ndarray:
    """Label probabilities (N, len(LABELS)) -> class probabilities (N, len(CLASSES))."""
    out = np.zeros((p_labels.shape[0], len(CLASSES)))
    np.add.at(out.T, CLASS_OF_LABEL, p_labels.T)
    return out


def expected_calibration_error(p: np.ndarray, truth: np.ndarray, bins: int = 10) -> float:
    """Top-label ECE of beliefs p (N, C) against true class indices (N,) (module docstring)."""
    if truth.size == 0:
        return float("nan")
    conf = p.max(axis=1)
    hit = p.argmax(axis=1) == truth
    b = np.minimum((conf * bins).astype(int), bins - 1)
    n = np.bincount(b, minlength=bins)
    gap = np.abs(np.bincount(b, hit, bins) - np.bincount(b, conf, bins))
    return float(gap.sum() / n.sum())


def reliability(p: np.ndarray, truth: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Per confidence bin with rows: its mean confidence, accuracy and count."""
    conf = p.max(axis=1)
    hit = p.argmax(axis=1) == truth
    b = np.minimum((conf * bins).astype(int), bins - 1)
    return [
        {
            "confidence": float(conf[b == k].mean()),
            "accuracy": float(hit[b == k].mean()),
            "count": int((b == k).sum()),
        }
        for k in range(bins)
        if (b == k).any()
    ]
