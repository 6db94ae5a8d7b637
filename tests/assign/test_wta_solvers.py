"""WTA model and solvers: known optima, brute force on small instances, local optimality."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import brute_force_wta

from bastion.assign.greedy import (
    _best_move,
    greedy_mmr,
    local_search,
    reassign_one_per_target,
    solve_greedy,
)
from bastion.assign.instances import apt_instance, random_instance
from bastion.assign.milp import _Cuts, solve_milp
from bastion.assign.wta import WtaProblem


def test_objective_is_the_expected_surviving_value_plus_cost():
    problem = WtaProblem(
        value=[10.0, 4.0], p=[[0.5, 0.2], [0.4, 0.0]], units=[2, 1], cost=[[1.0, 2.0], [0.5, 0.0]]
    )
    x = np.array([[1, 1], [1, 0]])
    assert problem.survival(x).tolist() == pytest.approx([0.5 * 0.6, 0.8])
    assert problem.objective(x) == pytest.approx(10.0 * 0.3 + 4.0 * 0.8 + 1.0 + 2.0 + 0.5)
    assert problem.allowed.tolist() == [[True, True], [True, False]]  # p = 0: not allowed


@pytest.mark.parametrize(
    ("x", "message"),
    [
        ([[0, 0], [0, 1]], "may not engage"),
        ([[2, 1], [0, 0]], "more units"),
        ([[1, 0], [1, 0]], "cap"),
    ],
)
def test_check_names_the_broken_constraint(x, message):
    problem = WtaProblem(value=[1.0, 1.0], p=[[0.5, 0.5], [0.5, 0.0]], units=[2, 1])
    problem = WtaProblem(problem.value, problem.p, problem.units, max_per_target=[1, 1])
    with pytest.raises(ValueError, match=message):
        problem.check(np.array(x))


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="probabilities"):
        WtaProblem(value=[1.0], p=[[1.5]], units=[1])
    with pytest.raises(ValueError, match="non-negative"):
        WtaProblem(value=[-1.0], p=[[0.5]], units=[1])


def test_hand_instance_where_greedy_alone_is_wrong():
    # MMR gives weapon A (p 0.9 on target 0) first, leaving B only 0.1 on target 1: F = 10.
    # Swapping gives A to target 1 (0.8) and B to target 0 (0.9): F = 1 + 2 = 3.
    problem = WtaProblem(value=[10.0, 10.0], p=[[0.9, 0.8], [0.9, 0.1]], units=[1, 1])
    assert problem.objective(greedy_mmr(problem)) == pytest.approx(10.0)
    assert solve_greedy(problem).tolist() == [[0, 1], [1, 0]]
    result = solve_milp(problem)
    assert result.x.tolist() == [[0, 1], [1, 0]] and result.objective == pytest.approx(3.0)
    assert result.optimal and result.lower_bound == pytest.approx(3.0, rel=1e-4)


def test_a_valuable_target_gets_two_weapons_when_worth_it():
    # Two units on the 100 target: 100·0.25 = 25 left; split: 100·0.5 + 1·0.5 = 50.5.
    problem = WtaProblem(value=[100.0, 1.0], p=[[0.5, 0.5]], units=[2])
    assert solve_greedy(problem).tolist() == [[2, 0]]
    assert solve_milp(problem).x.tolist() == [[2, 0]]
    capped = WtaProblem(problem.value, problem.p, problem.units, max_per_target=[1, 1])
    assert solve_milp(capped).x.tolist() == [[1, 1]]


def test_costs_can_make_an_engagement_not_worth_it():
    # A shot saves 0.5 · V = 5 of value but costs 6: better not to fire.
    problem = WtaProblem(value=[10.0], p=[[0.5]], units=[1], cost=[[6.0]])
    assert solve_greedy(problem).tolist() == [[0]] and solve_milp(problem).x.tolist() == [[0]]


def small_instances():
    """Seeded small instances of both families, with caps, costs and forbidden pairs mixed in."""
    seq = np.random.SeedSequence(6)
    out = []
    for k, child in enumerate(seq.spawn(24)):
        rng = np.random.default_rng(child)
        base = (
            random_instance(int(rng.integers(2, 5)), int(rng.integers(2, 5)), rng)
            if k % 2
            else apt_instance(int(rng.integers(2, 4)), int(rng.integers(2, 5)), 2, rng)
        )
        w, n = base.shape
        allowed = rng.random((w, n)) < 0.8
        cost = rng.uniform(0.0, 5.0, (w, n)) if k % 3 == 0 else None
        cap = rng.integers(1, 3, n) if k % 4 == 0 else None
        units = base.units if base.units.sum() <= 6 else np.minimum(base.units, 1)
        out.append(WtaProblem(base.value, base.p, units, allowed, cost, cap))
    return out


@pytest.mark.parametrize("problem", small_instances())
def test_exact_solver_matches_brute_force(problem):
    best, _ = brute_force_wta(problem)
    result = solve_milp(problem)
    problem.check(result.x)
    assert result.optimal
    assert result.objective == pytest.approx(best, rel=1e-4)
    assert result.lower_bound <= best * (1 + 1e-9) + 1e-9


def test_heuristic_on_small_instances_is_near_the_brute_force_optimum():
    ratios = []
    for problem in small_instances():
        best, _ = brute_force_wta(problem)
        x = solve_greedy(problem)
        problem.check(x)
        ratios.append(problem.objective(x) / best)
    assert min(ratios) >= 1.0 - 1e-9
    assert np.mean(ratios) <= 1.005 and max(ratios) <= 1.05


def test_local_search_ends_where_no_single_move_or_swap_improves():
    rng = np.random.default_rng(4)
    for _ in range(5):
        problem = apt_instance(6, 9, 2, rng)
        x = local_search(problem, greedy_mmr(problem))
        delta, _ = _best_move(problem, x, problem.survival(x))
        assert delta >= -1e-9
        # Every single-move neighbour by brute force: one unit to another target, or off.
        f = problem.objective(x)
        for i, j in zip(*np.nonzero(x), strict=True):
            for k in range(-1, problem.shape[1]):
                if k == j or (k >= 0 and not problem.allowed[i, k]):
                    continue
                y = x.copy()
                y[i, j] -= 1
                if k >= 0:
                    y[i, k] += 1
                assert problem.objective(y) >= f - 1e-9


def test_block_reassignment_never_worsens_and_can_rotate_units():
    rng = np.random.default_rng(8)
    for _ in range(10):
        problem = random_instance(7, 5, rng)
        x = greedy_mmr(problem)
        for rotation in range(3):
            y = reassign_one_per_target(problem, x, rotation)
            problem.check(y)
            assert problem.objective(y) <= problem.objective(x) + 1e-9


def test_block_reassignment_finds_a_three_way_rotation():
    # Each of 3 weapons sits on a target where it is poor; the best plan moves all three at once
    # (a cyclic exchange), which the block reassignment finds in one step.
    p = np.array([[0.9, 0.1, 0.2], [0.2, 0.9, 0.1], [0.1, 0.2, 0.9]])
    problem = WtaProblem(value=[1.0, 1.0, 1.0], p=p, units=[1, 1, 1], max_per_target=[1, 1, 1])
    x = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]])
    y = reassign_one_per_target(problem, x, 0)
    assert y.tolist() == np.eye(3, dtype=int).tolist()


def test_heuristic_is_deterministic():
    problem = apt_instance(12, 20, 2, np.random.default_rng(3))
    assert (solve_greedy(problem) == solve_greedy(problem)).all()


def test_exact_beats_or_equals_heuristic_on_a_mid_size_instance():
    problem = apt_instance(10, 15, 2, np.random.default_rng(11))
    exact = solve_milp(problem)
    heuristic = problem.objective(solve_greedy(problem))
    assert exact.optimal and exact.objective <= heuristic + 1e-9
    assert heuristic / exact.objective <= 1.05


def test_every_cut_is_a_valid_lower_bound_at_every_integer_point():
    # One target, three weapon types with up to 2 units: cuts at assorted points must hold
    # (y = true surviving value satisfies every row) at all 27 integer points.
    rng = np.random.default_rng(2)
    p = rng.uniform(0.05, 0.95, 3)
    log_q, ub, value = np.log1p(-p), np.array([2.0, 1.0, 2.0]), np.array([40.0])
    cuts = _Cuts(np.zeros(3, dtype=np.int64), log_q, ub, value)
    cuts.tangents(np.zeros(4, dtype=np.int64), np.array([0.0, -0.7, -2.0, -4.0]))
    for x_hat in ([0, 0, 0], [1, 1, 0], [2, 0, 1], [2, 1, 2], [0, 1, 1]):
        cuts.supermodular(np.array([0]), np.array(x_hat, dtype=float))
    rows = cuts.constraint()
    for x in itertools.product(range(3), range(2), range(3)):
        z = float(log_q @ np.array(x))
        column = np.concatenate([x, [value[0] * np.exp(z)], [z]])
        assert (rows.A @ column >= rows.lb - 1e-9).all(), x
    # ...and the supermodular cuts are tight at their own point when it is at the bounds
    # (elsewhere the chord replacing the piecewise bound lies below it).
    tight = _Cuts(np.zeros(3, dtype=np.int64), log_q, ub, value)
    tight.supermodular(np.array([0]), np.array([2.0, 1.0, 0.0]))
    x = np.array([2.0, 1.0, 0.0])
    column = np.concatenate([x, [value[0] * np.exp(log_q @ x)], [log_q @ x]])
    assert (tight.constraint().A @ column - tight.constraint().lb).min() == pytest.approx(0.0)
