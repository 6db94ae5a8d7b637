"""Coverage figures a planner reads without the code: Pd maps and detection along routes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bastion.coverage.analysis import Coverage, RouteCoverage, SliceCoverage

_DPI = 110
_PD_CONTOURS = (0.5, 0.9)


def slug(text: str) -> str:
    """A file-name-safe form of a name: lower case, runs of other characters to '-'."""
    out = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in out.split("-") if part)


def _slice_axes(
    ax: Axes, sl: SliceCoverage, name: str, altitudes_m: np.ndarray, origin: str
) -> None:
    pd = sl.pd[name]
    km = sl.ranges_m / 1e3
    mesh = ax.pcolormesh(km, altitudes_m, pd, vmin=0.0, vmax=1.0, cmap="viridis", shading="nearest")
    if np.nanmax(pd) >= min(_PD_CONTOURS):
        lines = ax.contour(
            km,
            altitudes_m,
            pd,
            levels=list(_PD_CONTOURS),
            colors=["white", "orange"],
            linewidths=1.2,
        )
        ax.clabel(lines, fmt={0.5: "Pd 0.5", 0.9: "Pd 0.9"}, fontsize=7)
    ax.set_yscale("log")
    ax.set_xlabel(f"ground range from {origin}, km")
    ax.set_ylabel("altitude above ground, m")
    ax.set_title(name, fontsize=9)
    ax.figure.colorbar(mesh, ax=ax, label="Pd per look")


def slice_figure(
    sl: SliceCoverage, classes: list[str], altitudes_m: np.ndarray, origin: str
) -> Figure:
    """One Pd map per class, side by side, with the Pd 0.5 and 0.9 contours."""
    fig = Figure(figsize=(6.0 * len(classes), 4.2), layout="constrained")
    fig.suptitle(sl.label)
    for ax, name in zip(np.atleast_1d(fig.subplots(1, len(classes))), classes, strict=True):
        _slice_axes(ax, sl, name, altitudes_m, origin)
    return fig


def route_figure(raid: str, routes: list[RouteCoverage], min_warning_s: float) -> Figure:
    """Chance of detection by the search sensors against distance to the target, per altitude,
    with the attack radius and the point that leaves ``min_warning_s`` marked."""
    fig = Figure(figsize=(8.0, 4.5), layout="constrained")
    ax = fig.subplots()
    for r in routes:
        label = f"{r.altitude_m:.0f} m" + (" (cruise)" if r.cruise else "")
        ax.plot(r.distance_m / 1e3, r.p_detected, "-" if r.cruise else "--", label=label)
    first = routes[0]
    end_km = first.distance_m[-1] / 1e3
    speed_km_s = (first.distance_m[0] / 1e3 - end_km) / max(first.arrival_s, 1e-9)
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.axvline(end_km, color="red", lw=0.8, ls=":", label="attack radius")
    ax.axvline(
        end_km + min_warning_s * speed_km_s,
        color="orange",
        lw=0.8,
        ls=":",
        label=f"{min_warning_s:.0f} s of warning",
    )
    ax.invert_xaxis()
    ax.set_xlabel(f"distance to {first.asset}, km")
    ax.set_ylabel("P(detected so far)")
    ax.set_title(f"{raid} route ({first.target_class}): search sensors")
    ax.legend(fontsize=8)
    return fig


def write_figures(cov: Coverage, out_dir: Path) -> list[Path]:
    """One PNG per sensor, per raid's fused approach and per raid route; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    classes = [c.name for c in cov.classes]
    figures: list[tuple[str, Figure]] = []
    for s in cov.sensors:
        fig = slice_figure(s.slice, classes, cov.altitudes_m, s.sensor_id)
        figures.append((f"sensor-{slug(s.sensor_id)}.png", fig))
    for f in cov.fused:
        fig = slice_figure(f.slice, classes, cov.altitudes_m, f.asset)
        figures.append((f"fused-{slug(f.raid)}.png", fig))
    for raid in dict.fromkeys(r.raid for r in cov.routes):
        mine = [r for r in cov.routes if r.raid == raid]
        figures.append((f"route-{slug(raid)}.png", route_figure(raid, mine, cov.min_warning_s)))
    paths = []
    for name, fig in figures:
        path = out_dir / name
        fig.savefig(path, dpi=_DPI)
        paths.append(path)
    return paths
