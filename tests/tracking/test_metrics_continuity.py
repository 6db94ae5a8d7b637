"""Track continuity (breaks, identity switches, time to confirm) on hand-built histories."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.tracking.metrics import assign_tracks, continuity


def test_breaks_switches_and_time_to_confirm() -> None:
    # Object 7 over ticks 0..7: untracked, untracked, track 1, 1, (lost), 1, 2, 2
    #   -> confirmed after 2 s, one break (the gap), one switch (1 -> 2).
    # Object 9 over ticks 3..5: never tracked.
    # Object 4 over ticks 0..3: 5, 5, 6, (lost) -> one switch, no break (never tracked again).
    rows = [(k, 7, tid) for k, tid in enumerate([-1, -1, 1, 1, -1, 1, 2, 2])]
    rows += [(k, 9, -1) for k in range(3, 6)]
    rows += [(k, 4, tid) for k, tid in enumerate([5, 5, 6, -1])]
    rng = np.random.default_rng(0)
    rng.shuffle(rows)  # row order must not matter
    t, truth, track = (np.array(c) for c in zip(*rows, strict=True))
    r = continuity(t.astype(float), truth, track)
    assert (r.breaks, r.id_switches) == (1, 2)
    np.testing.assert_array_equal(r.truth_id, [4, 7, 9])
    np.testing.assert_array_equal(r.time_to_confirm_s, [0.0, 2.0, np.nan])
    assert r.mean_time_to_confirm_s == pytest.approx(1.0)


def test_switch_across_a_gap_is_both_a_break_and_a_switch() -> None:
    r = continuity(np.arange(4.0), np.zeros(4, int), np.array([3, -1, -1, 8]))
    assert (r.breaks, r.id_switches) == (1, 1)


def test_assign_tracks_pairs_within_the_cutoff() -> None:
    truth = np.array([[0.0, 0.0], [1000.0, 0.0], [5000.0, 0.0]])
    tracks = np.array([[1030.0, 0.0], [10.0, 0.0], [5200.0, 0.0]])
    ti, ki = assign_tracks(truth, tracks, c=100.0)
    assert sorted(zip(ti.tolist(), ki.tolist(), strict=True)) == [(0, 1), (1, 0)]


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="one shape"):
        continuity(np.zeros(3), np.zeros(2, int), np.zeros(3, int))
