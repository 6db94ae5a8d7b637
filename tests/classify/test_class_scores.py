"""Classification scores: known answers on hand-made belief histories, and the run summary's
figures against a track-by-track count over the event log."""

from __future__ import annotations

import numpy as np
import pytest

from bastion.classify.belief import UNKNOWN, believed_class
from bastion.classify.scoring import (
    NO_OBJECT,
    TRUTH_LABELS,
    class_scores,
    counted,
    run_bootstrap_ci,
    share,
)
from bastion.record.eventlog import EventLog
from bastion.run import run_scenario
from bastion.scenario.loader import load_builtin
from bastion.types import CLASSES, NavMode, ObjectKind, ObjectStatus, TrackStatus

DRONE, BIRD = int(ObjectKind.DRONE), int(ObjectKind.BIRD)


def test_believed_class_is_unknown_below_the_bar() -> None:
    p = np.array([[0.7, 0.1, 0.1, 0.1], [0.4, 0.35, 0.25, 0.0], [np.nan] * 4])
    np.testing.assert_array_equal(believed_class(p, 0.6), [0, UNKNOWN, UNKNOWN])


def test_scores_of_hand_made_histories() -> None:
    # Track 1, a drone: unknown, then declared at t=4, confident at t=6 (0.95).
    # Track 2, a bird: confirmed from t=2, declared drone once at t=3 (drone-like), bird at the
    # end; declared while tentative at t=1, which does not count.
    # Track 3, a false-alarm track that ends unknown; its tentative rows do not count.
    rows = [
        (2, 1, True, DRONE, [0.5, 0.3, 0.1, 0.1], False),
        (4, 1, True, DRONE, [0.8, 0.1, 0.0, 0.1], True),
        (6, 1, True, DRONE, [0.95, 0.05, 0.0, 0.0], True),
        (1, 2, False, BIRD, [0.9, 0.1, 0.0, 0.0], True),
        (2, 2, True, BIRD, [0.3, 0.6, 0.0, 0.1], False),
        (3, 2, True, BIRD, [0.75, 0.25, 0.0, 0.0], True),
        (5, 2, True, BIRD, [0.05, 0.95, 0.0, 0.0], False),
        (1, 3, False, NO_OBJECT, [0.0, 0.0, 0.0, 1.0], False),
        (3, 3, True, NO_OBJECT, [0.3, 0.3, 0.0, 0.4], False),
    ]
    t, ids, conf, truth, p, declared = (np.array(c) for c in zip(*rows, strict=True))
    obj = np.array([10, 10, 10, 20, 20, 20, 20, -1, -1])
    s = class_scores(t, ids, conf, truth, p, obj, declared, unknown_below=0.6)
    expected = np.zeros((len(TRUTH_LABELS), len(CLASSES) + 1), int)
    expected[DRONE, CLASSES.index("drone")] = 1
    expected[BIRD, CLASSES.index("bird")] = 1
    expected[NO_OBJECT, UNKNOWN] = 1
    np.testing.assert_array_equal(s["confusion"], expected)
    assert s["drone_recall"] == 1.0 and s["bird_as_drone_rate"] == 1.0
    assert s["per_class"]["drone"] == {"tracks": 1, "recall": 1.0, "precision": 1.0}
    assert s["per_class"]["no object"]["recall"] == 0.0
    assert s["per_class"]["no object"]["precision"] is None
    assert s["time_to_confident_s"]["drone"]["median"] == 4.0  # 6 - 2
    assert s["time_to_confident_s"]["bird"]["median"] == 3.0  # 5 - 2
    assert s["time_to_confident_s"]["no object"]["confident_fraction"] == 0.0
    assert s["time_to_confident_s"]["aircraft"]["tracks"] == 0
    assert s["drone_object_recall"] == 1.0
    assert s["drone_recall_counts"] == {"hits": 1, "of": 1}
    assert s["bird_as_drone_rate_counts"] == {"hits": 1, "of": 1}
    assert counted(s, "drone_object_recall") == "100% (1 of 1)"
    bird_held = declared & (ids != 2)  # the bird's confirmed declaration did not hold
    stricter = class_scores(t, ids, conf, truth, p, obj, bird_held, unknown_below=0.6)
    assert stricter["bird_as_drone_rate"] == 0.0 and stricter["drone_recall"] == 1.0
    none = np.zeros_like(declared)
    strictest = class_scores(t, ids, conf, truth, p, obj, none, unknown_below=0.6)
    assert strictest["drone_recall"] == 0.0 and strictest["drone_object_recall"] == 0.0


