"""The target classes a coverage analysis covers: each drone type of the scenario's raids, as
it flies there (with its radio on when a raid flies it by remote control)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bastion.scenario.schema import DroneType, Scenario
from bastion.sensors.signature import (
    PatternBook,
    Signatures,
    Targets,
    drone_row,
    signatures_from_rows,
)


@dataclass(frozen=True, slots=True)
class TargetClass:
    """A drone type flown one way: its signature row, radio state and mean cruise speed."""

    name: str
    drone_type: DroneType
    emitting: bool
    speed_mps: float
    signature: Signatures  # one row

    def targets(self, pos: np.ndarray, vel: np.ndarray) -> Targets:
        """Targets of this class at positions (N, 3) with velocities (N, 3)."""
        n = pos.shape[0]
        return Targets(
            pos=pos,
            vel=vel,
            rcs_m2=np.full(n, self.drone_type.rcs_m2),
            emitting=np.full(n, self.emitting),
            sig=self.signature.take(np.zeros(n, dtype=np.int64)),
            truth_id=np.full(n, -1, dtype=np.int64),
        )


def target_classes(scenario: Scenario) -> list[TargetClass]:
    """One class per (drone type, remote-controlled or not) among the raids, in raid order."""
    types = {d.name: d for d in scenario.drone_types}
    book = PatternBook()
    rows = {name: drone_row(dtype, book) for name, dtype in types.items()}
    patterns = book.gains()
    speeds: dict[tuple[str, bool], list[float]] = {}
    for raid in scenario.raids:
        key = (raid.drone_type, raid.navigation == "remote_control")
        speeds.setdefault(key, []).append(raid.cruise_speed_mps)
    out = []
    for (name, remote), speed in speeds.items():
        label = name
        if sum(n == name for n, _ in speeds) > 1 or remote:
            label += ", remote-controlled" if remote else ", autonomous"
        out.append(
            TargetClass(
                name=label,
                drone_type=types[name],
                emitting=remote,
                speed_mps=float(np.mean(speed)),
                signature=signatures_from_rows([rows[name]], patterns),
            )
        )
    return out
