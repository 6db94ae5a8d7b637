"""Training runs: random skies seen by a random sensor suite, through the real sensor models,
tracker and feature extractor, with every track's features snapshotted and labelled.

A run (``run_snapshots``) draws, from its own seed:

- a sensor suite around the origin: always a surveillance radar, its scan period (1-4 s),
  noise, sensitivity (1 m² at 50 % Pd at 8-40 km), Swerling case, false-alarm rate (0.5-20 per
  scan, plus patches of ground clutter) drawn at random, with Doppler in half the runs and a
  micro-Doppler feature in 60 %; an RF detector, an EO/IR camera (day or night, 3-30 km
  visibility) and an acoustic array each in about half of the runs;
- a sky of training flights (:mod:`bastion.classify.flights`): 3-5 rotary and 2-4 fixed-wing
  drones (half of them flown over a radio link; two in five fixed-wing ones on an attack run
  from 5-25 km at the sensors, the others starting within 12 km), 8-14 single birds (half of
  them loitering in a home range, as the scenario world's birds do) and 1-3 flocks, within
  20 km: a bird far out, seen in few plots, must not pass for a drone; 1-3
  aircraft, in a wind of 0-12 m/s, which the features are told to ±1.5 m/s per axis (a met
  report). Birds outnumber drones, as they do in any real sky: a small slow target that
  nothing else tells apart is more likely a bird;
- a tracker: the default in two runs of five, the built-in scenarios' (near-constant
  altitude, 5 m/s² process noise) in two, an IMM in one.

Every ``snapshot_every`` ticks each live track gives one row: its features and its label, the
kind (and airframe) of its majority truth, or clutter for a track built from false alarms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.classify.features import FEATURES, TrackFeatures
from bastion.classify.flights import (
    LABELS,
    Flight,
    aircraft_motion,
    aircraft_signature,
    bird_motion,
    bird_signature,
    drone_signature,
    fixed_wing_motion,
    fly,
    rotary_motion,
)
from bastion.scenario.schema import (
    AcousticConfig,
    Environment,
    EoIrConfig,
    GeoPoint,
    RadarConfig,
    RfDetectorConfig,
)
from bastion.scenario.schema import Tracker as TrackerConfig
from bastion.sensors.acoustic import AcousticArray
from bastion.sensors.base import Sensor
from bastion.sensors.clutter import ClutterCellEnu
from bastion.sensors.eoir import EoIrCamera
from bastion.sensors.radar import SurveillanceRadar
from bastion.sensors.rf import RfDetector
from bastion.sensors.signature import PatternBook, SignatureTable, signatures_from_rows
from bastion.tracking.tracker import MultiTargetTracker
from bastion.types import NavMode, ObjectKind, ObjectStatus, TrackStatus, TruthBatch
from bastion.world.birds import HomeRange, draw_habit, loiter

RUN_S = 600.0
DT_S = 1.0
ORIGIN = GeoPoint(lat_deg=0.0, lon_deg=0.0)
TENTATIVE_THINNING = 4
#: Share of fixed-wing drones on an attack run at the sensors (flights.fixed_wing_motion).
ATTACK_RUNS = 0.4
#: Share of single birds that loiter in a home range (bastion.world.birds.loiter) rather than
#: fly their segments open-loop.
LOITERING = 0.5
#: Trackers the runs are seen through, and how often: the default, the built-in scenarios'
#: (near-constant altitude, 5 m/s² process noise, 500 m coasting bound), and an IMM.
TRACKERS = (
    TrackerConfig(),
    TrackerConfig(motion="nca", process_noise_mps2=5.0, max_position_sigma_m=500.0),
    TrackerConfig(motion="imm"),
)
TRACKER_SHARES = (0.4, 0.4, 0.2)
#: Error (m/s per horizontal axis) of the met wind the classifier is told: a site's wind
#: report is not the wind where each target flies.
MET_WIND_ERROR_MPS = 1.5
AIRCRAFT_ROLES = ("airliner", "climb_descent", "approach", "light", "helicopter")


@dataclass(frozen=True, slots=True)
class Snapshots:
    """Rows of track features (M, len(FEATURES)) with their labels and where they came from."""

    X: np.ndarray
    y: np.ndarray  # (M,) LABELS index
    run: np.ndarray  # (M,) run index
    track_id: np.ndarray  # (M,)
    truth_id: np.ndarray  # (M,) the track's majority object, -1 for false alarms (scoring)
    t: np.ndarray  # (M,) s
    confirmed: np.ndarray  # (M,) bool
    weight: np.ndarray  # (M,) rows each stands for (tentative tracks are thinned out)

    def __len__(self) -> int:
        return int(self.y.shape[0])

    @classmethod
    def concat(cls, parts: list[Snapshots]) -> Snapshots:
        return cls(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__dataclass_fields__)
        )

    def take(self, rows: np.ndarray) -> Snapshots:
        return Snapshots(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))


def _loguniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _ring(rng: np.random.Generator, lo: float, hi: float) -> np.ndarray:
    r, a = rng.uniform(lo, hi), rng.uniform(0.0, 2.0 * np.pi)
    return np.array([r * np.sin(a), r * np.cos(a), 0.0])


def draw_sensors(
    rng: np.random.Generator, signatures: SignatureTable
) -> tuple[list[Sensor], dict[str, str]]:
    """A random sensor suite at the origin and the kind of each sensor."""
    md = rng.random() < 0.6
    radar = RadarConfig(
        id="radar",
        position=ORIGIN,
        scan_period_s=float(rng.choice([1.0, 2.0, 2.0, 3.0, 4.0])),
        reference_range_m=_loguniform(rng, 8_000.0, 40_000.0),
        reference_rcs_m2=1.0,
        min_range_m=100.0,
        sigma_range_m=rng.uniform(5.0, 30.0),
        sigma_azimuth_deg=rng.uniform(0.1, 1.0),
        sigma_elevation_deg=rng.uniform(0.2, 1.5),
        sigma_rcs_db=rng.uniform(1.0, 3.0),
        false_alarms_per_scan=_loguniform(rng, 0.5, 20.0),
        swerling=int(rng.choice([0, 1, 3])),
        measures_range_rate=bool(rng.random() < 0.5),
        micro_doppler_min_snr_db=rng.uniform(8.0, 16.0) if md else None,
        sigma_micro_doppler=rng.uniform(0.05, 0.2),
    )
    cells = tuple(
        ClutterCellEnu(
            _ring(rng, 1_000.0, 10_000.0),
            rng.uniform(300.0, 2_000.0),
            rng.uniform(0.5, 4.0),
            rng.uniform(0.0, 100.0),
        )
        for _ in range(int(rng.integers(0, 3)))
    )
    height = np.array([0.0, 0.0, rng.uniform(5.0, 20.0)])
    sensors: list[Sensor] = [SurveillanceRadar(radar, height, signatures, clutter_cells=cells)]
    kinds = {"radar": "radar"}
    if rng.random() < 0.5:
        rf = RfDetectorConfig(id="rf", position=ORIGIN, max_range_m=rng.uniform(5e3, 2e4))
        sensors.append(RfDetector(rf, np.array([0.0, 0.0, 5.0]), signatures))
        kinds["rf"] = "rf_detector"
    if rng.random() < 0.5:
        eo = EoIrConfig(id="eo", position=ORIGIN, reference_size_m=rng.uniform(0.5, 1.0))
        env = Environment(
            light="day" if rng.random() < 0.5 else "night",
            visibility_m=rng.uniform(3_000.0, 30_000.0),
        )
        sensors.append(EoIrCamera(eo, np.array([0.0, 0.0, 10.0]), env, signatures))
        kinds["eo"] = "eo_ir"
    if rng.random() < 0.5:
        ac = AcousticConfig(id="acoustic", position=ORIGIN, ambient_noise_db=rng.uniform(35, 55))
        sensors.append(AcousticArray(ac, np.array([0.0, 0.0, 2.0]), signatures))
        kinds["acoustic"] = "acoustic"
    return sensors, kinds


def _life(rng: np.random.Generator, ticks: int) -> tuple[int, int]:
    length = int(rng.integers(min(150, ticks), ticks + 1))
    return int(rng.integers(0, ticks - length + 1)), length


def draw_flights(
    rng: np.random.Generator, ticks: int, book: PatternBook, wind: np.ndarray
) -> list[Flight]:
    """The run's sky in ``wind`` (3,): drones, single birds, flocks and aircraft (module
    docstring)."""
    flights: list[Flight] = []

    def add(label, kind, motion, start, life, signature, rcs, remote=False, pos_offset=None):
        k0, n = life
        pos, vel = fly(motion, start, n, DT_S, wind, rng)
        if pos_offset is not None:  # a flock member: the flock's flight, displaced
            pos = pos + pos_offset
            pos[:, 2] = np.abs(pos[:, 2])
        flights.append(Flight(label, kind, k0, pos, vel, rcs, remote, signature))

    for rotary, count in ((True, rng.integers(3, 6)), (False, rng.integers(2, 5))):
        for _ in range(int(count)):
            life = _life(rng, ticks)
            start = _ring(rng, 300, 12_000)
            if rotary:
                motion = rotary_motion(rng, life[1] * DT_S)
            elif rng.random() < ATTACK_RUNS:
                start = _ring(rng, 5_000, 25_000)
                toward = float(np.arctan2(-start[0], -start[1]))
                motion = fixed_wing_motion(rng, life[1] * DT_S, inbound_heading=toward)
            else:
                motion = fixed_wing_motion(rng, life[1] * DT_S)
            sig, rcs = drone_signature(rng, rotary, book)
            label = LABELS.index("drone_rotary" if rotary else "drone_fixed_wing")
            remote = bool(rng.random() < 0.5)
            add(label, ObjectKind.DRONE, motion, start, life, sig, rcs, remote)
    bird = LABELS.index("bird")
    for _ in range(int(rng.integers(8, 15))):
        life = _life(rng, ticks)
        sig, rcs = bird_signature(_loguniform(rng, 0.02, 5.0), book)
        start = _ring(rng, 300, 20_000)
        if rng.random() < LOITERING:  # kept to a home range, as the scenario world's birds
            low = rng.uniform(3.0, 60.0)
            start[2] = low
            home = HomeRange(
                centre=start[None, :2].copy(),
                radius_m=np.array([rng.uniform(500.0, 4_000.0)]),
                band_m=np.array([[low, low + rng.uniform(50.0, 400.0)]]),
            )
            pos, vel = loiter(draw_habit(rng), home, start, life[1], DT_S, wind, rng)
            flights.append(Flight(bird, ObjectKind.BIRD, life[0], pos, vel, rcs, False, sig))
        else:
            add(bird, ObjectKind.BIRD, bird_motion(rng, life[1] * DT_S), start, life, sig, rcs)
    for _ in range(int(rng.integers(1, 4))):
        life = _life(rng, ticks)
        motion = bird_motion(rng, life[1] * DT_S)
        sig, rcs = bird_signature(_loguniform(rng, 0.05, 3.0), book)
        start = _ring(rng, 500, 20_000)
        spread = rng.uniform(5.0, 60.0)
        for _ in range(int(rng.integers(3, 13))):
            offset = rng.normal(0.0, spread, 3) * np.array([1.0, 1.0, 0.3])
            add(bird, ObjectKind.BIRD, motion, start, life, sig, rcs, pos_offset=offset)
    for _ in range(int(rng.integers(1, 4))):
        life = _life(rng, ticks)
        role = str(rng.choice(AIRCRAFT_ROLES))
        sig, rcs = aircraft_signature(rng, role, book)
        add(
            LABELS.index("aircraft"),
            ObjectKind.AIRCRAFT,
            aircraft_motion(rng, life[1] * DT_S, role),
            _ring(rng, 2_000, 30_000),
            life,
            sig,
            rcs,
        )
    return flights


class _Sky:
    """Truth of a run's flights tick by tick."""

    def __init__(self, flights: list[Flight], ticks: int) -> None:
        n = len(flights)
        self.kind = np.array([f.kind for f in flights], dtype=np.int8)
        self.nav = np.array(
            [NavMode.REMOTE if f.remote else NavMode.GNSS for f in flights], dtype=np.int8
        )
        self.rcs = np.array([f.rcs_m2 for f in flights])
        self.pos = np.zeros((ticks, n, 3))
        self.vel = np.zeros((ticks, n, 3))
        self.alive = np.zeros((ticks, n), dtype=bool)
        for i, f in enumerate(flights):
            span = slice(f.start_k, f.start_k + f.pos.shape[0])
            self.pos[span, i], self.vel[span, i], self.alive[span, i] = f.pos, f.vel, True

    def truth(self, k: int, t: float) -> TruthBatch:
        status = np.where(self.alive[k], ObjectStatus.FLYING, ObjectStatus.PENDING)
        return TruthBatch(
            t=t,
            object_id=np.arange(self.kind.size, dtype=np.int64),
            kind=self.kind.copy(),
            status=status.astype(np.int8),
            nav_mode=self.nav.copy(),
            pos=self.pos[k].copy(),
            vel=self.vel[k].copy(),
            rcs_m2=self.rcs.copy(),
        )