def test_share_has_its_counts_and_wilson_interval() -> None:
    # Wilson 95 %: p̂ = 0.95, n = 60, z = 1.96: centre (p̂ + z²/2n) / (1 + z²/n) = 0.9229,
    # half-width z·sqrt(p̂(1-p̂)/n + z²/4n²) / (1 + z²/n) = 0.0600.
    s = share(57, 60)
    assert s["share"] == 0.95 and s["counts"] == {"hits": 57, "of": 60}
    assert (s["ci95"]["low"], s["ci95"]["high"]) == pytest.approx((0.8630, 0.9829), abs=1e-4)
    assert share(0, 10)["ci95"]["low"] == 0.0 and share(10, 10)["ci95"]["high"] == 1.0
    none = {"share": None, "counts": {"hits": 0, "of": 0}, "ci95": {"low": None, "high": None}}
    assert share(0, 0) == none


def test_run_bootstrap_interval_allows_for_tracks_of_one_run_going_together() -> None:
    # Every run alike (3 of 15): every draw gives 0.2 exactly.
    alike = run_bootstrap_ci(np.full(40, 3), np.full(40, 15))
    assert alike == {"low": 0.2, "high": 0.2}
    # The same 12 hits in 600 tracks, all in one run of 40 (a flock declared drone): a draw
    # holds that run k times, k ~ Binomial(40, 1/40), so the share is 0.02 k: 0 with
    # probability 0.36, and k ≥ 3 with 0.079, k ≥ 4 with 0.018: [0, 0.06]. Wilson, taking
    # the 600 tracks to be independent, says [0.0115, 0.0346].
    hits = np.zeros(40)
    hits[7] = 12
    flock = run_bootstrap_ci(hits, np.full(40, 15))
    assert flock == {"low": 0.0, "high": 0.06}
    assert share(12, 600)["ci95"] == {"low": 0.0115, "high": 0.0346}
    assert run_bootstrap_ci(hits, np.full(40, 15)) == flock  # seeded
    assert run_bootstrap_ci(np.zeros(3), np.zeros(3)) == {"low": None, "high": None}


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    scenario = load_builtin("hmeimim-2018").model_copy(
        update={"duration_s": 1_800.0, "classifier": "trained"}
    )
    out = tmp_path_factory.mktemp("run")
    return out, run_scenario(scenario, 2, out)


def test_summary_confusion_is_the_count_over_the_log(short_run) -> None:
    out, summary = short_run
    log = EventLog(out)
    trk = log.table("tracks", ["t", "track_id", "status", "truth_id"]).to_pydict()
    bel = log.table("beliefs", ["t", "track_id", "p", "p_rotary"]).to_pydict()
    truth = log.table("truth", ["t", "object_id", "kind", "status", "nav_mode"]).to_pydict()
    kind = dict(zip(truth["object_id"], truth["kind"], strict=True))
    # An object flies of its own accord while flying and not being landed by the defence.
    own = {
        (t, i): status == ObjectStatus.FLYING and nav != NavMode.SPOOFED
        for t, i, status, nav in zip(
            truth["t"], truth["object_id"], truth["status"], truth["nav_mode"], strict=True
        )
    }
    belief = {(t, i): p for t, i, p in zip(bel["t"], bel["track_id"], bel["p"], strict=True)}
    last: dict[int, int] = {}
    not_own = 0
    for row, status in enumerate(trk["status"]):
        truth_id = trk["truth_id"][row]
        if status != TrackStatus.CONFIRMED:
            continue
        if truth_id >= 0 and not own[(trk["t"][row], truth_id)]:
            not_own += 1
            continue
        last[trk["track_id"][row]] = row
    # Some confirmed rows follow an object that is down or being landed by the defence, so
    # the rule is exercised.
    assert not_own > 0
    expected = np.zeros((len(TRUTH_LABELS), len(CLASSES) + 1), dtype=int)
    for row in last.values():
        p = belief[(trk["t"][row], trk["track_id"][row])]
        truth_id = trk["truth_id"][row]
        label = NO_OBJECT if truth_id < 0 else kind[truth_id]
        top = int(np.argmax(p))
        expected[label, top if p[top] >= 0.6 else UNKNOWN] += 1
    scores = summary["classification"]
    np.testing.assert_array_equal(scores["confusion"], expected)
    # Every drone with a scored track is in the drone row; a drone tracked only once the
    # defence was landing it has none.
    scored_drones = {trk["truth_id"][r] for r in last.values() if trk["truth_id"][r] >= 0}
    scored_drones = {i for i in scored_drones if kind[i] == DRONE}
    assert expected[DRONE].sum() >= len(scored_drones) > 0
    assert len(scored_drones) <= summary["tracked"]
    # The drone airframe split is logged and is part of the drone belief.
    p_drone = np.array([p[0] for p in bel["p"]])
    assert np.all(np.array(bel["p_rotary"]) <= p_drone + 1e-12)
