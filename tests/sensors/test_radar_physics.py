"""SurveillanceRadar physics beyond the sweep: Swerling cases at the reference point, aspect
RCS, clutter notch, SNR-dependent noise, false alarms from Pfa and clutter, electronic scan,
range rate, micro-Doppler and terrain masking."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.frames import EFFECTIVE_EARTH_RADIUS_M, enu_to_polar, polar_to_enu
from bastion.scenario.schema import BirdFlock, DroneType, GeoPoint, RadarConfig
from bastion.sensors.batch import MONOPULSE_SLOPE, select_rows, snr_sigma
from bastion.sensors.clutter import ClutterCellEnu, noise_cells_per_scan
from bastion.sensors.radar import SurveillanceRadar, radial_speed
from bastion.sensors.rcs import ASPECT_TABLES_DB, sample_pattern
from bastion.sensors.signature import (
    PatternBook,
    SignatureTable,
    bird_row,
    drone_row,
    signatures_from_rows,
)
from bastion.sensors.terrain import Terrain
from bastion.types import ObjectKind

ANTENNA_M = 10.0
POS = np.array([0.0, 0.0, ANTENNA_M])
HERE = GeoPoint(lat_deg=51.0, lon_deg=-1.0)
HUGE_RCS_M2 = 1e9


def radar(signatures: SignatureTable | None = None, terrain: Terrain | None = None, cells=(), **kw):
    fields: dict[str, object] = dict(
        id="r",
        position=HERE,
        antenna_height_m=ANTENNA_M,
        scan_period_s=1.0,
        reference_range_m=10_000.0,
        reference_rcs_m2=0.1,
        reference_pd=0.8,
        false_alarms_per_scan=0.0,
    )
    fields.update(kw)
    return SurveillanceRadar(RadarConfig(**fields), POS, signatures, terrain, tuple(cells))


def at(range_m, az_deg, el_deg=2.0) -> np.ndarray:
    r, az = np.broadcast_arrays(np.asarray(range_m, float), np.asarray(az_deg, float))
    polar = np.stack([r, np.radians(az), np.full(r.shape, math.radians(el_deg))], axis=-1)
    return POS + polar_to_enu(polar).reshape(-1, 3)


def drone_table(*types: DroneType) -> SignatureTable:
    """Objects 0, 1, ... are drones of these types."""
    book = PatternBook()
    rows = [drone_row(t, book) for t in types]
    return SignatureTable(signatures_from_rows(rows, book.gains()))


# --- detection probability ------------------------------------------------------------------


@pytest.mark.parametrize("case", [0, 1, 3])
def test_reference_point_for_every_swerling_case(case: int, make_truth) -> None:
    r = radar(swerling=case)
    assert float(r.pd(10_000.0, 0.1)) == pytest.approx(0.8, abs=1e-9)
    # Twice as far: SNR / 16; a steady target falls off faster than a fluctuating one.
    assert float(r.pd(20_000.0, 0.1)) < 0.8
    n_objects, n_scans = 1_000, 10
    truth = make_truth(at(10_000.0, np.linspace(0.0, 360.0, n_objects, endpoint=False)), None, 0.1)
    rng = np.random.default_rng(20 + case)
    hits = sum(len(r.observe(truth, truth.t - 1.0, rng)) for _ in range(n_scans))
    n = n_objects * n_scans
    assert abs(hits / n - 0.8) < 4.0 * math.sqrt(0.8 * 0.2 / n)


def test_steady_targets_detect_further_at_high_pd_and_less_far_at_low_pd() -> None:
    """The Swerling curves cross at the reference: near it a fluctuating target fades."""
    steady, fluctuating = radar(swerling=0, reference_pd=0.5), radar(swerling=1, reference_pd=0.5)
    assert float(steady.pd(8_000.0, 0.1)) > float(fluctuating.pd(8_000.0, 0.1))
    assert float(steady.pd(13_000.0, 0.1)) < float(fluctuating.pd(13_000.0, 0.1))


def test_rcs_depends_on_aspect(make_truth) -> None:
    """A fixed-wing drone flying at the radar shows its nose; flying across, its side."""
    fixed_wing = DroneType(name="fw", airframe="fixed_wing", rcs_m2=0.05)
    table = drone_table(fixed_wing, fixed_wing)
    r = radar(table, sigma_rcs_db=0.0)
    pos = at(np.array([3_000.0, 3_000.0]), np.array([0.0, 90.0]))
    toward = -pos[0] / np.linalg.norm(pos[0]) * 30.0  # nose-on
    across = np.array([0.0, 30.0, 0.0])  # object 1 is due east, flying north: broadside
    truth = make_truth(pos, np.stack([toward, across]), 0.05)
    det = r.observe(truth, 0.0, np.random.default_rng(1))
    gains = sample_pattern(ASPECT_TABLES_DB["fixed_wing_small"])
    rcs = dict(zip(det.truth_id.tolist(), det.rcs_dbsm.tolist(), strict=True))
    assert rcs[0] == pytest.approx(10.0 * math.log10(0.05 * gains[0]), abs=0.05)
    assert rcs[1] == pytest.approx(10.0 * math.log10(0.05 * gains[90]), abs=1e-6)
    assert rcs[1] > rcs[0] + 5.0


def test_slow_radial_speed_is_lost_in_the_clutter_notch(make_truth) -> None:
    r = radar(min_detectable_velocity_mps=3.0)
    pos = at(np.full(40, 5_000.0), np.linspace(0.0, 360.0, 40, endpoint=False))
    radial = pos / np.linalg.norm(pos, axis=1, keepdims=True)
    tangential = np.cross(radial, [0.0, 0.0, 1.0])
    rng = np.random.default_rng(2)
    crossing = make_truth(pos, 20.0 * tangential, HUGE_RCS_M2)
    assert np.all(np.abs(radial_speed(pos - POS, crossing.vel)) < 3.0)
    assert len(r.observe(crossing, 0.0, rng)) == 0
    closing = make_truth(pos, -20.0 * radial, HUGE_RCS_M2)
    assert len(r.observe(closing, 0.0, rng)) == 40
    slow = make_truth(pos, -2.0 * radial, HUGE_RCS_M2)  # 2 m/s straight in: still too slow
    assert len(r.observe(slow, 0.0, rng)) == 0


# --- measurement noise ------------------------------------------------------------------------


def test_noise_grows_as_the_snr_falls_with_range(make_truth) -> None:
    kw = dict(
        sigma_range_m=0.5,
        sigma_azimuth_deg=0.01,
        sigma_elevation_deg=0.01,
        range_resolution_m=30.0,
        beamwidth_azimuth_deg=2.0,
        beamwidth_elevation_deg=4.0,
    )
    r = radar(**kw)
    rng = np.random.default_rng(3)
    measured_std = {}
    for range_m in (3_000.0, 12_000.0):
        az = np.linspace(0.0, 360.0, 3_000, endpoint=False)
        truth = make_truth(at(range_m, az, el_deg=3.0), None, 0.1)
        true_polar = enu_to_polar(truth.pos - POS)
        det = r.observe(truth, 0.0, rng)
        det = select_rows(det, det.truth_id >= 0)  # leave out thermal-noise false alarms
        err = det.z[:, :3] - true_polar[det.truth_id]
        err[:, 1] = (err[:, 1] + np.pi) % (2.0 * np.pi) - np.pi
        snr = float(r.snr(range_m, 0.1))
        expected = np.array(
            [
                float(snr_sigma(0.5, 30.0, np.array(snr))),
                float(
                    snr_sigma(math.radians(0.01), math.radians(2.0), np.array(snr), MONOPULSE_SLOPE)
                ),
                float(
                    snr_sigma(math.radians(0.01), math.radians(4.0), np.array(snr), MONOPULSE_SLOPE)
                ),
            ]
        )
        np.testing.assert_allclose(err.std(axis=0), expected, rtol=0.06)
        np.testing.assert_allclose(
            det.R[:, [0, 1, 2], [0, 1, 2]], np.broadcast_to(expected**2, (len(det), 3))
        )
        measured_std[range_m] = err.std(axis=0)
    assert np.all(measured_std[12_000.0] > 3.0 * measured_std[3_000.0])


def test_range_rate_is_measured_when_configured(make_truth) -> None:
    r = radar(measures_range_rate=True, sigma_range_rate_mps=0.5)
    pos = at(np.full(2_000, 6_000.0), np.linspace(0.0, 360.0, 2_000, endpoint=False))
    vel = np.tile([15.0, -7.0, 1.0], (2_000, 1))
    truth = make_truth(pos, vel, HUGE_RCS_M2)
    det = r.observe(truth, 0.0, np.random.default_rng(4))
    assert det.measured.tolist() == [True, True, True, True]
    err = det.z[:, 3] - radial_speed(pos - POS, vel)[det.truth_id]
    assert err.std() == pytest.approx(0.5, rel=0.05)
    assert abs(err.mean()) < 4 * 0.5 / math.sqrt(err.size)
    np.testing.assert_allclose(det.R[:, 3, 3], 0.25)


# --- false alarms -----------------------------------------------------------------------------


def test_thermal_false_alarms_follow_pfa_per_resolution_cell(make_truth) -> None:
    kw = dict(
        pfa=1e-4,
        min_range_m=500.0,
        max_range_m=10_500.0,
        range_resolution_m=50.0,
        beamwidth_azimuth_deg=2.0,
        reference_pd=0.5,
    )
    r = radar(**kw)
    cells = noise_cells_per_scan(r.config, 2.0 * math.pi)
    assert cells == pytest.approx(200 * 180)
    rng = np.random.default_rng(5)
    empty = make_truth(np.zeros((0, 3)))
    counts = np.array([len(r.observe(empty, empty.t - 1.0, rng)) for _ in range(3_000)])
    # Brute force: each cell's noise power is exponential (mean 1); count threshold crossings.
    threshold = -math.log(1e-4)
    brute = np.array([(rng.exponential(size=int(cells)) > threshold).sum() for _ in range(300)])
    expected = 1e-4 * cells
    assert abs(counts.mean() - expected) < 4.0 * math.sqrt(expected / counts.size)
    assert abs(brute.mean() - expected) < 4.0 * math.sqrt(expected / brute.size)
    assert counts.var() == pytest.approx(expected, rel=0.15)


def test_clutter_residue_sits_low_and_inside_the_ground_horizon(make_truth) -> None:
    r = radar(false_alarms_per_scan=40.0, clutter_elevation_scale_deg=0.5, max_range_m=40_000.0)
    rng = np.random.default_rng(6)
    empty = make_truth(np.zeros((0, 3)))
    z = np.concatenate([r.observe(empty, empty.t - 1.0, rng).z for _ in range(300)])
    assert len(z) == pytest.approx(40 * 300, rel=0.05)
    horizon = math.sqrt(2.0 * EFFECTIVE_EARTH_RADIUS_M * ANTENNA_M)  # about 13 km
    assert z[:, 0].max() <= horizon and z[:, 0].max() > 0.98 * horizon
    s, u = math.radians(0.5), math.radians(3.0)
    mean_el = s - u * math.exp(-u / s) / (1.0 - math.exp(-u / s))  # truncated exponential
    assert z[:, 2].mean() == pytest.approx(mean_el, rel=0.03)
    assert np.all((z[:, 2] >= 0.0) & (z[:, 2] <= u))


def test_clutter_map_cells_put_false_alarms_on_their_patch(make_truth) -> None:
    cell = ClutterCellEnu(np.array([4_000.0, 3_000.0, 0.0]), 500.0, 5.0, 40.0)
    r = radar(cells=[cell])
    rng = np.random.default_rng(7)
    empty = make_truth(np.zeros((0, 3)))
    batches = [r.observe(empty, empty.t - 1.0, rng) for _ in range(400)]
    assert np.mean([len(b) for b in batches]) == pytest.approx(5.0, rel=0.06)
    z = np.concatenate([b.z for b in batches])
    pts = POS + polar_to_enu(z[:, :3])
    assert np.all(np.hypot(pts[:, 0] - 4_000.0, pts[:, 1] - 3_000.0) <= 500.0 + 1e-6)
    assert np.all((pts[:, 2] >= -1e-6) & (pts[:, 2] <= 40.0 + 1e-6))
    # Half a turn that misses the patch (it lies at azimuth 53°) reports none of it.
    half = [r.observe(make_truth(np.zeros((0, 3)), t=1.0), 0.5, rng) for _ in range(100)]
    assert sum(len(b) for b in half) == 0


# --- electronic scan --------------------------------------------------------------------------


def test_electronic_scan_revisits_its_sector(make_truth) -> None:
    r = radar(scan="electronic", scan_period_s=0.25, sector_center_deg=90.0, sector_width_deg=120.0)
    # An RCS giving a single-look Pd of 0.3 at 8 km:
    snr = math.log(1e-6) / math.log(0.3) - 1.0
    rcs = 0.1 * snr / r.snr_ref * (8_000.0 / 10_000.0) ** 4
    assert float(r.pd(8_000.0, rcs)) == pytest.approx(0.3, rel=1e-9)
    inside = at(np.full(500, 8_000.0), np.linspace(40.0, 140.0, 500))
    outside = at(np.full(50, 8_000.0), np.linspace(200.0, 340.0, 50))
    truth = make_truth(np.concatenate([inside, outside]), None, rcs, t=3.0)
    rng = np.random.default_rng(8)
    ids = np.concatenate([r.observe(truth, 2.0, rng).truth_id for _ in range(20)])  # 4 looks
    assert np.all(ids < 500)
    rate = ids.size / (500 * 20)
    expected = 1.0 - 0.7**4
    assert abs(rate - expected) < 4.0 * math.sqrt(expected * (1 - expected) / (500 * 20))
    det = r.observe(truth, 2.0, rng)
    assert det.az_start_rad == pytest.approx(math.radians(30.0))
    assert det.az_extent_rad == pytest.approx(math.radians(120.0))
    between = r.observe(make_truth(inside, None, HUGE_RCS_M2, t=3.2), 3.1, rng)  # no revisit
    assert len(between) == 0 and between.az_extent_rad == 0.0


# --- micro-Doppler ----------------------------------------------------------------------------


def test_micro_doppler_tells_blades_from_wings(make_truth) -> None:
    book = PatternBook()
    quad = DroneType(name="q", airframe="rotary", engine="electric", propeller_rpm=6_000.0)
    gull = BirdFlock(name="g", center=HERE, count=1, mass_kg=0.4)
    rows = [drone_row(quad, book)] * 400 + [bird_row(gull, book)] * 400
    table = SignatureTable(signatures_from_rows(rows, book.gains()))
    r = radar(table, micro_doppler_min_snr_db=20.0, sigma_micro_doppler=0.1)
    near = at(np.full(800, 2_000.0), np.linspace(0.0, 360.0, 800, endpoint=False))
    kinds = np.array([ObjectKind.DRONE] * 400 + [ObjectKind.BIRD] * 400)
    truth = make_truth(near, None, 0.1, kind=kinds)
    det = r.observe(truth, 0.0, np.random.default_rng(9))
    assert np.isfinite(det.micro_doppler_hz).all()
    blades = det.micro_doppler_hz[det.truth_id < 400]
    wings = det.micro_doppler_hz[det.truth_id >= 400]
    assert np.log(blades / 200.0).std() == pytest.approx(0.1, rel=0.1)  # 2 blades × 100 rev/s
    assert np.log(wings / 5.4).std() == pytest.approx(0.1, rel=0.1)  # pigeon-size wing beat
    assert blades.min() > 10.0 * wings.max()
    # Far out the SNR is too low to resolve the modulation.
    far = make_truth(
        at(np.full(50, 12_000.0), np.linspace(0.0, 360.0, 50, endpoint=False)), None, 0.1
    )
    det = r.observe(far, 0.0, np.random.default_rng(10))
    assert len(det) > 0 and np.isnan(det.micro_doppler_hz).all()
    plain = radar(table)
    assert np.isnan(plain.observe(truth, 0.0, np.random.default_rng(11)).micro_doppler_hz).all()


# --- terrain ----------------------------------------------------------------------------------


def test_a_ridge_masks_low_targets_behind_it(make_truth) -> None:
    heights = np.zeros((3, 40))
    heights[:, 20] = 150.0  # a north-south ridge 150 m high, 4 km east
    terrain = Terrain(np.array([0.0, -200.0]), 200.0, heights)
    r = radar(terrain=terrain)
    rng = np.random.default_rng(12)
    behind_low = make_truth([[7_000.0, 0.0, 100.0]], None, HUGE_RCS_M2)
    behind_high = make_truth([[7_000.0, 0.0, 1_000.0]], None, HUGE_RCS_M2)
    beside = make_truth([[0.0, 7_000.0, 100.0]], None, HUGE_RCS_M2)
    assert len(r.observe(behind_low, 0.0, rng)) == 0
    assert len(r.observe(behind_high, 0.0, rng)) == 1
    assert len(r.observe(beside, 0.0, rng)) == 1
    assert float(r.look_pd(r.signatures.targets(behind_low, np.array([0])))[0]) == 0.0
