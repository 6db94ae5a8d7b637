"""Salvo search: its bounds, and its answers against enumerating every salvo."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bastion.assign.salvos import (
    Budget,
    SalvoSpace,
    _best_gain,
    _relaxed_least,
    cheapest_salvos,
    salvos_within,
)


def random_space(rng: np.random.Generator) -> tuple[SalvoSpace, np.ndarray]:
    """A small space with forbidden pairs, several units per type, caps, sometimes costs; and
    prices (sometimes all zero)."""
    w, n = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    p = rng.uniform(0.0, 1.0, (w, n)) * (rng.random((w, n)) > 0.2)
    p[rng.random((w, n)) < 0.1] = 1.0 - 1e-12  # near-certain kills: q falls to ~0
    cost = rng.uniform(0.0, 3.0, (w, n)) * (rng.random() < 0.5)
    ub = np.where(p > 0, rng.integers(1, 4, (w, n)), 0)
    space = SalvoSpace(rng.uniform(0.0, 50.0, n), p, cost, ub, rng.integers(1, 6, n))
    return space, rng.uniform(0.0, 10.0, w) * (rng.random() < 0.7)


def every_salvo(space: SalvoSpace, price: np.ndarray, t: int) -> list[tuple[float, bool, tuple]]:
    """(g, irredundant, counts) of every salvo of target t, by enumeration."""
    out = []
    for x in itertools.product(*[range(u + 1) for u in space.ub[:, t]]):
        x_ = np.array(x)
        if x_.sum() > space.cap[t]:
            continue
        q = space.value[t] * np.prod((1.0 - space.p[:, t]) ** x_)
        used = x_ > 0
        worth = q * space.p[used, t] / (1.0 - space.p[used, t]) - space.cost[used, t]
        g = q + float((space.cost[:, t] + price) @ x_)
        out.append((g, bool((worth > 0).all()), tuple(x)))
    return out


SPACES = [random_space(np.random.default_rng(seed)) for seed in range(60)]


@pytest.mark.parametrize(("space", "price"), SPACES)
def test_cheapest_salvo_is_the_least_of_all(space, price):
    found = cheapest_salvos(space, price)
    assert found.target.tolist() == list(range(space.value.size))
    assert np.isinf(found.floor).all()
    for t in range(space.value.size):
        least = min(g for g, _, _ in every_salvo(space, price, t))
        assert found.g[t] == pytest.approx(least, rel=1e-9, abs=1e-12)
        x = found.counts[t]
        g = space.value[t] * np.prod((1.0 - space.p[:, t]) ** x) + (space.cost[:, t] + price) @ x
        assert found.g[t] == pytest.approx(g, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(("space", "price"), SPACES)
def test_salvos_within_are_every_irredundant_one_below_theta(space, price):
    rng = np.random.default_rng(int(space.value.sum() * 1000))
    least = cheapest_salvos(space, price).g
    theta = least + rng.uniform(0.0, 5.0, least.size)
    found = salvos_within(space, price, theta)
    for t in range(space.value.size):
        want = sorted(
            x for g, irredundant, x in every_salvo(space, price, t) if irredundant and g <= theta[t]
        )
        got = sorted(tuple(c) for c in found.counts[found.target == t])
        assert got == want


@pytest.mark.parametrize(("space", "price"), SPACES[:30])
def test_a_cut_search_says_how_low_what_it_left_out_can_go(space, price):
    theta = space.value * 1.2
    complete = salvos_within(space, price, theta)
    for budget, most in ((Budget(nodes=5), 10**6), (Budget(entries=2), 10**6), (Budget(), 2)):
        cut = salvos_within(space, price, theta, budget, most)
        kept = {(int(t), tuple(c)) for t, c in zip(cut.target, cut.counts, strict=True)}
        for t, c, g in zip(complete.target, complete.counts, complete.g, strict=True):
            if (int(t), tuple(c)) not in kept:
                assert g >= cut.floor[t] - 1e-9
    cut = cheapest_salvos(space, price, Budget(nodes=3))
    least = cut.floor.copy()
    np.minimum.at(least, cut.target, cut.g)
    assert (least <= cheapest_salvos(space, price).g + 1e-9).all()


def test_best_gain_is_the_best_number_of_units():
    rng = np.random.default_rng(3)
    q = rng.uniform(0.0, 100.0, 200)
    p = rng.uniform(0.0, 0.99, (200, 3))
    w = rng.uniform(0.0, 20.0, (200, 3)) * (rng.random((200, 3)) > 0.1)
    room = rng.integers(0, 7, (200, 3))
    gain = _best_gain(q, p, w, room)
    for f, j in itertools.product(range(200), range(3)):
        want = max(q[f] * (1 - (1 - p[f, j]) ** u) - u * w[f, j] for u in range(room[f, j] + 1))
        assert gain[f, j] == pytest.approx(want, rel=1e-12, abs=1e-12)


def test_relaxed_least_never_exceeds_what_the_open_units_can_reach():
    # Any choice of the open units leaves q Π(1 − p)^u and costs Σ u w: never below the bound.
    rng = np.random.default_rng(4)
    for _ in range(300):
        k = int(rng.integers(1, 5))
        p = rng.uniform(0.01, 0.99, k)
        a, w = -np.log1p(-p), rng.uniform(0.0, 15.0, k) * (rng.random(k) > 0.2)
        order = np.argsort(w / a)  # rank order: by price per log-kill
        p, a, w = p[order], a[order], w[order]
        room, q = rng.integers(0, 3, k), rng.uniform(0.0, 100.0)
        least = _relaxed_least(np.array([q]), a[None], w[None], room[None])[0]
        for u in itertools.product(*[range(r + 1) for r in room]):
            reached = q * np.prod((1 - p) ** np.array(u)) + w @ np.array(u)
            assert least <= reached * (1 + 1e-12)


def test_relaxed_least_is_exact_for_one_open_unit():
    q, p, w = np.array([40.0, 40.0]), np.array([[0.5], [0.5]]), np.array([[5.0], [30.0]])
    least = _relaxed_least(q, -np.log1p(-p), w, np.ones((2, 1), dtype=np.int64))
    assert least.tolist() == pytest.approx([40.0 * 0.5 + 5.0, 40.0])
