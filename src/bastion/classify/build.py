"""Building a scenario's classifier: the trained model (default) or the kinematic baseline.

The trained classifier's modules (and scikit-learn, which its model file needs) are imported
only when a scenario asks for it, so a run on the kinematic baseline does not pay for them.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from bastion.classify.base import Classifier
from bastion.classify.kinematic import KinematicClassifier
from bastion.frames import wind_enu
from bastion.scenario.schema import Scenario

if TYPE_CHECKING:
    from bastion.classify.model import ClassifierModel


@cache
def shipped_model() -> ClassifierModel:
    """The model shipped with Bastion, loaded once per process."""
    from bastion.classify.model import load_model

    return load_model()


def build_classifier(scenario: Scenario) -> Classifier:
    """The classifier the scenario names, told which kind each of its sensors is and the
    site's wind (the met report: the scenario's wind)."""
    if scenario.classifier == "kinematic":
        return KinematicClassifier()
    from bastion.classify.trained import TrainedClassifier

    kinds = {s.id: s.type for s in scenario.sensors}
    wind = wind_enu(scenario.wind.speed_mps, scenario.wind.from_deg)
    return TrainedClassifier(shipped_model(), kinds, wind)
