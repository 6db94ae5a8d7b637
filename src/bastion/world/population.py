"""Who is in the sky: drones from the raids, bird flocks and civil aircraft, drawn per scenario.

Everything is laid out as arrays, one row per object, in a fixed order (raids, then flocks, then
aircraft) so that object ids are stable for a scenario and seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bastion.scenario.schema import Scenario
from bastion.scenario.site import Site
from bastion.types import NavMode, ObjectKind
from bastion.world.birds import BirdHabit, HomeRange, draw_habit

#: Birds fly by their own model (bastion.world.birds), not the autopilot: these only bound
#: the autopilot's columns for them.
BIRD_TURN_RATE_DEG_S = 90.0
BIRD_CLIMB_MPS = 3.0
AIRCRAFT_TURN_RATE_DEG_S = 3.0
AIRCRAFT_CLIMB_MPS = 10.0
#: Ballistic coefficients (kg/m²) of a bird and of an aircraft, should one be shot down.
BIRD_BALLISTIC_KG_M2 = 5.0
AIRCRAFT_BALLISTIC_KG_M2 = 2000.0


@dataclass(frozen=True, slots=True)
class Population:
    """Static description of every object plus its initial position and route."""

    kind: np.ndarray  # (N,) int8 ObjectKind
    group: tuple[str, ...]  # raid, flock or aircraft name per object
    rcs_m2: np.ndarray  # (N,)
    start_t: np.ndarray  # (N,) launch / appearance time, s
    start_pos: np.ndarray  # (N, 3)
    airspeed: np.ndarray  # (N,) m/s
    max_turn_rate: np.ndarray  # (N,) rad/s
    max_climb: np.ndarray  # (N,) m/s
    goals: np.ndarray  # (N, W, 3) route points (up = commanded height), padded with the last
    goal_count: np.ndarray  # (N,) int
    target_asset: np.ndarray  # (N,) int, the drone's target asset index; -1 for others
    nav_mode: np.ndarray  # (N,) int8 NavMode at launch
    ballistic_coefficient: np.ndarray  # (N,) kg/m^2 of wreckage
    ins_drift_mps: np.ndarray  # (N,)
    p_detonate: np.ndarray  # (N,) payload detonation probability on ground impact
    lethal_radius_m: np.ndarray  # (N,)
    payload_armed: np.ndarray  # (N,) bool
    link_loss_action: tuple[str, ...] = ()  # drones' failsafe when their control link is lost
    bird_habits: tuple[BirdHabit, ...] = ()  # per bird, in object order (bastion.world.birds)
    bird_home: HomeRange | None = None  # the birds' home ranges, in the same order

    def __len__(self) -> int:
        return int(self.kind.shape[0])


def _disc(rng: np.random.Generator, n: int, radius: float) -> np.ndarray:
    """n points uniform in a disc, (n, 2)."""
    r = radius * np.sqrt(rng.random(n))
    a = rng.uniform(0.0, 2.0 * np.pi, n)
    return np.stack([r * np.sin(a), r * np.cos(a)], axis=1)


def _row(
    kind: ObjectKind,
    group: str,
    rcs: float,
    t0: float,
    pos: np.ndarray,
    speed: float,
    turn_deg_s: float,
    climb: float,
    goals: np.ndarray,
    beta: float,
    *,
    target: int = -1,
    nav: NavMode = NavMode.GNSS,
    drift: float = 0.0,
    p_det: float = 0.0,
    lethal: float = 0.0,
    armed: bool = False,
    link_loss: str = "",
) -> dict[str, Any]:
    """One object's row of the population; the defaults are those of background traffic
    (birds, aircraft): no target, GNSS navigation, no payload, no control link."""
    return dict(
        kind=kind,
        group=group,
        rcs=rcs,
        t0=t0,
        pos=pos,
        speed=speed,
        turn=np.radians(turn_deg_s),
        climb=climb,
        goals=goals,
        target=target,
        nav=nav,
        beta=beta,
        drift=drift,
        p_det=p_det,
        lethal=lethal,
        armed=armed,
        link_loss=link_loss,
    )


def build_population(scenario: Scenario, site: Site, rng: np.random.Generator) -> Population:
    rows: list[dict[str, Any]] = []
    types = {d.name: d for d in scenario.drone_types}
    for raid in scenario.raids:
        dtype = types[raid.drone_type]
        centre = site.to_enu(raid.launch_area)
        starts = centre[:2] + _disc(rng, raid.count, raid.launch_radius_m)
        times = np.sort(rng.uniform(*raid.launch_window_s, raid.count))
        target = site.asset_index(raid.target)
        route = [site.to_enu(w)[:2] for w in raid.waypoints] + [site.asset_pos[target, :2]]
        goals = np.array([[p[0], p[1], raid.cruise_altitude_m] for p in route])
        for k in range(raid.count):
            rows.append(
                _row(
                    ObjectKind.DRONE,
                    raid.name,
                    dtype.rcs_m2,
                    times[k],
                    np.array([starts[k, 0], starts[k, 1], 0.0]),
                    raid.cruise_speed_mps,
                    dtype.max_turn_rate_deg_s,
                    dtype.max_climb_mps,
                    goals,
                    dtype.ballistic_coefficient_kg_m2,
                    target=target,
                    nav=NavMode.GNSS if raid.navigation == "autonomous_gnss" else NavMode.REMOTE,
                    drift=dtype.ins_drift_mps,
                    p_det=dtype.p_payload_detonates_on_impact,
                    lethal=dtype.payload_lethal_radius_m,
                    armed=dtype.payload_kg > 0,
                    link_loss=dtype.link_loss_action,
                )
            )
    habits: list[BirdHabit] = []
    homes: list[tuple[float, float, float, float, float]] = []
    for flock in scenario.background.bird_flocks:
        centre = site.to_enu(flock.center)[:2]
        for _ in range(flock.count):
            start = np.append(
                centre + _disc(rng, 1, flock.radius_m)[0], rng.uniform(*flock.altitude_m)
            )
            habits.append(draw_habit(rng, flock.speed_mps))
            homes.append((*centre, flock.radius_m, *flock.altitude_m))
            rows.append(
                _row(
                    ObjectKind.BIRD,
                    flock.name,
                    flock.rcs_m2,
                    0.0,
                    start,
                    habits[-1].airspeed,
                    BIRD_TURN_RATE_DEG_S,
                    BIRD_CLIMB_MPS,
                    start[None, :],
                    BIRD_BALLISTIC_KG_M2,
                )
            )
    for plane in scenario.background.civil_aircraft:
        path = np.array([site.to_enu(p)[:2] for p in plane.route])
        start = np.array([path[0, 0], path[0, 1], plane.altitude_m])
        goals = np.column_stack([path[1:], np.full(len(path) - 1, plane.altitude_m)])
        rows.append(
            _row(
                ObjectKind.AIRCRAFT,
                plane.name,
                plane.rcs_m2,
                plane.start_s,
                start,
                plane.speed_mps,
                AIRCRAFT_TURN_RATE_DEG_S,
                AIRCRAFT_CLIMB_MPS,
                goals,
                AIRCRAFT_BALLISTIC_KG_M2,
            )
        )
    width = max(len(r["goals"]) for r in rows)
    goals = np.stack(
        [
            np.concatenate([r["goals"], np.repeat(r["goals"][-1:], width - len(r["goals"]), 0)])
            for r in rows
        ]
    )

    def col(key: str, dtype: Any = float) -> np.ndarray:
        return np.array([r[key] for r in rows], dtype=dtype)

    return Population(
        kind=col("kind", np.int8),
        group=tuple(r["group"] for r in rows),
        rcs_m2=col("rcs"),
        start_t=col("t0"),
        start_pos=np.stack([r["pos"] for r in rows]),
        airspeed=col("speed"),
        max_turn_rate=col("turn"),
        max_climb=col("climb"),
        goals=goals,
        goal_count=np.array([len(r["goals"]) for r in rows]),
        target_asset=col("target", np.int64),
        nav_mode=col("nav", np.int8),
        ballistic_coefficient=col("beta"),
        ins_drift_mps=col("drift"),
        p_detonate=col("p_det"),
        lethal_radius_m=col("lethal"),
        payload_armed=col("armed", bool),
        link_loss_action=tuple(r["link_loss"] for r in rows),
        bird_habits=tuple(habits),
        bird_home=_home_ranges(homes),
    )


def _home_ranges(homes: list[tuple[float, float, float, float, float]]) -> HomeRange:
    """(centre east, north, radius, low, high) per bird, as a HomeRange."""
    a = np.array(homes, dtype=float).reshape(-1, 5)
    return HomeRange(centre=a[:, :2], radius_m=a[:, 2], band_m=a[:, 3:])
