"""Fly one real trajectory past Bastion's own radar, tracker, classifier, threat and ROE stages.

Only the kinematics are real. The radar (:class:`~bastion.sensors.radar.SurveillanceRadar`,
by default hmeimim-2018's search radar given a micro-Doppler feature) sees a true object of the
trajectory's class, so it draws the RCS, its fluctuation and the micro-Doppler modulation that
class is given in :data:`SIGNATURES`; detection probability, noise and false alarms follow its
physics. The radar stands on the ground at a random bearing
and a random horizontal distance from the trajectory's middle fix, between ``min_offset_m`` and
the smaller of ``max_offset_m`` and the range at which the class is seen with Pd 0.9 on one
look. A defended asset sits under that middle fix, so a track flying over it is heading for an
asset and only its class belief keeps the rules of engagement from allowing a shot.

The track that follows the trajectory at a scan is the confirmed track whose detections came
mostly from it (``truth_id``, scoring only), the nearest to it if there are several.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np

from bastion.assign.roe import engageable
from bastion.classify.base import Classifier
from bastion.classify.build import build_classifier
from bastion.classify.declaration import DroneDeclaration
from bastion.realdata.trajectory import Trajectory, kinematics
from bastion.scenario.loader import load_builtin
from bastion.scenario.schema import (
    BirdFlock,
    CivilAircraft,
    Doctrine,
    DroneType,
    GeoPoint,
    RadarConfig,
    Scenario,
    ThreatWeights,
    Tracker,
    Wind,
)
from bastion.scenario.site import Site
from bastion.sensors.radar import SurveillanceRadar
from bastion.sensors.signature import (
    PatternBook,
    SignatureTable,
    aircraft_row,
    bird_row,
    drone_row,
    signatures_from_rows,
)
from bastion.threat.cpa import CpaThreatEvaluator
from bastion.tracking.tracker import MultiTargetTracker
from bastion.types import CLASSES, NavMode, ObjectKind, ObjectStatus, TrackStatus, TruthBatch

_NOWHERE = GeoPoint(lat_deg=0.0, lon_deg=0.0)

#: What the radar sees of each class besides its motion. Rotary drones: a small multirotor
#: (0.01 m², -20 dBsm: Pieraccini et al. 2017), two-blade propellers at 6,000 rpm. Birds: an
#: oystercatcher, 0.55 kg (the O_ASSEN reference data give 490-560 g), RCS and wing beat from
#: its mass. Aircraft: a jet (the schema's civil aircraft defaults, 10 m²), or a light
#: propeller aircraft (2 m², Skolnik table 2.2) when its median ground speed is below
#: LIGHT_AIRCRAFT_SPEED_MPS (ADS-B gives no aircraft type: general aviation and helicopters).
SIGNATURES: dict[str, DroneType | BirdFlock | CivilAircraft] = {
    "drone": DroneType(
        name="real rotary drone",
        airframe="rotary",
        engine="electric",
        rcs_m2=0.01,
        propeller_blades=2,
        propeller_rpm=6_000.0,
    ),
    "bird": BirdFlock(name="oystercatcher", center=_NOWHERE, count=1, mass_kg=0.55),
    "aircraft": CivilAircraft(name="jet aircraft", route=[_NOWHERE, _NOWHERE]),
    "light aircraft": CivilAircraft(
        name="light aircraft", route=[_NOWHERE, _NOWHERE], rcs_m2=2.0, propulsion="propeller"
    ),
}
LIGHT_AIRCRAFT_SPEED_MPS = 100.0
#: The real-data radar measures micro-Doppler above this mean SNR (an assumption, within the
#: 8-16 dB the classifier's training radars draw): a class's modulation is then in its plots.
MICRO_DOPPLER_MIN_SNR_DB = 15.0

ClassifierFactory = Callable[[], Classifier]


@dataclass(frozen=True, slots=True)
class FlypastSetup:
    """The sensors and rules a real trajectory meets: one scenario's first radar, its tracker,
    classifier (told of that radar only), doctrine and threat weights, and its first asset's
    radius and value."""

    radar: RadarConfig
    tracker: Tracker
    classifier_factory: ClassifierFactory
    doctrine: Doctrine
    threat: ThreatWeights
    asset_radius_m: float
    asset_value: float
    min_offset_m: float = 2_000.0
    max_offset_m: float = 10_000.0
    confident_p: float = 0.9
    max_duration_s: float | None = None  # fly only this long, about the middle of the flight

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> FlypastSetup:
        radars = [s for s in scenario.sensors if isinstance(s, RadarConfig)]
        if not radars:
            raise ValueError(f"scenario {scenario.id}: a real-data flypast needs a radar")
        asset = scenario.assets[0]
        # The trained classifier whatever the scenario runs (the real flights test it), told
        # of a calm: the wind the real flights flew in is not in their files, so the airspeed
        # feature is their ground speed.
        radar_only = scenario.model_copy(
            update={"sensors": radars[:1], "classifier": "trained", "wind": Wind()}
        )
        return cls(
            radar=radars[0],
            tracker=scenario.tracker,
            classifier_factory=partial(build_classifier, radar_only),
            doctrine=scenario.doctrine,
            threat=scenario.threat,
            asset_radius_m=asset.radius_m,
            asset_value=asset.value,
        )

    @classmethod
    def default(cls, micro_doppler: bool = True) -> FlypastSetup:
        """hmeimim-2018's search radar (given a micro-Doppler feature unless told not to),
        default tracker, trained classifier and weapons-tight doctrine."""
        setup = cls.from_scenario(load_builtin("hmeimim-2018"))
        if not micro_doppler:
            return setup
        update = {"micro_doppler_min_snr_db": MICRO_DOPPLER_MIN_SNR_DB}
        return replace(setup, radar=setup.radar.model_copy(update=update))


@dataclass(frozen=True, slots=True)
class FlypastOutcome:
    """The followed track's class belief at each scan it was followed (K scans of ``scans``)."""

    trajectory: Trajectory
    radar_offset_m: float
    scan_period_s: float
    scans: int  # scans while the object was within the radar's maximum range
    first_scan_t: float
    t: np.ndarray  # (K,) times at which a confirmed track followed it
    track_id: np.ndarray  # (K,)
    p: np.ndarray  # (K, 4) its class belief
    engageable: np.ndarray  # (K,) bool: the ROE would allow engaging it
    confident_p: float = 0.9

    def summary(self) -> dict[str, object]:
        """JSON-able result: final class and confidence, time to a confident correct class
        after the track is confirmed, the fraction of its followed time classified right."""
        traj = self.trajectory
        truth = CLASSES.index(traj.true_class)
        out: dict[str, object] = {
            "name": traj.name,
            "file": Path(traj.source).name,
            "true_class": traj.true_class,
            "radar_offset_m": round(self.radar_offset_m, 1),
            "scans": self.scans,
            "tracked_fraction": round(self.t.size / self.scans, 3) if self.scans else 0.0,
            "tracks": int(np.unique(self.track_id).size),
            "kinematics": {k: round(v, 2) for k, v in kinematics(traj).items()},
        }
        if self.t.size == 0:
            return out | {"predicted_class": None, "confidence": None, "engageable_s": 0.0}
        right = self.p[:, truth] > self.confident_p
        return out | {
            "predicted_class": CLASSES[int(np.argmax(self.p[-1]))],
            "confidence": round(float(self.p[-1].max()), 3),
            "confirmed_after_s": round(float(self.t[0] - self.first_scan_t), 1),
            "time_to_confident_s": (
                round(float(self.t[np.argmax(right)] - self.t[0]), 1) if right.any() else None
            ),
            "fraction_correct": round(float(np.mean(np.argmax(self.p, axis=1) == truth)), 3),
            "engageable_s": float(np.count_nonzero(self.engageable) * self.scan_period_s),
        }


