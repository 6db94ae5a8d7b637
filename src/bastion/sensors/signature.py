"""What sensors perceive of each object besides its position: its signatures.

A :class:`Signatures` row per object holds its RCS aspect pattern, micro-Doppler modulation
(propeller blade flash or wing beat), acoustic source level, the radio it uses when flown by
remote control, its critical dimension for cameras and what a camera that identifies it sees.
They are static per object, built once from the scenario and the drawn population; what
changes tick to tick (position, velocity, mean RCS, whether its radio is on) comes from the
truth and makes a :class:`Targets` view, the input of every sensor's detection model.

Typical values used where a scenario leaves a field out (assumptions, order of magnitude):
acoustic source level at 1 m, 105 dB re 20 µPa for a small piston engine (a two-stroke of a
few horsepower, like a chainsaw) and 85 dB for an electric multirotor; critical dimension
0.35 m for a small multirotor and 1.0 m for a small fixed-wing airframe; a jet airliner's
engine modulation (JEM) about 2 kHz, a light aircraft's propeller 2 blades at 2,400 rpm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bastion.scenario.schema import BirdFlock, CivilAircraft, DroneType, Scenario
from bastion.sensors.rcs import blade_flash_hz, builtin_patterns, sample_pattern, wing_beat_hz
from bastion.types import EMITTER_TYPES, IDENTITIES, NavMode, ObjectKind, TruthBatch

if TYPE_CHECKING:
    from bastion.world.population import Population

SOURCE_LEVEL_DB = {"piston": 105.0, "electric": 85.0}
SIZE_M = {"rotary": 0.35, "fixed_wing": 1.0}
DEFAULT_PATTERN = {"rotary": "quadcopter", "fixed_wing": "fixed_wing_small"}
_BIRD_REF_MASS_KG, _BIRD_REF_SIZE_M = 0.4, 0.3  # pigeon; size ∝ m^(1/3)
_AIRCRAFT = {  # propulsion: (modulation Hz, source level dB at 1 m, size m, identity)
    "jet": (2_000.0, 140.0, 30.0, "jet_aircraft"),
    "propeller": (float(blade_flash_hz(2, 2_400.0)), 125.0, 10.0, "propeller_aircraft"),
}
_SILENT_DB = -np.inf


@dataclass(frozen=True, slots=True)
class Signatures:
    """Static signatures of N objects; ``patterns`` (P, 181) is shared by all rows."""

    kind: np.ndarray  # (N,) int8 ObjectKind
    rcs_pattern: np.ndarray  # (N,) int64 row of ``patterns``, -1 isotropic
    modulation_hz: np.ndarray  # (N,) micro-Doppler modulation, NaN where none
    source_level_db: np.ndarray  # (N,) acoustic, dB re 20 µPa at 1 m; -inf silent
    emitter: np.ndarray  # (N,) int8 EMITTER_TYPES index of its remote-control radio, -1 none
    size_m: np.ndarray  # (N,) critical dimension seen by a camera
    identity: np.ndarray  # (N,) int8 IDENTITIES index
    patterns: np.ndarray  # (P, 181) aspect gains, one per degree 0..180

    def __len__(self) -> int:
        return int(self.kind.shape[0])

    def take(self, idx: np.ndarray, kind: np.ndarray | None = None) -> Signatures:
        """Rows ``idx``; ``kind``, when given, replaces the rows' kinds."""
        return Signatures(
            kind=self.kind[idx] if kind is None else kind,
            rcs_pattern=self.rcs_pattern[idx],
            modulation_hz=self.modulation_hz[idx],
            source_level_db=self.source_level_db[idx],
            emitter=self.emitter[idx],
            size_m=self.size_m[idx],
            identity=self.identity[idx],
            patterns=self.patterns,
        )


