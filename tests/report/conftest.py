"""The full hmeimim-2018 run (45 minutes, one seed) and its report, shared by the report tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bastion.report import write_report
from bastion.run import run_scenario
from bastion.scenario.loader import load_builtin


@pytest.fixture(scope="session")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Path]:
    """(run folder, summary, report path) of hmeimim-2018 with seed 2."""
    out = tmp_path_factory.mktemp("hmeimim-full")
    summary = run_scenario(load_builtin("hmeimim-2018"), 2, out)
    return out, summary, write_report(out, summary=summary)
