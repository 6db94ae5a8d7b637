"""Shared fixtures: a short raid that is engaged within minutes, and a real 2-worker cluster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from distributed import Client

from bastion.campaign import connect
from bastion.scenario.loader import load_builtin, parse_scenario
from bastion.scenario.schema import Scenario

#: Launch areas about 8 km from their targets, on the original bearings (hmeimim-2018 launches
#: from 55-60 km).
_CLOSE_LAUNCHES = [(35.4534, 36.0133), (35.4009, 36.0388), (34.9393, 35.9529)]


@pytest.fixture(scope="session")
def short_raid() -> Scenario:
    """hmeimim-2018 launched close in, without birds or airliners: engaged within 300 s.

    A run costs a second or two and its outcome (kills, munitions, cost) changes with the seed,
    so comparisons between runs are not trivially equal.
    """
    data = load_builtin("hmeimim-2018").model_dump(mode="json")
    data["duration_s"] = 300.0
    data["background"] = {"bird_flocks": [], "civil_aircraft": []}
    for raid, (lat, lon) in zip(data["raids"], _CLOSE_LAUNCHES, strict=True):
        raid["launch_area"] = {"lat_deg": lat, "lon_deg": lon, "alt_m": 0.0}
        raid["launch_window_s"] = [0.0, 30.0]
    return parse_scenario(data, "short raid (tests/campaign/conftest.py)")


@pytest.fixture(scope="session")
def cluster_client() -> Iterator[Client]:
    """An embedded LocalCluster of 2 worker processes, one thread each, as the CLI makes it."""
    with connect(None, n_workers=2) as client:
        yield client