def run_snapshots(seed: int, run: int, snapshot_every: int = 3, run_s: float = RUN_S) -> Snapshots:
    """One training run (module docstring); the same (seed, run) gives the same rows."""
    draw_seq, *sensor_seqs = np.random.SeedSequence([seed, run]).spawn(5)
    rng = np.random.default_rng(draw_seq)
    ticks = round(run_s / DT_S)
    book = PatternBook()
    wind = np.append(_ring(rng, 0.0, 12.0)[:2], 0.0)
    flights = draw_flights(rng, ticks, book, wind)
    signatures = SignatureTable(signatures_from_rows([f.signature for f in flights], book.gains()))
    sensors, kinds = draw_sensors(rng, signatures)
    sensor_rngs = [np.random.default_rng(s) for s in sensor_seqs[: len(sensors)]]
    tracker = MultiTargetTracker(TRACKERS[int(rng.choice(len(TRACKERS), p=TRACKER_SHARES))])
    met_wind = wind + np.append(rng.normal(0.0, MET_WIND_ERROR_MPS, 2), 0.0)
    features = TrackFeatures(kinds, met_wind)
    sky = _Sky(flights, ticks)
    label_of = np.array([f.label for f in flights] + [LABELS.index("clutter")])
    rows: list[tuple[np.ndarray, ...]] = []
    for k in range(1, ticks):
        t = k * DT_S
        truth = sky.truth(k, t)
        for sensor, srng in zip(sensors, sensor_rngs, strict=True):
            batch = sensor.observe(truth, t - DT_S, srng)
            features.observe(batch, tracker.update(batch))
        tracks = tracker.table(t)
        for sensor in sensors:
            sensor.cue(tracks)
        X, _ = features.update(tracks)
        if k % snapshot_every == 0 and len(tracks):
            confirmed = tracks.status == TrackStatus.CONFIRMED
            # Tentative tracks (mostly on false alarms) are many and alike: keep one snapshot
            # in TENTATIVE_THINNING, weighted to stand for the rest.
            keep = confirmed | (k % (snapshot_every * TENTATIVE_THINNING) == 0)
            rows.append(
                (
                    X[keep],
                    label_of[tracks.truth_id[keep]],  # -1 (false alarm): the clutter label
                    tracks.track_id[keep],
                    tracks.truth_id[keep],
                    np.full(int(keep.sum()), t),
                    confirmed[keep],
                    np.where(confirmed[keep], 1.0, float(TENTATIVE_THINNING)),
                )
            )
    if not rows:
        empty = np.zeros(0)
        return Snapshots(
            np.zeros((0, len(FEATURES))),
            empty.astype(int),
            empty.astype(int),
            empty.astype(np.int64),
            empty.astype(np.int64),
            empty,
            empty.astype(bool),
            empty,
        )
    X, y, ids, truth, ts, conf, w = (np.concatenate(c) for c in zip(*rows, strict=True))
    return Snapshots(X, y, np.full(y.size, run), ids, truth, ts, conf, w)
