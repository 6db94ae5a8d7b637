"""Fates: every object status maps to one fate, and the counts follow the summary's keys."""

from __future__ import annotations

import numpy as np

from bastion.record.fates import FATES, Fate, detonated, drone_fates, fate_codes, fate_counts
from bastion.types import ObjectStatus


def test_every_status_has_a_fate() -> None:
    statuses = np.array(list(ObjectStatus))
    quiet = drone_fates(statuses, np.zeros(statuses.size, dtype=bool))
    loud = drone_fates(statuses, np.ones(statuses.size, dtype=bool))
    expected = {
        ObjectStatus.PENDING: Fate.NOT_LAUNCHED,
        ObjectStatus.FLYING: Fate.FLYING,
        ObjectStatus.DESTROYED: Fate.DESTROYED,
        ObjectStatus.LANDED: Fate.EW_LANDED,
        ObjectStatus.CRASHED: Fate.EW_CRASHED,
        ObjectStatus.REACHED: Fate.LEAKER,
        ObjectStatus.EXITED: Fate.EXITED,
    }
    assert dict(zip(statuses, quiet, strict=True)) == expected
    # Only a landing is split by its payload: went off -> crashed, else landed intact.
    assert loud[list(ObjectStatus).index(ObjectStatus.LANDED)] == Fate.EW_CRASHED
    assert [f for s, f in zip(statuses, loud, strict=True) if s != ObjectStatus.LANDED] == [
        f for s, f in zip(statuses, quiet, strict=True) if s != ObjectStatus.LANDED
    ]


def test_counts_under_the_summary_keys() -> None:
    status = np.array([0, 1, 2, 2, 3, 3, 4, 5, 6])
    went_off = np.array([0, 0, 1, 0, 1, 0, 0, 0, 0], dtype=bool)
    counts = fate_counts(fate_codes(status, went_off))
    assert counts == {
        "destroyed": 2,
        "ew_landed": 1,
        "ew_crashed": 2,
        "leakers": 1,
        "still_flying": 1,
        "ew_defeated": 3,
        "launched": 8,
    }
    assert len(FATES) == len(set(FATES))


def test_detonation_is_read_from_the_detail() -> None:
    details = np.array(
        ["wreckage after a hit by M1; payload detonated", "landed; no detonation", ""],
        dtype=object,
    )
    assert detonated(details).tolist() == [True, False, False]
