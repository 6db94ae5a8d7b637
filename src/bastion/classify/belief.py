"""Reading a class belief: the believed class, or unknown when no class is likely enough.

A belief whose largest probability is below ``unknown_below`` (the doctrine's threshold) says
"unknown": the report counts it so, and the rules of engagement treat such a track by its
behaviour (:mod:`bastion.assign.roe`), never as a confirmed friend or foe.
"""

from __future__ import annotations

import numpy as np

from bastion.types import CLASSES

#: Believed-class labels: the classes, then unknown (index len(CLASSES)).
BELIEVED: tuple[str, ...] = (*CLASSES, "unknown")
UNKNOWN = len(CLASSES)


def believed_class(p: np.ndarray, unknown_below: float) -> np.ndarray:
    """Index into BELIEVED per row of p (N, len(CLASSES)): the most probable class, or
    UNKNOWN where its probability is below ``unknown_below`` (or the row is NaN)."""
    p = np.asarray(p, dtype=float)
    top = np.nan_to_num(p, nan=0.0).argmax(axis=1) if p.size else np.zeros(0, dtype=np.intp)
    sure = np.nan_to_num(p, nan=0.0).max(axis=1, initial=0.0) >= unknown_below
    return np.where(sure, top, UNKNOWN)
