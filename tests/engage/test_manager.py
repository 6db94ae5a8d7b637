"""Engagement manager: orders, approvals, shoot-look-shoot, outcomes fed back to the world."""

from __future__ import annotations

import numpy as np

from bastion.engine import Simulation
from bastion.scenario.loader import load_builtin, parse_scenario
from bastion.types import Assignment, NavMode, ObjectStatus, TrackStatus, TrackTable


def _sim(**doctrine) -> Simulation:
    data = load_builtin("hmeimim-2018").model_dump(mode="json")
    for eff in data["effectors"]:
        if eff["type"] == "missile":
            eff["p_kill"] = 1.0
        if eff["type"] == "gnss_jammer":
            eff["p_takeover"] = 1.0
    data["doctrine"].update(doctrine)
    return Simulation(parse_scenario(data, "test"), seed=3)


def _place_drone(sim: Simulation, pos, vel=(0.0, -30.0, 0.0), t=100.0) -> TrackTable:
    """Object 0 (a drone) flying at pos; a confirmed track 9 on it."""
    world = sim.world
    world.t = t
    world.status[0] = ObjectStatus.FLYING
    world.pos[0], world.vel[0] = pos, vel
    x = np.concatenate([pos, vel])[None, :]
    return TrackTable(
        t=t,
        track_id=np.array([9]),
        x=x,
        P=np.eye(6)[None] * 100.0,
        status=np.array([TrackStatus.CONFIRMED], np.int8),
        hits=np.array([20], np.int32),
        misses=np.zeros(1, np.int32),
        last_update_t=np.array([t]),
        truth_id=np.array([0]),
    )


def _order(tracks: TrackTable, effector_id: str) -> Assignment:
    return Assignment(
        t=tracks.t,
        track_id=np.array([9]),
        effector_id=np.array([effector_id], dtype=object),
        intercept_pos=tracks.x[:, :3],
        t_intercept=np.array([tracks.t + 10.0]),
        p_kill=np.array([1.0]),
        reason=np.array(["test"], dtype=object),
    )


def _resolve_until(sim: Simulation, t_end: float) -> list:
    events = []
    t = sim.world.t
    while t < t_end:
        t += 1.0
        sim.world.t = t
        events += sim.manager.resolve(sim.world.truth(), sim.world, np.random.default_rng(0))
    return events


def test_missile_kill_destroys_the_drone_and_its_wreckage_lands_later() -> None:
    sim = _sim()
    tracks = _place_drone(sim, np.array([0.0, 8000.0, 300.0]))
    launch = sim.manager.order(_order(tracks, "M1-hmeimim"), tracks)
    assert [e.kind for e in launch] == ["launch"] and launch[0].munitions == 1
    assert sim.manager.engaged_track_ids() == {9}
    events = _resolve_until(sim, 160.0)
    kinds = [e.kind for e in events]
    assert kinds == ["kill", "impact"]
    assert sim.world.status[0] == ObjectStatus.DESTROYED
    assert sim.manager.engaged_track_ids() == frozenset()
    # ~8 km out, 300 m up, moving south at 30 m/s: wreckage lands south of the kill point.
    kill, impact = events
    assert impact.pos[1] < kill.pos[1] and abs(impact.pos[1] - kill.pos[1]) < 500.0


def test_jammer_takes_over_a_gnss_drone_but_not_a_remote_controlled_one() -> None:
    sim = _sim()
    tracks = _place_drone(sim, np.array([5000.0, 5000.0, 300.0]))
    sim.manager.order(_order(tracks, "EW1-hmeimim"), tracks)
    events = _resolve_until(sim, 130.0)
    assert [e.kind for e in events] == ["takeover"]
    assert sim.world.nav[0] == NavMode.SPOOFED

    sim = _sim()
    tracks = _place_drone(sim, np.array([5000.0, 5000.0, 300.0]))
    sim.world.nav[0] = NavMode.REMOTE
    sim.manager.order(_order(tracks, "EW1-hmeimim"), tracks)
    events = _resolve_until(sim, 130.0)
    assert [e.kind for e in events] == ["miss"] and "remote-controlled" in events[0].detail
    assert sim.world.nav[0] == NavMode.REMOTE and sim.world.status[0] == ObjectStatus.FLYING


def test_operator_approval_delays_the_shot() -> None:
    sim = _sim(approval="operator", operator_delay_s=10.0)
    tracks = _place_drone(sim, np.array([0.0, 8000.0, 300.0]))
    events = sim.manager.order(_order(tracks, "M1-hmeimim"), tracks)
    assert [e.kind for e in events] == ["approval_requested"]
    assert sim.manager.engaged_track_ids() == {9}
    assert sim.manager.release_approved(tracks) == []
    later = _place_drone(sim, np.array([0.0, 7700.0, 300.0]), t=110.0)
    assert [e.kind for e in sim.manager.release_approved(later)] == ["launch"]


def test_without_shoot_look_shoot_a_second_shot_may_follow_before_the_look() -> None:
    sls = _sim()
    tracks = _place_drone(sls, np.array([0.0, 8000.0, 300.0]))
    sls.manager.order(_order(tracks, "M1-hmeimim"), tracks)
    assert 9 in sls.manager.engaged_track_ids()

    salvo = _sim(shoot_look_shoot=False)
    tracks = _place_drone(salvo, np.array([0.0, 8000.0, 300.0]))
    salvo.manager.order(_order(tracks, "M1-hmeimim"), tracks)
    assert 9 not in salvo.manager.engaged_track_ids()
    salvo.manager.order(_order(tracks, "M1-hmeimim"), tracks)
    assert 9 in salvo.manager.engaged_track_ids()


def test_a_shot_at_a_false_track_misses() -> None:
    sim = _sim()
    tracks = _place_drone(sim, np.array([0.0, 8000.0, 300.0]))
    tracks = TrackTable(
        **{
            **{f: getattr(tracks, f) for f in tracks.__dataclass_fields__},
            "truth_id": np.array([-1]),
        }
    )
    sim.manager.order(_order(tracks, "M1-hmeimim"), tracks)
    events = _resolve_until(sim, 130.0)
    assert [e.kind for e in events] == ["miss"] and "false track" in events[0].detail
