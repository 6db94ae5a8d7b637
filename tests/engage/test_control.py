"""Drones held under the defence's electronic-warfare control, followed on the track table alone:
kept while they fly as steered, released when they do not, found again under a new track id."""

from __future__ import annotations

import numpy as np

from bastion.engage.control import (
    LANDING_WAIT_S,
    LOSS_AFTER_S,
    TURN_GRACE_S,
    ControlledDrones,
)
from bastion.types import TrackStatus, TrackTable

LANDING = np.array([0.0, 0.0, 0.0])
NORTH_5KM = np.array([0.0, 5000.0, 300.0])
TO_LANDING = np.array([0.0, -30.0, 0.0])  # from 5 km north, straight at the landing point
MIN_HITS = 8


def _tracks(t: float, *rows: tuple[int, np.ndarray, np.ndarray]) -> TrackTable:
    """Confirmed, established tracks (track id, position, velocity), updated now."""
    n = len(rows)
    return TrackTable(
        t=t,
        track_id=np.array([r[0] for r in rows], dtype=np.int64),
        x=np.array([np.concatenate([r[1], r[2]]) for r in rows]).reshape(n, 6),
        P=np.broadcast_to(np.eye(6) * 25.0, (n, 6, 6)).copy(),
        status=np.full(n, TrackStatus.CONFIRMED, np.int8),
        hits=np.full(n, 20, np.int32),
        misses=np.zeros(n, np.int32),
        last_update_t=np.full(n, t),
        truth_id=np.full(n, -1, np.int64),
    )


def _held(t: float = 0.0) -> ControlledDrones:
    """Track 9, 5 km north of the landing point, taken over at t."""
    held = ControlledDrones(MIN_HITS)
    x = np.concatenate([NORTH_5KM, TO_LANDING])
    held.take(9, t, x, "EW1", "field", LANDING)
    return held


def _flown(t: float) -> np.ndarray:
    """Where track 9's drone is at t, flying straight at the landing point."""
    return NORTH_5KM + TO_LANDING * t


def test_a_held_drone_flying_to_its_landing_area_stays_held_with_no_event():
    held = _held()
    for t in range(1, 100):
        assert held.update(_tracks(float(t), (9, _flown(t), TO_LANDING))) == []
    assert held.track_ids() == {9}


def test_a_held_track_that_turns_away_for_long_enough_is_released():
    held = _held()
    away = np.array([30.0, 0.0, 0.0])  # east: 90 degrees off the bearing to the landing point
    # During the turn after the takeover any course is allowed.
    for t in range(1, int(TURN_GRACE_S)):
        assert held.update(_tracks(float(t), (9, _flown(0), away))) == []
    # After it, a glitch shorter than LOSS_AFTER_S is not a loss of control.
    t0 = TURN_GRACE_S + 5.0
    for dt in range(int(LOSS_AFTER_S) - 1):
        assert held.update(_tracks(t0 + dt, (9, _flown(t0), away))) == []
    assert held.update(_tracks(t0 + 20.0, (9, _flown(t0), TO_LANDING))) == []
    events = []
    for dt in range(int(LOSS_AFTER_S) + 1):
        events += held.update(_tracks(t0 + 30.0 + dt, (9, _flown(t0), away)))
    assert [e.kind for e in events] == ["control_lost"]
    assert events[0].track_id == 9 and "engageable again" in events[0].detail
    assert held.track_ids() == frozenset()


def test_a_coasting_held_track_is_not_judged_by_its_extrapolated_course():
    held = _held()
    away = np.array([30.0, 0.0, 0.0])
    for t in range(int(TURN_GRACE_S) + 1, int(TURN_GRACE_S + 3 * LOSS_AFTER_S)):
        tracks = _tracks(float(t), (9, _flown(0), away))
        coasting = TrackTable(**{**_fields(tracks), "misses": np.array([3], np.int32)})
        assert held.update(coasting) == []
    assert held.track_ids() == {9}


