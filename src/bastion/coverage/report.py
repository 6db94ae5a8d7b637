"""Writing a coverage analysis: coverage.json, a plain-text table, and the PNG figures."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bastion.coverage.analysis import PD_LEVELS, Coverage, SliceCoverage
from bastion.coverage.maps import BANDS_M, band_name
from bastion.coverage.plots import write_figures


def _km(value: float | None) -> str:
    return "-" if value is None else f"{value / 1e3:.1f}"


def range_table(cov: Coverage) -> Table:
    """Detection range per look at Pd 0.5 / 0.9 (km), per sensor (and fused) and class."""
    lo, hi = (round(p * 100) for p in PD_LEVELS)
    title = f"{cov.scenario}: detection range per look, km (Pd {PD_LEVELS[0]} / {PD_LEVELS[1]})"
    table = Table(title=title, title_justify="left")
    table.add_column("sensor")
    table.add_column("class")
    for band in BANDS_M:
        table.add_column(band_name(band), justify="right")
    rows: list[tuple[str, SliceCoverage]] = [(s.slice.label, s.slice) for s in cov.sensors]
    rows += [(f.slice.label, f.slice) for f in cov.fused]
    for label, sl in rows:
        for name, bands in sl.bands().items():
            cells = [
                f"{_km(v[f'range_pd{lo}_m'])} / {_km(v[f'range_pd{hi}_m'])}" for v in bands.values()
            ]
            table.add_row(label, name, *cells)
    return table


def route_table(cov: Coverage) -> Table:
    table = Table(
        title="raid routes: first detection by the search sensors (50 % / 90 %)",
        title_justify="left",
    )
    table.add_column("raid")
    table.add_column("class")
    for name in ("altitude m", "distance km", "warning s"):
        table.add_column(name, justify="right")
    table.add_column("gap")
    for r in cov.routes:
        m, late = r.first
        warning = "-" if m.warning_s is None else f"{m.warning_s:.0f}"
        warning += " / " + ("-" if late.warning_s is None else f"{late.warning_s:.0f}")
        gap = m.warning_s is None or m.warning_s < cov.min_warning_s
        table.add_row(
            r.raid,
            r.target_class,
            f"{r.altitude_m:.0f}" + (" (cruise)" if r.cruise else ""),
            f"{_km(m.distance_m)} / {_km(late.distance_m)}",
            warning,
            "GAP" if gap else "",
        )
    return table


def print_coverage(cov: Coverage, console: Console) -> None:
    console.print(range_table(cov))
    console.print(route_table(cov))
    gaps = cov.gaps()
    if gaps:
        console.print(
            f"Gaps (median first detection under {cov.min_warning_s:.0f} s before the target):"
        )
        for line in gaps:
            console.print(f"  - {line}", highlight=False)
    else:
        console.print(
            f"No gaps: on every route and altitude the median first detection comes at least "
            f"{cov.min_warning_s:.0f} s before the target.",
            highlight=False,
        )
    console.print(
        "Cameras (EO/IR) look only where a track cues them: their maps assume they are pointed "
        "at the target, and they are left out of the fused maps and warning times.",
        highlight=False,
    )


def write_coverage(cov: Coverage, out_dir: Path) -> list[Path]:
    """coverage.json, coverage.txt (the tables and gaps) and the figures; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "coverage.json"
    json_path.write_text(json.dumps(cov.to_json(), indent=2))
    text = Console(record=True, width=160, file=io.StringIO())
    print_coverage(cov, text)
    text_path = out_dir / "coverage.txt"
    text_path.write_text(text.export_text())
    return [json_path, text_path, *write_figures(cov, out_dir)]
