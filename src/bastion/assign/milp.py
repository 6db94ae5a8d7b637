"""Exact WTA: a mixed-integer linear model of the log-transformed objective, with cuts.

Taking logs turns each target's survival into a linear function of the integer assignment,

    z_t = log q_t = Σ_i x_it log(1 − p_it)          (≤ 0, a column of the model),

and its surviving value V_t e^{z_t} is convex in z_t, so it lies above every tangent:

    y_t ≥ V_t e^a (1 + z_t − a)      for any a ≤ 0.

On the integer points the surviving value is also the set function f(S) = V Π_{u∈S} (1 − p_u)
of the units S on the target, which is supermodular (a unit's marginal −p_u f(S) grows with S).
Nemhauser and Wolsey's inequalities for supermodular functions give two more linear bounds at
any point Ŝ, far tighter than the tangents where the LP relaxation spreads a unit of high p
thinly:

    f(S) ≥ f(Ŝ) + Σ_{u∈S∖Ŝ} ρ_u(∅) − Σ_{u∈Ŝ∖S} ρ_u(Ŝ∖u)
    f(S) ≥ f(Ŝ) + Σ_{u∈S∖Ŝ} ρ_u(Ŝ) − Σ_{u∈Ŝ∖S} ρ_u(N∖u)        (ρ_u(A) = f(A ∪ u) − f(A))

(at Ŝ = ∅ the first is the Weierstrass product inequality Π(1 − p) ≥ 1 − Σ p). Units of a type
are interchangeable, so in terms of x the bound is concave piecewise linear in each x_it around
x̂_it and is replaced by its chord over [0, n_it] (exact for 0/1 variables).

The MILP minimises Σ_t y_t + Σ c_it x_it over the integer x (capacities of
:mod:`bastion.assign.wta`), with y bounded below by these cuts and by the incumbent's value. With
finitely many cuts it underestimates F, so its optimum (HiGHS's dual bound) is a lower bound, and
F at its solution an upper bound. Outer approximation closes the gap: where a solution's y_t falls
short of V_t e^{z_t}, add tangents about its z_t and the two supermodular cuts at it, re-solve,
and stop when the bounds meet within ``rel_gap``. Each MILP is solved by HiGHS through
:func:`scipy.optimize.milp`; the heuristic's solution (:mod:`bastion.assign.greedy`) seeds the
first cuts and the upper bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from bastion.assign.greedy import solve_greedy
from bastion.assign.planner import WtaAssigner
from bastion.assign.wta import WtaProblem

#: Survival probabilities at which every target starts with a tangent.
INITIAL_TANGENT_Q = (1.0, 0.5, 0.25, 0.1, 0.03, 0.01, 1e-3, 1e-4)
#: Further first tangents about the heuristic's log-survival z_j: z_j + these offsets.
HEURISTIC_TANGENT_OFFSETS = (-1.0, -0.5, -0.25, -0.1, 0.0, 0.1, 0.25, 0.5, 1.0)
#: Tangents added per iteration about a master solution's z_j where it falls short.
REFINE_TANGENT_OFFSETS = (-0.1, 0.0, 0.1)
#: Share of the outer approximation's gap that each MILP is solved to.
GAP_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class MilpResult:
    x: np.ndarray  # (W, T) best assignment found
    objective: float  # F(x)
    lower_bound: float  # proven lower bound on the optimum
    optimal: bool  # the bounds met within the gap before the time limit
    iterations: int  # MILPs solved


class _Cuts:
    """Linear lower bounds on each target's surviving value, y_t − Σ a_k col_k ≥ b, kept as
    sparse rows over the model's columns: x per allowed pair (k), then y and z per target."""

    def __init__(self, pair_t: np.ndarray, log_q: np.ndarray, ub: np.ndarray, value: np.ndarray):
        self.pair_t, self.log_q, self.ub, self.value = pair_t, log_q, ub, value
        self.nx = pair_t.size
        self.p = -np.expm1(log_q)
        self.by_target = [np.flatnonzero(pair_t == t) for t in range(value.size)]
        self._rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self.count = 0

    def _add(
        self, targets: np.ndarray, cols: list[np.ndarray], coef: list[np.ndarray], rhs: np.ndarray
    ) -> None:
        if targets.size == 0:
            return
        rows = np.concatenate([np.full(c.size, self.count + r) for r, c in enumerate(cols)])
        self._rows.append((rows, np.concatenate(cols), np.concatenate(coef), targets, rhs))
        self.count += targets.size

    def tangents(self, targets: np.ndarray, a: np.ndarray) -> None:
        """y_t ≥ V_t e^a (1 + z_t − a), i.e. y_t − V_t e^a z_t ≥ V_t e^a (1 − a), on the z
        columns that follow the x and y columns."""
        slope = self.value[targets] * np.exp(a)
        z_col = self.nx + self.value.size + targets
        self._add(
            targets,
            [np.array([c]) for c in z_col],
            [np.array([v]) for v in slope],
            slope * (1.0 - a),
        )

    def supermodular(self, targets: np.ndarray, x_hat: np.ndarray) -> None:
        """The two Nemhauser-Wolsey inequalities of the supermodular f(S) = V Π_S (1 − p) at the
        point x_hat (units per pair), one unit per element (see the module docstring)."""
        for t in targets:
            k = self.by_target[t]
            v, p, ub, xh = self.value[t], self.p[k], self.ub[k], x_hat[k]
            q = np.exp(self.log_q[k] @ xh)
            q_all = np.exp(self.log_q[k] @ ub)
            for add, remove in (
                (-v * p, v * q * p / (1.0 - p)),
                (-v * q * p, v * q_all * p / (1.0 - p)),
            ):
                # Concave in each x_k about xh: replaced by its chord over [0, ub].
                slope = (add * (ub - xh) - remove * xh) / ub
                self._add(np.array([t]), [k], [slope], np.array([v * q + float(remove @ xh)]))

    def constraint(self) -> LinearConstraint:
        """Every cut as rows over the columns (x pairs, y per target, z per target)."""
        width = self.nx + 2 * self.value.size
        rows, cols, coef, targets, rhs = (np.concatenate(z) for z in zip(*self._rows, strict=True))
        cut_x = coo_array((-coef, (rows, cols)), shape=(self.count, width))
        cut_y = coo_array(
            (np.ones(self.count), (np.arange(self.count), self.nx + targets)),
            shape=(self.count, width),
        )
        return LinearConstraint(cut_x + cut_y, rhs, np.inf)

    def log_survival(self) -> LinearConstraint:
        """z_t − Σ_k log(1 − p_k) x_k = 0: each target's log-survival as a column."""
        ny, width = self.value.size, self.nx + 2 * self.value.size
        matrix = coo_array(
            (
                np.concatenate([-self.log_q, np.ones(ny)]),
                (
                    np.concatenate([self.pair_t, np.arange(ny)]),
                    np.concatenate([np.arange(self.nx), self.nx + ny + np.arange(ny)]),
                ),
            ),
            shape=(ny, width),
        )
        return LinearConstraint(matrix, 0.0, 0.0)


