"""Polar measurement models (EKF, UKF, bearings only): known values, Jacobians, NEES/NIS."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from bastion.frames import enu_to_polar
from bastion.tracking import kalman
from bastion.tracking.measurement import (
    ConvertedPositionModel,
    PolarEkfModel,
    PolarUkfModel,
    innovation,
    polar_h,
    polar_jacobian_full,
)
from bastion.tracking.motion import ConstantVelocity
from bastion.types import DetectionBatch

SENSOR = np.array([100.0, -200.0, 15.0])
ALL = np.array([True, True, True, True])


def batch(z: np.ndarray, R: np.ndarray, measured: np.ndarray, pos=SENSOR) -> DetectionBatch:
    """A batch with 4-column z and R padded from the measured components."""
    n = z.shape[0]
    comps = np.flatnonzero(measured)
    z4 = np.full((n, 4), np.nan)
    z4[:, comps] = z
    R4 = np.zeros((n, 4, 4))
    R4[np.ix_(np.arange(n), comps, comps)] = R
    return DetectionBatch(
        t=0.0,
        sensor_id="s",
        sensor_pos=pos,
        z=z4,
        R=R4,
        rcs_dbsm=np.full(n, np.nan),
        truth_id=np.zeros(n, np.int64),
        az_start_rad=0.0,
        az_extent_rad=2 * np.pi,
        max_range_m=np.inf,
        measured=measured,
    )


def test_h_matches_frames_and_range_rate_is_the_time_derivative() -> None:
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.uniform(-9e3, 9e3, (20, 2)), rng.uniform(50, 2e3, 20)])
    x = np.column_stack([x, rng.normal(0, 30, (20, 3))])
    h = polar_h(x, SENSOR, np.arange(4))
    np.testing.assert_allclose(h[:, :3], enu_to_polar(x[:, :3] - SENSOR), rtol=1e-12)
    eps = 1e-3
    r_next = np.linalg.norm(x[:, :3] + eps * x[:, 3:6] - SENSOR, axis=1)
    r_prev = np.linalg.norm(x[:, :3] - eps * x[:, 3:6] - SENSOR, axis=1)
    np.testing.assert_allclose(h[:, 3], (r_next - r_prev) / (2 * eps), rtol=1e-6)


def test_jacobian_matches_finite_differences() -> None:
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(-5e3, 5e3, 2), [400.0], rng.normal(0, 20, 3), [0.1]])
    H = polar_jacobian_full(x[None], SENSOR, 7)[0]
    num = np.zeros((4, 7))
    for i in range(7):
        d = np.zeros(7)
        d[i] = 1e-4
        up, down = polar_h(x + d, SENSOR, np.arange(4)), polar_h(x - d, SENSOR, np.arange(4))
        diff = up - down
        diff[1] = (diff[1] + np.pi) % (2 * np.pi) - np.pi
        num[:, i] = diff / 2e-4
    np.testing.assert_allclose(H, num, rtol=1e-5, atol=1e-10)


@pytest.mark.parametrize("measured", [ALL, np.array([False, True, True, False])])
def test_ukf_agrees_with_ekf_when_the_state_is_well_known(measured) -> None:
    x = np.array([[3000.0, 4000.0, 500.0, 20.0, -10.0, 1.0]])
    P = np.diag([25.0, 25.0, 25.0, 1.0, 1.0, 1.0])[None]
    dummy = batch(
        np.zeros((0, measured.sum())), np.zeros((0, measured.sum(), measured.sum())), measured
    )
    e = PolarEkfModel().moments(x, P, dummy)
    u = PolarUkfModel().moments(x, P, dummy)
    np.testing.assert_allclose(u.zhat, e.zhat, rtol=1e-6)
    # Compare as correlations: the UKF's second-order terms are tiny against each std.
    sz, sx = np.sqrt(np.diagonal(e.Pzz[0])), np.sqrt(np.diagonal(P[0]))
    np.testing.assert_allclose(u.Pzz[0] / np.outer(sz, sz), e.Pzz[0] / np.outer(sz, sz), atol=2e-3)
    np.testing.assert_allclose(u.Pxz[0] / np.outer(sx, sz), e.Pxz[0] / np.outer(sx, sz), atol=2e-3)


def test_ukf_averages_azimuth_across_north() -> None:
    # A target due north of the sensor: sigma points straddle azimuth 0 / 2π.
    x = np.array([[SENSOR[0], SENSOR[1] + 5000.0, 300.0, 0.0, 0.0, 0.0]])
    P = np.diag([400.0, 400.0, 100.0, 1.0, 1.0, 1.0])[None]
    dummy = batch(np.zeros((0, 1)), np.zeros((0, 1, 1)), np.array([False, True, False, False]))
    m = PolarUkfModel().moments(x, P, dummy)
    assert min(m.zhat[0, 0], 2 * np.pi - m.zhat[0, 0]) < 1e-6
    assert np.sqrt(m.Pzz[0, 0, 0]) == pytest.approx(20.0 / 5000.0, rel=0.01)


def test_innovation_wraps_azimuth() -> None:
    nu = innovation(
        np.array([[0.01, 10.0]]), np.array([[2 * np.pi - 0.01, 5.0]]), np.array([True, False])
    )
    np.testing.assert_allclose(nu, [[0.02, 5.0]])


def _anees(
    model, measured: np.ndarray, runs: int = 200, steps: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """Average NEES and NIS per step of CV + a measurement model on a truly CV target 4-9 km
    away (each model gates in its own space: ``measure`` then ``moments``)."""
    rng = np.random.default_rng(20240611)
    q, dt = 1.0, 1.0
    sig = np.array([10.0, np.radians(0.3), np.radians(0.3), 1.0])
    comps = np.flatnonzero(measured)
    R = np.diag(sig[comps] ** 2)
    cv = ConstantVelocity(q)
    P = np.broadcast_to(np.diag([50.0**2] * 3 + [10.0**2] * 3), (runs, 6, 6)).copy()
    start = np.column_stack([rng.uniform(4e3, 6e3, runs), rng.uniform(2e3, 4e3, runs)])
    x_true = np.column_stack(
        [start, np.full(runs, 500.0), rng.normal(0, 20, (runs, 2)), np.zeros(runs)]
    )
    x_est = x_true + (np.linalg.cholesky(P) @ rng.standard_normal((runs, 6, 1)))[..., 0]
    L_q = np.linalg.cholesky(
        cv.predict(np.zeros((1, 6)), np.zeros((1, 6, 6)), np.array([dt]))[1][0]
    )
    out, nis = np.empty(steps), np.empty(steps)
    for k in range(steps):
        x_true = cv.predict(x_true, np.zeros((runs, 6, 6)), np.full(runs, dt))[0]
        x_true = x_true + rng.standard_normal((runs, 6)) @ L_q.T
        z = polar_h(x_true, SENSOR, comps) + rng.standard_normal((runs, comps.size)) * sig[comps]
        x_est, P = cv.predict(x_est, P, np.full(runs, dt))
        b = batch(z, np.broadcast_to(R, (runs, *R.shape)), measured)
        meas = model.measure(b)
        m = model.moments(x_est, P, b)
        nu = innovation(meas.z, m.zhat, meas.angle)
        S = m.Pzz + meas.R
        nis[k] = np.mean(np.einsum("ni,ni->n", nu, np.linalg.solve(S, nu[..., None])[..., 0]))
        x_est, P = kalman.gain_update(x_est, P, nu, m.Pxz, S)
        e = x_true - x_est
        out[k] = np.mean(np.einsum("ni,ni->n", e, np.linalg.solve(P, e[..., None])[..., 0]))
    return out, nis


@pytest.mark.parametrize(
    "model",
    [PolarEkfModel(), PolarUkfModel(), ConvertedPositionModel()],
    ids=["ekf", "ukf", "converted"],
)
@pytest.mark.parametrize(
    "measured", [np.array([True, True, True, False]), ALL], ids=["plots", "doppler"]
)
def test_filters_are_consistent(model, measured) -> None:
    runs = 200
    lo, hi = chi2.ppf([0.005, 0.995], 6 * runs) / runs
    anees, anis = _anees(model, measured, runs)
    assert np.count_nonzero((anees < lo) | (anees > hi)) <= 2, anees
    assert lo < anees.mean() < hi, anees.mean()
    m = int(measured.sum())
    lo, hi = chi2.ppf([0.005, 0.995], m * runs) / runs
    assert np.count_nonzero((anis < lo) | (anis > hi)) <= 2, anis
    assert lo < anis.mean() < hi, anis.mean()


def test_bearings_shrink_only_the_cross_range_uncertainty() -> None:
    # Target 5 km north; an azimuth-only bearing (σ 0.05°, 4.4 m at 5 km) with a 100 m
    # isotropic prior: east (cross-range) variance shrinks to ~4.4², north (range) stays.
    x = np.array([[SENSOR[0], SENSOR[1] + 5000.0, 300.0, 0.0, 0.0, 0.0]])
    P = np.diag([100.0**2] * 3 + [10.0**2] * 3)[None]
    sig = np.radians(0.05)
    b = batch(np.array([[0.0]]), np.array([[[sig**2]]]), np.array([False, True, False, False]))
    m = PolarEkfModel().moments(x, P, b)
    nu = innovation(PolarEkfModel().measure(b).z, m.zhat, np.array([True]))
    _, P_new = kalman.gain_update(x, P, nu, m.Pxz, m.Pzz + PolarEkfModel().measure(b).R)
    assert np.sqrt(P_new[0, 0, 0]) == pytest.approx(5000.0 * sig, rel=0.02)
    assert P_new[0, 1, 1] == pytest.approx(100.0**2, rel=1e-6)
    assert P_new[0, 2, 2] == pytest.approx(100.0**2, rel=1e-6)


def test_converted_model_needs_the_three_position_components() -> None:
    b = batch(
        np.array([[5000.0, 0.3, 0.05]]),
        np.diag([100.0, 1e-5, 1e-5])[None],
        np.array([True, True, True, False]),
    )
    z, R, angle = ConvertedPositionModel().measure(b)
    np.testing.assert_allclose(
        z[0],
        SENSOR
        + 5000 * np.array([np.cos(0.05) * np.sin(0.3), np.cos(0.05) * np.cos(0.3), np.sin(0.05)]),
    )
    assert not angle.any() and R.shape == (1, 3, 3)


def test_converted_model_keeps_a_measured_range_rate_as_in_the_polar_ekf() -> None:
    # Position converted as without Doppler; ṙ predicted and linearised as the polar EKF does.
    rng = np.random.default_rng(3)
    x = np.column_stack([rng.uniform(2e3, 6e3, (4, 2)), rng.uniform(100, 900, 4)])
    x = np.column_stack([x, rng.normal(0, 20, (4, 3))])
    P = np.broadcast_to(np.diag([30.0**2] * 3 + [5.0**2] * 3), (4, 6, 6))
    z = np.array([[5000.0, 0.3, 0.05, -12.0]])
    R = np.diag([100.0, 1e-5, 1e-5, 0.25])[None]
    with_doppler = batch(z, R, ALL)
    plots = batch(z[:, :3], R[:, :3, :3], np.array([True, True, True, False]))
    converted = ConvertedPositionModel()
    meas, meas3 = converted.measure(with_doppler), converted.measure(plots)
    np.testing.assert_array_equal(meas.z[:, :3], meas3.z)
    np.testing.assert_array_equal(meas.R[:, :3, :3], meas3.R)
    assert meas.z[0, 3] == -12.0 and meas.R[0, 3, 3] == 0.25
    assert not meas.R[0, 3, :3].any() and not meas.angle.any()
    m = converted.moments(x, P, with_doppler)
    ekf = PolarEkfModel().moments(x, P, with_doppler)
    np.testing.assert_array_equal(m.zhat[:, :3], x[:, :3])
    np.testing.assert_allclose(m.zhat[:, 3], ekf.zhat[:, 3])
    np.testing.assert_allclose(m.Pzz[:, 3, 3], ekf.Pzz[:, 3, 3])
    np.testing.assert_allclose(m.Pxz[:, :, 3], ekf.Pxz[:, :, 3])
    np.testing.assert_allclose(m.Pzz[:, :3, :3], P[:, :3, :3])
    np.testing.assert_allclose(m.Pzz[:, :3, 3], ekf.Pxz[:, :3, 3])  # cov(position, ṙ)
