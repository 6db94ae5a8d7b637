"""The scenario's assigner: its doctrine's method, with the site's debris footprint model."""

from __future__ import annotations

import numpy as np

from bastion.assign.greedy import GreedyAssigner
from bastion.assign.milp import MilpAssigner
from bastion.assign.planner import WtaAssigner
from bastion.engage.footprint import FootprintModel, Wreckage
from bastion.scenario.schema import Scenario
from bastion.scenario.site import Site


def wreckage_of(scenario: Scenario) -> Wreckage:
    """What the defence assumes of any hostile drone's wreckage: the mean over drone types of
    ballistic coefficient and detonation probability, and the largest lethal radius."""
    types = scenario.drone_types
    return Wreckage(
        ballistic_coefficient_kg_m2=float(np.mean([d.ballistic_coefficient_kg_m2 for d in types])),
        p_detonate=float(np.mean([d.p_payload_detonates_on_impact for d in types])),
        lethal_radius_m=max(d.payload_lethal_radius_m for d in types),
    )


def build_assigner(
    scenario: Scenario, site: Site, wind: np.ndarray, rng: np.random.Generator
) -> WtaAssigner:
    """GreedyAssigner or MilpAssigner as the doctrine says; rng draws the footprint samples."""
    d = scenario.doctrine
    footprint = FootprintModel(site, wind, d.debris, wreckage_of(scenario), rng)
    cls = MilpAssigner if d.assigner == "milp" else GreedyAssigner
    return cls(d, site, footprint)
