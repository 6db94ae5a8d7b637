"""Sensor detection speed: one scan of 1,000 objects through every sensor model, vectorised.

Run: ``python bench/sensors.py --json``. One "scan" is one ``observe`` call per sensor over a
full rotation of the rotating radar (2 s): a rotating radar with resolutions, clutter map,
range rate and micro-Doppler; an electronically scanned radar revisiting every 0.25 s; an RF
detector; an EO/IR camera cued to a track; an acoustic array; all over a terrain grid. The
objects are drones (half of them remote-controlled), birds and aircraft within 20 km.

The baseline, timed side by side in the same run, is the same radar class with the walking
skeleton's settings: rotating, constant noise, no terrain, clutter map, range rate or
micro-Doppler. Timings on a shared machine are noisy: compare the ratio, and the median over
repeats.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from bastion.scenario.schema import (
    AcousticConfig,
    BirdFlock,
    CivilAircraft,
    ClutterCell,
    DroneType,
    Environment,
    EoIrConfig,
    GeoPoint,
    RadarConfig,
    RfDetectorConfig,
)
from bastion.sensors.acoustic import AcousticArray
from bastion.sensors.clutter import ClutterCellEnu
from bastion.sensors.eoir import EoIrCamera
from bastion.sensors.radar import SurveillanceRadar
from bastion.sensors.rf import RfDetector
from bastion.sensors.signature import (
    PatternBook,
    SignatureTable,
    aircraft_row,
    bird_row,
    drone_row,
    signatures_from_rows,
)
from bastion.sensors.terrain import Terrain
from bastion.types import NavMode, ObjectKind, ObjectStatus, TrackStatus, TrackTable, TruthBatch

HERE = GeoPoint(lat_deg=35.0, lon_deg=36.0)
SCAN_S = 2.0


def population(n: int, rng: np.random.Generator) -> tuple[TruthBatch, SignatureTable]:
    """n objects: 60 % drones (of three types), 30 % birds, 10 % aircraft."""
    book = PatternBook()
    types = [
        drone_row(DroneType(name="quad", airframe="rotary", engine="electric", rcs_m2=0.01), book),
        drone_row(DroneType(name="fixed", rcs_m2=0.03), book),
        drone_row(DroneType(name="stealthy", rcs_m2=0.005, rcs_pattern="fixed_wing_reduced"), book),
    ]
    bird = bird_row(BirdFlock(name="b", center=HERE, count=1, mass_kg=0.6), book)
    plane = aircraft_row(CivilAircraft(name="a", route=[HERE, HERE], propulsion="propeller"), book)
    n_drones, n_birds = int(0.6 * n), int(0.3 * n)
    kind = np.array(
        [ObjectKind.DRONE] * n_drones
        + [ObjectKind.BIRD] * n_birds
        + [ObjectKind.AIRCRAFT] * (n - n_drones - n_birds),
        dtype=np.int8,
    )
    rows = (
        [types[i % 3] for i in range(n_drones)]
        + [bird] * n_birds
        + [plane] * (n - n_drones - n_birds)
    )
    table = SignatureTable(signatures_from_rows(rows, book.gains()))
    r = 20_000.0 * np.sqrt(rng.random(n))
    a = rng.uniform(0.0, 2.0 * np.pi, n)
    pos = np.column_stack([r * np.sin(a), r * np.cos(a), rng.uniform(10.0, 3_000.0, n)])
    heading = rng.uniform(0.0, 2.0 * np.pi, n)
    speed = np.where(
        kind == ObjectKind.AIRCRAFT, 120.0, np.where(kind == ObjectKind.BIRD, 12.0, 30.0)
    )
    vel = np.column_stack([speed * np.sin(heading), speed * np.cos(heading), np.zeros(n)])
    nav = np.where(
        (kind == ObjectKind.DRONE) & (np.arange(n) % 2 == 0), NavMode.REMOTE, NavMode.GNSS
    )
    rcs = np.where(kind == ObjectKind.AIRCRAFT, 2.0, np.where(kind == ObjectKind.BIRD, 0.01, 0.02))
    truth = TruthBatch(
        t=SCAN_S,
        object_id=np.arange(n, dtype=np.int64),
        kind=kind,
        status=np.full(n, ObjectStatus.FLYING, dtype=np.int8),
        nav_mode=nav.astype(np.int8),
        pos=pos,
        vel=vel,
        rcs_m2=rcs,
    )
    return truth, table


def sensors(
    table: SignatureTable, truth: TruthBatch, rng: np.random.Generator
) -> dict[str, object]:
    hills = rng.uniform(0.0, 60.0, (201, 201))
    terrain = Terrain(np.array([-25_000.0, -25_000.0]), 250.0, hills)
    mast = np.array([0.0, 0.0, 70.0])  # above the hills
    rotating = RadarConfig(
        id="rotating",
        position=HERE,
        scan_period_s=SCAN_S,
        reference_range_m=10_000.0,
        reference_rcs_m2=0.01,
        range_resolution_m=15.0,
        beamwidth_azimuth_deg=1.5,
        beamwidth_elevation_deg=10.0,
        measures_range_rate=True,
        min_detectable_velocity_mps=2.0,
        micro_doppler_min_snr_db=15.0,
        false_alarms_per_scan=10.0,
        clutter_map=[ClutterCell(center=HERE, radius_m=3_000.0, false_alarms_per_scan=5.0)],
    )
    cells = (ClutterCellEnu(np.array([5_000.0, 5_000.0, 0.0]), 3_000.0, 5.0, 30.0),)
    escan = rotating.model_copy(update={"id": "escan", "scan": "electronic", "scan_period_s": 0.25})
    camera = EoIrCamera(
        EoIrConfig(id="eo", position=HERE, fov_azimuth_deg=10.0, fov_elevation_deg=8.0),
        mast,
        Environment(light="night", visibility_m=12_000.0),
        table,
        terrain,
    )
    drone = int(np.argmin(np.linalg.norm(truth.pos[:300] - mast, axis=1)))
    camera.cue(
        TrackTable(
            t=0.0,
            track_id=np.array([1]),
            x=np.concatenate([truth.pos[drone], truth.vel[drone]])[None, :],
            P=np.eye(6)[None],
            status=np.array([TrackStatus.CONFIRMED], dtype=np.int8),
            hits=np.array([5], dtype=np.int32),
            misses=np.array([0], dtype=np.int32),
            last_update_t=np.array([0.0]),
            truth_id=np.array([drone]),
        )
    )
    return {
        "rotating_radar": SurveillanceRadar(rotating, mast, table, terrain, cells),
        "escan_radar": SurveillanceRadar(escan, mast, table, terrain, cells),
        "rf_detector": RfDetector(RfDetectorConfig(id="rf", position=HERE), mast, table, terrain),
        "eo_ir": camera,
        "acoustic": AcousticArray(AcousticConfig(id="ac", position=HERE), mast, table),
    }


def time_per_scan(
    sensor, truth: TruthBatch, rng: np.random.Generator, repeats: int
) -> tuple[float, int]:
    """Median seconds of one observe over a scan, and its detections on the last call."""
    times, n = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        n = len(sensor.observe(truth, truth.t - SCAN_S, rng))
        times.append(time.perf_counter() - start)
    return float(np.median(times)), n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    truth, table = population(args.objects, rng)
    models = sensors(table, truth, rng)
    baseline = SurveillanceRadar(
        RadarConfig(id="skeleton", position=HERE, scan_period_s=SCAN_S, reference_range_m=10_000.0),
        np.array([0.0, 0.0, 70.0]),
    )
    baseline_s, _ = time_per_scan(baseline, truth, rng, args.repeats)
    per_sensor = {name: time_per_scan(s, truth, rng, args.repeats) for name, s in models.items()}
    total = sum(t for t, _ in per_sensor.values())
    result = {
        "objects": args.objects,
        "repeats": args.repeats,
        "time_per_scan_s": round(total, 6),
        "per_sensor_s": {name: round(t, 6) for name, (t, _) in per_sensor.items()},
        "detections_per_scan": {name: n for name, (_, n) in per_sensor.items()},
        "baseline": "SurveillanceRadar with the walking skeleton's settings (rotating, constant "
        "noise, no terrain, clutter map, range rate or micro-Doppler)",
        "baseline_time_per_scan_s": round(baseline_s, 6),
        "ratio_all_sensors_to_baseline": round(total / baseline_s, 2),
    }
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
