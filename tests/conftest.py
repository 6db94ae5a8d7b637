"""Shared builders for tests of every stage: truths at given positions."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from bastion.types import NavMode, ObjectKind, ObjectStatus, TruthBatch

MakeTruth = Callable[..., TruthBatch]


def truth_at(
    pos: np.ndarray,
    vel: np.ndarray | None = None,
    rcs_m2: float | np.ndarray = 1.0,
    t: float = 1.0,
    status: ObjectStatus | np.ndarray = ObjectStatus.FLYING,
    kind: ObjectKind | np.ndarray = ObjectKind.DRONE,
    nav: NavMode | np.ndarray = NavMode.GNSS,
    first_id: int = 0,
) -> TruthBatch:
    """A truth of objects at ``pos`` (N, 3), ids first_id.., everything else broadcast."""
    pos = np.asarray(pos, dtype=float).reshape(-1, 3)
    n = pos.shape[0]

    def col(value: object, dtype: type) -> np.ndarray:
        return np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy()

    return TruthBatch(
        t=t,
        object_id=np.arange(first_id, first_id + n, dtype=np.int64),
        kind=col(kind, np.int8),
        status=col(status, np.int8),
        nav_mode=col(nav, np.int8),
        pos=pos,
        vel=np.zeros((n, 3)) if vel is None else np.broadcast_to(vel, (n, 3)).astype(float),
        rcs_m2=col(rcs_m2, float),
    )


@pytest.fixture
def make_truth() -> MakeTruth:
    return truth_at
