"""Salvos: the units that one target receives, found by branch and bound for all targets at once.

A salvo for target t is a count x_i of units of each weapon type i (0 ≤ x_i ≤ ub_it, at most
cap_t units in all). Under per-unit prices w_it (the cost c_it plus a price on weapon type i),
its priced cost is

    g_t(x) = V_t Π_i (1 − p_it)^x_i + Σ_i w_it x_i.

:func:`cheapest_salvos` finds min_x g_t(x) for every target; :func:`salvos_within` lists every
salvo with g_t(x) ≤ θ_t. Both grow salvos one unit at a time, per target in a fixed order of the
types (by price per log-kill w / −log(1 − p)) and never back in that order, so each multiset is
met once; level by level, with every target's nodes in one array.

Two bounds cut a node (its salvo has surviving value Q = V_t q) with everything below it when
they exceed θ (in :func:`cheapest_salvos`, θ is the least g met so far):

- the units still open leave at least min_A Q e^−A + c(A), c(A) the least price of log-kill A
  with fractions of units allowed (:func:`_relaxed_least`);
- a child's units lower g by at most Σ_j max_{u ≤ room_j} (Q (1 − (1 − p_j)^u) − u w_j) over
  the types j still open to it (1 − Π(1 − a_j) ≤ Σ a_j), and by no more than Q.

Only irredundant salvos are grown: taking a unit of type j off a salvo raises V q by
Q p_j / (1 − p_j) and saves c_j (the true cost, not the price), so once Q ≤ c_j (1 − p_j) / p_j
for a type j on it the unit may as well not fire, and adding units only lowers Q. Dropping such
units never worsens an assignment, so some optimal assignment uses irredundant salvos only (and
under prices w ≥ c the least g is met by one).

Budget (:class:`Budget`): beyond its nodes per level the weakest are dropped; past its nodes in
all or its deadline the search stops; and :func:`salvos_within` returns at most ``max_salvos``,
those furthest below θ. ``floor[t]`` is then the lowest bound or g dropped for target t: every
salvo not returned has g ≥ floor (inf when the search was complete).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

#: Relative slack of the bounds against rounding.
ROUNDING = 1e-12


@dataclass(frozen=True, slots=True)
class Budget:
    """Limits of one search: (node, weapon type) pairs examined per level (the memory of a
    level), nodes kept in all, and the time.perf_counter() reading at which to stop."""

    entries: int = 1_000_000
    nodes: int = 2_000_000
    deadline: float = np.inf


@dataclass(frozen=True, slots=True)
class Salvos:
    target: np.ndarray  # (N,) target of each salvo
    counts: np.ndarray  # (N, W) int units of each weapon type
    g: np.ndarray  # (N,) priced cost g_t(x)
    floor: np.ndarray  # (T,) every salvo not returned has g >= floor


@dataclass(frozen=True, slots=True)
class SalvoSpace:
    """The salvos a WTA problem allows: arrays shaped (W, T) except ``value`` and ``cap`` (T,)."""

    value: np.ndarray
    p: np.ndarray
    cost: np.ndarray
    ub: np.ndarray  # int units of type i that target t may take (0: not allowed)
    cap: np.ndarray  # int units in all per target


def cheapest_salvos(space: SalvoSpace, price: np.ndarray, budget: Budget = Budget()) -> Salvos:
    """The salvo of least priced cost per target under ``price`` (W,) per unit of each type: at
    most one per target (none where the budget cut it off; the floor then bounds the least g)."""
    found = _search(space, price, np.full(space.value.shape, np.inf), True, budget)
    order = np.lexsort((found.g, found.target))
    first = order[np.diff(found.target[order], prepend=-1) != 0]
    return Salvos(found.target[first], found.counts[first], found.g[first], found.floor)


def salvos_within(
    space: SalvoSpace,
    price: np.ndarray,
    theta: np.ndarray,
    budget: Budget = Budget(),
    max_salvos: int = 200_000,
) -> Salvos:
    """Every irredundant salvo of target t with g_t ≤ theta[t], at most ``max_salvos`` of them,
    those furthest below theta (within the budget: see floor)."""
    return _search(space, price, np.asarray(theta, dtype=float), False, budget, max_salvos)


def _best_gain(q: np.ndarray, p: np.ndarray, w: np.ndarray, room: np.ndarray) -> np.ndarray:
    """max over 0 ≤ u ≤ room of q (1 − (1 − p)^u) − u w, per (node, type): q (F,), the rest (F, W).

    The u-th unit's marginal q p (1 − p)^(u−1) − w falls with u (concave gain), so the best u
    is the number of positive marginals, ⌈log(w / (q p)) / log(1 − p)⌉, capped by the room;
    its neighbours are tried too against rounding. Only pairs with room for two units and a
    first unit worth having need it; the others gain max(0, q p − w) or nothing."""
    first = q[:, None] * p - w
    best = np.where(room >= 1, np.maximum(first, 0.0), 0.0)
    f, j = np.nonzero((room >= 2) & (first > 0.0))
    if f.size:
        qf, pf, wf, log_keep = q[f], p[f, j], w[f, j], np.log1p(-p[f, j])
        with np.errstate(divide="ignore"):
            positive = np.where(wf > 0.0, np.ceil(np.log(wf / (qf * pf)) / log_keep), np.inf)
        for shift in (-1.0, 0.0, 1.0):
            u = np.clip(positive + shift, 0.0, room[f, j])
            best[f, j] = np.maximum(best[f, j], qf * -np.expm1(u * log_keep) - u * wf)
    return best


def _greedy_g(
    value: np.ndarray, p: np.ndarray, w: np.ndarray, ub: np.ndarray, cap: np.ndarray
) -> np.ndarray:
    """g of a salvo grown greedily per target (the unit of largest marginal while it pays), an
    upper bound on the least g that lets the first levels prune: arrays (T, W) but (T,)."""
    q, spent = value.astype(float), np.zeros(value.shape)
    room, size, rows = ub.copy(), np.zeros(value.shape, dtype=np.int64), np.arange(value.size)
    while True:
        open_ = (room > 0) & (size < cap)[:, None]
        gain = np.where(open_, q[:, None] * p - w, 0.0)
        j = np.argmax(gain, axis=1)
        go = np.flatnonzero(gain[rows, j] > 0.0)
        if go.size == 0:
            return q + spent
        j = j[go]
        spent[go] += w[go, j]
        q[go] *= 1.0 - p[go, j]
        room[go, j] -= 1
        size[go] += 1


def _relaxed_least(q: np.ndarray, a: np.ndarray, w: np.ndarray, room: np.ndarray) -> np.ndarray:
    """The least that a node's surviving value q (F,) plus the price of more units can fall to,
    relaxed (F,): log-kills a = −log(1 − p), prices w and room (F, W) in rank order, which is by
    price per log-kill.

    Units of total log-kill A leave q e^−A and cost at least c(A), the least price of log-kill A
    with fractions of units allowed (filled in rank order: c is convex piecewise linear). So
    min_A q e^−A + c(A) bounds it from below; on each piece the best A has q e^−A equal to the
    piece's price per log-kill, clipped to the piece. Summed, not subtracted: no cancellation
    when q is nearly all killed."""
    piece_a, piece_c = room * a, room * w
    end_a, end_c = np.cumsum(piece_a, axis=1), np.cumsum(piece_c, axis=1)
    start_a, start_c = end_a - piece_a, end_c - piece_c
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(room > 0, w / a, 0.0)
        best_a = np.clip(np.log(q[:, None] / ratio), start_a, end_a)
    value = q[:, None] * np.exp(-best_a) + start_c + ratio * (best_a - start_a)
    return np.minimum(value.min(axis=1, initial=np.inf), q)


def _search(
    space: SalvoSpace,
    price: np.ndarray,
    theta: np.ndarray,
    cheapest: bool,
    budget: Budget,
    max_salvos: int | None = None,
) -> Salvos:
    w_types, n = space.p.shape
    weight = space.cost + np.asarray(price, dtype=float)[:, None]
    log_kill = -np.log1p(-space.p)
    # Per target, the types ranked by price per log-kill (those not allowed last): the order
    # that _relaxed_least needs, and good salvos come early. Arrays below are (T, W).
    with np.errstate(divide="ignore", invalid="ignore"):
        per_kill = np.where(space.ub > 0, weight / log_kill, np.inf)
    order = np.argsort(per_kill.T, axis=1, kind="stable")

    def ranked(a: np.ndarray) -> np.ndarray:
        return np.take_along_axis(a.T, order, axis=1)

    p, a, w_all, ub = ranked(space.p), ranked(log_kill), ranked(weight), ranked(space.ub)
    keep = 1.0 - p
    # Units of a type are not worth keeping on a salvo once its Q falls to this (see docstring).
    with np.errstate(divide="ignore", invalid="ignore"):
        redundant_below = np.where(p > 0.0, ranked(space.cost) * keep / p, np.inf)
    theta = theta.copy()
    if cheapest:
        # (a hair above it, so that rounding cannot hide the greedy salvo itself)
        theta = np.minimum(theta, _greedy_g(space.value, p, w_all, ub, space.cap) * (1 + 1e-9))
    floor = np.full(n, np.inf)
    # Nodes of the current level, and every node kept (parent, rank, target, g) to rebuild them.
    t = np.arange(n)
    last = np.full(n, -1)
    n_last = np.zeros(n, dtype=np.int64)
    size = np.zeros(n, dtype=np.int64)
    q = space.value.astype(float)
    spent = np.zeros(n)
    worst = np.zeros(n)  # max over the salvo's types of redundant_below
    node = np.arange(n)
    parents, ranks, targets, gs = [np.full(n, -1)], [np.full(n, -1)], [t], [q.copy()]
    count = n
    rank = np.arange(w_types)
    limit = max(budget.entries // max(w_types, 1), 1)
    while t.size:
        room = ub[t]  # (F, W) units of each type still open to the node
        room[rank[None, :] < last[:, None]] = 0
        grown = np.flatnonzero(last >= 0)
        room[grown, last[grown]] -= n_last[grown]
        room = np.minimum(room, (space.cap[t] - size)[:, None])
        w = w_all[t]
        # Below the whole subtree (with the slack against rounding).
        lowest = (spent + _relaxed_least(q, a[t], w, room)) * (1.0 - ROUNDING)
        if count >= budget.nodes or time.perf_counter() > budget.deadline:
            np.minimum.at(floor, t, lowest)
            break
        go = lowest <= theta[t]
        t, last, n_last, size, q, spent, worst, node = (
            v[go] for v in (t, last, n_last, size, q, spent, worst, node)
        )
        room, w = room[go], w[go]
        reduction = np.cumsum(_best_gain(q, p[t], w, room)[:, ::-1], axis=1)[:, ::-1]
        child_q = q[:, None] * keep[t]
        child_g = child_q + spent[:, None] + w
        # Ranks j and after still open; the slack covers rounding in the subtraction.
        bound = child_g - np.minimum(reduction, child_q) - ROUNDING * child_g
        child_worst = np.maximum(worst[:, None], redundant_below[t])
        f, j = np.nonzero((room > 0) & (child_q > child_worst) & (bound <= theta[t][:, None]))
        if f.size == 0:
            break
        ct, cg, cb = t[f], child_g[f, j], bound[f, j]
        if cheapest:
            np.minimum.at(theta, ct, cg)
        ids = count + np.arange(f.size)
        count += f.size
        parents.append(node[f])
        ranks.append(j)
        targets.append(ct)
        gs.append(cg)
        nxt = np.flatnonzero(cb <= theta[ct])
        if nxt.size > limit:
            by_bound = np.argsort(cb[nxt], kind="stable")
            dropped = nxt[by_bound[limit:]]
            np.minimum.at(floor, ct[dropped], cb[dropped])
            nxt = np.sort(nxt[by_bound[:limit]])
        f, j, ct = f[nxt], j[nxt], ct[nxt]
        n_last = np.where(last[f] == j, n_last[f] + 1, 1)
        t, last, size, node = ct, j, size[f] + 1, ids[nxt]
        q, spent = child_q[f, j], spent[f] + w[f, j]
        worst = child_worst[f, j]
    parent, kind, target, g = (np.concatenate(v) for v in (parents, ranks, targets, gs))
    chosen = np.flatnonzero(g <= theta[target])
    if max_salvos is not None and chosen.size > max_salvos:
        by_slack = np.argsort(g[chosen] - theta[target[chosen]], kind="stable")
        dropped = chosen[by_slack[max_salvos:]]
        np.minimum.at(floor, target[dropped], g[dropped])
        chosen = np.sort(chosen[by_slack[:max_salvos]])
    counts = np.zeros((chosen.size, w_types), dtype=np.int64)
    rows, at, of = np.arange(chosen.size), chosen.copy(), target[chosen]
    while (live := kind[at] >= 0).any():  # walk up to the root, a unit per step
        np.add.at(counts, (rows[live], order[of[live], kind[at[live]]]), 1)
        at = np.where(live, parent[at], at)
    return Salvos(target[chosen], counts, g[chosen], floor)
