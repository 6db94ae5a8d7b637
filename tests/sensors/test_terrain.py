"""Line of sight over a 4/3 Earth and a terrain grid, against a slow reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.frames import EFFECTIVE_EARTH_RADIUS_M, radar_horizon_m
from bastion.sensors.terrain import Terrain, line_of_sight


def reference_clear(
    terrain: Terrain, sensor: np.ndarray, target: np.ndarray, steps: int = 4_000
) -> bool:
    """One ray at a time, finely sampled: ground + bulge below the straight ray everywhere."""
    d = float(np.hypot(*(target[:2] - sensor[:2])))
    f = np.arange(1, steps) / steps
    e = sensor[0] + f * (target[0] - sensor[0])
    n = sensor[1] + f * (target[1] - sensor[1])
    x = f * d
    ground = terrain.height(e, n) + x * (d - x) / (2.0 * EFFECTIVE_EARTH_RADIUS_M)
    return bool(np.all(ground < sensor[2] + f * (target[2] - sensor[2])))


def test_heights_are_bilinear_between_posts_and_zero_outside() -> None:
    t = Terrain(np.array([100.0, 200.0]), 50.0, np.array([[0.0, 10.0], [20.0, 40.0]]))
    assert float(t.height(np.array(100.0), np.array(200.0))) == 0.0
    assert float(t.height(np.array(150.0), np.array(250.0))) == 40.0
    assert float(t.height(np.array(125.0), np.array(225.0))) == pytest.approx(17.5)  # mean
    assert float(t.height(np.array(125.0), np.array(200.0))) == pytest.approx(5.0)
    assert float(t.height(np.array(90.0), np.array(225.0))) == 0.0
    assert float(t.height(np.array(125.0), np.array(251.0))) == 0.0


def test_flat_ground_gives_the_4_3_earth_horizon() -> None:
    sensor = np.array([0.0, 0.0, 10.0])
    horizon = float(radar_horizon_m(10.0, 50.0))
    assert horizon == pytest.approx(
        math.sqrt(2 * 4 / 3 * 6_371_000.0 * 10.0) + math.sqrt(2 * 4 / 3 * 6_371_000.0 * 50.0)
    )
    targets = np.array([[0.0, horizon * 0.99, 50.0], [0.0, horizon * 1.01, 50.0]])
    assert line_of_sight(sensor, targets, None).tolist() == [True, False]
    flat = Terrain(np.array([-50_000.0, -50_000.0]), 1_000.0, np.zeros((101, 101)))
    assert line_of_sight(sensor, targets, flat).tolist() == [True, False]


def test_terrain_masking_matches_a_slow_reference() -> None:
    rng = np.random.default_rng(1)
    hills = rng.uniform(0.0, 120.0, (21, 21))
    terrain = Terrain(np.array([-5_000.0, -5_000.0]), 500.0, hills)
    sensor = np.array([0.0, 0.0, 60.0])
    targets = np.column_stack(
        [
            rng.uniform(-6_000.0, 6_000.0, 150),
            rng.uniform(-6_000.0, 6_000.0, 150),
            rng.uniform(0.0, 400.0, 150),
        ]
    )
    fast = line_of_sight(sensor, targets, terrain)
    slow = np.array([reference_clear(terrain, sensor, p) for p in targets])
    # Rays that graze a hilltop within a metre may go either way with coarser sampling.
    assert np.mean(fast == slow) > 0.98, np.mean(fast == slow)
    assert 0.2 < fast.mean() < 0.8  # the case is not trivial
