"""Track features against known answers: straight and turning tracks, climbs, measured RCS,
micro-Doppler and acoustic level, missing evidence as NaN, forgetting and fresh-only updates."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.classify.features import (
    ABSORPTION_DB_PER_M,
    FEATURES,
    MAX_AGE_S,
    TAU_LONG_S,
    TAU_S,
    TrackFeatures,
)
from bastion.tracking.base import Attribution
from bastion.types import DetectionBatch, TrackStatus, TrackTable

F = {name: k for k, name in enumerate(FEATURES)}


def _table(t: float, pos, vel, ids=(1,), hits=5) -> TrackTable:
    n = len(ids)
    x = np.hstack([np.atleast_2d(pos), np.atleast_2d(vel)]).astype(float)
    return TrackTable(
        t=t,
        track_id=np.array(ids, dtype=np.int64),
        x=x,
        P=np.tile(np.eye(6), (n, 1, 1)),
        status=np.full(n, TrackStatus.CONFIRMED, np.int8),
        hits=np.full(n, hits, np.int32),
        misses=np.zeros(n, np.int32),
        last_update_t=np.full(n, t),
        truth_id=np.zeros(n, np.int64),
    )


def _radar(t: float, rcs_dbsm, micro=None, sensor_id="radar") -> DetectionBatch:
    n = len(rcs_dbsm)
    return DetectionBatch(
        t=t,
        sensor_id=sensor_id,
        sensor_pos=np.zeros(3),
        z=np.tile([1_000.0, 0.0, 0.1], (n, 1)),
        R=np.tile(np.eye(3), (n, 1, 1)),
        rcs_dbsm=np.array(rcs_dbsm, dtype=float),
        truth_id=np.zeros(n, np.int64),
        az_start_rad=0.0,
        az_extent_rad=2 * np.pi,
        max_range_m=40_000.0,
        micro_doppler_hz=None if micro is None else np.array(micro, dtype=float),
    )


def _fly(
    omega: float, speed: float, climb: float, steps: int, dt: float = 2.0, wind=None
) -> np.ndarray:
    feats = TrackFeatures(wind=wind)
    out = None
    for k in range(steps):
        heading = omega * k * dt  # clockwise from north
        vel = [speed * np.sin(heading), speed * np.cos(heading), climb]
        out, _ = feats.update(_table(k * dt, [0.0, 0.0, 100.0 + climb * k * dt], vel))
    return out[0]


def test_straight_track_is_straight_with_no_turn_or_acceleration() -> None:
    f = _fly(0.0, 20.0, 0.0, 60)
    assert f[F["straightness"]] == pytest.approx(1.0)
    assert f[F["turn_rate_abs_mean_dps"]] == pytest.approx(0.0)
    assert f[F["speed_mean_mps"]] == pytest.approx(20.0)
    assert f[F["speed_std_mps"]] == pytest.approx(0.0, abs=1e-6)
    assert f[F["accel_rms_mps2"]] == pytest.approx(0.0)
    assert f[F["age_s"]] == pytest.approx(118.0)


def test_constant_turn_gives_its_turn_rate_and_the_mean_resultant_length() -> None:
    omega, dt, speed = np.radians(6.0), 2.0, 15.0
    f = _fly(omega, speed, 0.0, 300, dt)  # the first velocity's weight is now e^-20
    assert f[F["turn_rate_abs_mean_dps"]] == pytest.approx(6.0)
    assert f[F["turn_rate_std_dps"]] == pytest.approx(0.0, abs=1e-5)
    # Exponential weights a = exp(-dt/tau) on a velocity turning by omega*dt per step:
    # |mean| / speed = (1 - a) / |1 - a exp(i omega dt)|.
    a = np.exp(-dt / TAU_S)
    expected = (1 - a) / abs(1 - a * np.exp(1j * omega * dt))
    assert f[F["straightness"]] == pytest.approx(expected, rel=1e-6)
    # The centripetal acceleration is speed * omega (chord of the velocity circle per step).
    chord = 2 * speed * np.sin(omega * dt / 2) / dt
    assert f[F["accel_rms_mps2"]] == pytest.approx(chord, rel=1e-6)
    assert f[F["accel_corr"]] == pytest.approx(np.cos(omega * dt), rel=1e-6)
    assert f[F["age_s"]] == MAX_AGE_S and f[F["hits"]] == 5  # evidence counts saturate
    # The long-memory twins: the same law with the longer time constant (the first
    # velocity's weight is e^-5 there: 1e-2 of the straightness, hence the tolerance).
    a = np.exp(-dt / TAU_LONG_S)
    expected_long = (1 - a) / abs(1 - a * np.exp(1j * omega * dt))
    assert f[F["straightness_long"]] == pytest.approx(expected_long, rel=0.02)
    assert f[F["straightness_long"]] < f[F["straightness"]]
    assert f[F["turn_rate_abs_mean_long_dps"]] == pytest.approx(6.0)
    assert f[F["speed_mean_long_mps"]] == pytest.approx(speed)
    assert f[F["speed_std_long_mps"]] == pytest.approx(0.0, abs=1e-5)


def test_airspeed_is_the_speed_through_the_met_wind() -> None:
    # Flying north at 20 m/s over the ground in a wind blowing north at 5 m/s: 15 m/s airspeed.
    f = _fly(0.0, 20.0, 0.0, 30, wind=np.array([0.0, 5.0, 0.0]))
    assert f[F["airspeed_mean_mps"]] == pytest.approx(15.0)
    assert f[F["speed_mean_mps"]] == pytest.approx(20.0)
    # A multirotor holding position in that wind flies at the wind's speed through the air.
    hover = _fly(0.0, 0.0, 0.0, 30, wind=np.array([3.0, 4.0, 0.0]))
    assert hover[F["airspeed_mean_mps"]] == pytest.approx(5.0)
    assert _fly(0.0, 20.0, 0.0, 30)[F["airspeed_mean_mps"]] == pytest.approx(20.0)  # calm


def _circle(ground: bool, wind: np.ndarray, steps: int = 300, dt: float = 2.0) -> np.ndarray:
    """Features of a 10 m/s circle at 3°/s flown over the ground (a GNSS autopilot) or
    through the air mass (a bird, drifting with ``wind``)."""
    feats = TrackFeatures(wind=wind)
    out = None
    for k in range(steps):
        heading = np.radians(3.0) * k * dt
        own = 10.0 * np.array([np.sin(heading), np.cos(heading), 0.0])
        vel = own if ground else own + wind
        out, _ = feats.update(_table(k * dt, [0.0, 0.0, 100.0], vel))
    return out[0]


def test_a_bird_holds_its_airspeed_and_a_gnss_drone_its_ground_speed() -> None:
    # In a 6 m/s wind, the bird's circle through the air mass swings its ground speed between
    # 4 and 16 m/s at a steady airspeed; the drone's circle over the ground swings its
    # airspeed instead. Over a full circle (120 s) the spread of 10 + 6 cos(θ) is 6/√2.
    wind = np.array([6.0, 0.0, 0.0])
    bird, drone = _circle(False, wind), _circle(True, wind)
    assert bird[F["airspeed_std_long_mps"]] == pytest.approx(0.0, abs=1e-6)
    assert drone[F["speed_std_long_mps"]] == pytest.approx(0.0, abs=1e-6)
    for std in (bird[F["speed_std_long_mps"]], drone[F["airspeed_std_long_mps"]]):
        assert std == pytest.approx(6.0 / np.sqrt(2.0), rel=0.1)
    assert bird[F["airspeed_std_mps"]] == pytest.approx(0.0, abs=1e-6)
    assert drone[F["airspeed_std_mps"]] > 2.0 and drone[F["speed_std_mps"]] < 1e-6
    # In calm air the two are one and the same.
    calm = _circle(False, np.zeros(3))
    assert calm[F["airspeed_std_long_mps"]] == pytest.approx(calm[F["speed_std_long_mps"]])


def test_constant_climb_and_a_hover() -> None:
    f = _fly(0.0, 0.0, 3.0, 40)
    assert f[F["climb_mean_mps"]] == pytest.approx(3.0)
    assert f[F["climb_std_mps"]] == pytest.approx(0.0, abs=1e-6)
    assert f[F["speed_mps"]] == 0.0
    assert np.isnan(f[F["turn_rate_abs_mean_dps"]])  # a hover has no heading to turn


def test_no_new_detection_adds_no_kinematic_evidence() -> None:
    feats = TrackFeatures()
    feats.update(_table(0.0, [0, 0, 50], [10.0, 0.0, 0.0]))
    first, _ = feats.update(_table(2.0, [20, 0, 50], [10.0, 1.0, 0.0]))
    stale = _table(3.0, [30, 0, 50], [10.0, 1.0, 0.0])
    stale = TrackTable(
        **{
            **{f: getattr(stale, f) for f in stale.__dataclass_fields__},
            "last_update_t": np.array([2.0]),
        }
    )
    again, changed = feats.update(stale)
    moving = [F[n] for n in ("speed_mean_mps", "turn_rate_abs_mean_dps", "accel_rms_mps2")]
    np.testing.assert_array_equal(first[0, moving], again[0, moving])
    assert not changed[0]


def test_rcs_and_micro_doppler_from_attributed_plots_only() -> None:
    feats = TrackFeatures()
    feats.update(_table(0.0, [[0, 0, 50], [9, 9, 50]], [[1, 0, 0], [1, 0, 0]], ids=(3, 8)))
    # Row 0 goes to track 8, row 1 to track 3, row 2 to nobody; a second scan adds one to 8.
    first = _radar(1.0, [-20.0, 0.0, 30.0], micro=[100.0, np.nan, 5.0])
    feats.observe(first, Attribution(np.array([8, 3]), np.array([0, 1])))
    second = _radar(1.0, [-10.0], micro=[1_000.0])
    feats.observe(second, Attribution(np.array([8]), np.array([0])))
    f, _ = feats.update(_table(1.0, [[0, 0, 50], [9, 9, 50]], [[1, 0, 0], [1, 0, 0]], ids=(3, 8)))
    assert f[1, F["radar_plots"]] == 2 and f[0, F["radar_plots"]] == 1
    assert f[1, F["rcs_mean_dbsm"]] == pytest.approx(-15.0)
    assert f[1, F["micro_doppler_log10_hz"]] == pytest.approx(2.5)
    assert f[1, F["micro_doppler_fraction"]] == 1.0
    assert f[1, F["rcs_std_db"]] == pytest.approx(5.0)
    assert f[0, F["rcs_mean_dbsm"]] == 0.0 and f[0, F["rcs_std_db"]] == 0.0
    assert np.isnan(f[0, F["micro_doppler_log10_hz"]]) and f[0, F["micro_doppler_fraction"]] == 0


def test_missing_evidence_is_nan_and_silence_is_zero() -> None:
    feats = TrackFeatures({"ac": "acoustic"})
    pos, vel = [[300.0, 400.0, 0.0]], [[5.0, 0.0, 0.0]]
    f = feats.update(_table(0.0, pos, vel))[0][0]
    for name in (
        "rcs_mean_dbsm",
        "micro_doppler_log10_hz",
        "rf_fraction",
        "eo_fraction",
        "acoustic_fraction",
        "source_level_db",
        "rf_emitter",
    ):
        assert np.isnan(f[F[name]]), name
    quiet = DetectionBatch(
        t=1.0,
        sensor_id="ac",
        sensor_pos=np.zeros(3),
        z=np.zeros((0, 4)),
        R=np.zeros((0, 4, 4)),
        rcs_dbsm=np.zeros(0),
        truth_id=np.zeros(0, np.int64),
        az_start_rad=0.0,
        az_extent_rad=2 * np.pi,
        max_range_m=3_000.0,
        measured=np.array([0, 1, 0, 0], bool),
    )
    empty = Attribution(np.zeros(0, np.int64), np.zeros(0, np.int64))
    feats.observe(quiet, empty)
    assert feats.update(_table(1.0, pos, vel))[0][0, F["acoustic_fraction"]] == 0.0
    # Heard at 500 m with a level L: source level L + 20 log10(500) + absorption * 500.
    z = np.array([[np.nan, 0.6, np.nan, np.nan]])
    R = np.zeros((1, 4, 4))
    R[0, 1, 1] = 1e-3
    heard = DetectionBatch(
        t=2.0,
        sensor_id="ac",
        sensor_pos=np.zeros(3),
        z=z,
        R=R,
        rcs_dbsm=np.full(1, np.nan),
        truth_id=np.zeros(1, np.int64),
        az_start_rad=0.0,
        az_extent_rad=2 * np.pi,
        max_range_m=3_000.0,
        measured=np.array([0, 1, 0, 0], bool),
        level_db=np.array([40.0]),
    )
    feats.observe(heard, Attribution(np.array([1]), np.array([0])))
    f = feats.update(_table(2.0, pos, vel))[0][0]
    assert f[F["acoustic_fraction"]] == pytest.approx(0.5)
    assert f[F["source_level_db"]] == pytest.approx(
        40.0 + 20 * np.log10(500.0) + ABSORPTION_DB_PER_M * 500.0
    )


def test_tracks_that_leave_the_table_are_forgotten() -> None:
    feats = TrackFeatures()
    feats.update(_table(0.0, [[0, 0, 9], [1, 1, 9]], [[1, 0, 0], [2, 0, 0]], ids=(4, 5)))
    feats.observe(_radar(1.0, [-12.0]), Attribution(np.array([5]), np.array([0])))
    feats.update(_table(1.0, [0, 0, 9], [1, 0, 0], ids=(4,)))
    assert len(feats) == 1
    f, _ = feats.update(_table(2.0, [[0, 0, 9], [1, 1, 9]], [[1, 0, 0], [2, 0, 0]], ids=(4, 5)))
    assert f[1, F["radar_plots"]] == 0  # id 5 came back as a new track
