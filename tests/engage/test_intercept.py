import numpy as np
import pytest

from bastion.engage.intercept import intercept_time

ORIGIN = np.zeros(3)


def test_head_on_closing_target():
    # At launch (after 5 s) the target is at 9500 m; the gap closes at 900 + 100 m/s.
    t = intercept_time(ORIGIN, np.array([[10000.0, 0, 0]]), np.array([[-100.0, 0, 0]]), 900.0, 5.0)
    assert t[0] == pytest.approx(5.0 + 9500.0 / 1000.0)


def test_stationary_target_is_range_over_speed():
    t = intercept_time(
        np.array([100.0, 0, 0]), np.array([[100.0, 3000, 4000]]), np.zeros((1, 3)), 500.0, 2.0
    )
    assert t[0] == pytest.approx(2.0 + 5000.0 / 500.0)


def test_target_as_fast_as_the_projectile_coming_straight_in():
    # Linear case |v| = s: meet halfway, τ = |q| / 2s.
    t = intercept_time(ORIGIN, np.array([[0, 4000.0, 0]]), np.array([[0, -200.0, 0]]), 200.0, 0.0)
    assert t[0] == pytest.approx(10.0)


def test_faster_target_running_away_cannot_be_caught():
    t = intercept_time(
        ORIGIN,
        np.array([[1000.0, 0, 0], [1000.0, 0, 0]]),
        np.array([[300.0, 0, 0], [200.0, 0, 0]]),
        200.0,
        1.0,
    )
    assert np.isnan(t[0]) and np.isnan(t[1])


def brute_intercept(launcher, p, v, speed, delay, dt=2e-3, t_max=100.0):
    """Reference: the first time the projectile's reach covers the target's distance, refined."""
    t = np.arange(delay, t_max, dt)
    gap = np.linalg.norm(p + np.outer(t, v) - launcher, axis=1) - speed * (t - delay)
    caught = np.flatnonzero(gap <= 0.0)
    if not caught.size:
        return np.nan
    lo, hi = t[max(caught[0] - 1, 0)], t[caught[0]]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        reach = np.linalg.norm(p + v * mid - launcher) - speed * (mid - delay)
        lo, hi = (lo, mid) if reach <= 0.0 else (mid, hi)
    return hi


def test_matches_a_brute_force_time_search():
    rng = np.random.default_rng(7)
    launcher = np.array([200.0, -300.0, 10.0])
    p = rng.uniform(-8000.0, 8000.0, (30, 3)) * [1.0, 1.0, 0.1] + [0.0, 0.0, 1000.0]
    heading = rng.normal(size=(30, 3))
    speed = np.where(np.arange(30) < 15, rng.uniform(0.0, 200.0, 30), 500.0)  # half outrun it
    v = speed[:, None] * heading / np.linalg.norm(heading, axis=1, keepdims=True)
    t = intercept_time(launcher, p, v, 400.0, 3.0)
    ref = np.array([brute_intercept(launcher, p[i], v[i], 400.0, 3.0) for i in range(30)])
    assert np.isnan(ref).sum() >= 3 and np.isfinite(ref).sum() >= 10
    np.testing.assert_array_equal(np.isnan(t), np.isnan(ref))
    np.testing.assert_allclose(t[np.isfinite(t)], ref[np.isfinite(ref)], rtol=1e-6)
