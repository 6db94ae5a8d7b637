"""Training the classifier on simulated runs: ``bastion train-classifier``.

1. Simulate ``runs`` training runs (:mod:`bastion.classify.runs`), each from (seed, run index),
   so the data do not depend on how many worker processes made them.
2. Split by run (never a run in two parts): 70 % to fit, 15 % to calibrate, 15 % held out.
3. Fit a HistGradientBoosting classifier over the five labels on the features of every
   snapshot (missing evidence stays NaN, which the trees route on their own). The features
   include how much evidence a track has (age, detections), so the model learns how sure it
   may be at each moment of a track's life.
4. Calibrate on the calibration runs by temperature scaling, softmax(β · scores), one β for
   all labels (:mod:`bastion.classify.forest`); it keeps the ranking and fixes the
   over-confidence of boosted trees.
5. Measure on the held-out runs (confirmed tracks): expected calibration error, accuracy and
   log loss of the class belief; write the model and its metadata (:mod:`bastion.classify.model`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import log_loss

from bastion.classify.calibration import (
    CLASS_OF_LABEL,
    class_probabilities,
    expected_calibration_error,
)
from bastion.classify.features import FEATURES
from bastion.classify.flights import LABELS
from bastion.classify.forest import CalibratedTrees, fit_inverse_temperature
from bastion.classify.model import save_model
from bastion.classify.runs import RUN_S, Snapshots, run_snapshots

#: Share of runs (by run index modulo 20) that fit, calibrate, and are held out.
FIT, CALIBRATE = 14, 3
#: Boosting iterations (one tree per label each) and their learning rate: 60 at 0.15 gave a
#: held-out log loss 5 % below 30 at 0.25 (0.116 against 0.123) and fewer birds declared
#: drone; 100 at 0.1 a little better again, at 3.5 times the prediction time of 30, which
#: runs every tick.
MAX_ITER = 60
LEARNING_RATE = 0.15
#: Depth limit of each tree: bounds the steps of the vectorised prediction (forest.py).
MAX_DEPTH = 10
#: Track ages (s) at which calibration is also reported.
AGE_BINS_S = (0.0, 30.0, 120.0, np.inf)


def split_of(run: np.ndarray) -> np.ndarray:
    """0 fit, 1 calibrate, 2 held out, by run index."""
    k = run % 20
    return np.where(k < FIT, 0, np.where(k < FIT + CALIBRATE, 1, 2))


def simulate(
    runs: int,
    seed: int,
    jobs: int = 1,
    snapshot_every: int = 3,
    progress: Callable[[int, int], None] | None = None,
    run_s: float = RUN_S,
) -> Snapshots:
    """Snapshots of runs 0 .. runs - 1 of ``run_s`` seconds each, in run order."""
    make = partial(run_snapshots, seed, snapshot_every=snapshot_every, run_s=run_s)
    indices = range(runs)
    parts: list[Snapshots] = []
    if jobs <= 1:
        results = map(make, indices)
        for part in results:
            parts.append(part)
            if progress is not None:
                progress(len(parts), runs)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for part in pool.map(make, indices):
                parts.append(part)
                if progress is not None:
                    progress(len(parts), runs)
    return Snapshots.concat(parts)


def fit_model(data: Snapshots, seed: int, max_iter: int = MAX_ITER) -> CalibratedTrees:
    """Boosted trees on the fit runs, temperature-scaled on the calibration runs."""
    split = split_of(data.run)
    fit, cal = split == 0, split == 1
    if len(np.unique(data.y[fit])) < len(LABELS) or not cal.any():
        raise ValueError(
            "runs: too few training runs to see every label and calibrate "
            f"(labels seen {sorted(set(data.y[fit].tolist()))}); simulate more runs"
        )
    trees = HistGradientBoostingClassifier(
        max_iter=max_iter,
        learning_rate=LEARNING_RATE,
        max_leaf_nodes=31,
        max_depth=MAX_DEPTH,
        min_samples_leaf=50,
        l2_regularization=1.0,
        early_stopping=False,
        random_state=seed,
    )
    trees.fit(data.X[fit], data.y[fit], sample_weight=data.weight[fit])
    raw = trees.decision_function(data.X[cal])
    beta = fit_inverse_temperature(raw, data.y[cal], data.weight[cal])
    return CalibratedTrees(trees, beta)


def held_out_metrics(model: Any, data: Snapshots) -> dict[str, Any]:
    """Calibration and accuracy of the class belief on confirmed tracks of ``data``."""
    rows = data.confirmed
    if not rows.any():
        return {"rows": 0}
    p_labels = model.predict_proba(data.X[rows])
    p = class_probabilities(p_labels)
    truth = CLASS_OF_LABEL[data.y[rows]]
    age = data.X[rows, FEATURES.index("age_s")]
    by_age = {}
    for lo, hi in pairwise(AGE_BINS_S):
        sel = (age >= lo) & (age < hi)
        by_age[f"{lo:.0f}-{hi:.0f}s"] = expected_calibration_error(p[sel], truth[sel])
    md = np.isfinite(data.X[rows, FEATURES.index("micro_doppler_log10_hz")])
    return {
        "rows": int(rows.sum()),
        "calibration_error": expected_calibration_error(p, truth),
        "calibration_error_by_age": by_age,
        "calibration_error_with_micro_doppler": expected_calibration_error(p[md], truth[md]),
        "calibration_error_without_micro_doppler": expected_calibration_error(p[~md], truth[~md]),
        "accuracy": float(np.mean(p.argmax(axis=1) == truth)),
        "label_accuracy": float(np.mean(p_labels.argmax(axis=1) == data.y[rows])),
        "log_loss": float(log_loss(truth, p, labels=np.arange(p.shape[1]))),
    }


def train(
    runs: int,
    seed: int,
    out: Path,
    jobs: int = 1,
    snapshot_every: int = 3,
    progress: Callable[[int, int], None] | None = None,
    run_s: float = RUN_S,
    max_iter: int = MAX_ITER,
) -> dict[str, Any]:
    """Simulate, fit, calibrate, measure and save; return the metadata written."""
    started = time.perf_counter()
    data = simulate(runs, seed, jobs, snapshot_every, progress, run_s)
    simulated_s = time.perf_counter() - started
    model = fit_model(data, seed, max_iter)
    held_out = data.take(np.flatnonzero(split_of(data.run) == 2))
    meta = {
        "training_command": (
            f"bastion train-classifier --runs {runs} --seed {seed} "
            f"--snapshot-every {snapshot_every}"
        ),
        "run_s": run_s,
        "max_iter": max_iter,
        "seed": seed,
        "runs": runs,
        "rows": {
            name: int(np.count_nonzero(split_of(data.run) == k))
            for k, name in enumerate(("fit", "calibrate", "held_out"))
        },
        "label_counts": {name: int(np.count_nonzero(data.y == k)) for k, name in enumerate(LABELS)},
        "held_out": held_out_metrics(model, held_out),
        "simulate_s": round(simulated_s, 1),
        "train_s": round(time.perf_counter() - started - simulated_s, 1),
    }
    save_model(model, meta, out)
    return meta
