"""``--vary PATH=V1,V2,...``: one scenario field, named by its path, and the values it takes.

A path follows the scenario file's own structure, the way validation errors name fields:
``raids[0].count``, ``sensors[1].reference_range_m``, ``wind.from_deg``,
``raids[0].launch_window_s[1]``. Values are YAML, separated by commas outside brackets, so a
value can itself be a flow list or mapping: ``raids[0].launch_window_s=[0,300],[0,900]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from bastion.errors import CampaignError

PathPart = str | int

_STEP = re.compile(r"\.([A-Za-z_]\w*)|\[(\d+)\]")
_FIRST = re.compile(r"[A-Za-z_]\w*")
_OPEN, _CLOSE = "[{", "]}"


@dataclass(frozen=True)
class Variation:
    """One varied field: its path as written, the path split into keys and indices, its values."""

    path: str
    parts: tuple[PathPart, ...]
    values: tuple[Any, ...]

    @property
    def column(self) -> str:
        """Results column holding this field's value; prefixed so it cannot clash with a figure."""
        return f"vary.{self.path}"


def format_path(parts: tuple[PathPart, ...]) -> str:
    """('raids', 0, 'count') -> 'raids[0].count', as validation errors write it."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def parse_path(path: str) -> tuple[PathPart, ...]:
    """'raids[0].count' -> ('raids', 0, 'count'), or a CampaignError naming the bad path."""
    first = _FIRST.match(path)
    if first is None:
        raise CampaignError(
            f"--vary {path!r}: a path starts with a field name, e.g. raids[0].count"
        )
    parts: list[PathPart] = [first.group(0)]
    pos = first.end()
    while pos < len(path):
        step = _STEP.match(path, pos)
        if step is None:
            raise CampaignError(
                f"--vary {path!r}: cannot read the path from {path[pos:]!r} "
                "(use .field and [index], e.g. sensors[0].reference_range_m)"
            )
        name, index = step.groups()
        parts.append(name if name is not None else int(index))
        pos = step.end()
    return tuple(parts)


def split_values(text: str) -> list[str]:
    """Split at commas that are not inside [] or {}: '[0,300],[0,900]' -> ['[0,300]', '[0,900]']."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item.strip() for item in items]


def parse_vary(option: str) -> Variation:
    """Read one ``PATH=V1,V2,...`` option; each value is parsed as YAML."""
    path, sep, values_text = option.partition("=")
    path = path.strip()
    if not sep or not values_text.strip():
        raise CampaignError(f"--vary {option!r}: expected PATH=V1,V2,... e.g. raids[0].count=13,26")
    parts = parse_path(path)
    values = []
    for text in split_values(values_text):
        if not text:
            raise CampaignError(f"--vary {path}: empty value in {values_text!r}")
        try:
            values.append(yaml.safe_load(text))
        except yaml.YAMLError as err:
            raise CampaignError(
                f"--vary {path}: value {text!r} is not valid YAML ({err})"
            ) from None
    for i, value in enumerate(values):
        if value in values[:i]:
            raise CampaignError(f"--vary {path}: value {value!r} is listed twice")
    return Variation(path, parts, tuple(values))


def _step(container: Any, part: PathPart, parts: tuple[PathPart, ...], k: int) -> Any:
    """Check that ``container`` has ``part`` and return the container it leads to."""
    here = format_path(parts[:k]) or "the scenario"
    if isinstance(part, int):
        if not isinstance(container, list):
            raise CampaignError(f"--vary {format_path(parts)}: {here} is not a list")
        if part >= len(container):
            raise CampaignError(
                f"--vary {format_path(parts)}: {here} has {len(container)} entries "
                f"(indices 0-{len(container) - 1})"
            )
        return container
    if not isinstance(container, dict):
        kind = "empty (null)" if container is None else "not a mapping of fields"
        raise CampaignError(f"--vary {format_path(parts)}: {here} is {kind}")
    if part not in container:
        raise CampaignError(
            f"--vary {format_path(parts)}: no field {part!r} in {here} "
            f"(fields: {', '.join(sorted(container))})"
        )
    return container


def get_path(data: Any, parts: tuple[PathPart, ...]) -> Any:
    """The value at ``parts`` in a dumped scenario."""
    for k, part in enumerate(parts):
        data = _step(data, part, parts, k)[part]
    return data


def set_path(data: dict[str, Any], parts: tuple[PathPart, ...], value: Any) -> None:
    """Replace the value at ``parts`` in a dumped scenario (in place); the field must exist."""
    container: Any = data
    for k, part in enumerate(parts[:-1]):
        container = _step(container, part, parts, k)[part]
    _step(container, parts[-1], parts, len(parts) - 1)[parts[-1]] = value
