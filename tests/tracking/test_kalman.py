"""Constant-velocity Kalman filter: a hand-worked step, and statistical consistency (NEES)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from bastion.tracking import kalman
from bastion.tracking.motion import ConstantVelocity, cv_process_noise, cv_transition

#: z = H x measures the position part of the state.
H_POSITION = np.hstack([np.eye(3), np.zeros((3, 3))])


def _three_axes(block: np.ndarray) -> np.ndarray:
    """A 6×6 matrix with the same 2×2 (position, velocity) block on each of the three axes."""
    out = np.zeros((6, 6))
    for a in range(3):
        out[np.ix_([a, a + 3], [a, a + 3])] = block
    return out


def test_one_step_matches_hand_computation() -> None:
    # One axis, by hand: P = diag(100, 25), x = (10, 3), dt = 2, q = 4.
    #   F P Fᵀ = [[100 + 4·25, 2·25], [2·25, 25]] = [[200, 50], [50, 25]]
    #   Q = 4·[[8/3, 2], [2, 2]] = [[32/3, 8], [8, 8]]
    #   P⁻ = [[632/3, 58], [58, 33]],  x⁻ = (10 + 2·3, 3) = (16, 3)
    # Measure position z = 30 with r = 9: S = 632/3 + 9 = 659/3, ν = 14,
    #   K = (632/3, 58)/S = (632/659, 174/659)
    #   x⁺ = (16 + 14·632/659, 3 + 14·174/659)
    #   P⁺ = P⁻ − K S Kᵀ = [[5688/659, 1566/659], [1566/659, 11655/659]]
    x = np.array([[10.0, 10.0, 10.0, 3.0, 3.0, 3.0]])
    P = _three_axes(np.diag([100.0, 25.0]))[None]
    x_pred, P_pred = ConstantVelocity(4.0).predict(x, P, np.array([2.0]))
    np.testing.assert_allclose(x_pred[0], [16.0, 16.0, 16.0, 3.0, 3.0, 3.0])
    np.testing.assert_allclose(P_pred[0], _three_axes(np.array([[632 / 3, 58.0], [58.0, 33.0]])))

    z = np.array([30.0, 16.0, 2.0])  # ν = (14, 0, −14) on the three axes
    x_upd, P_upd = kalman.update(
        x_pred, P_pred, (z - x_pred[0, :3])[None], H_POSITION[None], 9.0 * np.eye(3)[None]
    )
    gain = np.array([632 / 659, 174 / 659])
    expected_x = np.array([16.0, 16.0, 16.0, 3.0, 3.0, 3.0])
    expected_x[[0, 3]] += 14.0 * gain
    expected_x[[2, 5]] -= 14.0 * gain
    np.testing.assert_allclose(x_upd[0], expected_x)
    expected_P = _three_axes(np.array([[5688.0, 1566.0], [1566.0, 11655.0]]) / 659.0)
    np.testing.assert_allclose(P_upd[0], expected_P, atol=1e-12)


def test_zero_step_leaves_state_unchanged() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 6))
    A = rng.normal(size=(4, 6, 6))
    P = A @ np.swapaxes(A, -1, -2) + np.eye(6)
    x_new, P_new = ConstantVelocity(4.0).predict(x, P, np.zeros(4))
    np.testing.assert_array_equal(x_new, x)
    np.testing.assert_array_equal(P_new, P)


def test_process_noise_is_integrated_white_acceleration() -> None:
    # Q = q ∫₀^dt Φ(s) G Gᵀ Φ(s)ᵀ ds with G = (0, 1) per axis; midpoint sum on a fine grid.
    dt, q, n = 3.0, 2.5, 20_000
    s = (np.arange(n) + 0.5) * dt / n
    g = np.stack([s, np.ones(n)], axis=1)  # Φ(s) G = (s, 1)
    block = q * (g.T @ g) * dt / n
    np.testing.assert_allclose(cv_process_noise(np.array([dt]), q)[0], _three_axes(block))


def _anees(q_filter: float, runs: int = 200, steps: int = 40) -> np.ndarray:
    """Average NEES per step over seeded Monte Carlo runs of a truly CV target (q_true = 4)."""
    rng = np.random.default_rng(20240607)
    q_true, dt, sigma = 4.0, 2.0, 20.0
    R = np.broadcast_to(sigma**2 * np.eye(3), (runs, 3, 3))
    H = np.broadcast_to(H_POSITION, (runs, 3, 6))
    P = np.broadcast_to(_three_axes(np.diag([50.0**2, 10.0**2])), (runs, 6, 6)).copy()
    x_est = np.zeros((runs, 6))
    x_true = x_est + (np.linalg.cholesky(P) @ rng.standard_normal((runs, 6, 1)))[..., 0]
    L_q = np.linalg.cholesky(cv_process_noise(np.array(dt), q_true))
    F = cv_transition(np.array(dt))
    step = np.full(runs, dt)
    anees = np.empty(steps)
    for k in range(steps):
        x_true = x_true @ F.T + rng.standard_normal((runs, 6)) @ L_q.T
        z = x_true[:, :3] + sigma * rng.standard_normal((runs, 3))
        x_est, P = ConstantVelocity(q_filter).predict(x_est, P, step)
        x_est, P = kalman.update(x_est, P, z - x_est[:, :3], H, R)
        e = x_true - x_est
        anees[k] = np.mean(np.einsum("ni,ni->n", e, np.linalg.solve(P, e[..., None])[..., 0]))
    return anees


def _nees_bounds(runs: int = 200) -> tuple[float, float]:
    """Two-sided 99% bounds of the average of ``runs`` independent χ²₆ NEES values."""
    lo, hi = chi2.ppf([0.005, 0.995], 6 * runs) / runs
    return float(lo), float(hi)


def test_filter_is_consistent_nees_within_99_percent_bounds() -> None:
    lo, hi = _nees_bounds()
    anees = _anees(q_filter=4.0)
    # Each step falls outside with probability 1%; allow 2 of 40 (steps are correlated).
    assert np.count_nonzero((anees < lo) | (anees > hi)) <= 2, anees
    # The mean over correlated steps varies no more than one step's ANEES does.
    assert lo < anees.mean() < hi, anees.mean()


@pytest.mark.parametrize("q_filter", [2.0, 8.0])  # q off by a factor of 2
def test_nees_check_detects_a_mistuned_filter(q_filter: float) -> None:
    lo, hi = _nees_bounds()
    assert not lo < _anees(q_filter).mean() < hi