@dataclass(frozen=True, slots=True)
class Targets:
    """N objects as sensors see them at one instant: kinematics, mean RCS, radio state and
    signatures. ``truth_id`` only labels the detections made of them (scoring)."""

    pos: np.ndarray  # (N, 3) m ENU
    vel: np.ndarray  # (N, 3) m/s ENU
    rcs_m2: np.ndarray  # (N,) mean RCS
    emitting: np.ndarray  # (N,) bool: its remote-control radio is on
    sig: Signatures
    truth_id: np.ndarray  # (N,) int64

    def __len__(self) -> int:
        return int(self.pos.shape[0])


class PatternBook:
    """Aspect patterns by name: the built-in ones, plus a scenario's custom tables."""

    def __init__(self) -> None:
        names, gains = builtin_patterns()
        self.names = list(names)
        self._gains = list(gains)

    def code(self, name: str) -> int:
        return self.names.index(name)

    def add(self, name: str, table: list[tuple[float, float]]) -> int:
        self.names.append(name)
        self._gains.append(sample_pattern(table))
        return len(self.names) - 1

    def gains(self) -> np.ndarray:
        return np.stack(self._gains)


def _row(
    kind: ObjectKind,
    pattern: int,
    modulation_hz: float,
    source_db: float,
    emitter: int,
    size_m: float,
    identity: str,
) -> tuple[int, int, float, float, int, float, int]:
    return (
        int(kind),
        pattern,
        modulation_hz,
        source_db,
        emitter,
        size_m,
        IDENTITIES.index(identity),
    )


def drone_row(
    dtype: DroneType, book: PatternBook
) -> tuple[int, int, float, float, int, float, int]:
    """Signature row of a drone of this type (see :func:`signatures_from_rows`)."""
    if dtype.rcs_aspect_db is not None:
        pattern = book.add(f"{dtype.name} (scenario table)", dtype.rcs_aspect_db)
    else:
        pattern = book.code(dtype.rcs_pattern or DEFAULT_PATTERN[dtype.airframe])
    source = dtype.source_level_db
    return _row(
        ObjectKind.DRONE,
        pattern,
        float(blade_flash_hz(dtype.propeller_blades, dtype.propeller_rpm)),
        SOURCE_LEVEL_DB[dtype.engine] if source is None else source,
        EMITTER_TYPES.index(dtype.link_emitter),
        dtype.size_m or SIZE_M[dtype.airframe],
        "rotary_drone" if dtype.airframe == "rotary" else "fixed_wing_drone",
    )


def bird_row(flock: BirdFlock, book: PatternBook) -> tuple[int, int, float, float, int, float, int]:
    size = _BIRD_REF_SIZE_M * (flock.mass_kg / _BIRD_REF_MASS_KG) ** (1.0 / 3.0)
    return _row(
        ObjectKind.BIRD,
        book.code("bird"),
        float(wing_beat_hz(flock.mass_kg)),
        _SILENT_DB,
        -1,
        size,
        "bird",
    )


def aircraft_row(
    plane: CivilAircraft, book: PatternBook
) -> tuple[int, int, float, float, int, float, int]:
    modulation, source, size, identity = _AIRCRAFT[plane.propulsion]
    return _row(
        ObjectKind.AIRCRAFT, book.code("light_aircraft"), modulation, source, -1, size, identity
    )


def signatures_from_rows(
    rows: list[tuple[int, int, float, float, int, float, int]], patterns: np.ndarray
) -> Signatures:
    cols = list(zip(*rows, strict=True)) if rows else [()] * 7
    return Signatures(
        kind=np.array(cols[0], dtype=np.int8),
        rcs_pattern=np.array(cols[1], dtype=np.int64),
        modulation_hz=np.array(cols[2], dtype=float),
        source_level_db=np.array(cols[3], dtype=float),
        emitter=np.array(cols[4], dtype=np.int8),
        size_m=np.array(cols[5], dtype=float),
        identity=np.array(cols[6], dtype=np.int8),
        patterns=patterns,
    )


