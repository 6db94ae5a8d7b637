"""The trained classifier: incremental track features fed to the shipped calibrated model.

Every batch's attributed detections update the features (``observe``); every tick, one
vectorised prediction over the tracks with new evidence gives p(label | features now), which is
the belief: the drone column is rotary + fixed-wing, and ``p_rotary`` keeps the split. A track
with no new evidence keeps its belief. The probabilities are calibrated at every moment of a
track's life (the model sees how much evidence a track has), so a young track gets the
belief its little evidence supports: unknown where that is ambiguous
(:func:`bastion.classify.belief.believed_class`), and as sure as one plot allows where it is
not (most one-plot tracks are false alarms, and say so).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from bastion.classify.calibration import class_probabilities
from bastion.classify.features import TrackFeatures
from bastion.classify.flights import LABELS
from bastion.classify.model import ClassifierModel
from bastion.threat.rows import sorted_rows
from bastion.tracking.base import Attribution
from bastion.types import ClassBelief, DetectionBatch, TrackTable

_ROTARY = LABELS.index("drone_rotary")


class TrainedClassifier:
    """``model`` predicts LABELS from :data:`bastion.classify.features.FEATURES`;
    ``sensor_kinds`` maps sensor ids to their config type and ``wind`` is the site's met wind
    (see TrackFeatures)."""

    def __init__(
        self,
        model: ClassifierModel,
        sensor_kinds: Mapping[str, str] | None = None,
        wind: np.ndarray | None = None,
    ):
        self.model = model
        self.features = TrackFeatures(sensor_kinds, wind)
        self._ids = np.zeros(0, dtype=np.int64)  # sorted
        self._p = np.zeros((0, len(LABELS)))

    def observe(self, batch: DetectionBatch, attribution: Attribution) -> None:
        self.features.observe(batch, attribution)

    def update(self, tracks: TrackTable) -> ClassBelief:
        X, changed = self.features.update(tracks)
        ids = tracks.track_id
        pos, known = sorted_rows(self._ids, ids)
        p_labels = np.empty((ids.size, len(LABELS)))
        p_labels[known] = self._p[pos[known]]
        ask = changed | ~known
        if ask.any():
            p_labels[ask] = self.model.estimator.predict_proba(X[ask])
        order = np.argsort(ids, kind="stable")
        self._ids, self._p = ids[order], p_labels[order]
        return ClassBelief(
            t=tracks.t,
            track_id=ids.copy(),
            p=class_probabilities(p_labels),
            p_rotary=p_labels[:, _ROTARY].copy(),
        )
