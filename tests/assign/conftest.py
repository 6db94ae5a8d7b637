"""Shared helpers for the assignment tests: a brute-force WTA reference."""

from __future__ import annotations

import itertools

import numpy as np

from bastion.assign.wta import WtaProblem


def brute_force_wta(problem: WtaProblem) -> tuple[float, np.ndarray]:
    """The optimum of a small WTA by enumerating every assignment of every unit (slow, obvious).

    Each unit independently goes to one target or to none; assignments breaking a cap or using
    a forbidden pair are skipped.
    """
    w, n = problem.shape
    unit_type = np.repeat(np.arange(w), problem.units)
    best, best_x = np.inf, np.zeros((w, n), dtype=np.int64)
    for choice in itertools.product(range(-1, n), repeat=unit_type.size):
        x = np.zeros((w, n), dtype=np.int64)
        for i, j in zip(unit_type, choice, strict=True):
            if j >= 0:
                x[i, j] += 1
        if (x[~problem.allowed] > 0).any() or (x.sum(axis=0) > problem.max_per_target).any():
            continue
        f = problem.objective(x)
        if f < best - 1e-12:
            best, best_x = f, x
    return best, best_x
