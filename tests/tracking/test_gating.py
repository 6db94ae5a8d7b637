"""Gating: either pre-gate (kd-tree or per-component on every pair) plus the exact test equals
a brute-force N×M Mahalanobis reference."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.tracking import gating
from bastion.tracking.gating import candidate_pairs, clear_pairs, gate, gate_threshold, mahalanobis


@pytest.fixture(params=["kd_tree", "dense"])
def pregate(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with the kd-tree pre-gate, then with the per-component one, whatever the
    scene's size."""
    monkeypatch.setattr(gating, "DENSE_PAIRS", 0 if request.param == "kd_tree" else 10**9)
    return request.param


def brute_force_gate(
    zhat: np.ndarray, HPHt: np.ndarray, z: np.ndarray, R: np.ndarray, gamma: float
) -> dict[tuple[int, int], float]:
    """Every (track, detection) pair with d² ≤ γ, by explicit inverse over all N×M pairs."""
    inside = {}
    for i in range(zhat.shape[0]):
        for j in range(z.shape[0]):
            nu = z[j] - zhat[i]
            d2 = float(nu @ np.linalg.inv(HPHt[i] + R[j]) @ nu)
            if d2 <= gamma:
                inside[(i, j)] = d2
    return inside


def random_covariances(
    n: int, scale_m: tuple[float, float], rng: np.random.Generator
) -> np.ndarray:
    """SPD 3×3 matrices with random orientation and axis std in ``scale_m``, elongated ones too."""
    Q, _ = np.linalg.qr(rng.standard_normal((n, 3, 3)))
    std = rng.uniform(*scale_m, size=(n, 3))
    return Q @ (std[:, :, None] ** 2 * np.swapaxes(Q, -1, -2))


