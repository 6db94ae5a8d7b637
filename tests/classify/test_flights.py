"""Training flights: the wind acts on each kind of flyer as it does in the air."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.classify.flights import Motion, fly
from bastion.world.autopilot import ground_speed_on_course

WIND = np.array([0.0, 8.0, 0.0])  # blowing north at 8 m/s


def _ground_velocity(wind_mode: str, speed: float, heading_deg: float) -> np.ndarray:
    segments = [(300.0, speed, 0.0, 0.0)]
    motion = Motion(segments, np.radians(heading_deg), 100.0, 1.0, 0.0, wind=wind_mode)
    _, vel = fly(motion, np.zeros(3), 300, 1.0, WIND, np.random.default_rng(0))
    return vel[50:].mean(axis=0)


def test_a_multirotor_holds_its_position_whatever_the_wind() -> None:
    np.testing.assert_allclose(_ground_velocity("hold", 0.0, 0.0), 0.0, atol=1e-9)
    np.testing.assert_allclose(_ground_velocity("hold", 10.0, 90.0)[:2], [10.0, 0.0], atol=1e-9)


def test_a_bird_drifts_with_the_wind() -> None:
    np.testing.assert_allclose(_ground_velocity("drift", 10.0, 90.0)[:2], [10.0, 8.0], atol=1e-9)


def test_a_fixed_wing_crabs_to_keep_its_course() -> None:
    # East at 20 m/s through the air in an 8 m/s crosswind: along the course at sqrt(400 - 64).
    np.testing.assert_allclose(
        _ground_velocity("crab", 20.0, 90.0)[:2], [np.sqrt(400.0 - 64.0), 0.0], atol=1e-9
    )
    np.testing.assert_allclose(_ground_velocity("crab", 20.0, 0.0)[:2], [0.0, 28.0], atol=1e-9)


@pytest.mark.parametrize("course_deg, expected", [(0.0, 28.0), (180.0, 12.0), (90.0, 336**0.5)])
def test_ground_speed_on_course(course_deg: float, expected: float) -> None:
    got = ground_speed_on_course(np.radians([course_deg]), np.array([20.0]), WIND)
    assert got[0] == pytest.approx(expected)