def signature_table(trajectory: Trajectory) -> tuple[SignatureTable, float]:
    """One-object signature table (object id 0) of the trajectory's class, and its mean RCS."""
    book = PatternBook()
    model = SIGNATURES[trajectory.true_class]
    if (
        trajectory.true_class == "aircraft"
        and kinematics(trajectory)["speed_mps_p50"] < LIGHT_AIRCRAFT_SPEED_MPS
    ):
        model = SIGNATURES["light aircraft"]
    if isinstance(model, DroneType):
        model = model.model_copy(update={"airframe": trajectory.airframe or model.airframe})
        row = drone_row(model, book)
    elif isinstance(model, BirdFlock):
        row = bird_row(model, book)
    else:
        row = aircraft_row(model, book)
    return SignatureTable(signatures_from_rows([row], book.gains())), model.rcs_m2


def detection_range_m(radar: SurveillanceRadar, rcs_m2: float, pd: float = 0.9) -> float:
    """Longest range (within the radar's limits) at which one look detects ``rcs_m2`` with
    probability ``pd``, from the radar equation alone."""
    c = radar.config
    ranges = np.linspace(c.min_range_m, c.max_range_m, 4_001)
    seen = np.flatnonzero(radar.pd(ranges, rcs_m2) >= pd)
    return float(ranges[seen[-1]]) if seen.size else c.min_range_m


def _asset_site(origin: tuple[float, float], setup: FlypastSetup) -> Site:
    return Site(
        origin=(origin[0], origin[1], 0.0),
        asset_names=("asset under the flight",),
        asset_pos=np.zeros((1, 3)),
        asset_radius_m=np.array([setup.asset_radius_m]),
        asset_value=np.array([setup.asset_value]),
        no_debris_names=(),
        no_debris_polygons=(),
        landing_names=(),
        landing_polygons=(),
    )


