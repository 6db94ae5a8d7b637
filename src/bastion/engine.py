"""The engine: one tick runs every stage in pipeline order and hands each record to a sink.

    world.step -> engagement outcomes -> sensors -> tracker -> classifier (and drone
    declaration) -> threat -> fire control (shots re-aimed, drones held under EW control
    followed) -> assigner -> orders (fire, or await approval)

The engine opens no files and reads no clocks: the record sink (the event log writer, or a test's
list) and the progress callback are handed in. Randomness comes from one SeedSequence per run:
a child each for the population draw, the world, the engagements, every sensor and the
assigner's debris footprint samples, so the same scenario and seed give the same records whatever
else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from bastion.assign.build import build_assigner
from bastion.classify.build import build_classifier
from bastion.classify.declaration import DroneDeclaration
from bastion.engage.build import build_effector
from bastion.engage.manager import EngagementManager
from bastion.frames import wind_enu
from bastion.scenario.schema import Scenario
from bastion.scenario.site import build_site
from bastion.sensors.build import build_sensors
from bastion.sensors.signature import SignatureTable
from bastion.threat.cpa import CpaThreatEvaluator
from bastion.tracking.tracker import MultiTargetTracker
from bastion.types import Assignment, EngagementEvent, EventRow
from bastion.world.population import build_population
from bastion.world.world import World


class RecordSink(Protocol):
    def append(self, table: str, record: Any) -> None: ...


class Simulation:
    """A scenario ready to run with one seed."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.site = build_site(scenario)
        seq = np.random.SeedSequence(seed)
        pop_seq, world_seq, engage_seq, *sensor_seqs = seq.spawn(3 + len(scenario.sensors))
        self.population = build_population(scenario, self.site, np.random.default_rng(pop_seq))
        wind = wind_enu(scenario.wind.speed_mps, scenario.wind.from_deg)
        self._world_rng = np.random.default_rng(world_seq)
        self.world = World(self.population, self.site, wind, self._world_rng)
        signatures = SignatureTable.build(scenario, self.population)
        self.sensors = build_sensors(scenario, self.site, signatures)
        self.effectors = [build_effector(c, self.site) for c in scenario.effectors]
        self.tracker = MultiTargetTracker(scenario.tracker)
        self.classifier = build_classifier(scenario)
        self.declaration = DroneDeclaration.from_doctrine(scenario.doctrine)
        self.threat = CpaThreatEvaluator(self.site, scenario.doctrine, scenario.threat)
        # Spawned after the others, so adding it left every other stream as it was.
        assign_seq = seq.spawn(1)[0]
        self.assigner = build_assigner(scenario, self.site, wind, np.random.default_rng(assign_seq))
        self.manager = EngagementManager(
            self.effectors, self.site, self.population, wind, scenario.doctrine
        )
        self._engage_rng = np.random.default_rng(engage_seq)
        self._sensor_rngs = [np.random.default_rng(s) for s in sensor_seqs]
        self.steps = round(scenario.duration_s / scenario.dt_s)

    def tick(self, t: float, t_prev: float, sink: RecordSink) -> None:
        """Advance every stage from t_prev to t."""
        events: list[EventRow] = self.world.step(t, self._world_rng)
        truth = self.world.truth()
        events += self.manager.resolve(truth, self.world, self._engage_rng)
        truth = self.world.truth()
        sink.append("truth", truth)
        for sensor, rng in zip(self.sensors, self._sensor_rngs, strict=True):
            batch = sensor.observe(truth, t_prev, rng)
            sink.append("detections", batch)
            attribution = self.tracker.update(batch)
            self.classifier.observe(batch, attribution)  # silence is evidence to a classifier
        tracks = self.tracker.table(t)
        for sensor in self.sensors:  # cues (a camera slewing to a track) act from the next tick
            sensor.cue(tracks)
        belief = self.declaration.apply(self.classifier.update(tracks))
        threats = self.threat.evaluate(tracks, belief)
        sink.append("tracks", tracks)
        sink.append("beliefs", belief)
        sink.append("threats", threats)
        events += self.manager.follow(tracks)
        events += self.manager.release_approved(tracks, truth)
        assignment: Assignment = self.assigner.assign(
            threats,
            tracks,
            belief,
            self.effectors,
            self.manager.engaged_track_ids(tracks),
            self.manager.ineffective_pairs(),
            self.manager.controlled_track_ids(),
        )
        sink.append("assignments", assignment)
        events += self.manager.order(assignment, tracks, truth, self._engage_rng)
        if events:
            sink.append("events", EngagementEvent.from_rows(t, events))

    def run(self, sink: RecordSink, progress: Callable[[int, int], None] | None = None) -> None:
        """Run the whole scenario; ``progress(done, total)`` is called after each tick."""
        dt = self.scenario.dt_s
        for k in range(1, self.steps + 1):
            self.tick(k * dt, (k - 1) * dt, sink)
            if progress is not None:
                progress(k, self.steps)
