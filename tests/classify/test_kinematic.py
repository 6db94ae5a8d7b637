"""Kinematic class belief: sensible on clear cases, sequential, honest when evidence is thin."""

from __future__ import annotations

import numpy as np

from bastion.classify.kinematic import PRIOR, KinematicClassifier
from bastion.types import CLASSES, TrackStatus, TrackTable


def _tracks(speeds, heights, hits, t=0.0, ids=None) -> TrackTable:
    n = len(speeds)
    x = np.zeros((n, 6))
    x[:, 2] = heights
    x[:, 3] = speeds
    P = np.tile(np.diag([100.0, 100.0, 100.0, 4.0, 4.0, 4.0]), (n, 1, 1))
    return TrackTable(
        t=t,
        track_id=np.arange(1, n + 1) if ids is None else np.array(ids),
        x=x,
        P=P,
        status=np.full(n, TrackStatus.CONFIRMED, np.int8),
        hits=np.array(hits, np.int32),
        misses=np.zeros(n, np.int32),
        last_update_t=np.full(n, t),
        truth_id=np.zeros(n, np.int64),
    )


def _run(classifier, speeds, heights, updates):
    belief = None
    for k in range(1, updates + 1):
        belief = classifier.update(_tracks(speeds, heights, [k] * len(speeds), t=float(k)))
    return belief


def test_clear_cases_come_out_as_their_class() -> None:
    belief = _run(KinematicClassifier(), [30.0, 10.0, 200.0], [300.0, 80.0, 9000.0], 10)
    top = [CLASSES[i] for i in belief.p.argmax(axis=1)]
    assert top == ["drone", "bird", "aircraft"]
    assert belief.p.max(axis=1).min() > 0.9
    np.testing.assert_allclose(belief.p.sum(axis=1), 1.0)


def test_no_new_detection_means_no_new_evidence() -> None:
    clf = KinematicClassifier()
    first = clf.update(_tracks([30.0], [300.0], [1]))
    again = clf.update(_tracks([30.0], [300.0], [1], t=1.0))
    np.testing.assert_allclose(first.p, again.p)
    fresh = KinematicClassifier().update(_tracks([30.0], [300.0], [0]))
    np.testing.assert_allclose(fresh.p[0], PRIOR)  # no evidence yet: the prior, not a guess


def test_belief_follows_a_change_of_behaviour() -> None:
    clf = KinematicClassifier()
    _run(clf, [10.0], [100.0], 10)
    belief = None
    for k in range(11, 31):
        belief = clf.update(_tracks([35.0], [300.0], [k], t=float(k)))
    assert CLASSES[int(belief.p[0].argmax())] == "drone"


def test_forgotten_tracks_are_dropped() -> None:
    clf = KinematicClassifier()
    clf.update(_tracks([30.0, 10.0], [300.0, 80.0], [1, 1]))
    clf.update(_tracks([30.0], [300.0], [2], ids=[1]))
    assert clf._ids.tolist() == [1]
