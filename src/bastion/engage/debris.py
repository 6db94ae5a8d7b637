"""Where wreckage lands: point-mass fall under gravity and quadratic air drag in a steady wind.

The wreckage of a hard kill keeps the drone's velocity and falls as a point mass with ballistic
coefficient β = m / (C_d A):

    dv/dt = g − (ρ / 2β) |v − w| (v − w)

with g = (0, 0, −9.80665) m/s², w the wind and ρ = 1.225 kg/m³, the sea-level standard density
held constant (low-level fights: ρ falls by about 3 % per 300 m, so this slightly shortens the
drift). Its terminal speed in still air is sqrt(2βg/ρ). The fall is integrated with fixed-step
classical Runge-Kutta (RK4), all objects at once, and each object's ground crossing is placed by
linear interpolation inside the step where it happens.

Drag relaxes the airspeed at the rate λ = (ρ/β)|v − w|, fastest at the start (a light parachute
at 30 m/s: λ ≈ 18 /s) or at terminal speed, λ = sqrt(2ρg/β). Explicit RK4 is stable only for
λ·dt below about 2.8, so each step is capped at :data:`STABLE_STEP` / λ_max (λ_max over the
objects still falling, at their current speed or at terminal speed) whatever ``dt`` asks: short
steps while a fast light object brakes, the asked step once it falls near terminal speed.
"""

from __future__ import annotations

import numpy as np

GRAVITY_MPS2 = 9.80665
AIR_DENSITY_KG_M3 = 1.225
#: Largest λ·dt allowed (RK4's real-axis stability limit is about 2.785).
STABLE_STEP = 2.0


def _acceleration(vel: np.ndarray, wind: np.ndarray, drag_per_m: np.ndarray) -> np.ndarray:
    """g − (ρ/2β)|v − w|(v − w) for velocities (N, 3), with drag_per_m = ρ/2β (N,)."""
    v_air = vel - wind
    speed = np.sqrt(np.einsum("ij,ij->i", v_air, v_air))
    acc = -(drag_per_m * speed)[:, None] * v_air
    acc[:, 2] -= GRAVITY_MPS2
    return acc


def ballistic_impact(
    pos: np.ndarray,
    vel: np.ndarray,
    wind: np.ndarray,
    ballistic_coefficient_kg_m2: np.ndarray | float,
    dt: float = 0.2,
    ground_up: float = 0.0,
    max_time_s: float = 600.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Ground impact point (N, 3) and fall time (N,) of objects released at pos (N, 3), vel (N, 3).

    Objects on or below the ground return their position and 0. Any still airborne after
    ``max_time_s`` (only possible in an updraft stronger than their terminal speed) return nan.
    """
    pos = np.array(pos, dtype=float).reshape(-1, 3)
    vel = np.array(vel, dtype=float).reshape(-1, 3)
    wind = np.asarray(wind, dtype=float).reshape(3)
    n = pos.shape[0]
    drag = AIR_DENSITY_KG_M3 / (2.0 * np.broadcast_to(ballistic_coefficient_kg_m2, (n,)))
    impact = np.full((n, 3), np.nan)
    t_fall = np.full(n, np.nan)
    down = pos[:, 2] <= ground_up
    impact[down], t_fall[down] = pos[down], 0.0
    live = np.flatnonzero(~down)
    p, v, k = pos[live], vel[live], drag[live]
    step = dt
    t = 0.0
    while live.size and t < max_time_s:
        air = np.sqrt(np.einsum("ij,ij->i", v - wind, v - wind))
        rate = np.maximum(2.0 * k * air, np.sqrt(4.0 * k * GRAVITY_MPS2))  # λ now, and terminal
        dt = min(step, STABLE_STEP / float(rate.max()))
        a1 = _acceleration(v, wind, k)
        a2 = _acceleration(v + 0.5 * dt * a1, wind, k)
        a3 = _acceleration(v + 0.5 * dt * a2, wind, k)
        a4 = _acceleration(v + dt * a3, wind, k)
        p_next = p + dt * (v + dt / 6.0 * (a1 + a2 + a3))
        v_next = v + dt / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
        hit = p_next[:, 2] <= ground_up
        frac = (p[hit, 2] - ground_up) / (p[hit, 2] - p_next[hit, 2])
        impact[live[hit]] = p[hit] + frac[:, None] * (p_next[hit] - p[hit])
        impact[live[hit], 2] = ground_up
        t_fall[live[hit]] = t + frac * dt
        keep = ~hit
        live, p, v, k = live[keep], p_next[keep], v_next[keep], k[keep]
        t += dt
    return impact, t_fall
