"""Missile fly-out: when and where a missile launched after a reaction delay meets its target.

Targets keep their velocity v; at launch (after ``delay_s``) a target is at p0 = p + v·delay.
Three models, each returning the time from now to the intercept (nan where there is none), the
intercept point, and the miss distance (0 for the two straight-line models):

- mean speed: a straight collision course at constant speed s (:func:`intercept_time`).
- time-of-flight table: the missile flies D(τ) metres in τ seconds, D the inverse of a published
  table of time of flight against slant range (linear between rows, from (0, 0)). The intercept
  is the root of f(τ) = D(τ) − |p0 + v τ − launcher|, found by bisection: f(0) ≤ 0 and f grows
  as long as the missile outruns the target, so the root is unique; beyond the table's last
  time there is none (out of range).
- proportional navigation (PN): the missile leaves along the line of sight at constant speed s
  and turns with pure PN, a = N′ (ω × v_m) with ω = (r × ṙ)/|r|² the line-of-sight rate, limited
  to a_max, integrated with step dt until the range stops closing. The miss distance is the
  closest approach of the last step's relative straight-line motion; unlike the collision course
  it depends on the turn the geometry demands, so a crossing target close in can be missed.
"""

from __future__ import annotations

import numpy as np

from bastion.engage.intercept import intercept_time

#: Bisection steps for the table model: the bracket shrinks by 2**-60, far below a millisecond.
BISECTION_STEPS = 60


def straight_intercept(
    launcher: np.ndarray, x: np.ndarray, speed: float, delay_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Time to intercept (N,) and intercept point (N, 3) on a straight collision course."""
    t_go = intercept_time(launcher, x[:, :3], x[:, 3:], speed, delay_s)
    return t_go, x[:, :3] + x[:, 3:] * t_go[:, None]


def table_distance(tau: np.ndarray, ranges: np.ndarray, times: np.ndarray) -> np.ndarray:
    """D(τ): distance flown after τ seconds, linear between the table's (time, range) rows."""
    if times[0] > 0.0:
        times, ranges = np.r_[0.0, times], np.r_[0.0, ranges]
    return np.interp(tau, times, ranges)


def table_intercept(
    launcher: np.ndarray,
    x: np.ndarray,
    ranges: np.ndarray,
    times: np.ndarray,
    delay_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Time to intercept (N,) and point (N, 3) for a missile following a time-of-flight table."""
    q = x[:, :3] + x[:, 3:] * delay_s - launcher
    v = x[:, 3:]
    lo = np.zeros(q.shape[0])
    hi = np.full(q.shape[0], float(times[-1]))

    def gap(tau: np.ndarray) -> np.ndarray:
        return table_distance(tau, ranges, times) - np.linalg.norm(q + v * tau[:, None], axis=1)

    reachable = gap(hi) >= 0.0
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        short = gap(mid) < 0.0
        lo = np.where(short, mid, lo)
        hi = np.where(short, hi, mid)
    tau = np.where(reachable, hi, np.nan)
    t_go = delay_s + tau
    return t_go, x[:, :3] + x[:, 3:] * t_go[:, None]


def pn_intercept(
    launcher: np.ndarray,
    x: np.ndarray,
    speed: float,
    delay_s: float,
    navigation_constant: float,
    max_accel_mps2: float,
    max_time_s: float,
    dt: float = 0.02,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time to closest approach (N,), the target's position then (N, 3) and the miss (N,).

    Flights still closing at ``max_time_s`` after launch return nan time and point.
    """
    n = x.shape[0]
    target = x[:, :3] + x[:, 3:] * delay_s
    v_t = x[:, 3:]
    los = target - launcher
    dist = np.linalg.norm(los, axis=1, keepdims=True)
    m_pos = np.broadcast_to(launcher, (n, 3)).copy()
    m_vel = speed * np.divide(los, dist, out=np.zeros_like(los), where=dist > 0)
    t_cpa = np.full(n, np.nan)
    miss = np.full(n, np.nan)
    live = np.arange(n)
    t = 0.0
    while live.size and t < max_time_s:
        r = target[live] - m_pos[live]
        rdot = v_t[live] - m_vel[live]
        rr = np.sum(r * r, axis=1, keepdims=True)
        omega = np.cross(r, rdot) / np.maximum(rr, 1e-12)
        acc = navigation_constant * np.cross(omega, m_vel[live])
        norm = np.linalg.norm(acc, axis=1, keepdims=True)
        acc *= np.minimum(1.0, max_accel_mps2 / np.maximum(norm, 1e-12))
        vel = m_vel[live] + acc * dt
        vel *= speed / np.linalg.norm(vel, axis=1, keepdims=True)  # pure PN turns, keeps speed
        m_pos[live] += 0.5 * (m_vel[live] + vel) * dt
        m_vel[live] = vel
        target[live] += v_t[live] * dt
        t += dt
        r_new = target[live] - m_pos[live]
        rdot_new = v_t[live] - vel
        opening = np.sum(r_new * rdot_new, axis=1) >= 0.0
        if opening.any():
            # Closest approach within the step, on the relative motion's straight line.
            r0, w = r[opening], rdot_new[opening]
            ww = np.maximum(np.sum(w * w, axis=1), 1e-12)
            s = np.clip(-np.sum(r0 * w, axis=1) / ww, 0.0, dt)
            done = live[opening]
            t_cpa[done] = t - dt + s
            miss[done] = np.linalg.norm(r0 + w * s[:, None], axis=1)
            live = live[~opening]
    t_go = delay_s + t_cpa
    return t_go, x[:, :3] + x[:, 3:] * t_go[:, None], miss
