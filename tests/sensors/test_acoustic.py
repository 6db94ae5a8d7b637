"""Acoustic array: the sonar equation in air, piston against electric, and late bearings."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from bastion.frames import enu_to_polar
from bastion.scenario.schema import AcousticConfig, DroneType, GeoPoint
from bastion.sensors.acoustic import AcousticArray
from bastion.sensors.signature import PatternBook, SignatureTable, drone_row, signatures_from_rows

POS = np.array([0.0, 0.0, 2.0])
KW = dict(
    ambient_noise_db=40.0, array_gain_db=12.0, detection_threshold_db=6.0, absorption_db_per_km=3.0
)


def array_for(engine: str, count: int, **kw) -> AcousticArray:
    book = PatternBook()
    row = drone_row(DroneType(name=engine, airframe="rotary", engine=engine), book)
    table = SignatureTable(signatures_from_rows([row] * count, book.gains()))
    config = AcousticConfig(id="ac", position=GeoPoint(lat_deg=0.0, lon_deg=0.0), **{**KW, **kw})
    return AcousticArray(config, POS, table)


def range_for_half(source_db: float) -> float:
    """By hand: SL - 20 log R - 3 R / 1000 - 40 + 12 = 6."""
    return brentq(
        lambda r: source_db - 20 * math.log10(r) - 3.0 * r / 1e3 - 40.0 + 12.0 - 6.0, 1.0, 1e5
    )


def ring(r: float, n: int) -> np.ndarray:
    az = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    return POS + np.column_stack([r * np.sin(az), r * np.cos(az), np.zeros(n)])


@pytest.mark.parametrize("engine", ["piston", "electric"])
def test_heard_half_the_time_where_the_snr_meets_the_threshold(engine: str, make_truth) -> None:
    r50 = range_for_half(105.0 if engine == "piston" else 85.0)
    arr = array_for(engine, 2_000, max_range_m=10_000.0)
    truth = make_truth(ring(r50, 2_000))
    rng = np.random.default_rng(1)
    hits = sum(len(arr.observe(truth, truth.t - 1.0, rng)) for _ in range(5))
    assert abs(hits / 10_000 - 0.5) < 4.0 * math.sqrt(0.25 / 10_000)


def test_a_piston_engine_is_heard_much_farther_than_an_electric_motor() -> None:
    piston, electric = range_for_half(105.0), range_for_half(85.0)
    assert 1_500.0 < piston < 2_500.0 and 200.0 < electric < 400.0


def test_the_bearing_points_where_the_sound_left(make_truth) -> None:
    """1.5 km east, flying north at 40 m/s: heard from where it was 4.4 s ago, 175 m south."""
    arr = array_for("piston", 500, sigma_azimuth_deg=0.01, array_beamwidth_deg=0.01)
    pos = np.tile([1_500.0, 0.0, 2.0], (500, 1))
    truth = make_truth(pos, np.array([0.0, 40.0, 0.0]))
    det = arr.observe(truth, truth.t - 1.0, np.random.default_rng(2))
    assert len(det) > 300
    delay = 1_500.0 / 343.0
    expected = enu_to_polar(np.array([1_500.0, -40.0 * delay, 0.0]))[1]
    assert np.median(det.z[:, 1]) == pytest.approx(expected, abs=1e-3)
    assert abs(np.median(det.z[:, 1]) - math.pi / 2) > math.radians(5.0)
    assert det.measured.tolist() == [False, True, False, False]


def test_silent_objects_and_far_ones_are_never_heard(make_truth) -> None:
    arr = array_for("piston", 1, max_range_m=1_000.0)
    rng = np.random.default_rng(3)
    far = make_truth(ring(1_200.0, 1))
    assert sum(len(arr.observe(far, far.t - 1.0, rng)) for _ in range(20)) == 0
    unknown = make_truth(ring(100.0, 1), first_id=5)  # no signature: silent
    assert sum(len(arr.observe(unknown, unknown.t - 1.0, rng)) for _ in range(20)) == 0
