"""Training is reproducible from its seed, the written model loads with its metadata, and a
model that cannot be used here says how to rebuild it."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sklearn

from bastion.classify import training
from bastion.classify.features import FEATURES
from bastion.classify.flights import LABELS
from bastion.classify.model import load_model, metadata_path
from bastion.classify.runs import run_snapshots
from bastion.errors import ClassifierModelError

RUNS, RUN_S, ITERS = 20, 100.0, 8


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny model trained by ``train``, with the snapshots it was trained on."""
    path = tmp_path_factory.mktemp("model") / "tiny.joblib"
    seen, simulate = [], training.simulate

    def recording(*args, **kwargs):
        seen.append(simulate(*args, **kwargs))
        return seen[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(training, "simulate", recording)
        meta = training.train(RUNS, seed=3, out=path, run_s=RUN_S, max_iter=ITERS)
    return path, meta, seen[0]


def test_a_run_is_a_function_of_its_seed_and_index() -> None:
    a, b = run_snapshots(5, 2, run_s=90.0), run_snapshots(5, 2, run_s=90.0)
    np.testing.assert_array_equal(a.X, b.X)  # NaNs compare equal here
    np.testing.assert_array_equal(a.y, b.y)
    c = run_snapshots(5, 3, run_s=90.0)
    assert a.X.shape != c.X.shape or not np.array_equal(a.X, c.X, equal_nan=True)


def test_the_same_seed_trains_the_same_model(tiny) -> None:
    path, _, data = tiny
    again = training.fit_model(data, 3, ITERS)
    saved = load_model(path).estimator
    held = training.split_of(data.run) == 2
    np.testing.assert_array_equal(
        saved.predict_proba(data.X[held]), again.predict_proba(data.X[held])
    )


def test_metadata_describes_the_model(tiny) -> None:
    path, meta, _ = tiny
    written = json.loads(metadata_path(path).read_text())
    assert {k: written[k] for k in meta} == json.loads(json.dumps(meta))
    assert written["features"] == list(FEATURES) and written["labels"] == list(LABELS)
    assert written["sklearn_version"] == sklearn.__version__
    assert written["seed"] == 3 and written["runs"] == RUNS
    assert sum(written["rows"].values()) == sum(written["label_counts"].values())
    assert 0.0 <= written["held_out"]["calibration_error"] <= 1.0


def test_missing_or_foreign_models_say_how_to_rebuild(tiny, tmp_path) -> None:
    with pytest.raises(ClassifierModelError, match="bastion train-classifier"):
        load_model(tmp_path / "none.joblib")
    path, _, _ = tiny
    other = tmp_path / "other.joblib"
    other.write_bytes(path.read_bytes())
    meta = json.loads(metadata_path(path).read_text())
    metadata_path(other).write_text(json.dumps(meta | {"sklearn_version": "0.1"}))
    with pytest.raises(ClassifierModelError, match=r"scikit-learn 0\.1.*bastion train-classifier"):
        load_model(other)
    metadata_path(other).write_text(json.dumps(meta | {"features": ["speed_mps"]}))
    with pytest.raises(ClassifierModelError, match="other features"):
        load_model(other)
