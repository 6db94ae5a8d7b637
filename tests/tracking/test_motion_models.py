"""Motion models and IMM prediction: known numbers, limits, Jacobians, noise integrals."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.tracking.imm import ImmPredictor
from bastion.tracking.kalman import moment_match
from bastion.tracking.motion import (
    ConstantVelocity,
    CoordinatedTurn,
    NearConstantAltitude,
    turn_terms,
)


def spd(rng: np.random.Generator, n: int, count: int) -> np.ndarray:
    A = rng.normal(size=(count, n, n))
    return A @ np.swapaxes(A, -1, -2) + n * np.eye(n)


def test_coordinated_turn_quarter_circle() -> None:
    # 30 m/s north turning left at π/20 rad/s for 10 s: a quarter circle of radius
    # r = v/ω = 600/π m, ending at (−r, r) flying west.
    ct = CoordinatedTurn(q=0.0, q_turn=0.0)
    w = np.pi / 20
    x = np.array([[0.0, 0.0, 100.0, 0.0, 30.0, 2.0, w]])
    xn, _ = ct.transition(x, np.array([10.0]))
    r = 600.0 / np.pi
    np.testing.assert_allclose(xn[0], [-r, r, 120.0, -30.0, 0.0, 2.0, w], atol=1e-9)


def test_coordinated_turn_jacobian_matches_finite_differences() -> None:
    ct = CoordinatedTurn(q=1.0, q_turn=0.01)
    dt = np.array([3.0])
    for w in (0.2, 1e-5, 0.0):  # closed forms and the small-turn series
        x = np.array([1000.0, -500.0, 300.0, 25.0, -12.0, 1.5, w])
        _, F = ct.transition(x[None], dt)
        num = np.zeros((7, 7))
        for i in range(7):
            h = np.zeros(7)
            h[i] = 1e-6
            up, down = ct.transition((x + h)[None], dt)[0], ct.transition((x - h)[None], dt)[0]
            num[:, i] = (up[0] - down[0]) / 2e-6
        np.testing.assert_allclose(F[0], num, atol=1e-5)


def test_turn_terms_are_continuous_across_the_series_switch() -> None:
    dt = np.array([2.0, 2.0])
    w = np.array([0.999e-3, 1.001e-3]) / 2.0  # either side of |ω dt| = 1e-3
    _, _, A, B, dA, dB = turn_terms(w, dt)
    for v in (A, B, dA, dB):
        assert v[0] == pytest.approx(v[1], rel=2e-3, abs=1e-9)


def test_zero_turn_rate_is_constant_velocity() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(size=(4, 6)) * 100, np.zeros((4, 1))], axis=1)
    P = spd(rng, 7, 4)
    P[:, 6, :] = P[:, :, 6] = 0.0  # a turn rate known to be 0
    dt = np.array([1.0, 2.0, 5.0, 0.5])
    x_ct, P_ct = CoordinatedTurn(q=4.0, q_turn=0.0).predict(x, P, dt)
    x_cv, P_cv = ConstantVelocity(q=4.0).predict(x[:, :6], P[:, :6, :6], dt)
    np.testing.assert_allclose(x_ct[:, :6], x_cv, atol=1e-9)
    np.testing.assert_allclose(P_ct[:, :6, :6], P_cv, rtol=1e-9)


def test_near_constant_altitude_noise_is_the_integrated_ou_process() -> None:
    # Q_u = q_v ∫₀^dt Φ(s) G Gᵀ Φ(s)ᵀ ds with Φ(s) G = (τ(1 − e^(−s/τ)), e^(−s/τ)); midpoints.
    q, qv, tau, dt, n = 4.0, 0.25, 8.0, 3.0, 40_000
    s = (np.arange(n) + 0.5) * dt / n
    g = np.stack([tau * (1 - np.exp(-s / tau)), np.exp(-s / tau)], axis=1)
    expected = qv * (g.T @ g) * dt / n
    model = NearConstantAltitude(q=q, q_v=qv, tau_s=tau)
    _, P = model.predict(np.zeros((1, 6)), np.zeros((1, 6, 6)), np.array([dt]))
    np.testing.assert_allclose(P[0][np.ix_([2, 5], [2, 5])], expected, rtol=1e-6)
    # Horizontal axes stay CV.
    _, P_cv = ConstantVelocity(q=q).predict(np.zeros((1, 6)), np.zeros((1, 6, 6)), np.array([dt]))
    np.testing.assert_allclose(P[0][np.ix_([0, 3], [0, 3])], P_cv[0][np.ix_([0, 3], [0, 3])])


def test_near_constant_altitude_climb_decays() -> None:
    model = NearConstantAltitude(q=1.0, q_v=0.1, tau_s=5.0)
    x = np.array([[0.0, 0.0, 100.0, 10.0, 0.0, 4.0]])
    xn, _ = model.predict(x, np.eye(6)[None], np.array([5.0]))
    assert xn[0, 5] == pytest.approx(4.0 * np.exp(-1.0))
    assert xn[0, 2] == pytest.approx(100.0 + 4.0 * 5.0 * (1 - np.exp(-1.0)))
    assert xn[0, 0] == pytest.approx(50.0)


def test_imm_transition_matrix() -> None:
    cv = ConstantVelocity(q=1.0, dim=7)
    imm = ImmPredictor((cv, CoordinatedTurn(1.0, 0.01), cv), sojourn_s=10.0)
    pi = imm.transition(np.array([0.0, 10.0]))
    np.testing.assert_allclose(pi[0], np.eye(3))
    np.testing.assert_allclose(pi[1].sum(axis=1), 1.0)
    assert pi[1, 0, 0] == pytest.approx(np.exp(-1.0))
    assert pi[1, 0, 1] == pytest.approx((1 - np.exp(-1.0)) / 2)


def test_imm_with_one_model_is_that_model() -> None:
    rng = np.random.default_rng(2)
    cv = ConstantVelocity(q=3.0)
    x, P = rng.normal(size=(5, 6)), spd(rng, 6, 5)
    dt = rng.uniform(0, 3, 5)
    xi, Pi, mu = ImmPredictor((cv,)).predict(x[:, None], P[:, None], np.ones((5, 1)), dt)
    xe, Pe = cv.predict(x, P, dt)
    np.testing.assert_allclose(xi[:, 0], xe)
    np.testing.assert_allclose(Pi[:, 0], Pe)
    np.testing.assert_array_equal(mu, 1.0)


def test_imm_mixing_keeps_the_combined_estimate_at_zero_step() -> None:
    # With dt = 0 the transition is the identity: mixing changes nothing and neither does
    # prediction; with dt > 0 the mixed estimate of the CV-only set still has the combined
    # mean of the inputs propagated by CV.
    rng = np.random.default_rng(3)
    cv = ConstantVelocity(q=2.0, dim=7)
    imm = ImmPredictor((cv, cv, cv), sojourn_s=5.0)
    x, P = rng.normal(size=(4, 3, 7)) * 10, spd(rng, 7, 12).reshape(4, 3, 7, 7)
    mu = rng.dirichlet(np.ones(3), 4)
    xs, Ps, mus = imm.predict(x, P, mu, np.zeros(4))
    np.testing.assert_allclose(xs, x, atol=1e-12)
    np.testing.assert_allclose(mus, mu)
    dt = np.full(4, 2.0)
    xs, Ps, mus = imm.predict(x, P, mu, dt)
    xm, Pm = moment_match(mu, x, P)
    xe, Pe = cv.predict(xm, Pm, dt)
    xc, Pc = moment_match(mus, xs, Ps)
    np.testing.assert_allclose(xc, xe, atol=1e-9)
    np.testing.assert_allclose(Pc, Pe, rtol=1e-9, atol=1e-9)


def test_imm_models_must_share_a_dimension() -> None:
    with pytest.raises(ValueError, match="state dimension"):
        ImmPredictor((ConstantVelocity(1.0), CoordinatedTurn(1.0, 0.1)))