def random_scene(
    seed: int, n_tracks: int, n_dets: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tracks and detections; half the detections sit near the gate edge of a random track."""
    rng = np.random.default_rng(seed)
    zhat = rng.uniform(-3000.0, 3000.0, size=(n_tracks, 3))
    HPHt = random_covariances(n_tracks, (5.0, 150.0), rng)
    R = random_covariances(n_dets, (5.0, 60.0), rng)
    z = rng.uniform(-3000.0, 3000.0, size=(n_dets, 3))
    k = n_dets // 2
    owner = rng.integers(0, n_tracks, k)
    u = rng.standard_normal((k, 3))
    u *= (
        np.sqrt(gate_threshold(0.999, 3))
        * rng.uniform(0.7, 1.3, (k, 1))
        / np.linalg.norm(u, axis=1, keepdims=True)
    )
    L = np.linalg.cholesky(HPHt[owner] + R[:k])
    z[:k] = zhat[owner] + (L @ u[..., None])[..., 0]
    return zhat, HPHt, z, R


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gate_equals_brute_force(seed: int, pregate: str) -> None:
    zhat, HPHt, z, R = random_scene(seed, n_tracks=120, n_dets=200)
    gamma = gate_threshold(0.999, 3)
    expected = brute_force_gate(zhat, HPHt, z, R, gamma)
    got = gate(zhat, HPHt, z, R, gamma)
    assert len(expected) > 20  # the scene has real work in it
    assert sorted(zip(got.track.tolist(), got.det.tolist(), strict=True)) == sorted(expected)
    d2_expected = [expected[(i, j)] for i, j in zip(got.track, got.det, strict=True)]
    np.testing.assert_allclose(got.d2, d2_expected, rtol=1e-9)


def test_pre_gate_keeps_pairs_just_inside_the_gate_edge(pregate: str) -> None:
    # Isotropic S = (a² + b²) I makes the pre-gate radius exact: a detection at d² = 0.999 γ lies
    # at 99.95% of the radius, so any pre-gate tighter than the bound loses it.
    rng = np.random.default_rng(6)
    n, gamma = 50, gate_threshold(0.999, 3)
    a2, b2 = rng.uniform(10.0, 100.0, n) ** 2, 40.0**2
    zhat = np.arange(n)[:, None] * np.array([1.0e4, 0.0, 0.0])
    u = rng.standard_normal((n, 3))
    z = (
        zhat
        + u / np.linalg.norm(u, axis=1, keepdims=True) * np.sqrt(0.999 * gamma * (a2 + b2))[:, None]
    )
    got = gate(
        zhat, a2[:, None, None] * np.eye(3), z, np.broadcast_to(b2 * np.eye(3), (n, 3, 3)), gamma
    )
    np.testing.assert_array_equal(got.track, np.arange(n))
    np.testing.assert_array_equal(got.det, np.arange(n))


def test_pre_gate_prunes_most_pairs(pregate: str) -> None:
    zhat, HPHt, z, R = random_scene(3, n_tracks=400, n_dets=800)
    tracks, _ = candidate_pairs(zhat, HPHt, z, R, gate_threshold(0.999, 3))
    assert tracks.size < 0.02 * 400 * 800


def test_mahalanobis_and_log_determinant() -> None:
    rng = np.random.default_rng(4)
    S = random_covariances(50, (1.0, 100.0), rng)
    nu = rng.normal(0.0, 50.0, size=(50, 3))
    d2, log_det = mahalanobis(nu, S)
    np.testing.assert_allclose(d2, np.einsum("ki,kij,kj->k", nu, np.linalg.inv(S), nu))
    np.testing.assert_allclose(log_det, np.linalg.slogdet(S)[1])


def test_threshold_is_chi_square_quantile() -> None:
    assert gate_threshold(0.99, 3) == pytest.approx(11.344866730144373)


def test_no_tracks_or_no_detections_give_no_pairs(pregate: str) -> None:
    zhat, HPHt, z, R = random_scene(5, n_tracks=10, n_dets=10)
    gamma = gate_threshold(0.999, 3)
    assert gate(zhat[:0], HPHt[:0], z, R, gamma).track.size == 0
    assert gate(zhat, HPHt, z[:0], R[:0], gamma).det.size == 0


def test_gate_threshold_is_the_chi_square_quantile() -> None:
    from scipy.stats import chi2

    for p, k in [(0.99, 1), (0.999, 3), (0.95, 2), (0.9999, 4)]:
        assert gate_threshold(p, k) == pytest.approx(chi2.ppf(p, k), rel=1e-12)


def test_gate_in_polar_space_wraps_azimuth_like_brute_force(pregate: str) -> None:
    # (range m, azimuth rad, range rate m/s): mixed units, targets and detections around north.
    rng = np.random.default_rng(9)
    n, m = 60, 90
    zhat = np.column_stack(
        [rng.uniform(1e3, 2e3, n), rng.uniform(-0.05, 0.05, n) % (2 * np.pi), rng.normal(0, 5, n)]
    )
    sd = np.array([20.0, 0.004, 2.0])
    HPHt = np.broadcast_to(np.diag(sd**2), (n, 3, 3)) * rng.uniform(0.5, 2.0, (n, 1, 1))
    R = np.broadcast_to(np.diag([10.0, 0.002, 1.0]) ** 2, (m, 3, 3)).copy()
    owner = rng.integers(0, n, m)
    z = zhat[owner] + rng.normal(size=(m, 3)) * sd * 2.0
    z[:, 1] %= 2 * np.pi
    angle = np.array([False, True, False])
    gamma = gate_threshold(0.999, 3)
    got = gate(zhat, HPHt, z, R, gamma, angle)
    expected = {}
    for i in range(n):
        for j in range(m):
            nu = z[j] - zhat[i]
            nu[1] = (nu[1] + np.pi) % (2 * np.pi) - np.pi
            d2 = float(nu @ np.linalg.inv(HPHt[i] + R[j]) @ nu)
            if d2 <= gamma:
                expected[(i, j)] = d2
    across = [k for k in expected if abs(z[k[1], 1] - zhat[k[0], 1]) > np.pi]
    assert len(across) > 5  # pairs whose raw azimuths straddle north are in the reference
    assert sorted(zip(got.track.tolist(), got.det.tolist(), strict=True)) == sorted(expected)
    np.testing.assert_allclose(
        got.d2, [expected[k] for k in zip(got.track, got.det, strict=True)], rtol=1e-9
    )


def test_clear_pairs_keeps_a_detection_only_where_one_track_holds_the_share() -> None:
    # Detection 0: likelihoods 1 and 0.05 (best holds 1/1.05 = 0.952); detection 1: 1 and 0.5
    # (0.667); detection 2: one track alone (1.0); detection 3: in no gate.
    det = np.array([0, 0, 1, 1, 2])
    ll = np.log(np.array([1.0, 0.05, 0.5, 1.0, 0.01]))
    keep = clear_pairs(det, ll, 4, 0.9)
    np.testing.assert_array_equal(keep, [True, True, False, False, True])
    np.testing.assert_array_equal(clear_pairs(det, ll, 4, 0.6), [True] * 5)
    assert clear_pairs(det[:0], ll[:0], 4, 0.9).size == 0
