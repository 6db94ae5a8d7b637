"""Closed-form intercept of a constant-velocity target by a straight-flying projectile.

The projectile leaves the launcher after ``delay_s`` (reaction time) and flies in a straight line at
a constant mean speed s. With the target's position at launch q = p + v·delay − launcher, it meets
the target τ after launch where |q + v τ| = s τ, i.e.

    (|v|² − s²) τ² + 2 q·v τ + |q|² = 0,

and the intercept is the smallest root τ >= 0. The time from now to impact is delay + τ.
"""

from __future__ import annotations

import numpy as np


def intercept_time(
    launcher: np.ndarray,
    target_pos: np.ndarray,
    target_vel: np.ndarray,
    speed: float,
    delay_s: float,
) -> np.ndarray:
    """Time from now to impact (N,) for targets (N, 3) at (N, 3) m/s; nan where none exists."""
    q = np.asarray(target_pos, dtype=float) + target_vel * delay_s - launcher
    v = np.asarray(target_vel, dtype=float)
    a = np.sum(v * v, axis=-1) - speed**2
    b = 2.0 * np.sum(q * v, axis=-1)
    c = np.sum(q * q, axis=-1)
    linear = np.abs(a) <= 1e-9 * speed**2  # target as fast as the projectile: b τ + c = 0
    disc = b**2 - 4.0 * a * c
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.sqrt(disc)  # nan where the projectile can never catch the target
        low = np.where(linear, -c / b, (-b - root) / (2.0 * a))
        high = np.where(linear, np.nan, (-b + root) / (2.0 * a))
    low = np.where(low >= 0.0, low, np.nan)
    high = np.where(high >= 0.0, high, np.nan)
    return delay_s + np.fmin(low, high)
