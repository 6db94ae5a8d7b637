"""A campaign's plan: every parameter combination, validated up front, and the runs to do.

The combinations are the Cartesian product of the ``--vary`` options, in the order given (the
last option varies fastest). Each is the base scenario's dumped dict with the values set, checked
by the same validation as a scenario file, so a bad path or value stops the campaign before any
run starts, with the field named.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bastion.campaign.seeds import replication_seeds
from bastion.campaign.vary import Variation, get_path, set_path
from bastion.errors import CampaignError
from bastion.scenario.loader import parse_scenario
from bastion.scenario.schema import Scenario


@dataclass(frozen=True)
class Combination:
    """One point of the parameter grid: its index, validated values (one per variation)."""

    index: int
    values: tuple[Any, ...]
    scenario: Scenario


@dataclass(frozen=True)
class RunTask:
    """One replication of one combination, with the seed ``run_scenario`` receives."""

    combination: int
    replication: int
    seed: int


@dataclass(frozen=True)
class CampaignPlan:
    base: Scenario
    variations: tuple[Variation, ...]
    combinations: tuple[Combination, ...]
    seeds: tuple[int, ...]  # run seed of each replication, shared by every combination
    campaign_seed: int

    @property
    def runs(self) -> int:
        return len(self.seeds)

    @property
    def total(self) -> int:
        return self.runs * len(self.combinations)

    def tasks(self, done: frozenset[tuple[int, int]] = frozenset()) -> Iterator[RunTask]:
        """Runs not in ``done`` (pairs of combination, replication), replication by replication.

        Replication-major order keeps a part-finished campaign balanced: every combination has
        about as many runs, on the same seeds, whenever it stops.
        """
        for r, seed in enumerate(self.seeds):
            for c in range(len(self.combinations)):
                if (c, r) not in done:
                    yield RunTask(c, r, seed)

    def definition(self) -> dict[str, Any]:
        """What identifies the campaign in its folder (the number of runs may grow on resume)."""
        return {
            "scenario": self.base.model_dump(mode="json"),
            "variations": [{"path": v.path, "values": list(v.values)} for v in self.variations],
            "seed": self.campaign_seed,
        }

    def label(self, combination: int) -> str:
        """'raids[0].count=26, wind.from_deg=90', or the scenario id when nothing varies."""
        values = self.combinations[combination].values
        if not self.variations:
            return self.base.id
        return ", ".join(
            f"{v.path}={value}" for v, value in zip(self.variations, values, strict=True)
        )


def _combination(
    base: dict[str, Any], variations: tuple[Variation, ...], values: tuple
) -> Scenario:
    data = copy.deepcopy(base)
    for variation, value in zip(variations, values, strict=True):
        set_path(data, variation.parts, value)
    where = ", ".join(f"{v.path}={value!r}" for v, value in zip(variations, values, strict=True))
    return parse_scenario(data, f"campaign combination {where}" if where else "campaign scenario")


def plan_campaign(
    scenario: Scenario, variations: list[Variation], runs: int, campaign_seed: int
) -> CampaignPlan:
    """Validate every combination and derive the replications' seeds."""
    paths = [v.path for v in variations]
    for i, path in enumerate(paths):
        if path in paths[:i]:
            raise CampaignError(f"--vary {path}: given twice; list all its values in one option")
    seeds = replication_seeds(campaign_seed, runs)
    base = scenario.model_dump(mode="json")
    for variation in variations:
        get_path(base, variation.parts)  # a path that does not exist fails here, named
    combinations = []
    grid = itertools.product(*(v.values for v in variations))
    for index, values in enumerate(grid):
        scn = _combination(base, tuple(variations), values)
        dumped = scn.model_dump(mode="json")
        canonical = tuple(get_path(dumped, v.parts) for v in variations)
        combinations.append(Combination(index, canonical, scn))
    return CampaignPlan(
        scenario, tuple(variations), tuple(combinations), tuple(seeds), campaign_seed
    )
