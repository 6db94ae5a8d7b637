"""Reading scenarios: built-in ids from the registry, or YAML files; each fault named by path."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bastion.errors import ScenarioError, ScenarioValidationError
from bastion.scenario.schema import Scenario

_BUILTIN_PACKAGE = "bastion.scenario.builtin"


#: Discriminator tags of the scenario's tagged unions (sensor and effector types).
_UNION_TAGS = (
    "radar",
    "rf_detector",
    "eo_ir",
    "acoustic",
    "missile",
    "gun",
    "gnss_jammer",
    "rf_jammer",
    "interceptor",
)


def _format_loc(loc: tuple[Any, ...]) -> str:
    """('raids', 1, 'count') -> 'raids[1].count'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _problems(err: ValidationError) -> list[str]:
    lines = []
    for e in err.errors():
        # Discriminated unions add the tag as a loc step ('sensors', 0, 'radar', 'pfa'): keep it
        # out of the path the user sees, which follows the file's own structure.
        loc = tuple(p for p in e["loc"] if p not in _UNION_TAGS)
        msg = str(e["msg"]).removeprefix("Value error, ")
        if not loc and e["type"] == "value_error":
            lines.extend(msg.split("; "))
        else:
            lines.append(f"{_format_loc(loc) or '(top level)'}: {msg}")
    return lines


def parse_scenario(data: Any, source: str) -> Scenario:
    """Validate a mapping into a Scenario, or raise ScenarioValidationError naming each bad path."""
    if not isinstance(data, dict):
        raise ScenarioValidationError(source, ["(top level): expected a mapping of fields"])
    try:
        return Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioValidationError(source, _problems(err)) from None


def load_scenario_file(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ScenarioError(f"{path}: cannot read scenario file ({err.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ScenarioError(f"{path}: not valid YAML: {err}") from None
    return parse_scenario(data, str(path))


def builtin_ids() -> list[str]:
    """Versioned ids of the built-in scenarios, sorted."""
    files = resources.files(_BUILTIN_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


def load_builtin(scenario_id: str) -> Scenario:
    if scenario_id not in builtin_ids():
        known = ", ".join(builtin_ids())
        raise ScenarioError(f"no built-in scenario {scenario_id!r} (built-in: {known})")
    resource = resources.files(_BUILTIN_PACKAGE) / f"{scenario_id}.yaml"
    data = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return parse_scenario(data, f"built-in {scenario_id}")


def load_scenario(name_or_path: str) -> Scenario:
    """A built-in id, or else a path to a YAML file."""
    if name_or_path in builtin_ids():
        return load_builtin(name_or_path)
    if Path(name_or_path).exists() or name_or_path.endswith((".yaml", ".yml")):
        return load_scenario_file(name_or_path)
    known = ", ".join(builtin_ids())
    raise ScenarioError(f"{name_or_path!r} is neither a built-in scenario ({known}) nor a file")
