"""EO/IR camera: cue-to-detection timing, Johnson-criteria ranges, night and fog, field of
view, and moving from track to track."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from bastion.frames import polar_to_enu
from bastion.scenario.schema import Environment, EoIrConfig, GeoPoint
from bastion.sensors.eoir import N50, EoIrCamera, ttpf
from bastion.types import CLASSES, IDENTITIES, ObjectKind, TrackStatus, TrackTable

POS = np.array([0.0, 0.0, 10.0])
CLEAR = Environment(light="day", visibility_m=1e9)


def camera(environment: Environment = CLEAR, **kw) -> EoIrCamera:
    fields: dict[str, object] = dict(
        id="eo",
        position=GeoPoint(lat_deg=0.0, lon_deg=0.0),
        rest_azimuth_deg=0.0,
        rest_elevation_deg=2.0,
        slew_rate_deg_s=30.0,
        settle_s=0.5,
        fov_azimuth_deg=2.0,
        fov_elevation_deg=1.5,
        reference_size_m=1.0,
        visible_detection_range_m=5_000.0,
        thermal_detection_range_m=None,
    )
    fields.update(kw)
    return EoIrCamera(EoIrConfig(**fields), POS, environment)


def polar_point(range_m: float, az_deg: float, el_deg: float) -> np.ndarray:
    return POS + polar_to_enu(np.array([range_m, math.radians(az_deg), math.radians(el_deg)]))


def tracks_at(t: float, positions: np.ndarray, ids: list[int] | None = None) -> TrackTable:
    positions = np.atleast_2d(positions)
    n = positions.shape[0]
    return TrackTable(
        t=t,
        track_id=np.array(ids or list(range(1, n + 1)), dtype=np.int64),
        x=np.column_stack([positions, np.zeros((n, 3))]),
        P=np.tile(np.eye(6), (n, 1, 1)),
        status=np.full(n, TrackStatus.CONFIRMED, dtype=np.int8),
        hits=np.full(n, 5, dtype=np.int32),
        misses=np.zeros(n, dtype=np.int32),
        last_update_t=np.full(n, t),
        truth_id=np.arange(n, dtype=np.int64),
    )


def test_ttpf() -> None:
    assert float(ttpf(1.0)) == 0.5
    assert float(ttpf(2.0)) == pytest.approx(2.0**4.1 / (1.0 + 2.0**4.1))
    assert float(ttpf(0.0)) == 0.0


def test_cue_to_detection_takes_the_slew_and_the_settling(make_truth) -> None:
    """90° away at 30°/s is 3 s of slew, plus 0.5 s to settle: first seen on the tick at 4 s."""
    cam = camera()
    target = polar_point(1_000.0, 90.0, 2.0)
    cam.cue(tracks_at(0.0, target))
    first = None
    rng = np.random.default_rng(1)
    for k in range(1, 8):
        truth = make_truth(target, t=float(k))
        det = cam.observe(truth, k - 1.0, rng)
        if k < 4:
            assert len(det) == 0 and det.az_extent_rad == 0.0  # slewing: sees nothing
        if len(det) and first is None:
            first = k
        cam.cue(tracks_at(float(k), target))
    assert first == 4
    assert det.measured.tolist() == [False, True, True, False]
    assert det.class_cue.tolist() == [CLASSES.index("drone")]
    assert det.type_cue.tolist() == [IDENTITIES.index("fixed_wing_drone")]
    assert det.az_extent_rad == pytest.approx(math.radians(2.0))


def test_a_target_already_in_view_is_seen_at_once(make_truth) -> None:
    cam = camera()
    target = polar_point(1_000.0, 0.3, 2.1)  # within a quarter of the field of view
    cam.cue(tracks_at(0.0, target))
    assert len(cam.observe(make_truth(target, t=1.0), 0.0, np.random.default_rng(2))) == 1


def test_johnson_ranges_follow_the_cycles_needed(make_truth) -> None:
    cam = camera()
    r50 = 5_000.0
    for task, size, expected_range in [
        ("detect", 1.0, r50),
        ("recognise", 1.0, r50 * N50["detect"] / N50["recognise"]),
        ("identify", 1.0, r50 / 6.4),
        ("detect", 2.0, 2.0 * r50),
    ]:
        truth = make_truth(polar_point(expected_range, 10.0, 3.0))
        targets = cam.signatures.targets(truth, np.array([0]))
        targets.sig.size_m[:] = size
        p = float(cam.task_probabilities(targets, (task,))[0, 0])
        assert p == pytest.approx(0.5, abs=1e-6), task


def test_night_blinds_the_visible_channel_and_fog_blinds_both(make_truth) -> None:
    truth = make_truth(polar_point(2_000.0, 0.0, 2.0))
    night = Environment(light="night", visibility_m=1e9)
    assert (
        float(camera(night).look_pd(camera(night).signatures.targets(truth, np.array([0])))[0])
        == 0.0
    )
    thermal = camera(night, thermal_detection_range_m=4_000.0)
    assert float(thermal.look_pd(thermal.signatures.targets(truth, np.array([0])))[0]) > 0.9
    fog = Environment(light="day", visibility_m=300.0)
    foggy = camera(fog, thermal_detection_range_m=4_000.0)
    assert float(foggy.look_pd(foggy.signatures.targets(truth, np.array([0])))[0]) < 1e-6
    # Contrast: Koschmieder's 2 % is reached where 0.3 exp(-β R) = 0.02: half the looks there.
    haze = Environment(light="day", visibility_m=10_000.0)
    hazy = camera(haze, visible_detection_range_m=1e6)
    r_contrast = math.log(0.3 / 0.02) / (3.912 / 10_000.0)
    edge = make_truth(polar_point(r_contrast, 0.0, 2.0))
    assert float(hazy.look_pd(hazy.signatures.targets(edge, np.array([0])))[0]) == pytest.approx(
        0.5, abs=1e-3
    )


def test_only_objects_in_the_field_of_view_are_seen(make_truth) -> None:
    cam = camera()
    inside = [polar_point(800.0, 0.5, 2.3), polar_point(900.0, -0.6, 1.6)]
    outside = [polar_point(800.0, 1.5, 2.0), polar_point(800.0, 0.0, 3.0)]
    truth = make_truth(np.array(inside + outside), kind=np.array([ObjectKind.BIRD] * 4))
    det = cam.observe(truth, 0.0, np.random.default_rng(3))  # resting, looking north
    assert sorted(det.truth_id.tolist()) == [0, 1]
    assert set(det.class_cue.tolist()) <= {CLASSES.index("bird"), -1}


def test_it_moves_on_after_its_dwell_and_comes_back_later(make_truth) -> None:
    cam = camera(dwell_s=3.0)
    a, b = polar_point(1_000.0, 10.0, 2.0), polar_point(1_200.0, 20.0, 2.0)
    looked_at = []
    rng = np.random.default_rng(4)
    for k in range(0, 20):
        cam.cue(tracks_at(float(k), np.array([a, b]), ids=[7, 9]))
        looked_at.append(cam.cue_id)
        cam.observe(make_truth(np.array([a, b]), t=k + 1.0), float(k), rng)
    assert looked_at[0] == 7  # nearest first
    assert 9 in looked_at and looked_at.count(7) > 3 and looked_at[-1] in (7, 9)
    switches = sum(1 for x, y in itertools.pairwise(looked_at) if x != y)
    assert switches >= 3
