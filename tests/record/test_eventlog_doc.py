"""docs/event-log.md documents the format as written: every column of every table (the fields
of the record behind it) and every key of meta.json."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from bastion.record.eventlog import FORMAT_VERSION, RECORDS, TABLES

DOC = Path(__file__).resolve().parents[2] / "docs" / "event-log.md"


def _row(file_name: str) -> str:
    for line in DOC.read_text().splitlines():
        if line.startswith(f"| `{file_name}` |"):
            return line
    raise AssertionError(f"docs/event-log.md has no table row for {file_name}")


def _names(cell: str) -> set[str]:
    return set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)(?:\[\d+\])?`", cell))


def test_every_column_is_documented() -> None:
    assert set(RECORDS) == set(TABLES)
    for table, record in RECORDS.items():
        documented = _names(_row(f"{table}.parquet").split("|")[3])
        fields = {f.name for f in dataclasses.fields(record)}
        assert fields <= documented, f"{table}: undocumented columns {fields - documented}"


def test_every_meta_key_is_documented(mid_run) -> None:
    out, _ = mid_run
    meta = json.loads((out / "meta.json").read_text())
    text = DOC.read_text()
    section = text[text.index("### `meta.json`") : text.index("## Conventions")]
    documented = _names(section)
    assert set(meta) <= documented, set(meta) - documented
    assert f"# The event log (format version {FORMAT_VERSION})" in text
    assert f"| {FORMAT_VERSION} |" in text  # the changelog has the current version
