"""The shipped classifier model: a joblib file and its JSON metadata, side by side.

``models/classifier-v1.joblib`` holds the fitted model
(:class:`bastion.classify.forest.CalibratedTrees`: scikit-learn HistGradientBoosting trees over
:data:`bastion.classify.flights.LABELS` and their temperature);
``classifier-v1.json`` says how it was made: model version, scikit-learn version, feature
names, labels, the training command and seed, the data size and the held-out metrics. A model
is only loaded by the scikit-learn version that wrote it (pickles do not travel between
versions) and only for the feature list this Bastion computes; otherwise the error says how to
rebuild it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import sklearn

from bastion.classify.features import FEATURES
from bastion.classify.flights import LABELS
from bastion.errors import ClassifierModelError

MODEL_VERSION = 1
DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / f"classifier-v{MODEL_VERSION}.joblib"
REBUILD = "bastion train-classifier"


@dataclass(frozen=True)
class ClassifierModel:
    """A fitted estimator with ``predict_proba`` over LABELS, and its metadata."""

    estimator: Any
    meta: dict[str, Any]


def metadata_path(model_path: Path) -> Path:
    return model_path.with_suffix(".json")


def save_model(estimator: Any, meta: dict[str, Any], path: Path) -> None:
    """Write the model and its metadata (the versions and feature list are filled in here)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "model_version": MODEL_VERSION,
        "sklearn_version": sklearn.__version__,
        "features": list(FEATURES),
        "labels": list(LABELS),
        **meta,
    }
    joblib.dump(estimator, path, compress=("xz", 9))
    metadata_path(path).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def load_model(path: Path | None = None) -> ClassifierModel:
    """The model at ``path`` (default: the one shipped with Bastion), checked before use."""
    path = DEFAULT_MODEL if path is None else Path(path)
    rebuild = f"rebuild it with `{REBUILD} --out {path}`"
    meta_file = metadata_path(path)
    if not path.is_file() or not meta_file.is_file():
        raise ClassifierModelError(
            f"{path}: no classifier model (or no {meta_file.name}); {rebuild}"
        )
    try:
        meta = json.loads(meta_file.read_text())
    except json.JSONDecodeError as err:
        raise ClassifierModelError(f"{meta_file}: corrupt metadata ({err}); {rebuild}") from None
    made_by = meta.get("sklearn_version")
    if made_by != sklearn.__version__:
        raise ClassifierModelError(
            f"{path}: made by scikit-learn {made_by}, this is scikit-learn "
            f"{sklearn.__version__}; {rebuild}"
        )
    if meta.get("features") != list(FEATURES) or meta.get("labels") != list(LABELS):
        raise ClassifierModelError(
            f"{path}: made for other features or labels than this Bastion computes; {rebuild}"
        )
    try:
        estimator = joblib.load(path)
    except Exception as err:  # a truncated or foreign file: say which and how to fix it
        raise ClassifierModelError(f"{path}: cannot be loaded ({err}); {rebuild}") from None
    return ClassifierModel(estimator, meta)
