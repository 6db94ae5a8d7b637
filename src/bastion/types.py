"""Records that cross stage boundaries: frozen structures of numpy arrays (one row per item).

Units are SI and positions are in the site's local East-North-Up frame (metres), time in seconds
since the scenario epoch. Every record here is appended to the event log as it crosses an arrow.

Fields named ``truth_id`` carry the index of the true object behind a row (-1 for a false alarm).
They exist for scoring and the after-action report only: no decision stage may read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

#: Class labels, in the column order of :class:`ClassBelief.p`.
CLASSES: tuple[str, ...] = ("drone", "bird", "aircraft", "clutter")


class ObjectKind(IntEnum):
    """What a true object is."""

    DRONE = 0
    BIRD = 1
    AIRCRAFT = 2


class ObjectStatus(IntEnum):
    """Life cycle of a true object. Only FLYING objects are seen by sensors."""

    PENDING = 0  # not launched yet
    FLYING = 1
    DESTROYED = 2  # hard kill: wreckage falls ballistically
    LANDED = 3  # brought down intact (electronic-warfare takeover)
    CRASHED = 4  # came down after losing navigation, not at a chosen place
    REACHED = 5  # reached its target: a leaker
    EXITED = 6  # left the simulated area (background traffic)


class NavMode(IntEnum):
    """How a drone navigates now."""

    GNSS = 0  # autonomous GNSS waypoint following
    REMOTE = 1  # remote-controlled over a radio link (GNSS jamming does not stop it)
    INERTIAL = 2  # GNSS denied: dead reckoning, position estimate drifting
    SPOOFED = 3  # GNSS spoofed: steered to a landing area chosen by the defence
    LINK_LOST = 4  # control link jammed: flying its failsafe (land, return home or hover)


class TrackStatus(IntEnum):
    TENTATIVE = 0
    CONFIRMED = 1
    DELETED = 2


def _fill_optional(obj: object, names: tuple[str, ...], fill: float) -> None:
    """Optional columns a constructor left out (None) become ``fill`` arrays of the record's
    length, so every record of a table has the same columns."""
    for name in names:
        if getattr(obj, name) is None:
            object.__setattr__(obj, name, np.full(len(obj), fill))  # type: ignore[arg-type]


def _frozen_arrays(obj: object) -> None:
    """Make every numpy field read-only so a record cannot change after it crossed an arrow."""
    for name in obj.__dataclass_fields__:  # type: ignore[attr-defined]
        value = getattr(obj, name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False


@dataclass(frozen=True, slots=True)
class TruthBatch:
    """State of every true object at time t (N objects, all of them, whatever their status)."""

    t: float
    object_id: np.ndarray  # (N,) int64
    kind: np.ndarray  # (N,) int8, ObjectKind
    status: np.ndarray  # (N,) int8, ObjectStatus
    nav_mode: np.ndarray  # (N,) int8, NavMode (meaningful for drones)
    pos: np.ndarray  # (N, 3) m ENU
    vel: np.ndarray  # (N, 3) m/s ENU
    rcs_m2: np.ndarray  # (N,) mean radar cross-section

    def __post_init__(self) -> None:
        _frozen_arrays(self)

    def __len__(self) -> int:
        return int(self.object_id.shape[0])


#: Components of a detection's ``z`` row, in order (see :class:`DetectionBatch`).
MEASUREMENT_COMPONENTS: tuple[str, ...] = ("range", "azimuth", "elevation", "range_rate")

#: Radio links a detection's ``emitter_type`` code indexes (scenario: DroneType.link_emitter).
EMITTER_TYPES: tuple[str, ...] = ("control_2g4", "video_5g8", "ocusync", "lora_868", "lte_modem")

#: What an EO/IR camera that identifies an object says it is (``type_cue`` codes).
IDENTITIES: tuple[str, ...] = (
    "rotary_drone",
    "fixed_wing_drone",
    "bird",
    "propeller_aircraft",
    "jet_aircraft",
)

#: DetectionBatch features that are integer codes (-1: not measured by this sensor).
DETECTION_CODE_FIELDS: tuple[str, ...] = ("emitter_type", "class_cue", "type_cue")

#: What a rotating radar without Doppler measures: range, azimuth and elevation.
RADAR_MEASURED = np.array([True, True, True, False])


@dataclass(frozen=True, slots=True)
class DetectionBatch:
    """Detections of one sensor at one time, radar plots and bearings alike.

    ``z`` rows are (range m, azimuth rad clockwise from north, elevation rad above horizontal,
    range rate m/s, positive receding), measured from ``sensor_pos``; ``measured`` (4,) says
    which of the four this sensor measures (a radar the first three, or all four with Doppler;
    an RF or acoustic direction finder azimuth only; EO/IR azimuth and elevation). Unmeasured
    components are NaN in ``z`` and zero rows and columns in ``R``, each row's measurement
    covariance in that same frame. Built with 3-column ``z`` (N, 3) and ``R`` (N, 3, 3) and no
    ``measured``, a batch is a radar's (range, azimuth, elevation) and is padded to 4 columns,
    so every batch of a run has the same width; a 4-column ``z`` needs ``measured``.

    The batch also says where the sensor looked: the azimuth sector it swept, clockwise from
    ``az_start_rad`` through ``az_extent_rad`` (2*pi or more: all round), out to ``max_range_m``.
    A tracker counts a missed detection only against tracks inside that region.
    """

    t: float
    sensor_id: str
    sensor_pos: np.ndarray  # (3,) m ENU
    z: np.ndarray  # (N, 4), NaN where not measured
    R: np.ndarray  # (N, 4, 4), zero rows/columns where not measured
    rcs_dbsm: np.ndarray  # (N,) measured RCS estimate, a classification feature (NaN: none)
    truth_id: np.ndarray  # (N,) int64, -1 for a false alarm (scoring only)
    az_start_rad: float
    az_extent_rad: float
    max_range_m: float
    measured: np.ndarray | None = None  # (4,) bool; None: the first z.shape[1] components
    # Classification features, one value per row whatever the sensor (NaN or -1 where it does
    # not measure them), so the event log's columns keep one width.
    micro_doppler_hz: np.ndarray | None = None  # (N,) blade-flash or wing-beat rate (radar)
    emitter_type: np.ndarray | None = None  # (N,) int8 EMITTER_TYPES index (RF detector)
    class_cue: np.ndarray | None = None  # (N,) int8 CLASSES index recognised (EO/IR)
    type_cue: np.ndarray | None = None  # (N,) int8 IDENTITIES index identified (EO/IR)
    level_db: np.ndarray | None = None  # (N,) received sound level, dB re 20 µPa (acoustic)

    def __post_init__(self) -> None:
        z, R = np.asarray(self.z, dtype=float), np.asarray(self.R, dtype=float)
        k = z.shape[-1] if z.ndim == 2 else -1
        if k not in (3, 4) or R.shape != (z.shape[0], k, k):
            raise ValueError(
                f"DetectionBatch {self.sensor_id!r}: z must be (N, 3) or (N, 4) and R (N, k, k), "
                f"got z {z.shape} and R {R.shape}"
            )
        if self.measured is None and k == 4:
            raise ValueError(
                f"DetectionBatch {self.sensor_id!r}: a 4-column z needs ``measured`` to say "
                "which of (range, azimuth, elevation, range_rate) it holds"
            )
        measured = RADAR_MEASURED if self.measured is None else np.asarray(self.measured, bool)
        if measured.shape != (4,) or (k == 3 and measured[3]):
            raise ValueError(
                f"DetectionBatch {self.sensor_id!r}: measured must be 4 booleans "
                f"(range, azimuth, elevation, range_rate) matching z, got {self.measured!r}"
            )
        if not np.isfinite(z[:, measured[:k]]).all():
            raise ValueError(
                f"DetectionBatch {self.sensor_id!r}: z holds a non-finite measured component"
            )
        if k == 3:
            z = np.concatenate([z, np.full((z.shape[0], 1), np.nan)], axis=1)
            R = np.pad(R, ((0, 0), (0, 1), (0, 1)))
        object.__setattr__(self, "z", z)
        object.__setattr__(self, "R", R)
        object.__setattr__(self, "measured", measured)
        _fill_optional(self, ("micro_doppler_hz", "level_db"), np.nan)
        for name in DETECTION_CODE_FIELDS:
            code = getattr(self, name)
            code = np.full(len(self), -1) if code is None else code
            object.__setattr__(self, name, np.asarray(code, dtype=np.int8))
        _frozen_arrays(self)

    def __len__(self) -> int:
        return int(self.z.shape[0])

    def covers(self, pos: np.ndarray) -> np.ndarray:
        """Which ENU points (M, 3) lay in the region this batch looked at -> (M,) bool."""
        d = np.asarray(pos, dtype=float) - self.sensor_pos
        in_range = np.linalg.norm(d, axis=-1) <= self.max_range_m
        if self.az_extent_rad >= 2.0 * np.pi:
            return in_range
        az = np.arctan2(d[..., 0], d[..., 1])
        offset = np.mod(az - self.az_start_rad, 2.0 * np.pi)
        return in_range & (offset > 0.0) & (offset <= self.az_extent_rad)


@dataclass(frozen=True, slots=True)
class TrackTable:
    """The tracker's live tracks at time t; x = (e, n, u, ve, vn, vu).

    A confirmed track that missed its latest scans is coasting: still CONFIRMED, with
    ``misses`` > 0 (downstream stages keep engaging it on its prediction)."""

    t: float
    track_id: np.ndarray  # (N,) int64
    x: np.ndarray  # (N, 6)
    P: np.ndarray  # (N, 6, 6)
    status: np.ndarray  # (N,) int8, TrackStatus
    hits: np.ndarray  # (N,) int32 detections associated so far
    misses: np.ndarray  # (N,) int32 consecutive scans without a detection
    last_update_t: np.ndarray  # (N,) s
    truth_id: np.ndarray  # (N,) int64 most frequent truth of its radar plots (scoring only)
    quality: np.ndarray | None = None  # (N,) in [0, 1], the tracker's belief the track is real

    def __post_init__(self) -> None:
        if self.quality is None:  # a tracker that does not grade its tracks: unknown
            object.__setattr__(self, "quality", np.full(self.track_id.shape[0], np.nan))
        _frozen_arrays(self)

    def __len__(self) -> int:
        return int(self.track_id.shape[0])


@dataclass(frozen=True, slots=True)
class ClassBelief:
    """Class probabilities per track, columns in :data:`CLASSES` order; rows sum to 1.

    ``p_rotary`` splits the drone column by airframe: the probability that the track is a
    rotary-wing drone (the rest of ``p[:, 0]`` is fixed-wing); NaN from a classifier that
    does not tell airframes apart. ``declared_drone`` says the track is declared a drone: its
    drone belief has held at the doctrine's bar long enough (:mod:`bastion.classify.declaration`);
    False where no declaration was made."""

    t: float
    track_id: np.ndarray  # (N,) int64
    p: np.ndarray  # (N, 4)
    p_rotary: np.ndarray | None = None  # (N,) P(rotary-wing drone) <= p[:, 0]
    declared_drone: np.ndarray | None = None  # (N,) bool

    def __post_init__(self) -> None:
        _fill_optional(self, ("p_rotary",), np.nan)
        declared = np.zeros(len(self), bool) if self.declared_drone is None else self.declared_drone
        object.__setattr__(self, "declared_drone", np.asarray(declared, dtype=bool))
        _frozen_arrays(self)

    def __len__(self) -> int:
        return int(self.track_id.shape[0])


#: ThreatTable's optional columns.
THREAT_DETAIL_FIELDS: tuple[str, ...] = (
    "closing_speed_mps",
    "heading_offset_rad",
    "altitude_m",
    "asset_value",
    "proximity",
    "urgency",
    "heading_factor",
    "altitude_factor",
)


@dataclass(frozen=True, slots=True)
class ThreatTable:
    """Threat of each track against its most threatened defended asset, ranked by score (desc)."""

    t: float
    track_id: np.ndarray  # (N,) int64
    asset_index: np.ndarray  # (N,) int32 index into the scenario's assets
    score: np.ndarray  # (N,) >= 0, higher is more threatening
    cpa_m: np.ndarray  # (N,) horizontal closest-approach distance to the asset
    t_cpa_s: np.ndarray  # (N,) time to closest approach (>= 0)
    time_to_go_s: np.ndarray  # (N,) time to reach the asset's attack radius (inf if it will not)
    p_hostile: np.ndarray  # (N,) probability the track is a hostile drone
    # Optional (NaN when a producer leaves them out): the geometry and the score's factors,
    # score = asset_value · p_hostile^w · proximity^w · urgency^w · heading^w · altitude^w.
    closing_speed_mps: np.ndarray | None = None  # (N,) horizontal speed toward the asset
    heading_offset_rad: np.ndarray | None = None  # (N,) course minus bearing to the asset, [0, pi]
    altitude_m: np.ndarray | None = None  # (N,) height above ground
    asset_value: np.ndarray | None = None  # (N,)
    proximity: np.ndarray | None = None  # (N,) factor in [0, 1]
    urgency: np.ndarray | None = None  # (N,) factor in [0, 1]
    heading_factor: np.ndarray | None = None  # (N,) factor in [0, 1]
    altitude_factor: np.ndarray | None = None  # (N,) factor in [0, 1]

    def __post_init__(self) -> None:
        _fill_optional(self, THREAT_DETAIL_FIELDS, np.nan)
        _frozen_arrays(self)

    def __len__(self) -> int:
        return int(self.track_id.shape[0])


@dataclass(frozen=True, slots=True)
class Assignment:
    """Engagements ordered this cycle: effector ``effector_id[k]`` fires at ``track_id[k]``."""

    t: float
    track_id: np.ndarray  # (K,) int64
    effector_id: np.ndarray  # (K,) str (object array)
    intercept_pos: np.ndarray  # (K, 3) predicted intercept point, m ENU
    t_intercept: np.ndarray  # (K,) predicted time of effect, s
    p_kill: np.ndarray  # (K,) predicted probability of the intended effect
    reason: np.ndarray  # (K,) str: why this effector on this track
    # Optional (NaN when a producer leaves them out): what the decision weighed.
    threat_value: np.ndarray | None = None  # (K,) the track's threat score
    p_debris_in_zone: np.ndarray | None = None  # (K,) P(wreckage lands in a no-debris zone)
    expected_harm: np.ndarray | None = None  # (K,) expected collateral harm, asset-value units
    cost_usd: np.ndarray | None = None  # (K,) cost of the engagement

    def __post_init__(self) -> None:
        _fill_optional(
            self, ("threat_value", "p_debris_in_zone", "expected_harm", "cost_usd"), np.nan
        )
        _frozen_arrays(self)

    def __len__(self) -> int:
        return int(self.track_id.shape[0])


@dataclass(frozen=True, slots=True)
class EngagementEvent:
    """Outcomes of engagements and of objects coming down, fed back to the world and logged.

    kind is one of: ``launch`` (shot fired), ``kill``, ``miss``, ``takeover`` (EW steers it to a
    landing area), ``jammed`` (GNSS denied, no takeover), ``link_lost`` (control link jammed:
    the drone flies its failsafe), ``impact`` (something reached the ground: wreckage, a landing
    drone or a leaker's payload), ``approval_requested``, ``order_dropped``, ``controlled`` (a
    new or second track taken for a drone held after a takeover), ``control_lost`` (a held track
    no longer flies as steered). A shot's ``object_id`` is the object at its aimed point (when
    fired, for its launch; at the effect, for its outcome).
    """

    t: float
    kind: np.ndarray  # (K,) str
    effector_id: np.ndarray  # (K,) str, "" where none
    track_id: np.ndarray  # (K,) int64, -1 where none
    object_id: np.ndarray  # (K,) int64 true object affected, -1 where none
    pos: np.ndarray  # (K, 3) where it happened, m ENU
    munitions: np.ndarray  # (K,) int32 rounds or missiles spent by this event
    in_no_debris_zone: np.ndarray  # (K,) bool, for impacts: inside a no-debris zone
    asset_damage: np.ndarray  # (K,) asset value lost by this event
    detail: np.ndarray  # (K,) str, human-readable reason or outcome
    cost_usd: np.ndarray | None = None  # (K,) cost of what this event spent (launches)

    def __post_init__(self) -> None:
        _fill_optional(self, ("cost_usd",), 0.0)
        _frozen_arrays(self)

    def __len__(self) -> int:
        return int(self.kind.shape[0])

    @classmethod
    def from_rows(cls, t: float, rows: list[EventRow]) -> EngagementEvent:
        """Collect scalar rows (built where each event happens) into one batch."""
        return cls(
            t=t,
            kind=np.array([r.kind for r in rows], dtype=object),
            effector_id=np.array([r.effector_id for r in rows], dtype=object),
            track_id=np.array([r.track_id for r in rows], dtype=np.int64),
            object_id=np.array([r.object_id for r in rows], dtype=np.int64),
            pos=np.array([r.pos for r in rows], dtype=float).reshape(len(rows), 3),
            munitions=np.array([r.munitions for r in rows], dtype=np.int32),
            in_no_debris_zone=np.array([r.in_no_debris_zone for r in rows], dtype=bool),
            asset_damage=np.array([r.asset_damage for r in rows], dtype=float),
            detail=np.array([r.detail for r in rows], dtype=object),
            cost_usd=np.array([r.cost_usd for r in rows], dtype=float),
        )


@dataclass(frozen=True, slots=True)
class EventRow:
    """One engagement or impact event, as the stage that saw it happen describes it."""

    kind: str
    pos: tuple[float, float, float]
    effector_id: str = ""
    track_id: int = -1
    object_id: int = -1
    munitions: int = 0
    in_no_debris_zone: bool = False
    asset_damage: float = 0.0
    detail: str = ""
    cost_usd: float = 0.0
