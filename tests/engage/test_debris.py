import numpy as np
import pytest

from bastion.engage.debris import AIR_DENSITY_KG_M3, GRAVITY_MPS2, ballistic_impact

G = GRAVITY_MPS2
CALM = np.zeros(3)


def test_negligible_drag_matches_the_vacuum_trajectory():
    pos = np.array([[0.0, 0.0, 300.0], [100.0, -50.0, 1000.0], [0.0, 0.0, 50.0]])
    vel = np.array([[30.0, 0.0, 5.0], [-40.0, 25.0, -10.0], [200.0, 0.0, 0.0]])
    impact, t_fall = ballistic_impact(pos, vel, CALM, 1e12)
    vz, h = vel[:, 2], pos[:, 2]
    t_ref = (vz + np.sqrt(vz**2 + 2.0 * G * h)) / G
    np.testing.assert_allclose(t_fall, t_ref, atol=1e-3)
    ref = pos[:, :2] + vel[:, :2] * t_ref[:, None]
    assert np.max(np.linalg.norm(impact[:, :2] - ref, axis=1)) < 0.5
    np.testing.assert_array_equal(impact[:, 2], 0.0)


def test_strong_drag_falls_at_terminal_speed():
    beta, h = 5.0, 500.0
    v_t = np.sqrt(2.0 * beta * G / AIR_DENSITY_KG_M3)
    _, t_fall = ballistic_impact(np.array([[0.0, 0.0, h]]), np.zeros((1, 3)), CALM, beta)
    # From rest, quadratic drag: h = (v_t²/g) ln cosh(g t / v_t).
    t_exact = v_t / G * np.arccosh(np.exp(G * h / v_t**2))
    assert t_fall[0] == pytest.approx(t_exact, abs=1e-3)
    assert t_fall[0] == pytest.approx(h / v_t, rel=0.02)


def test_wind_drifts_the_impact_downwind():
    pos = np.array([[0.0, 0.0, 300.0]] * 2)
    wind = np.array([-10.0, 0.0, 0.0])  # blowing towards the west
    impact, _ = ballistic_impact(pos, np.zeros((2, 3)), wind, np.array([40.0, 10.0]))
    assert impact[0, 0] < -50.0 and impact[1, 0] < impact[0, 0]  # lighter wreckage drifts more
    np.testing.assert_allclose(impact[:, 1], 0.0, atol=1e-9)


def test_more_height_throws_farther():
    h = np.array([50.0, 100.0, 300.0, 600.0, 1200.0])
    pos = np.column_stack([np.zeros(5), np.zeros(5), h])
    vel = np.tile([30.0, 0.0, 0.0], (5, 1))
    impact, t_fall = ballistic_impact(pos, vel, CALM, 40.0)
    assert np.all(np.diff(impact[:, 0]) > 0.0) and np.all(np.diff(t_fall) > 0.0)


def test_objects_on_the_ground_stay_put():
    pos = np.array([[10.0, 20.0, 0.0], [5.0, 5.0, 95.0], [0.0, 0.0, 200.0]])
    impact, t_fall = ballistic_impact(pos, np.ones((3, 3)), CALM, 40.0, ground_up=100.0)
    np.testing.assert_array_equal(impact[:2], pos[:2])
    np.testing.assert_array_equal(t_fall[:2], 0.0)
    assert impact[2, 2] == 100.0 and t_fall[2] > 0.0


def test_batch_equals_one_at_a_time():
    rng = np.random.default_rng(3)
    pos = rng.uniform([-1000, -1000, 10], [1000, 1000, 800], (6, 3))
    vel = rng.uniform(-40, 40, (6, 3))
    beta = rng.uniform(5.0, 80.0, 6)
    wind = np.array([4.0, -2.0, 0.0])
    impact, t_fall = ballistic_impact(pos, vel, wind, beta)
    for i in range(6):
        one, t_one = ballistic_impact(pos[i : i + 1], vel[i : i + 1], wind, beta[i])
        np.testing.assert_allclose(one[0], impact[i], rtol=1e-12)
        assert t_one[0] == pytest.approx(t_fall[i], rel=1e-12)


def test_an_updraft_stronger_than_terminal_speed_never_lands():
    impact, t_fall = ballistic_impact(
        np.array([[0.0, 0.0, 100.0]]),
        np.zeros((1, 3)),
        np.array([0.0, 0.0, 30.0]),
        5.0,
        max_time_s=5.0,
    )
    assert np.isnan(impact).all() and np.isnan(t_fall).all()


def test_a_light_parachute_stays_stable_whatever_step_is_asked():
    # beta 2 at 40 m/s relaxes at ~25 /s: a 0.5 s RK4 step would blow up; the capped step must
    # agree with a fine integration.
    pos, vel, wind = np.array([[0.0, 0.0, 300.0]]), np.array([[40.0, 0.0, 0.0]]), np.zeros(3)
    coarse, t_coarse = ballistic_impact(pos, vel, wind, 2.0, dt=0.5)
    fine, t_fine = ballistic_impact(pos, vel, wind, 2.0, dt=0.005)
    assert np.isfinite(coarse).all()
    np.testing.assert_allclose(coarse, fine, atol=1.0)  # within a metre
    assert t_coarse[0] == pytest.approx(t_fine[0], abs=0.02)
    v_t = np.sqrt(2.0 * 2.0 * G / AIR_DENSITY_KG_M3)
    assert t_fine[0] == pytest.approx(300.0 / v_t, rel=0.05)
