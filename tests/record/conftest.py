"""A run shared by the record tests: hmeimim-2018 cut to 2,000 s, so it holds detections,
tracks, engagements, kills, EW takedowns and drones still flying at the end (the raid arrives
from about 1,700 s on)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bastion.run import run_scenario
from bastion.scenario.loader import load_builtin

MID_RUN_DURATION_S = 2000.0


@pytest.fixture(scope="session")
def mid_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    scenario = load_builtin("hmeimim-2018").model_copy(update={"duration_s": MID_RUN_DURATION_S})
    out = tmp_path_factory.mktemp("mid-run")
    return out, run_scenario(scenario, 2, out)
