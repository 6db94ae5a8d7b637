"""RF detector: hears remote-controlled drones' links only, out to the link-budget range."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bastion.frames import enu_to_polar
from bastion.scenario.schema import DroneType, GeoPoint, RfDetectorConfig
from bastion.sensors.rf import EMITTERS, RfDetector, free_space_loss_db
from bastion.sensors.signature import PatternBook, SignatureTable, drone_row, signatures_from_rows
from bastion.sensors.terrain import Terrain
from bastion.types import EMITTER_TYPES, NavMode

POS = np.array([0.0, 0.0, 10.0])


def detector(emitter: str = "control_2g4", count: int = 1, terrain=None, **kw) -> RfDetector:
    book = PatternBook()
    row = drone_row(DroneType(name="d", airframe="rotary", link_emitter=emitter), book)
    table = SignatureTable(signatures_from_rows([row] * count, book.gains()))
    config = RfDetectorConfig(id="rf", position=GeoPoint(lat_deg=0.0, lon_deg=0.0), **kw)
    return RfDetector(config, POS, table, terrain)


def range_at_margin(
    emitter: str, margin_db: float, sensitivity_dbm: float = -95.0, gain: float = 3.0
) -> float:
    """Distance at which the received power is ``margin_db`` above the sensitivity."""
    freq, eirp = EMITTERS[emitter]
    fspl = eirp + gain - sensitivity_dbm - margin_db
    return 10.0 ** ((fspl - 20.0 * math.log10(freq) + 147.55) / 20.0)


def test_free_space_loss() -> None:
    # 2.44 GHz at 1 km: 20 log10(1000) + 20 log10(2.44e9) - 147.55 = 100.2 dB
    assert float(free_space_loss_db(1_000.0, 2.44e9)) == pytest.approx(100.2, abs=0.05)


def test_silent_on_an_autonomous_drone_and_hears_a_remote_controlled_one(make_truth) -> None:
    rf = detector(count=2)
    pos = np.array([[2_000.0, 0.0, 100.0], [0.0, 2_000.0, 100.0]])
    rng = np.random.default_rng(1)
    autonomous = make_truth(pos, nav=NavMode.GNSS)
    assert sum(len(rf.observe(autonomous, autonomous.t - 1.0, rng)) for _ in range(50)) == 0
    remote = make_truth(pos, nav=np.array([NavMode.REMOTE, NavMode.LINK_LOST]))
    det = rf.observe(remote, remote.t - 1.0, rng)
    assert sorted(det.truth_id.tolist()) == [0, 1]
    assert det.measured.tolist() == [False, True, False, False]
    assert np.isnan(det.z[:, [0, 2, 3]]).all() and np.all(det.R[:, 0, 0] == 0.0)
    assert np.all(det.emitter_type == EMITTER_TYPES.index("control_2g4"))
    assert np.all(np.isnan(det.rcs_dbsm)) and np.all(det.class_cue == -1)


def ring_at_slant_range(r: float, n: int, height_m: float = 300.0) -> np.ndarray:
    """n points at slant range r from the antenna, all round, ``height_m`` up."""
    az = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    ground = math.sqrt(r**2 - (height_m - POS[2]) ** 2)
    return np.column_stack([ground * np.sin(az), ground * np.cos(az), np.full(n, height_m)])


def test_half_the_looks_hear_it_at_the_link_budget_range(make_truth) -> None:
    r50 = range_at_margin("ocusync", 0.0)  # about 15 km for 26 dBm at 2.44 GHz
    assert 14_000.0 < r50 < 17_000.0
    rf = detector("ocusync", count=500, max_range_m=40_000.0)
    rng = np.random.default_rng(2)
    for margin_db, expected in [(0.0, 0.5), (12.0, 0.97725)]:  # 0 and 2 σ of fading
        truth = make_truth(
            ring_at_slant_range(range_at_margin("ocusync", margin_db), 500), nav=NavMode.REMOTE
        )
        hits = sum(len(rf.observe(truth, truth.t - 1.0, rng)) for _ in range(20))
        assert abs(hits / 10_000 - expected) < 4.0 * math.sqrt(expected * (1 - expected) / 10_000)


def test_it_hears_only_the_bands_it_monitors_and_not_through_a_hill(make_truth) -> None:
    truth = make_truth([[3_000.0, 0.0, 50.0]], nav=NavMode.REMOTE)
    rng = np.random.default_rng(3)
    deaf = detector("lora_868", hears=["control_2g4", "video_5g8"])
    assert len(deaf.observe(truth, 0.0, rng)) == 0
    ridge = np.zeros((10, 10))
    ridge[:, 5] = 200.0
    hill = Terrain(np.array([500.0, -1_000.0]), 300.0, ridge)  # a ridge 2 km east
    assert len(detector(terrain=hill).observe(truth, 0.0, rng)) == 0
    assert len(detector().observe(truth, 0.0, rng)) == 1


def test_bearing_error_shrinks_with_signal(make_truth) -> None:
    rf = detector(count=2_000, sigma_azimuth_deg=0.5, df_beamwidth_deg=60.0, shadowing_sigma_db=1.0)
    az = np.linspace(0.0, 2.0 * np.pi, 2_000, endpoint=False)
    rng = np.random.default_rng(4)
    spread = []
    for r in (1_000.0, range_at_margin("control_2g4", 6.0)):
        pos = np.column_stack([r * np.sin(az), r * np.cos(az), np.full(2_000, 10.0)])
        det = rf.observe(make_truth(pos, nav=NavMode.REMOTE), 0.0, rng)
        true_az = enu_to_polar(pos - POS)[det.truth_id, 1]
        err = (det.z[:, 1] - true_az + np.pi) % (2.0 * np.pi) - np.pi
        spread.append(err.std())
        np.testing.assert_allclose(np.sqrt(det.R[:, 1, 1]).mean(), err.std(), rtol=0.1)
    assert spread[1] > 2.0 * spread[0]


def test_false_bearings_when_configured(make_truth) -> None:
    rf = detector(false_alarms_per_hour=3_600.0)
    empty = make_truth(np.zeros((0, 3)))
    rng = np.random.default_rng(5)
    counts = [len(rf.observe(empty, empty.t - 1.0, rng)) for _ in range(2_000)]
    assert np.mean(counts) == pytest.approx(1.0, abs=4.0 * math.sqrt(1.0 / 2_000))


@pytest.mark.parametrize("position", [np.zeros(2), np.zeros((1, 3))])
def test_a_position_that_is_not_one_enu_point_is_refused(position: np.ndarray) -> None:
    config = RfDetectorConfig(id="rf-east", position=GeoPoint(lat_deg=0.0, lon_deg=0.0))
    with pytest.raises(ValueError, match=r"sensor rf-east: position must have shape \(3,\)"):
        RfDetector(config, position)
