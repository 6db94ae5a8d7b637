"""The class belief in the threat stage and the rules of engagement: a confirmed bird is never
engaged, an unknown object closing fast on an asset is, a slow or distant unknown is not."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.assign.roe import engageable
from bastion.classify.declaration import DroneDeclaration
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


def _allowed(p, east_m: float, speed_mps: float, doctrine: Doctrine, held_s: float = 60.0) -> bool:
    """Whether the ROE allow engaging one established track flying west at the base, its
    belief ``p`` unchanged for ``held_s``."""
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
    declaration = DroneDeclaration.from_doctrine(doctrine)
    for t in (-held_s, 0.0):  # the belief has been what it is for held_s
        belief = declaration.apply(
            ClassBelief(t=t, track_id=np.array([7]), p=np.array([p], dtype=float))
        )
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
    # With a lower bar the same belief reads "drone", too weakly to be declared: it is
    # engaged by its behaviour only, as the unknown was.
    weak = Doctrine(weapons_control="tight", unknown_below=0.4)
    assert _allowed(UNKNOWN, 3_000.0, 40.0, weak)
    assert not _allowed(UNKNOWN, 3_000.0, 10.0, weak)
    assert not _allowed(UNKNOWN, 20_000.0, 40.0, weak)


def test_a_drone_belief_must_hold_before_it_is_engaged_by_class() -> None:
    doctrine = Doctrine(weapons_control="tight", declare_dwell_s=6.0)
    assert not _allowed(DRONE, 20_000.0, 40.0, doctrine, held_s=3.0)  # not declared yet
    assert _allowed(DRONE, 20_000.0, 40.0, doctrine, held_s=6.0)
    # Meanwhile a drone-like track closing fast is engaged by its behaviour, as an unknown is.
    assert _allowed(DRONE, 3_000.0, 40.0, doctrine, held_s=0.0)
