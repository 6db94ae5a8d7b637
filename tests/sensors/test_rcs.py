"""RCS aspect patterns, bird RCS and wing beat by mass, propeller blade flash."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.sensors.rcs import (
    ASPECT_TABLES_DB,
    aspect_angle,
    bird_rcs_m2,
    blade_flash_hz,
    builtin_patterns,
    pattern_gain,
    sample_pattern,
    wing_beat_hz,
)


def test_patterns_keep_the_mean_rcs() -> None:
    names, gains = builtin_patterns()
    assert set(names) == set(ASPECT_TABLES_DB)
    # Mean over aspect uniform in angle: a fine midpoint rule over the interpolated pattern.
    fine = np.linspace(0.0, 180.0, 18_001)
    mid = 0.5 * (fine[1:] + fine[:-1])
    for code, name in enumerate(names):
        gain = pattern_gain(gains, np.full(mid.size, code), np.radians(mid))
        assert gain.mean() == pytest.approx(1.0, rel=2e-3), name
    # The shape is kept: dB differences between table points survive normalisation.
    fw = sample_pattern(ASPECT_TABLES_DB["fixed_wing_small"])
    assert 10 * math.log10(fw[90] / fw[0]) == pytest.approx(6.0 - (-4.0))


def test_isotropic_code_and_interpolation() -> None:
    _, gains = builtin_patterns()
    assert pattern_gain(gains, np.array([-1]), np.array([1.0]))[0] == 1.0
    g = sample_pattern([(0.0, 0.0), (180.0, 10.0)])
    at_half_degree = pattern_gain(g[None, :], np.array([0]), np.radians([0.5]))[0]
    assert at_half_degree == pytest.approx(0.5 * (g[0] + g[1]))
    with pytest.raises(ValueError, match="from 0 to 180"):
        sample_pattern([(0.0, 0.0), (90.0, 1.0)])


def test_aspect_angle() -> None:
    sensor = np.array([0.0, 0.0, 10.0])
    pos = np.array([[1_000.0, 0.0, 100.0]] * 4)
    vel = np.array([[-20.0, 0.0, 0.0], [20.0, 0.0, 0.0], [0.0, 20.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(
        aspect_angle(pos, vel, sensor), [0.0, math.pi, math.pi / 2, math.pi / 2]
    )


def test_bird_rcs_and_wing_beat_scale_with_mass() -> None:
    assert float(bird_rcs_m2(0.4)) == pytest.approx(0.008)  # pigeon, ~80 cm²
    assert float(bird_rcs_m2(3.2)) == pytest.approx(0.008 * 4.0)  # 8x mass: 4x area
    assert float(wing_beat_hz(0.4)) == pytest.approx(5.4)
    assert float(wing_beat_hz(0.03)) == pytest.approx(5.4 * (0.03 / 0.4) ** (-1 / 3))  # ~13 Hz
    assert 12.0 < float(wing_beat_hz(0.03)) < 14.0


def test_blade_flash_counts_opposite_blades_once() -> None:
    assert float(blade_flash_hz(2, 6_000.0)) == pytest.approx(200.0)
    assert float(blade_flash_hz(3, 6_000.0)) == pytest.approx(600.0)
    assert float(blade_flash_hz(4, 3_000.0)) == pytest.approx(200.0)
