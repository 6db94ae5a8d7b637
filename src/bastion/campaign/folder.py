"""The campaign folder: what the campaign is, each combination's scenario, and its results.

    campaign.json             definition (base scenario, variations, seed), runs, combinations
    scenarios/c0000.yaml ...  each combination's scenario as run: ``bastion run FILE --seed S``
                              reproduces the row of that combination with seed S
    results-NNNNNN.parquet    one row per run (results.py)
    logs/c0000-r00000/ ...    event logs, only with --keep-logs
    report.html               written by ``bastion campaign-report``

Re-running a campaign into its own folder resumes it; a folder holding a different campaign is
refused, naming the first field that differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from bastion import __version__
from bastion.campaign.plan import CampaignPlan
from bastion.campaign.results import finished_runs, stored_schema
from bastion.campaign.vary import PathPart, format_path
from bastion.errors import CampaignError

FORMAT_VERSION = 1
CAMPAIGN_FILE = "campaign.json"


def first_difference(a: Any, b: Any, parts: tuple[PathPart, ...] = ()) -> str | None:
    """Path of the first place two JSON values differ, or None when equal."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return format_path((*parts, key))
            found = first_difference(a[key], b[key], (*parts, key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, (*parts, i))
            if found is not None:
                return found
        return None
    return None if a == b else (format_path(parts) or "(whole value)")


def read_campaign(out_dir: Path) -> dict[str, Any]:
    """The folder's campaign.json, or a CampaignError saying why it is not a campaign folder."""
    path = Path(out_dir) / CAMPAIGN_FILE
    if not path.is_file():
        raise CampaignError(f"{out_dir}: no {CAMPAIGN_FILE}, not a campaign folder")
    try:
        stored = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise CampaignError(f"{path}: corrupt ({err})") from None
    if stored.get("format_version") != FORMAT_VERSION:
        raise CampaignError(
            f"{path}: campaign format version {stored.get('format_version')!r} is not supported "
            f"(this Bastion reads version {FORMAT_VERSION})"
        )
    return stored


def _check_resumable(out_dir: Path, plan: CampaignPlan, schema: pa.Schema) -> int:
    """Runs recorded by the folder's campaign, after checking that it is this campaign."""
    stored = read_campaign(out_dir)
    definition = json.loads(json.dumps(plan.definition()))
    where = first_difference(stored["definition"], definition)
    if where is not None:
        raise CampaignError(
            f"{out_dir} holds a different campaign (its definition differs at {where}); "
            "resume it with the same scenario, --vary options and --seed, or choose another --out"
        )
    existing = stored_schema(out_dir)
    if existing is not None and not existing.equals(schema):
        changed = sorted(set(existing.names) ^ set(schema.names)) or ["column types"]
        raise CampaignError(
            f"{out_dir}: its results have other columns than this Bastion writes "
            f"({', '.join(changed)}); finish it with the Bastion that started it, "
            "or choose another --out"
        )
    return int(stored["runs"])


def prepare_folder(
    out_dir: Path, plan: CampaignPlan, schema: pa.Schema
) -> frozenset[tuple[int, int]]:
    """Create or reopen the campaign folder; returns the (combination, replication) pairs done."""
    out_dir = Path(out_dir)
    runs = plan.runs
    if (out_dir / CAMPAIGN_FILE).exists():
        runs = max(runs, _check_resumable(out_dir, plan, schema))
    elif out_dir.exists() and any(out_dir.iterdir()):
        raise CampaignError(f"{out_dir} exists and is not a campaign folder; choose another --out")
    (out_dir / "scenarios").mkdir(parents=True, exist_ok=True)
    combinations = []
    for combo in plan.combinations:
        scenario_file = Path("scenarios") / f"c{combo.index:04d}.yaml"
        dumped = combo.scenario.model_dump(mode="json")
        (out_dir / scenario_file).write_text(yaml.safe_dump(dumped, sort_keys=False))
        combinations.append(
            {
                "index": combo.index,
                "label": plan.label(combo.index),
                "values": list(combo.values),
                "scenario_file": str(scenario_file),
            }
        )
    stored = {
        "format_version": FORMAT_VERSION,
        "bastion_version": __version__,
        "definition": plan.definition(),
        "runs": runs,
        "combinations": combinations,
    }
    (out_dir / CAMPAIGN_FILE).write_text(json.dumps(stored, indent=2))
    return finished_runs(out_dir)
