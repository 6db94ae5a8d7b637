"""What became of each drone, from its last status in the log and whether its payload went off.

The categories are those of :mod:`bastion.summary`: destroyed (hard kill); brought down by
electronic warfare, either landed intact or crashed / payload went off (a takeover landing whose
payload detonated, or a GNSS-denied drone that came down off target); leaker (released its
payload over its target); still flying at the end; not launched; left the area.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from bastion.types import ObjectStatus

#: The engagement manager's wording for an impact whose payload went off.
DETONATION_MARK = "payload detonated"


class Fate(StrEnum):
    NOT_LAUNCHED = "not launched"
    FLYING = "still flying"
    DESTROYED = "destroyed"
    EW_LANDED = "EW: landed intact"
    EW_CRASHED = "EW: crashed / payload went off"
    LEAKER = "leaker"
    EXITED = "left the area"


#: Summary key counting each fate (fates with no key are not in the summary's counts).
SUMMARY_KEY = {
    Fate.DESTROYED: "destroyed",
    Fate.EW_LANDED: "ew_landed",
    Fate.EW_CRASHED: "ew_crashed",
    Fate.LEAKER: "leakers",
    Fate.FLYING: "still_flying",
}
FATES: tuple[Fate, ...] = tuple(Fate)
_CODE = {fate: k for k, fate in enumerate(FATES)}
#: Fate code of each ObjectStatus value; LANDED splits on the payload below.
_CODE_OF_STATUS = np.array(
    [
        _CODE[Fate.NOT_LAUNCHED],  # PENDING
        _CODE[Fate.FLYING],  # FLYING
        _CODE[Fate.DESTROYED],  # DESTROYED
        _CODE[Fate.EW_LANDED],  # LANDED
        _CODE[Fate.EW_CRASHED],  # CRASHED
        _CODE[Fate.LEAKER],  # REACHED
        _CODE[Fate.EXITED],  # EXITED
    ]
)


def detonated(detail: np.ndarray) -> np.ndarray:
    """Which event details (K,) report a payload going off -> (K,) bool."""
    return np.array([DETONATION_MARK in str(d) for d in detail], dtype=bool)


def fate_codes(status: np.ndarray, payload_detonated: np.ndarray) -> np.ndarray:
    """Fate of each drone as an index into :data:`FATES`, from its last status (N,) and
    whether its payload went off (N,) -> (N,) int."""
    status = np.asarray(status, dtype=np.int64)
    codes = _CODE_OF_STATUS[status]
    codes[(status == ObjectStatus.LANDED) & np.asarray(payload_detonated, dtype=bool)] = _CODE[
        Fate.EW_CRASHED
    ]
    return codes


def drone_fates(status: np.ndarray, payload_detonated: np.ndarray) -> list[Fate]:
    """Fate of each drone (see :func:`fate_codes`)."""
    return [FATES[c] for c in fate_codes(status, payload_detonated)]


def fate_counts(codes: np.ndarray) -> dict[str, int]:
    """Counts of fate codes under the summary's keys: launched, destroyed, ew_defeated,
    ew_landed, ew_crashed, leakers, still_flying."""
    seen = np.bincount(np.asarray(codes, dtype=np.int64), minlength=len(FATES))
    counts = {key: int(seen[_CODE[fate]]) for fate, key in SUMMARY_KEY.items()}
    counts["ew_defeated"] = counts["ew_landed"] + counts["ew_crashed"]
    counts["launched"] = int(seen.sum() - seen[_CODE[Fate.NOT_LAUNCHED]])
    return counts