def solve_milp(
    problem: WtaProblem,
    time_limit_s: float = 30.0,
    rel_gap: float = 1e-4,
    max_iterations: int = 50,
) -> MilpResult:
    """Solve the WTA to within ``rel_gap`` by outer approximation (module docstring)."""
    started = time.perf_counter()
    w, n = problem.shape
    pair_i, pair_j = np.nonzero(problem.allowed)
    best = solve_greedy(problem)
    upper = problem.objective(best)
    const = float(problem.value[~problem.allowed.any(axis=0)].sum())  # targets nobody can reach
    if pair_i.size == 0:
        return MilpResult(best, upper, upper, True, 0)
    targets = np.unique(pair_j)  # each gets a y variable
    y_of = np.full(n, -1)
    y_of[targets] = np.arange(targets.size)
    nx, ny = pair_i.size, targets.size
    log_q = np.log1p(-problem.p[pair_i, pair_j])  # coefficient of x_k in z_t
    value = problem.value[targets]
    ub_x = np.minimum(problem.units[pair_i], problem.max_per_target[pair_j])
    cuts = _Cuts(y_of[pair_j], log_q, ub_x.astype(float), value)
    z_min = np.bincount(y_of[pair_j], log_q * ub_x, minlength=ny)
    every = np.arange(ny)
    for q in INITIAL_TANGENT_Q:
        a = np.full(ny, np.log(q))
        cuts.tangents(every[a >= z_min], a[a >= z_min])
    x_best = best[pair_i, pair_j].astype(float)
    z_best = np.bincount(y_of[pair_j], log_q * x_best, minlength=ny)
    for offset in HEURISTIC_TANGENT_OFFSETS:
        a = np.minimum(z_best + offset, 0.0)
        cuts.tangents(every[a >= z_min], a[a >= z_min])
    cuts.supermodular(every, np.zeros(nx))
    cuts.supermodular(every, x_best)

    width = nx + 2 * ny
    c = np.concatenate([problem.cost[pair_i, pair_j], np.ones(ny), np.zeros(ny)])
    bounds = Bounds(
        np.concatenate([np.zeros(nx + ny), z_min]), np.concatenate([ub_x, value, np.zeros(ny)])
    )
    integrality = np.concatenate([np.ones(nx), np.zeros(2 * ny)])
    fixed = [
        LinearConstraint(
            coo_array((np.ones(nx), (pair_i, np.arange(nx))), shape=(w, width)),
            -np.inf,
            problem.units.astype(float),
        ),
        LinearConstraint(
            coo_array((np.ones(nx), (pair_j, np.arange(nx))), shape=(n, width)),
            -np.inf,
            problem.max_per_target.astype(float),
        ),
        cuts.log_survival(),
    ]
    lower = -np.inf
    iterations = 0
    optimal = False
    while iterations < max_iterations:
        remaining = time_limit_s - (time.perf_counter() - started)
        if remaining <= 0:
            break
        # The incumbent bounds the objective: nodes above it are pruned at once.
        incumbent = LinearConstraint(c[None, :], -np.inf, upper - const + 1e-9 * abs(upper))
        res = milp(
            c,
            constraints=[*fixed, cuts.constraint(), incumbent],
            integrality=integrality,
            bounds=bounds,
            options={"time_limit": remaining, "mip_rel_gap": rel_gap * GAP_SHARE, "presolve": True},
        )
        iterations += 1
        if res.x is None:
            break
        bound = getattr(res, "mip_dual_bound", None)
        lower = max(lower, (res.fun if bound is None or not np.isfinite(bound) else bound) + const)
        x = np.zeros((w, n), dtype=np.int64)
        x[pair_i, pair_j] = np.round(res.x[:nx]).astype(np.int64)
        f = problem.objective(x)
        if f < upper:
            best, upper = x, f
        if upper - lower <= rel_gap * max(abs(upper), 1e-12):
            optimal = res.status == 0
            break
        x_pairs = x[pair_i, pair_j].astype(float)
        z = np.bincount(y_of[pair_j], log_q * x_pairs, minlength=ny)
        short = value * np.exp(z) - res.x[nx : nx + ny] > rel_gap * max(abs(upper), 1e-12) / ny
        if not short.any():
            optimal = res.status == 0
            break
        for offset in REFINE_TANGENT_OFFSETS:
            a = np.minimum(z[short] + offset, 0.0)
            keep = a >= z_min[short]
            cuts.tangents(np.flatnonzero(short)[keep], a[keep])
        cuts.supermodular(np.flatnonzero(short), x_pairs)
    return MilpResult(best, upper, min(lower, upper), optimal, iterations)


class MilpAssigner(WtaAssigner):
    """Assignment stage solving each cycle's WTA exactly (outer approximation with HiGHS)."""

    def solve(self, problem: WtaProblem) -> np.ndarray:
        return solve_milp(problem).x
