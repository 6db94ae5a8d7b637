"""Unscented prediction of the coordinated turn: moments against Monte Carlo, the linear limit,
NEES consistency where the Jacobian's prediction is not, and the tracker's use of it."""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

from bastion.scenario.schema import Tracker
from bastion.tracking import kalman
from bastion.tracking.motion import CoordinatedTurn, cv_process_noise
from bastion.tracking.tracker import build_predictor

EKF = CoordinatedTurn(q=0.0, q_turn=0.0)
UKF = CoordinatedTurn(q=0.0, q_turn=0.0, unscented=True)


def test_mean_matches_monte_carlo_where_the_jacobian_is_biased() -> None:
    # 30 m/s east turning at 0.1 ± 0.05 rad/s for 10 s: the turn angle is 1 ± 0.5 rad, so
    # the mean position lies well inside f(x̄), the point the Jacobian predicts.
    x = np.array([[0.0, 0.0, 100.0, 30.0, 0.0, 0.0, 0.1]])
    sd = np.array([5.0, 5.0, 5.0, 1.0, 1.0, 0.5, 0.05])
    P = np.diag(sd**2)[None]
    dt = np.array([10.0])
    samples = x[0] + np.random.default_rng(0).standard_normal((400_000, 7)) * sd
    moved = EKF.move(samples, dt[0])
    mc_mean, mc_sd = moved.mean(axis=0), moved.std(axis=0)  # standard errors < 0.1 m, m/s

    x_ukf, P_ukf = UKF.predict(x, P, dt)
    x_ekf, _ = EKF.predict(x, P, dt)
    assert np.abs(x_ekf[0, :2] - mc_mean[:2]).min() > 5.0  # the test can tell
    np.testing.assert_allclose(x_ukf[0, :2], mc_mean[:2], atol=1.0)
    np.testing.assert_allclose(x_ukf[0, 3:5], mc_mean[3:5], atol=0.5)
    np.testing.assert_allclose(np.sqrt(np.diagonal(P_ukf[0]))[:2], mc_sd[:2], rtol=0.05)


def test_equals_the_jacobian_prediction_when_the_turn_rate_is_known() -> None:
    # With ω certain, f is linear in the rest of the state: both predictions are exact.
    rng = np.random.default_rng(2)
    x = np.column_stack([rng.normal(0, 1e3, (5, 3)), rng.normal(0, 20, (5, 3)), [0.2] * 5])
    A = rng.normal(size=(5, 7, 7))
    P = A @ np.swapaxes(A, -1, -2) + 7 * np.eye(7)
    P[:, 6, :] = P[:, :, 6] = 0.0
    P[:, 6, 6] = 1e-16
    model = CoordinatedTurn(q=0.5, q_turn=1e-4)
    unscented = CoordinatedTurn(q=0.5, q_turn=1e-4, unscented=True)
    dt = np.full(5, 4.0)
    x_e, P_e = model.predict(x, P, dt)
    x_u, P_u = unscented.predict(x, P, dt)
    np.testing.assert_allclose(x_u, x_e, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(P_u, P_e, rtol=1e-7, atol=1e-7)


def _anees(model: CoordinatedTurn, runs: int = 200, steps: int = 30) -> np.ndarray:
    """Average NEES per step over seeded runs of targets that truly turn (random turn rates,
    ω a random walk), filtered with ``model`` and 10 m position fixes every 4 s."""
    rng = np.random.default_rng(20240613)
    dt, sigma = 4.0, 10.0
    truth = CoordinatedTurn(model.q, model.q_turn)
    sd0 = np.array([50.0, 50.0, 20.0, 10.0, 10.0, 2.0, np.radians(4.0)])
    P = np.broadcast_to(np.diag(sd0**2), (runs, 7, 7)).copy()
    speed, heading = rng.uniform(20.0, 40.0, runs), rng.uniform(0.0, 2 * np.pi, runs)
    x_true = np.column_stack(
        [
            np.zeros((runs, 2)),
            np.full(runs, 300.0),
            speed * np.sin(heading),
            speed * np.cos(heading),
            np.zeros(runs),
            rng.normal(0.0, np.radians(6.0), runs),
        ]
    )
    x_est = x_true + rng.standard_normal((runs, 7)) * sd0
    Q = cv_process_noise(np.array([dt]), model.q)[0]
    Q7 = np.zeros((7, 7))
    Q7[:6, :6], Q7[6, 6] = Q, model.q_turn * dt
    L_q = np.linalg.cholesky(Q7)
    H = np.broadcast_to(np.eye(3, 7), (runs, 3, 7))
    R = np.broadcast_to(sigma**2 * np.eye(3), (runs, 3, 3))
    step = np.full(runs, dt)
    out = np.empty(steps)
    for k in range(steps):
        x_true = truth.move(x_true, step) + rng.standard_normal((runs, 7)) @ L_q.T
        z = x_true[:, :3] + sigma * rng.standard_normal((runs, 3))
        x_est, P = model.predict(x_est, P, step)
        x_est, P = kalman.update(x_est, P, z - x_est[:, :3], H, R)
        e = x_true - x_est
        out[k] = np.mean(np.einsum("ni,ni->n", e, np.linalg.solve(P, e[..., None])[..., 0]))
    return out


def test_unscented_turn_filter_is_consistent_where_the_jacobian_is_not() -> None:
    runs = 200
    lo, hi = chi2.ppf([0.005, 0.995], 7 * runs) / runs
    q, q_turn = 0.5, np.radians(0.5) ** 2
    anees = _anees(CoordinatedTurn(q, q_turn, unscented=True), runs)
    # Each step falls outside with probability 1%; allow 2 of 30 (steps are correlated).
    assert np.count_nonzero((anees < lo) | (anees > hi)) <= 2, anees
    assert lo < anees.mean() < hi, anees.mean()
    jacobian = _anees(CoordinatedTurn(q, q_turn), runs)
    assert np.count_nonzero(jacobian > hi) > 2, jacobian  # overconfident: the test can tell


def test_tracker_predicts_the_turn_unscented_with_the_ukf_filter() -> None:
    for filt, unscented in (("ukf", True), ("ekf", False), ("converted", False)):
        for motion in ("ct", "imm"):
            models = build_predictor(Tracker(motion=motion, filter=filt)).models
            turns = [m for m in models if isinstance(m, CoordinatedTurn)]
            assert [m.unscented for m in turns] == [unscented]