def _fields(tracks: TrackTable) -> dict:
    return {f: getattr(tracks, f) for f in tracks.__dataclass_fields__}


def test_a_held_drone_lost_on_its_way_is_found_again_under_a_new_track_id():
    held = _held()
    neighbour = np.array([400.0, 0.0, 0.0])  # another drone of the raid, flying alongside
    for t in range(1, 40):
        held.update(
            _tracks(float(t), (9, _flown(t), TO_LANDING), (5, _flown(t) + neighbour, TO_LANDING))
        )
    # Track 9 is lost; the neighbour keeps its track 5, as steered and near where 9's drone is
    # dead-reckoned to be: it was there alongside it, so it is another object.
    for t in range(40, 60):
        assert held.update(_tracks(float(t), (5, _flown(t) + neighbour, TO_LANDING))) == []
    assert held.track_ids() == frozenset()
    # A new track 12 turns up where the drone should be, flying to the landing point.
    events = held.update(
        _tracks(60.0, (5, _flown(60) + neighbour, TO_LANDING), (12, _flown(60), TO_LANDING))
    )
    assert [(e.kind, e.track_id) for e in events] == [("controlled", 12)]
    assert "the one new track flying as steered" in events[0].detail
    assert held.track_ids() == {12}


def test_where_two_new_tracks_could_be_the_held_drone_neither_is_taken():
    held = _held()
    for t in range(1, 40):
        held.update(_tracks(float(t), (9, _flown(t), TO_LANDING)))
    beside = np.array([200.0, 0.0, 0.0])
    both = _tracks(45.0, (12, _flown(45), TO_LANDING), (13, _flown(45) + beside, TO_LANDING))
    assert held.update(both) == [] and held.track_ids() == frozenset()
    # One flying elsewhere is not the drone either.
    elsewhere = _tracks(46.0, (14, _flown(46), np.array([0.0, 30.0, 0.0])))
    assert held.update(elsewhere) == [] and held.track_ids() == frozenset()


def test_over_the_landing_area_a_low_established_track_is_taken_for_a_drone_circling_down():
    held = ControlledDrones(MIN_HITS)
    circling = np.array([0.0, 25.0, 0.0])
    held.take(9, 0.0, np.array([300.0, 0.0, 80.0, 0.0, 25.0, 0.0]), "EW1", "field", LANDING)
    held.update(_tracks(1.0, (9, np.array([300.0, 25.0, 80.0]), circling)))
    # Lost; an attacker passes over at its cruising height; a new low track appears.
    tracks = _tracks(
        20.0,
        (20, np.array([-500.0, 200.0, 300.0]), np.array([30.0, 0.0, 0.0])),
        (21, np.array([-200.0, 300.0, 40.0]), np.array([-25.0, 0.0, 0.0])),
    )
    events = held.update(tracks)
    assert [(e.kind, e.track_id) for e in events] == [("controlled", 21)]
    assert "a low track over field" in events[0].detail
    # A young track is left until it is established.
    young = _tracks(
        21.0, (21, np.array([-225.0, 300.0, 40.0]), circling), (22, np.zeros(3), circling)
    )
    young = TrackTable(**{**_fields(young), "hits": np.array([20, MIN_HITS - 1], np.int32)})
    assert held.update(young) == [] and held.track_ids() == {21}


def test_a_drone_no_longer_looked_for_is_forgotten():
    held = ControlledDrones(MIN_HITS)
    held.take(9, 0.0, np.array([300.0, 0.0, 80.0, 0.0, 25.0, 0.0]), "EW1", "field", LANDING)
    held.update(_tracks(1.0, (9, np.array([300.0, 25.0, 80.0]), np.zeros(3))))
    later = 1.0 + LANDING_WAIT_S + 1.0
    assert held.update(_tracks(later, (21, np.array([0.0, 0.0, 40.0]), np.zeros(3)))) == []
    assert held.track_ids() == frozenset()
