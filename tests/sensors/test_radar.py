"""Rotating SurveillanceRadar: sweep, masking, radar-equation Pd, false alarms, noise."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from pydantic import ValidationError

from bastion.frames import enu_to_polar, polar_to_enu, radar_horizon_m
from bastion.scenario.schema import GeoPoint, RadarConfig
from bastion.sensors.base import Sensor
from bastion.sensors.radar import SurveillanceRadar
from bastion.sensors.swerling import swerling_pd, swerling_snr
from bastion.types import DetectionBatch, ObjectKind, ObjectStatus, TruthBatch

PERIOD_S = 2.0
ANTENNA_M = 10.0
RADAR_POS = np.array([0.0, 0.0, ANTENNA_M])
HUGE_RCS_M2 = 1e9  # Pd is 1 to double precision anywhere inside 40 km


def make_radar(**overrides: float) -> SurveillanceRadar:
    fields: dict[str, object] = {
        "id": "radar-1",
        "position": GeoPoint(lat_deg=51.0, lon_deg=-1.0),
        "antenna_height_m": ANTENNA_M,
        "scan_period_s": PERIOD_S,
        "reference_range_m": 10_000.0,
        "reference_rcs_m2": 0.1,
        "reference_pd": 0.8,
        "pfa": 1e-6,
        "false_alarms_per_scan": 0.0,
    }
    fields.update(overrides)
    return SurveillanceRadar(RadarConfig(**fields), RADAR_POS)


def make_truth(
    pos: np.ndarray,
    rcs_m2: float | np.ndarray = HUGE_RCS_M2,
    t: float = PERIOD_S,
    status: ObjectStatus | np.ndarray = ObjectStatus.FLYING,
) -> TruthBatch:
    pos = np.asarray(pos, dtype=float).reshape(-1, 3)
    n = pos.shape[0]
    return TruthBatch(
        t=t,
        object_id=np.arange(100, 100 + n, dtype=np.int64),
        kind=np.full(n, ObjectKind.DRONE, dtype=np.int8),
        status=np.broadcast_to(np.asarray(status, dtype=np.int8), (n,)).copy(),
        nav_mode=np.zeros(n, dtype=np.int8),
        pos=pos,
        vel=np.zeros((n, 3)),
        rcs_m2=np.broadcast_to(np.asarray(rcs_m2, dtype=float), (n,)).copy(),
    )


def ring(
    range_m: float | np.ndarray, az_deg: float | np.ndarray, el_deg: float = 2.0
) -> np.ndarray:
    """ENU positions at the given slant ranges and azimuths from the antenna (broadcast), (N, 3)."""
    r, az = np.broadcast_arrays(np.asarray(range_m, dtype=float), np.asarray(az_deg, dtype=float))
    polar = np.stack([r, np.radians(az), np.full(r.shape, math.radians(el_deg))], axis=-1)
    return RADAR_POS + polar_to_enu(polar).reshape(-1, 3)


def test_satisfies_sensor_protocol_and_keeps_its_position() -> None:
    radar: Sensor = make_radar()
    assert radar.sensor_id == "radar-1"
    np.testing.assert_array_equal(radar.position, RADAR_POS)
    with pytest.raises(ValueError, match="read-only"):
        radar.position[0] = 1.0


def test_reference_pd_must_exceed_pfa() -> None:
    with pytest.raises(ValidationError, match="reference_pd must exceed pfa"):
        make_radar(reference_pd=1e-7, pfa=1e-6)


# --- detection probability -----------------------------------------------------------------------


def test_pd_is_reference_pd_at_reference_point_and_matches_detection_rate() -> None:
    radar = make_radar()
    assert abs(float(radar.pd(10_000.0, 0.1)) - 0.8) < 1e-9

    n_objects, n_scans = 1_000, 20
    truth = make_truth(ring(10_000.0, np.linspace(0.0, 360.0, n_objects, endpoint=False)), 0.1)
    rng = np.random.default_rng(7)
    hits = sum(len(radar.observe(truth, truth.t - PERIOD_S, rng)) for _ in range(n_scans))
    n = n_objects * n_scans
    assert abs(hits / n - 0.8) < 4.0 * math.sqrt(0.8 * 0.2 / n)


def test_pd_follows_the_radar_equation() -> None:
    radar = make_radar()
    ranges = np.array([2_000.0, 7_000.0, 10_000.0, 15_000.0])
    np.testing.assert_allclose(radar.pd(2 * ranges, 16 * 0.1), radar.pd(ranges, 0.1), rtol=1e-12)
    # Twice the range alone costs a factor 16 in SNR.
    snr_ref = swerling_snr(0.8, 1e-6, 1)
    assert float(radar.pd(20_000.0, 0.1)) == pytest.approx(
        float(swerling_pd(snr_ref / 16, 1e-6, 1)), rel=1e-12
    )
    assert np.all(np.diff(radar.pd(ranges, 0.1)) < 0)


# --- masking -------------------------------------------------------------------------------------


def test_horizon_formula() -> None:
    horizon = float(radar_horizon_m(10.0, 0.0))
    assert horizon == pytest.approx(math.sqrt(2.0 * 4.0 / 3.0 * 6_371_000.0 * 10.0), rel=1e-12)
    assert horizon == pytest.approx(13_000.0, abs=100.0)
    assert horizon == pytest.approx(4_120.0 * math.sqrt(10.0), rel=0.01)  # 4.12 √h km


def test_target_beyond_the_horizon_is_never_detected() -> None:
    radar = make_radar()
    horizon = float(radar_horizon_m(ANTENNA_M, ANTENNA_M))  # target 10 m up, level with antenna
    az = np.linspace(0.0, 360.0, 50, endpoint=False)
    inside = ring(horizon * 0.999, az, el_deg=0.0)
    beyond = ring(horizon * 1.001, az, el_deg=0.0)
    higher = beyond + np.array([0.0, 0.0, 500.0])  # same place, 500 m higher: back in view
    truth = make_truth(np.concatenate([inside, beyond, higher]))
    assert np.allclose(truth.pos[:, 2][:100], ANTENNA_M)

    rng = np.random.default_rng(1)
    for k in range(5):
        det = radar.observe(truth, truth.t - PERIOD_S - k * 1e-3, rng)
        seen = set(det.truth_id.tolist())
        assert seen == set(truth.object_id[:50]) | set(truth.object_id[100:])


def test_range_limits() -> None:
    radar = make_radar(min_range_m=500.0, max_range_m=20_000.0)
    truth = make_truth(ring(np.array([400.0, 600.0, 19_000.0, 21_000.0]), 45.0))
    det = radar.observe(truth, 0.0, np.random.default_rng(2))
    assert sorted(det.truth_id.tolist()) == [101, 102]


def test_objects_that_are_not_flying_are_never_detected() -> None:
    radar = make_radar()
    statuses = np.array([s for s in ObjectStatus if s != ObjectStatus.FLYING], dtype=np.int8)
    pos = ring(5_000.0, np.linspace(0.0, 360.0, statuses.size, endpoint=False))
    truth = make_truth(pos, status=statuses)
    rng = np.random.default_rng(3)
    assert all(len(radar.observe(truth, truth.t - PERIOD_S, rng)) == 0 for _ in range(10))
    flying = make_truth(pos)
    assert len(radar.observe(flying, flying.t - PERIOD_S, rng)) == statuses.size


# --- beam sweep ----------------------------------------------------------------------------------


def detected(radar: SurveillanceRadar, az_deg: float, t0: float, t1: float) -> bool:
    """Whether a sure target at ``az_deg`` is detected in (t0, t1]."""
    truth = make_truth(ring(5_000.0, [az_deg]), t=t1)
    return len(radar.observe(truth, t0, np.random.default_rng(0))) == 1


def t_of(az_deg: float, scans: int = 0) -> float:
    """Time at which the beam points at ``az_deg`` during scan ``scans``."""
    return (scans + az_deg / 360.0) * PERIOD_S


@pytest.mark.parametrize("scans", [0, 7])
def test_only_the_swept_sector_is_illuminated(scans: int) -> None:
    radar = make_radar()
    assert detected(radar, 90.0, t_of(80.0, scans), t_of(100.0, scans))
    assert not detected(radar, 90.0, t_of(100.0, scans), t_of(180.0, scans))
    assert not detected(radar, 90.0, t_of(0.0, scans), t_of(80.0, scans))
    # Across north: 350° -> 10° sweeps 0°, 5° and 355° but not 20° or 340°.
    t0, t1 = t_of(350.0, scans), t_of(370.0, scans)
    for az in (0.0, 5.0, 355.0):
        assert detected(radar, az, t0, t1)
    for az in (20.0, 340.0):
        assert not detected(radar, az, t0, t1)


def test_the_interval_is_open_at_t_prev_and_closed_at_t() -> None:
    """Due north is exact in floating point: the tick ending as the beam reaches it sees it."""
    radar = make_radar()
    assert detected(radar, 0.0, t_of(180.0), t_of(360.0))
    assert not detected(radar, 0.0, t_of(360.0), t_of(540.0))
    assert not detected(radar, 0.0, t_of(0.0), t_of(180.0))


def test_an_empty_or_backward_interval_illuminates_nothing() -> None:
    radar = make_radar(false_alarms_per_scan=5.0)
    for az in (0.0, 90.0, 270.0):
        assert not detected(radar, az, t_of(90.0), t_of(90.0))
        assert not detected(radar, az, t_of(200.0), t_of(90.0))


def test_a_full_scan_or_more_illuminates_everything_once() -> None:
    radar = make_radar()
    truth = make_truth(ring(5_000.0, np.linspace(0.0, 360.0, 37, endpoint=False)))
    for dt in (PERIOD_S, 1.5 * PERIOD_S, 10 * PERIOD_S):
        det = radar.observe(truth, truth.t - dt, np.random.default_rng(4))
        np.testing.assert_array_equal(np.sort(det.truth_id), truth.object_id)


def test_back_to_back_ticks_illuminate_each_object_once_per_scan() -> None:
    """Objects sitting exactly on tick boundaries are counted by one tick, not two or none."""
    radar = make_radar()
    az = np.arange(0.0, 360.0, 10.0)
    pos = ring(5_000.0, az)
    ticks = np.arange(37) * PERIOD_S / 36  # boundaries at the objects' azimuths
    rng = np.random.default_rng(5)
    seen = np.concatenate(
        [
            radar.observe(make_truth(pos, t=t1), t0, rng).truth_id
            for t0, t1 in itertools.pairwise(ticks.tolist())
        ]
    )
    np.testing.assert_array_equal(np.sort(seen), make_truth(pos).object_id)


# --- false alarms --------------------------------------------------------------------------------


def no_objects(t: float) -> TruthBatch:
    return make_truth(np.zeros((0, 3)), t=t)


def test_false_alarm_rate_and_placement_over_full_scans() -> None:
    radar = make_radar(
        false_alarms_per_scan=2.0,
        min_range_m=300.0,
        max_range_m=30_000.0,
        false_alarm_max_elevation_deg=4.0,
    )
    rng = np.random.default_rng(6)
    n_scans = 2_000
    batches = [
        radar.observe(no_objects((k + 1) * PERIOD_S), k * PERIOD_S, rng) for k in range(n_scans)
    ]
    counts = np.array([len(b) for b in batches])
    assert abs(counts.mean() - 2.0) < 4.0 * math.sqrt(2.0 / n_scans)
    assert counts.var() == pytest.approx(2.0, rel=0.15)  # Poisson: variance = mean

    z = np.concatenate([b.z for b in batches])
    assert np.all((z[:, 0] >= 300.0) & (z[:, 0] <= 30_000.0))
    assert np.all((z[:, 1] >= 0.0) & (z[:, 1] < 2 * np.pi))
    assert np.all((z[:, 2] >= 0.0) & (z[:, 2] <= math.radians(4.0)))
    # Uniform over the circle: each quadrant holds about a quarter.
    quadrant_share = np.bincount((z[:, 1] // (np.pi / 2)).astype(int), minlength=4) / len(z)
    np.testing.assert_allclose(quadrant_share, 0.25, atol=0.03)
    for b in batches:
        assert b.truth_id.dtype == np.int64
        assert np.all(b.truth_id == -1)
        assert np.all(np.isfinite(b.rcs_dbsm))


def test_false_alarms_stay_in_a_partial_sweep_and_scale_with_it() -> None:
    radar = make_radar(false_alarms_per_scan=4.0)
    rng = np.random.default_rng(8)
    t0, t1 = t_of(350.0), t_of(370.0)  # a 20° sweep across north
    batches = [radar.observe(no_objects(t1), t0, rng) for _ in range(4_000)]
    counts = np.array([len(b) for b in batches])
    expected = 4.0 * 20.0 / 360.0
    assert abs(counts.mean() - expected) < 4.0 * math.sqrt(expected / counts.size)
    az_deg = np.degrees(np.concatenate([b.z[:, 1] for b in batches]))
    assert np.all((az_deg >= 350.0) | (az_deg <= 10.0))


def test_false_alarm_rcs_is_the_threshold_level_through_the_radar_equation() -> None:
    radar = make_radar(false_alarms_per_scan=50.0, sigma_rcs_db=0.0)
    det = radar.observe(no_objects(PERIOD_S), 0.0, np.random.default_rng(9))
    assert len(det) > 10
    # SNR of the threshold-level RCS at each range is -ln(Pfa).
    rcs_m2 = 10.0 ** (det.rcs_dbsm / 10.0)
    np.testing.assert_allclose(radar.snr(det.z[:, 0], rcs_m2), -math.log(1e-6), rtol=1e-9)


# --- measurements --------------------------------------------------------------------------------


def test_measurement_noise_matches_configured_sigmas() -> None:
    sigma_range_m, sigma_az_deg, sigma_el_deg, sigma_rcs_db = 15.0, 0.3, 0.5, 2.0
    radar = make_radar(
        sigma_range_m=sigma_range_m,
        sigma_azimuth_deg=sigma_az_deg,
        sigma_elevation_deg=sigma_el_deg,
        sigma_rcs_db=sigma_rcs_db,
    )
    n_objects = 2_000
    az = np.linspace(0.0, 360.0, n_objects, endpoint=False)
    truth = make_truth(ring(8_000.0, az, el_deg=5.0), rcs_m2=np.full(n_objects, 50.0))
    true_polar = enu_to_polar(truth.pos - RADAR_POS)
    rng = np.random.default_rng(10)
    errors, rcs_err = [], []
    for _ in range(5):
        det = radar.observe(truth, truth.t - PERIOD_S, rng)
        row = det.truth_id - 100
        errors.append(det.z[:, :3] - true_polar[row])
        rcs_err.append(det.rcs_dbsm - 10.0 * np.log10(50.0))
    err = np.concatenate(errors)
    err[:, 1] = (err[:, 1] + np.pi) % (2 * np.pi) - np.pi  # across north
    assert len(err) > 9_000
    expected = np.array([sigma_range_m, math.radians(sigma_az_deg), math.radians(sigma_el_deg)])
    np.testing.assert_allclose(err.std(axis=0), expected, rtol=0.05)
    assert np.all(np.abs(err.mean(axis=0)) < 4 * expected / math.sqrt(len(err)))
    assert np.concatenate(rcs_err).std() == pytest.approx(sigma_rcs_db, rel=0.05)
    np.testing.assert_allclose(det.R, np.broadcast_to(np.diag([*expected**2, 0.0]), det.R.shape))
    assert np.all((det.z[:, 1] >= 0.0) & (det.z[:, 1] < 2 * np.pi))


def test_fluctuating_false_alarm_rcs_reads_its_power_above_the_noise() -> None:
    radar = make_radar(false_alarms_per_scan=50.0, sigma_rcs_db=0.0, rcs_estimate="fluctuating")
    rng = np.random.default_rng(9)
    dets = [radar.observe(no_objects(PERIOD_S), 0.0, rng) for _ in range(40)]
    rng_m = np.concatenate([d.z[:, 0] for d in dets])
    rcs_m2 = 10.0 ** (np.concatenate([d.rcs_dbsm for d in dets]) / 10.0)
    assert rcs_m2.size > 1_000
    # Noise that crossed T = -ln(Pfa) has power T + E (E exponential, mean 1); the radar reads
    # its RCS from the power above the noise floor, so the RCS's SNR is T - 1 + E.
    excess = radar.snr(rng_m, rcs_m2) - (-math.log(1e-6) - 1.0)
    assert excess.min() > 0.0
    assert excess.mean() == pytest.approx(1.0, abs=4.0 / math.sqrt(excess.size))


@pytest.mark.parametrize("swerling", [0, 1])
def test_fluctuating_rcs_estimates_spread_as_the_target_fluctuates(swerling: int) -> None:
    """Far above the noise a Swerling I return's power is its RCS's exponential draw: in dB,
    mean -10 γ / ln 10 = -2.51 dB below the mean RCS and spread 10 π / (√6 ln 10) = 5.57 dB,
    on top of which sigma_rcs_db adds in quadrature; a steady (Swerling 0) one reads its RCS."""
    sigma_rcs_db = 1.0
    radar = make_radar(swerling=swerling, sigma_rcs_db=sigma_rcs_db, rcs_estimate="fluctuating")
    n_objects = 2_000
    az = np.linspace(0.0, 360.0, n_objects, endpoint=False)
    truth = make_truth(ring(8_000.0, az, el_deg=5.0), rcs_m2=np.full(n_objects, 50.0))
    rng = np.random.default_rng(11)
    err = np.concatenate(
        [radar.observe(truth, truth.t - PERIOD_S, rng).rcs_dbsm for _ in range(5)]
    ) - 10.0 * np.log10(50.0)
    assert err.size > 9_000
    spread = 10.0 * math.pi / (math.sqrt(6.0) * math.log(10.0)) if swerling else 0.0
    bias = -10.0 * np.euler_gamma / math.log(10.0) if swerling else 0.0
    assert err.mean() == pytest.approx(bias, abs=0.1)
    assert err.std() == pytest.approx(math.hypot(spread, sigma_rcs_db), rel=0.03)


def test_batch_fields_and_row_order() -> None:
    radar = make_radar(false_alarms_per_scan=20.0)
    truth = make_truth(ring(5_000.0, np.linspace(0.0, 360.0, 40, endpoint=False)), t=12.5)
    det = radar.observe(truth, 10.5, np.random.default_rng(11))
    assert isinstance(det, DetectionBatch)
    assert det.t == 12.5
    assert det.sensor_id == "radar-1"
    np.testing.assert_array_equal(det.sensor_pos, RADAR_POS)
    n = len(det)
    assert det.z.shape == (n, 4) and det.R.shape == (n, 4, 4) and det.rcs_dbsm.shape == (n,)
    assert det.measured.tolist() == [True, True, True, False] and np.isnan(det.z[:, 3]).all()
    assert np.count_nonzero(det.truth_id >= 0) == 40
    # Rows are shuffled: false alarms are not all at the end.
    is_fa = det.truth_id == -1
    assert not np.all(is_fa[-np.count_nonzero(is_fa) :])


def test_empty_batches_have_the_right_shapes() -> None:
    radar = make_radar()
    det = radar.observe(no_objects(PERIOD_S), 0.0, np.random.default_rng(12))
    assert det.z.shape == (0, 4)
    assert det.R.shape == (0, 4, 4)
    assert det.rcs_dbsm.shape == (0,)
    assert det.truth_id.shape == (0,) and det.truth_id.dtype == np.int64


def test_same_seed_same_detections() -> None:
    radar = make_radar(false_alarms_per_scan=5.0)
    truth = make_truth(ring(12_000.0, np.linspace(0.0, 360.0, 200, endpoint=False)), 0.1)
    a = radar.observe(truth, 0.0, np.random.default_rng(13))
    b = radar.observe(truth, 0.0, np.random.default_rng(13))
    c = radar.observe(truth, 0.0, np.random.default_rng(14))
    for name in ("z", "R", "rcs_dbsm", "truth_id"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.truth_id, c.truth_id)
