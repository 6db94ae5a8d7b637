"""JPDA marginal association probabilities against brute-force enumeration of joint events."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bastion.tracking.jpda import jpda_marginals


def brute_marginals(track: np.ndarray, det: np.ndarray, psi: np.ndarray, n_tracks: int):
    """Every joint event (each track: missed or one gated detection, no detection twice),
    weighted by the product of its ψ; marginals of each pair and of each track's miss."""
    options = [[-1] + [k for k in range(track.size) if track[k] == i] for i in range(n_tracks)]
    beta, miss, total = np.zeros(track.size), np.zeros(n_tracks), 0.0
    for event in itertools.product(*options):
        used = [det[k] for k in event if k >= 0]
        if len(used) != len(set(used)):
            continue
        w = float(np.prod([psi[k] for k in event if k >= 0]))
        total += w
        for i, k in enumerate(event):
            if k >= 0:
                beta[k] += w
            else:
                miss[i] += w
    return beta / total, miss / total


def random_graph(rng: np.random.Generator, n_tracks: int, n_dets: int, density: float):
    mask = rng.random((n_tracks, n_dets)) < density
    track, det = np.nonzero(mask)
    return track, det, rng.normal(0.0, 2.0, track.size)


@pytest.mark.parametrize("seed", range(5))
def test_marginals_equal_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    checked = 0
    for _ in range(40):
        n_t, n_d = int(rng.integers(1, 6)), int(rng.integers(1, 7))
        track, det, log_psi = random_graph(rng, n_t, n_d, 0.5)
        beta, beta0 = jpda_marginals(track, det, log_psi, n_t, n_d)
        want, want0 = brute_marginals(track, det, np.exp(log_psi), n_t)
        np.testing.assert_allclose(beta, want, atol=1e-9)
        np.testing.assert_allclose(beta0, want0, atol=1e-9)
        checked += track.size
    assert checked > 100


def test_tree_clusters_are_exact_and_loopy_clusters_past_the_cap_are_close() -> None:
    rng = np.random.default_rng(7)
    track, det, log_psi = random_graph(rng, 7, 7, 0.6)  # cycles, ~8^7 event bound
    want, want0 = brute_marginals(track, det, np.exp(log_psi), 7)
    exact, _ = jpda_marginals(track, det, log_psi, 7, 7, max_events=10**7)
    np.testing.assert_allclose(exact, want, atol=1e-9)
    # With enumeration disallowed the cluster keeps the belief-propagation marginals.
    approx, approx0 = jpda_marginals(track, det, log_psi, 7, 7, max_events=1)
    assert np.max(np.abs(approx - want)) < 0.05
    assert np.max(np.abs(approx0 - want0)) < 0.05
    # A chain (a tree) is exact under belief propagation alone.
    chain_t, chain_d = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 2, 2, 3])
    lp = rng.normal(0.0, 1.5, 6)
    got, _ = jpda_marginals(chain_t, chain_d, lp, 3, 4, max_events=1)
    np.testing.assert_allclose(got, brute_marginals(chain_t, chain_d, np.exp(lp), 3)[0], atol=1e-9)


def test_probabilities_are_normalised_and_empty_input_is_all_missed() -> None:
    rng = np.random.default_rng(8)
    track, det, log_psi = random_graph(rng, 30, 40, 0.05)
    beta, beta0 = jpda_marginals(track, det, log_psi, 30, 40)
    np.testing.assert_allclose(beta0 + np.bincount(track, beta, minlength=30), 1.0, atol=1e-9)
    assert np.all(np.bincount(det, beta, minlength=40) <= 1.0 + 1e-9)
    b, b0 = jpda_marginals(np.zeros(0, int), np.zeros(0, int), np.zeros(0), 3, 2)
    assert b.size == 0 and np.all(b0 == 1.0)