def _place_radar(
    setup: FlypastSetup, signatures: SignatureTable, rcs_m2: float, rng: np.random.Generator
) -> tuple[SurveillanceRadar, float]:
    """The radar at a random bearing and distance from the origin (module docstring)."""
    probe = SurveillanceRadar(setup.radar, np.zeros(3))
    upper = max(setup.min_offset_m, min(setup.max_offset_m, detection_range_m(probe, rcs_m2)))
    offset = rng.uniform(setup.min_offset_m, upper)
    bearing = rng.uniform(0.0, 2.0 * np.pi)
    antenna = [offset * np.sin(bearing), offset * np.cos(bearing), setup.radar.antenna_height_m]
    return SurveillanceRadar(setup.radar, np.array(antenna), signatures), float(offset)


def _scans_in_range(
    trajectory: Trajectory,
    radar: SurveillanceRadar,
    origin: tuple[float, float],
    max_duration_s: float | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scan times (one per revisit) from the first to the last within the radar's maximum
    range (at most ``max_duration_s`` of them, about their middle), and the trajectory's
    positions and velocities then."""
    period = radar.revisit_s
    times = trajectory.t[0] + period * np.arange(int(trajectory.duration_s // period) + 1)
    pos, vel = trajectory.sample(times, origin)
    near = np.flatnonzero(np.linalg.norm(pos - radar.position, axis=1) <= radar.config.max_range_m)
    first, last = (near[0], near[-1] + 1) if near.size else (0, 0)
    if max_duration_s is not None:
        keep = int(max_duration_s // period) + 1
        first = max(first, (first + last - keep) // 2)
        last = min(last, first + keep)
    return times[first:last], pos[first:last], vel[first:last]


def fly_past(
    trajectory: Trajectory,
    rng: np.random.Generator,
    setup: FlypastSetup | None = None,
    classifier_factory: ClassifierFactory | None = None,
) -> FlypastOutcome:
    """Run the radar, tracker, classifier (the setup's unless another is given), threat and ROE
    stages over the trajectory's flight."""
    setup = setup or FlypastSetup.default()
    mid = len(trajectory) // 2
    origin = (float(trajectory.lat_deg[mid]), float(trajectory.lon_deg[mid]))
    signatures, rcs = signature_table(trajectory)
    radar, offset = _place_radar(setup, signatures, rcs, rng)
    times, pos, vel = _scans_in_range(trajectory, radar, origin, setup.max_duration_s)
    period = radar.revisit_s

    tracker = MultiTargetTracker(setup.tracker)
    classifier = (classifier_factory or setup.classifier_factory)()
    declaration = DroneDeclaration.from_doctrine(setup.doctrine)
    threat = CpaThreatEvaluator(_asset_site(origin, setup), setup.doctrine, setup.threat)
    kind = ObjectKind[trajectory.true_class.upper()]
    rows: list[tuple[float, int, np.ndarray, bool]] = []
    for k, t in enumerate(times):
        truth = TruthBatch(
            t=float(t),
            object_id=np.zeros(1, dtype=np.int64),
            kind=np.array([kind], dtype=np.int8),
            status=np.array([ObjectStatus.FLYING], dtype=np.int8),
            nav_mode=np.array([NavMode.REMOTE], dtype=np.int8),
            pos=pos[k : k + 1],
            vel=vel[k : k + 1],
            rcs_m2=np.array([rcs]),
        )
        batch = radar.observe(truth, float(t) - period, rng)
        attribution = tracker.update(batch)
        classifier.observe(batch, attribution)
        tracks = tracker.table(float(t))
        belief = declaration.apply(classifier.update(tracks))
        on_it = np.flatnonzero((tracks.status == TrackStatus.CONFIRMED) & (tracks.truth_id == 0))
        if on_it.size == 0:
            continue
        row = on_it[np.argmin(np.linalg.norm(tracks.x[on_it, :3] - pos[k], axis=1))]
        track_id = int(tracks.track_id[row])
        threats = threat.evaluate(tracks, belief)
        allowed = threats.track_id[engageable(threats, tracks, belief, setup.doctrine, frozenset())]
        p = belief.p[np.flatnonzero(belief.track_id == track_id)[0]]
        rows.append((float(t), track_id, p, bool(np.isin(track_id, allowed))))
    return FlypastOutcome(
        trajectory=trajectory,
        radar_offset_m=offset,
        scan_period_s=period,
        scans=int(times.size),
        first_scan_t=float(times[0]) if times.size else float(trajectory.t[0]),
        t=np.array([r[0] for r in rows]),
        track_id=np.array([r[1] for r in rows], dtype=np.int64),
        p=np.array([r[2] for r in rows]).reshape(len(rows), len(CLASSES)),
        engageable=np.array([r[3] for r in rows], dtype=bool),
        confident_p=setup.confident_p,
    )
