"""Vectorised waypoint autopilot for every flying object (drones, birds, aircraft).

Each object flies at a commanded airspeed V toward its current goal. Heading is the *air*
heading, turned toward the heading that makes the ground track point at the goal (wind
correction, "crab"): with course unit u and wind w, split w = (w·u)u + w⊥, then the air vector
a = -w⊥ + sqrt(V² - |w⊥|²) u flies along u. The turn per step is bounded by the object's turn
rate; climb is proportional to the height error and bounded by its climb rate.
"""

from __future__ import annotations

import numpy as np

CLIMB_GAIN_PER_S = 0.2  # vertical speed command per metre of height error


def wrap_angle(a: np.ndarray) -> np.ndarray:
    """Angles to (-pi, pi]."""
    return np.pi - np.mod(np.pi - a, 2.0 * np.pi)


def _crab(u: np.ndarray, airspeed: np.ndarray, wind: np.ndarray):
    """For course unit vectors u (N, 2): the wind along them (N,), across them (N, 2), and the
    airspeed left along them once the crosswind is cancelled (N,)."""
    w = wind[:2]
    w_par = u @ w
    w_perp = w[None, :] - w_par[:, None] * u
    along = np.sqrt(np.maximum(airspeed**2 - np.sum(w_perp**2, axis=1), 0.0))
    return w_par, w_perp, along


def crab_heading(course_vec: np.ndarray, airspeed: np.ndarray, wind: np.ndarray) -> np.ndarray:
    """Air heading (rad, clockwise from north) that flies along each horizontal course (N, 2)."""
    norm = np.linalg.norm(course_vec, axis=1, keepdims=True)
    u = np.divide(course_vec, norm, out=np.zeros_like(course_vec), where=norm > 0)
    _, w_perp, along = _crab(u, airspeed, wind)
    air = -w_perp + along[:, None] * u
    return np.arctan2(air[:, 0], air[:, 1])


def ground_speed_on_course(
    course: np.ndarray, airspeed: np.ndarray, wind: np.ndarray
) -> np.ndarray:
    """Ground speed (N,) of a flyer holding ``airspeed`` (N,) and crabbing to keep each course
    (N,) rad clockwise from north: the headwind slows it, the tailwind speeds it up."""
    u = np.column_stack([np.sin(course), np.cos(course)])
    w_par, _, along = _crab(u, airspeed, wind)
    return along + w_par


def steer(
    pos_believed: np.ndarray,
    goal: np.ndarray,
    heading: np.ndarray,
    airspeed: np.ndarray,
    max_turn_rate: np.ndarray,
    max_climb: np.ndarray,
    height: np.ndarray,
    wind: np.ndarray,
    dt: float,
) -> tuple[np.ndarray, np.ndarray]:
    """New air heading (N,) and ground velocity (N, 3) after one step of dt seconds.

    ``pos_believed`` is where each object thinks it is (truth, or a drifting inertial estimate);
    ``height`` is its true height, which a barometric altimeter keeps without GNSS.
    """
    wanted = crab_heading(goal[:, :2] - pos_believed[:, :2], airspeed, wind)
    turn = np.clip(wrap_angle(wanted - heading), -max_turn_rate * dt, max_turn_rate * dt)
    new_heading = wrap_angle(heading + turn)
    vel = np.empty((heading.shape[0], 3))
    vel[:, 0] = airspeed * np.sin(new_heading) + wind[0]
    vel[:, 1] = airspeed * np.cos(new_heading) + wind[1]
    vel[:, 2] = np.clip(CLIMB_GAIN_PER_S * (goal[:, 2] - height), -max_climb, max_climb)
    return new_heading, vel
