"""The class belief in the threat stage and the rules of engagement: a confirmed bird is never
engaged, an unknown object closing fast on an asset is, a slow or distant unknown is not."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.assign.roe import engageable
from bastion.scenario.schema import Doctrine
from bastion.scenario.site import Site
from bastion.threat.cpa import CpaThreatEvaluator
from bastion.types import ClassBelief, TrackStatus, TrackTable

BIRD = [0.05, 0.9, 0.0, 0.05]
UNKNOWN = [0.45, 0.35, 0.05, 0.15]
DRONE = [0.85, 0.1, 0.0, 0.05]


def _site() -> Site:
    return Site(
        origin=(0.0, 0.0, 0.0),
        asset_names=("base",),
        asset_pos=np.zeros((1, 3)),
        asset_radius_m=np.array([500.0]),
        asset_value=np.array([100.0]),
        no_debris_names=(),
        no_debris_polygons=(),
        landing_names=(),
        landing_polygons=(),
    )


def _allowed(p, east_m: float, speed_mps: float, doctrine: Doctrine) -> bool:
    """Whether the ROE allow engaging one established track flying west at the base."""
    tracks = TrackTable(
        t=0.0,
        track_id=np.array([7]),
        x=np.array([[east_m, 0.0, 150.0, -speed_mps, 0.0, 0.0]]),
        P=np.eye(6)[None],
        status=np.array([TrackStatus.CONFIRMED], np.int8),
        hits=np.array([30], np.int32),
        misses=np.zeros(1, np.int32),
        last_update_t=np.zeros(1),
        truth_id=np.zeros(1, np.int64),
    )
    belief = ClassBelief(t=0.0, track_id=np.array([7]), p=np.array([p], dtype=float))
    threats = CpaThreatEvaluator(_site(), doctrine).evaluate(tracks, belief)
    return bool(engageable(threats, tracks, belief, doctrine, frozenset()).size)


@pytest.mark.parametrize("control", ["tight", "free"])
def test_a_confirmed_bird_is_never_engaged(control: str) -> None:
    doctrine = Doctrine(weapons_control=control)
    assert not _allowed(BIRD, 3_000.0, 40.0, doctrine)  # even diving at the base fast


def test_an_unknown_fast_closer_on_a_collision_course_is_engaged() -> None:
    doctrine = Doctrine(weapons_control="tight")
    assert _allowed(UNKNOWN, 3_000.0, 40.0, doctrine)  # 2.5 km to go at 40 m/s: 62 s
    assert _allowed(DRONE, 20_000.0, 40.0, doctrine)  # a declared drone needs no hurry


def test_a_slow_or_distant_unknown_is_not_engaged() -> None:
    doctrine = Doctrine(weapons_control="tight")
    assert not _allowed(UNKNOWN, 3_000.0, 10.0, doctrine)  # as slow as a bird
    assert not _allowed(UNKNOWN, 20_000.0, 40.0, doctrine)  # 8 min away: time to look
    # With a lower bar the same belief reads "drone", but too weakly to engage by class.
    weak = Doctrine(weapons_control="tight", unknown_below=0.4)
    assert not _allowed(UNKNOWN, 3_000.0, 40.0, weak)