def is_emitting(emitter: np.ndarray, nav_mode: np.ndarray) -> np.ndarray:
    """A drone's radio is on while it is flown by remote control, and still after its control
    link is jammed (its own downlink keeps transmitting); an autonomous drone is silent."""
    return (emitter >= 0) & _radio_on(nav_mode)


def _radio_on(nav_mode: np.ndarray) -> np.ndarray:
    """Whether an object in this navigation mode uses its radio, if it has one."""
    return (nav_mode == NavMode.REMOTE) | (nav_mode == NavMode.LINK_LOST)


class SignatureTable:
    """Signatures of every object of a run, indexed by object id; ids it does not know (test
    truths) get a plain signature: isotropic RCS, no modulation, silent, no radio."""

    def __init__(self, sig: Signatures) -> None:
        self.sig = sig
        unknown = signatures_from_rows(
            [
                _row(
                    ObjectKind.DRONE,
                    -1,
                    np.nan,
                    _SILENT_DB,
                    -1,
                    SIZE_M["fixed_wing"],
                    "fixed_wing_drone",
                )
            ],
            sig.patterns,
        )
        self._rows = Signatures(
            **{
                name: np.concatenate([getattr(sig, name), getattr(unknown, name)])
                for name in Signatures.__dataclass_fields__
                if name != "patterns"
            },
            patterns=sig.patterns,
        )

    @classmethod
    def empty(cls) -> SignatureTable:
        return cls(signatures_from_rows([], PatternBook().gains()))

    @classmethod
    def build(cls, scenario: Scenario, population: Population) -> SignatureTable:
        """One row per population object, in object-id order."""
        book = PatternBook()
        types = {d.name: d for d in scenario.drone_types}
        drones = {r.name: drone_row(types[r.drone_type], book) for r in scenario.raids}
        birds = {f.name: bird_row(f, book) for f in scenario.background.bird_flocks}
        planes = {a.name: aircraft_row(a, book) for a in scenario.background.civil_aircraft}
        by_kind = {ObjectKind.DRONE: drones, ObjectKind.BIRD: birds, ObjectKind.AIRCRAFT: planes}
        rows = [
            by_kind[ObjectKind(k)][g]
            for k, g in zip(population.kind, population.group, strict=True)
        ]
        return cls(signatures_from_rows(rows, book.gains()))

    def _index(self, object_id: np.ndarray) -> np.ndarray:
        n = len(self.sig)
        return np.where((object_id >= 0) & (object_id < n), object_id, n)

    def lookup(self, name: str, object_id: np.ndarray) -> np.ndarray:
        """One signature column for these object ids (a cheap filter before ``targets``)."""
        return self.columns(object_id, name)[0]

    def columns(self, object_id: np.ndarray, *names: str) -> tuple[np.ndarray, ...]:
        """Some signature columns for these object ids, without building a whole ``Targets``."""
        idx = self._index(object_id)
        return tuple(getattr(self._rows, name)[idx] for name in names)

    def emitting(self, truth: TruthBatch, rows: np.ndarray) -> np.ndarray:
        """Whether the truth's objects ``rows`` have their radio on now (N,) bool.

        The navigation mode rules most objects out; radios are looked up for the rest only.
        """
        on = _radio_on(truth.nav_mode[rows])
        if on.any():
            idx = np.flatnonzero(on)
            on[idx] = self.lookup("emitter", truth.object_id[rows[idx]]) >= 0
        return on

    def targets(self, truth: TruthBatch, rows: np.ndarray) -> Targets:
        """The truth's objects ``rows`` (indices into the batch) as sensors see them; their
        kind comes from the truth."""
        ids = truth.object_id[rows]
        sig = self._rows.take(self._index(ids), kind=truth.kind[rows].astype(np.int8))
        return Targets(
            pos=truth.pos[rows],
            vel=truth.vel[rows],
            rcs_m2=truth.rcs_m2[rows],
            emitting=is_emitting(sig.emitter, truth.nav_mode[rows]),
            sig=sig,
            truth_id=ids.astype(np.int64),
        )
