"""Drone declaration: p_drone must hold at the bar for the dwell, and the ROE acts on it."""

from __future__ import annotations

import numpy as np

from bastion.classify.declaration import DroneDeclaration, declared_rows
from bastion.scenario.schema import Doctrine
from bastion.types import ClassBelief


def _belief(t: float, ids: list[int], p_drone: list[float]) -> ClassBelief:
    pd = np.array(p_drone)
    p = np.column_stack([pd, 1.0 - pd, np.zeros_like(pd), np.zeros_like(pd)])
    return ClassBelief(t=t, track_id=np.array(ids, dtype=np.int64), p=p)


def test_declared_once_the_belief_has_held_for_the_dwell() -> None:
    d = DroneDeclaration(threshold=0.7, dwell_s=3.0)
    # Track 1 rises to the bar at t=1 and stays; track 2 flickers across it.
    history = {1: [0.5, 0.8, 0.9, 0.75, 0.95, 0.95], 2: [0.8, 0.6, 0.8, 0.9, 0.65, 0.8]}
    out = [
        d.apply(_belief(float(t), [1, 2], [history[1][t], history[2][t]])).declared_drone
        for t in range(6)
    ]
    np.testing.assert_array_equal(np.array(out), [[0, 0], [0, 0], [0, 0], [0, 0], [1, 0], [1, 0]])
    # Falling below the bar ends the declaration and restarts the clock.
    assert not d.apply(_belief(6.0, [1], [0.5])).declared_drone[0]
    assert not d.apply(_belief(7.0, [1], [0.99])).declared_drone[0]


def test_no_dwell_is_the_bare_threshold_and_gone_tracks_are_forgotten() -> None:
    d = DroneDeclaration(threshold=0.7, dwell_s=0.0)
    b = d.apply(_belief(0.0, [5, 3, 9], [0.7, 0.69, 0.99]))
    np.testing.assert_array_equal(b.declared_drone, [True, False, True])
    d = DroneDeclaration(threshold=0.7, dwell_s=2.0)
    d.apply(_belief(0.0, [4], [0.9]))
    d.apply(_belief(1.0, [], []))  # track 4 deleted
    assert not d.apply(_belief(2.0, [4], [0.9])).declared_drone[0]  # a new track 4


def test_declared_rows_replays_the_online_declaration() -> None:
    rng = np.random.default_rng(2)
    ticks, ids = np.meshgrid(np.arange(40.0), [7, 1, 4], indexing="ij")
    t, track_id = ticks.ravel(), ids.ravel()
    p_drone = np.clip(0.7 + rng.normal(0.0, 0.15, t.size), 0.0, 1.0)
    p = np.column_stack([p_drone, 1.0 - p_drone, np.zeros((t.size, 2))])
    shuffle = rng.permutation(t.size)
    doctrine = Doctrine(declare_dwell_s=2.0, declare_dwell_after_friendly_s=5.0)
    got = declared_rows(t[shuffle], track_id[shuffle], p[shuffle], doctrine)
    d = DroneDeclaration.from_doctrine(doctrine)
    want = np.concatenate(
        [
            d.apply(ClassBelief(float(k), track_id[t == k], p[t == k])).declared_drone
            for k in range(40)
        ]
    )
    np.testing.assert_array_equal(got[np.argsort(shuffle)], want)
    assert 0 < want.sum() < (p_drone >= 0.7).sum()  # the dwell removed some, not all


def test_a_track_once_believed_bird_must_hold_longer() -> None:
    d = DroneDeclaration(threshold=0.7, dwell_s=2.0, friendly_bar=0.6, dwell_after_friendly_s=5.0)
    # Track 1 is a bird (p_bird 0.8) at t=0, then drone-like from t=1; track 2 never was.
    p1 = [0.2, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
    p2 = [0.5, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
    out = np.array(
        [d.apply(_belief(float(t), [1, 2], [p1[t], p2[t]])).declared_drone for t in range(8)]
    )
    assert out[:, 1].tolist() == [0, 0, 0, 1, 1, 1, 1, 1]  # 2 s after t=1
    assert out[:, 0].tolist() == [0, 0, 0, 0, 0, 0, 1, 1]  # 5 s after t=1
