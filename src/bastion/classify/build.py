"""Building a scenario's classifier: the trained model (default) or the kinematic baseline."""

from __future__ import annotations

from functools import cache

from bastion.classify.base import Classifier
from bastion.classify.kinematic import KinematicClassifier
from bastion.classify.model import ClassifierModel, load_model
from bastion.classify.trained import TrainedClassifier
from bastion.scenario.schema import Scenario


@cache
def shipped_model() -> ClassifierModel:
    """The model shipped with Bastion, loaded once per process."""
    return load_model()


def build_classifier(scenario: Scenario) -> Classifier:
    """The classifier the scenario names, told which kind each of its sensors is."""
    if scenario.classifier == "kinematic":
        return KinematicClassifier()
    return TrainedClassifier(shipped_model(), {s.id: s.type for s in scenario.sensors})
