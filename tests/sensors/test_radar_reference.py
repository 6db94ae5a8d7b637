"""The radar's detection step against a slow, obvious reference: the radar equation worked out
for every object the scan looked at, masked afterwards.

The radar itself screens objects it cannot see (range window, elevation, clutter notch, line of
sight) before the costly maths. Screening must be an optimisation only: the same objects
detected, the same measured values to the bit, and the same random draws, so that every later
draw of the run (false alarms, noise, other ticks) is unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest

from bastion.frames import enu_to_polar
from bastion.scenario.schema import DroneType, GeoPoint, RadarConfig
from bastion.sensors.radar import SurveillanceRadar
from bastion.sensors.rcs import aspect_angle, pattern_gain
from bastion.sensors.signature import PatternBook, SignatureTable, drone_row, signatures_from_rows
from bastion.sensors.swerling import swerling_pd
from bastion.sensors.terrain import Terrain, line_of_sight
from bastion.types import ObjectStatus, TruthBatch

POS = np.array([0.0, 0.0, 130.0])  # above most of the hills
N_OBJECTS = 300


def reference_detections(
    radar: SurveillanceRadar, truth: TruthBatch, t_prev: float, rng: np.random.Generator
) -> tuple[np.ndarray, ...]:
    """(R, az, el, v_r) rows, aspect RCS, mean SNR, ids and modulation of the detections."""
    c = radar.config
    flying = np.flatnonzero(truth.status == ObjectStatus.FLYING)
    looks = radar.scan.looks(
        enu_to_polar(truth.pos[flying] - radar.position)[:, 1], t_prev, truth.t
    )
    targets = radar.signatures.targets(truth, flying[looks > 0])
    looks = looks[looks > 0]
    rel = targets.pos - radar.position
    polar = enu_to_polar(rel)
    distance = np.linalg.norm(rel, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        v_r = np.where(distance > 0.0, np.einsum("ij,ij->i", rel, targets.vel) / distance, 0.0)
    aspect = aspect_angle(targets.pos, targets.vel, radar.position)
    rcs = targets.rcs_m2 * pattern_gain(targets.sig.patterns, targets.sig.rcs_pattern, aspect)
    snr = radar.snr(polar[:, 0], rcs)
    seen = (
        (polar[:, 0] >= c.min_range_m)
        & (polar[:, 0] <= c.max_range_m)
        & (polar[:, 2] <= np.radians(c.max_elevation_deg))
        & (np.abs(v_r) >= c.min_detectable_velocity_mps)
    )
    # Line of sight of the objects in the window only: a terrain samples every path of a call
    # as finely as its longest one needs, so the set tested together is part of the model.
    seen[seen] = line_of_sight(radar.position, targets.pos[seen], radar.terrain)
    pd = np.where(seen, swerling_pd(snr, c.pfa, c.swerling), 0.0)
    hit = rng.random(pd.size) < 1.0 - (1.0 - pd) ** looks
    z = np.column_stack([polar, v_r])[hit]
    return z, rcs[hit], snr[hit], targets.truth_id[hit], targets.sig.modulation_hz[hit]


def scene(seed: int) -> tuple[SignatureTable, Terrain, TruthBatch]:
    """Drones of three types around the radar: near and far, high and hidden behind hills,
    fast and hovering, some not flying, and some ids the table does not know."""
    rng = np.random.default_rng(seed)
    book = PatternBook()
    types = [
        DroneType(name="quad", airframe="rotary", engine="electric", rcs_m2=0.01),
        DroneType(name="wing", rcs_m2=0.05),
        DroneType(name="stealthy", rcs_m2=0.005, rcs_pattern="fixed_wing_reduced"),
    ]
    rows = [drone_row(types[i % 3], book) for i in range(N_OBJECTS - 20)]
    table = SignatureTable(signatures_from_rows(rows, book.gains()))
    terrain = Terrain(np.array([-30_000.0, -30_000.0]), 500.0, rng.uniform(0.0, 120.0, (121, 121)))
    r = 25_000.0 * np.sqrt(rng.random(N_OBJECTS))
    a = rng.uniform(0.0, 2.0 * np.pi, N_OBJECTS)
    pos = np.column_stack([r * np.sin(a), r * np.cos(a), rng.uniform(0.0, 2_000.0, N_OBJECTS)])
    vel = rng.normal(0.0, 25.0, (N_OBJECTS, 3)) * (rng.random((N_OBJECTS, 1)) < 0.8)
    status = np.where(rng.random(N_OBJECTS) < 0.9, ObjectStatus.FLYING, ObjectStatus.LANDED)
    truth = TruthBatch(
        t=3.0,
        object_id=np.arange(N_OBJECTS, dtype=np.int64),
        kind=np.zeros(N_OBJECTS, dtype=np.int8),
        status=status.astype(np.int8),
        nav_mode=np.zeros(N_OBJECTS, dtype=np.int8),
        pos=pos,
        vel=vel,
        rcs_m2=rng.choice([0.005, 0.01, 0.05, 5.0], N_OBJECTS),
    )
    return table, terrain, truth


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("scan", ["rotating", "electronic"])
def test_screening_changes_no_detection_and_no_draw(seed: int, scan: str) -> None:
    table, terrain, truth = scene(seed)
    config = RadarConfig(
        id="r",
        position=GeoPoint(lat_deg=0.0, lon_deg=0.0),
        scan=scan,
        scan_period_s=2.0,
        reference_range_m=12_000.0,
        reference_rcs_m2=0.01,
        max_range_m=20_000.0,
        min_range_m=300.0,
        max_elevation_deg=30.0,
        min_detectable_velocity_mps=4.0,
        swerling=seed % 2,
    )
    radar = SurveillanceRadar(config, POS, table, terrain)
    detected = 0
    for t_prev in (0.0, 0.7, 1.5, 2.5):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        got = radar._detect_targets(truth, t_prev, ours)
        want = reference_detections(radar, truth, t_prev, theirs)
        for a, b in zip(got, want, strict=True):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)
        assert ours.bit_generator.state == theirs.bit_generator.state
        detected += len(got[3])
    assert detected > 20  # the scene is not empty: the comparison means something
