"""WTA model and solvers: known optima, brute force on small instances, local optimality."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.assign.greedy import (
    _best_move,
    greedy_mmr,
    keepers,
    local_search,
    reassign_one_per_target,
    solve_greedy,
)
from bastion.assign.instances import apt_instance, random_instance
from bastion.assign.milp import salvo_space, solve_milp
from bastion.assign.salvos import cheapest_salvos
from bastion.assign.wta import WtaProblem
from conftest import brute_force_wta


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
    problem.check(result.x)  # forbidden pairs, units and caps respected
    assert result.optimal
    assert result.objective == pytest.approx(best, rel=1e-6)
    assert result.lower_bound <= best * (1 + 1e-9) + 1e-9


def test_the_salvo_milp_alone_finds_the_optimum():
    # No column generation: the plan's prices give a weak bound, so the set-partitioning MILP
    # gets many salvos and must itself find the optimum (the reduced-cost argument).
    through_milp = 0
    for problem in small_instances():
        best, _ = brute_force_wta(problem)
        result = solve_milp(problem, max_rounds=0)
        problem.check(result.x)
        assert result.optimal and result.objective == pytest.approx(best, rel=1e-6)
        through_milp += result.salvos > 0
    assert through_milp >= 8


def test_any_unit_prices_give_a_lower_bound():
    rng = np.random.default_rng(9)
    for problem in small_instances()[:12]:
        best, _ = brute_force_wta(problem)
        for _ in range(5):
            price = rng.uniform(0.0, 30.0, problem.shape[0]) * (rng.random(problem.shape[0]) < 0.8)
            cheapest = cheapest_salvos(salvo_space(problem), price)
            assert cheapest.g.sum() - problem.units @ price <= best + 1e-9


def test_a_cut_enumeration_says_so_and_keeps_an_honest_bound():
    honest = 0
    for problem in small_instances():
        best, _ = brute_force_wta(problem)
        result = solve_milp(problem, max_rounds=0, max_salvos=1)
        problem.check(result.x)
        assert result.lower_bound <= best + 1e-9 and result.objective >= best - 1e-9
        assert result.optimal == (result.objective - result.lower_bound <= 1e-6 * result.objective)
        honest += not result.optimal
    assert honest >= 3


@pytest.mark.parametrize("seed", range(4))
def test_exact_is_never_worse_than_the_heuristic_and_uses_allowed_pairs_only(seed):
    rng = np.random.default_rng(seed)
    base = apt_instance(12, 24, 2, rng) if seed % 2 else random_instance(20, 20, rng)
    w, n = base.shape
    problem = WtaProblem(
        base.value,
        base.p,
        base.units,
        allowed=rng.random((w, n)) < 0.7,
        cost=rng.uniform(0.0, 3.0, (w, n)) if seed >= 2 else None,
        max_per_target=rng.integers(1, 3, n) if seed == 3 else None,
    )
    heuristic = solve_greedy(problem)
    exact = solve_milp(problem)
    for x in (heuristic, exact.x):
        problem.check(x)
        assert (x[~problem.allowed] == 0).all()
    assert exact.optimal and exact.objective <= problem.objective(heuristic) + 1e-9
    assert exact.lower_bound <= exact.objective


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


def test_keepers_let_a_block_reassignment_give_a_target_a_second_unit():
    # Two units with p = 0.5 on targets of value 100 and 1: both on the first leave 25 + 1,
    # one each 50 + 0.5. From one each, a plain block reassignment keeps one per target; with
    # the first target keeping its unit, the other unit joins it.
    problem = WtaProblem(value=[100.0, 1.0], p=[[0.5, 0.5], [0.5, 0.5]], units=[1, 1])
    x = np.array([[1, 0], [0, 1]])
    assert reassign_one_per_target(problem, x, 0).sum(axis=0).tolist() == [1, 1]
    keep = keepers(problem, x, 1)
    assert keep.tolist() == [True, False]  # saves 100·0.5·0.5 there, 1·0.5·0.5 on the other
    assert reassign_one_per_target(problem, x, 0, keep).tolist() == [[1, 0], [1, 0]]
    assert solve_greedy(problem).sum(axis=0).tolist() == [2, 0]


def test_heuristic_is_deterministic():
    problem = apt_instance(12, 20, 2, np.random.default_rng(3))
    assert (solve_greedy(problem) == solve_greedy(problem)).all()


def test_exact_beats_or_equals_heuristic_on_a_mid_size_instance():
    problem = apt_instance(10, 15, 2, np.random.default_rng(11))
    exact = solve_milp(problem)
    heuristic = problem.objective(solve_greedy(problem))
    assert exact.optimal and exact.objective <= heuristic + 1e-9
    assert heuristic / exact.objective <= 1.05


@pytest.mark.parametrize(
    "problem",
    [
        WtaProblem(value=[5.0, 3.0], p=np.zeros((2, 2)), units=[1, 1]),  # nothing allowed
        WtaProblem(value=[5.0, 3.0], p=[[0.5, 0.5]], units=[0]),  # no units
        WtaProblem(value=[5.0], p=np.zeros((0, 1)), units=np.zeros(0, dtype=int)),  # no weapons
        WtaProblem(value=[0.0, 0.0], p=[[0.5, 0.5]], units=[2]),  # nothing of value
    ],
)
def test_degenerate_problems_leave_everything_untouched(problem):
    for x in (solve_greedy(problem), solve_milp(problem).x):
        assert x.shape == problem.shape and not x.any()
    result = solve_milp(problem)
    assert result.optimal and result.objective == result.lower_bound == problem.value.sum()
