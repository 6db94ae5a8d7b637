"""The site map: where everything was and where everything happened, in the local frame (km).

First the whole theatre (sensor coverage, every drone's path from its raid's launch area), then
a close-up of each defended asset (engagements, impacts, zones). Layers: defended assets with
their attack radius, no-debris zones, landing areas, sensor coverage rings (each sensor's
maximum range), true paths (drones in colour, birds and aircraft in grey), confirmed system
tracks (bold where the system believed a drone), engagement outcomes and impact points.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Polygon

from bastion.record.columns import belief_rows
from bastion.report.data import RunData
from bastion.report.html import Section, figure, paragraph
from bastion.types import CLASSES, ObjectKind, ObjectStatus, TrackStatus

_KM = 1e-3
#: Close-ups take the events and landing areas nearest to their asset, out to this distance.
_CLOSE_UP_REACH_M = 30_000.0
_CLOSE_UP_MIN_HALF_KM = 4.0
_OUTCOME_STYLE = {  # event kind -> (marker, colour, label)
    "kill": ("X", "#c0392b", "hard kill"),
    "miss": ("o", "#7f8c8d", "miss"),
    "takeover": ("D", "#8e44ad", "EW takeover"),
    "jammed": ("d", "#d291f0", "GNSS denied (no takeover)"),
    "link_lost": ("P", "#2471a3", "control link jammed"),
}
#: Sensor marker by type (coverage rings are dotted, whatever the type).
_SENSOR_MARKERS = {"radar": "^", "rf_detector": "p", "eo_ir": "s", "acoustic": "h"}
#: Zone styles: (face, edge, label colour, hatch).
_NO_DEBRIS_STYLE = ("#e74c3c33", "#c0392b", "#922b21", "//")
_LANDING_STYLE = ("#27ae6033", "#1e8449", "#1e8449", None)
_DRONE_COLOURS = ("#e67e22", "#d35400", "#f39c12", "#c0392b", "#a0522d", "#e74c3c")


def _paths(ids: np.ndarray, t: np.ndarray, pos: np.ndarray) -> dict[int, np.ndarray]:
    """Positions (km, east-north) of each id, in time order."""
    order = np.lexsort((t, ids))
    ids, pos = ids[order], pos[order, :2] * _KM
    cuts = np.flatnonzero(np.diff(ids)) + 1
    return {
        int(chunk_ids[0]): p
        for chunk_ids, p in zip(np.split(ids, cuts), np.split(pos, cuts), strict=True)
        if chunk_ids.size
    }


class MapLayers:
    """Everything drawn on the maps, prepared once and drawn on each panel."""

    def __init__(self, run: RunData) -> None:
        self.run = run
        truth = run.truth
        flying = truth["status"] == ObjectStatus.FLYING
        paths = _paths(
            truth["object_id"][flying].astype(np.int64), truth["t"][flying], truth["pos"][flying]
        )
        kind = run.objects.kind
        self.background = [p for i, p in paths.items() if kind[i] != ObjectKind.DRONE]
        self.drones = {i: p for i, p in paths.items() if kind[i] == ObjectKind.DRONE}
        trk = run.tracks
        confirmed = trk["status"] == TrackStatus.CONFIRMED
        ids = trk["track_id"][confirmed].astype(np.int64)
        believed = np.nan_to_num(belief_rows(trk, run.beliefs)[confirmed]).argmax(axis=1)
        as_drone = set(ids[believed == CLASSES.index("drone")].tolist())
        tracks = _paths(ids, trk["t"][confirmed], trk["x"][confirmed, :3])
        self.drone_tracks = [p for i, p in tracks.items() if i in as_drone]
        self.other_tracks = [p for i, p in tracks.items() if i not in as_drone]
        self.sensors = [
            (s.id, s.type, run.site.to_enu(s.position)[:2] * _KM, s.max_range_m * _KM)
            for s in run.scenario.sensors
        ]

    def draw(self, ax: Axes, close_up: bool) -> None:
        self._site(ax, labels=close_up)
        for name, kind, p, r in self.sensors:
            ax.plot(*p, marker=_SENSOR_MARKERS.get(kind, "^"), ms=8, color="#1f5f99", zorder=5)
            ax.add_patch(Circle(p, r, fc="none", ec="#1f5f99", lw=1, ls=":"))
            _label(ax, f"{name} ({r:.0f} km)", (p[0], p[1] - r), (0, 4), 7, "#1f5f99", ha="center")
        ax.add_collection(LineCollection(self.background, colors="#b0b7bf", lw=0.6, zorder=1))
        colours = [_DRONE_COLOURS[i % len(_DRONE_COLOURS)] for i in self.drones]
        ax.add_collection(
            LineCollection(list(self.drones.values()), colors=colours, lw=1.4, zorder=3)
        )
        ax.add_collection(LineCollection(self.other_tracks, colors="#8fb3d9", lw=0.5, zorder=2))
        ax.add_collection(
            LineCollection(self.drone_tracks, colors="#1f5f99", lw=1.0, ls="--", zorder=4)
        )
        self._events(ax, label=close_up)
        if not close_up:
            for raid in self.run.scenario.raids:
                p = self.run.site.to_enu(raid.launch_area)[:2] * _KM
                _label(ax, f"{raid.name} ({raid.count})", p, (4, 4), 8, "#a04000")

    def _site(self, ax: Axes, labels: bool) -> None:
        site = self.run.site
        _zones(ax, site.no_debris_names, site.no_debris_polygons, labels, *_NO_DEBRIS_STYLE)
        _zones(ax, site.landing_names, site.landing_polygons, labels, *_LANDING_STYLE)
        for name, p, r in zip(site.asset_names, site.asset_pos, site.asset_radius_m, strict=True):
            ax.add_patch(Circle(p[:2] * _KM, r * _KM, fc="none", ec="black", lw=1, ls="--"))
            ax.plot(*(p[:2] * _KM), marker="*", ms=12, color="black", zorder=5)
            _label(ax, name, p[:2] * _KM, (8, -12), 8, "black", weight="bold")

    def _events(self, ax: Axes, label: bool) -> None:
        ev = self.run.events
        impact = ev["kind"] == "impact"
        in_zone = ev["in_no_debris_zone"].astype(bool)
        # (rows, marker, size, face, edge, edge width, zorder): outcomes, then impacts on top.
        layers = [
            (ev["kind"] == kind, marker, 60, colour, "black", 0.5, 6)
            for kind, (marker, colour, _) in _OUTCOME_STYLE.items()
        ]
        layers += [
            (impact & ~in_zone, "v", 50, "#4d3b2a", "white", 0.6, 7),
            (impact & in_zone, "v", 50, "#ff0000", "white", 0.6, 7),
        ]
        for rows, marker, size, face, edge, width, z in layers:
            if not rows.any():  # an empty scatter draws nothing, but costs a millisecond
                continue
            at = ev["pos"][rows] * _KM
            ax.scatter(
                at[:, 0],
                at[:, 1],
                marker=marker,
                s=size,
                c=face,
                edgecolors=edge,
                linewidths=width,
                zorder=z,
            )
        if label:
            for k in np.flatnonzero(impact & (ev["object_id"] >= 0)):
                _label(ax, f"D{ev['object_id'][k]}", ev["pos"][k, :2] * _KM, (4, -3), 7, "black")


def _zones(
    ax: Axes,
    names: tuple[str, ...],
    polygons: tuple[np.ndarray, ...],
    labels: bool,
    face: str,
    edge: str,
    label_colour: str,
    hatch: str | None,
) -> None:
    """Areas (polygons, m) drawn filled, each labelled under its south-west corner."""
    for name, poly in zip(names, polygons, strict=True):
        ax.add_patch(Polygon(poly * _KM, closed=True, fc=face, ec=edge, lw=1, hatch=hatch))
        if labels:
            _label(ax, name, poly.min(axis=0) * _KM, (0, -9), 7, label_colour)


def _label(
    ax: Axes,
    text: str,
    at: tuple[float, float] | np.ndarray,
    offset_pt: tuple[float, float],
    size: float,
    colour: str,
    **style: Any,
) -> None:
    """Text ``offset_pt`` points from a map point (km), hidden when the point is off the map."""
    ax.annotate(
        text,
        at,
        xytext=offset_pt,
        textcoords="offset points",
        fontsize=size,
        color=colour,
        clip_on=True,
        **style,
    )


def _legend(sensor_types: list[str], event_kinds: set[str]) -> list[Line2D]:
    def line(label: str, **kw: object) -> Line2D:
        return Line2D([], [], label=label, **kw)

    items = [line("defended asset (attack radius dashed)", marker="*", color="black", ls="", ms=10)]
    items += [
        line(
            f"{kind} (coverage ring dotted)",
            marker=_SENSOR_MARKERS.get(kind, "^"),
            color="#1f5f99",
            ls="",
            ms=8,
        )
        for kind in dict.fromkeys(sensor_types)
    ]
    items += [
        line("no-debris zone", color="#c0392b", lw=6, alpha=0.4),
        line("landing area", color="#1e8449", lw=6, alpha=0.4),
        line("drone true path", color="#e67e22", lw=1.5),
        line("bird / aircraft true path", color="#b0b7bf", lw=1),
        line("system track believed a drone", color="#1f5f99", lw=1, ls="--"),
        line("other confirmed system track", color="#8fb3d9", lw=1),
    ]
    items += [
        line(label, marker=m, color=c, ls="", ms=7, mec="black")
        for kind, (m, c, label) in _OUTCOME_STYLE.items()
        if kind in event_kinds
    ]
    items += [
        line("impact (wreckage, landing, payload)", marker="v", color="#4d3b2a", ls="", ms=7),
        line("impact in a no-debris zone", marker="v", color="#ff0000", ls="", ms=7),
    ]
    return items


def _square(points: np.ndarray, pad_km: float, min_half_km: float) -> tuple[float, ...]:
    """x0, x1, y0, y1 of a square holding the points (km) with a margin."""
    lo, hi = points.min(axis=0) - pad_km, points.max(axis=0) + pad_km
    half = max(max(hi - lo) / 2.0, min_half_km)
    mid = (lo + hi) / 2.0
    return mid[0] - half, mid[0] + half, mid[1] - half, mid[1] + half


def _theatre_points(run: RunData) -> np.ndarray:
    pts = [run.site.asset_pos[:, :2], run.objects.launch_pos[run.objects.drones, :2]]
    pts += [run.site.to_enu(r.launch_area)[None, :2] for r in run.scenario.raids]
    for sensor in run.scenario.sensors:
        p = run.site.to_enu(sensor.position)[:2]
        pts.append(np.array([p - sensor.max_range_m, p + sensor.max_range_m]))
    return np.concatenate(pts) * _KM


def _nearest_asset(run: RunData, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest asset to each point (N, 2) m and its distance."""
    d = np.linalg.norm(points[:, None, :] - run.site.asset_pos[None, :, :2], axis=-1)
    return d.argmin(axis=1), d.min(axis=1)


def close_up_points(run: RunData, asset: int) -> np.ndarray:
    """Points (km) a close-up of one asset must show: its attack circle, and the outcomes,
    impacts and landing areas nearer to it than to any other asset, within reach."""
    site = run.site
    centre, r = site.asset_pos[asset, :2], site.asset_radius_m[asset]
    pts = [np.array([centre - r, centre + r])]
    outcome = np.isin(run.events["kind"], [*_OUTCOME_STYLE, "impact"])
    events = run.events["pos"][outcome, :2]
    nearest, dist = _nearest_asset(run, events)
    pts.append(events[(nearest == asset) & (dist <= _CLOSE_UP_REACH_M)])
    for poly in site.landing_polygons:
        nearest, dist = _nearest_asset(run, poly.mean(axis=0)[None, :])
        if nearest[0] == asset and dist[0] <= _CLOSE_UP_REACH_M:
            pts.append(poly)
    return np.concatenate(pts) * _KM


def _frame(ax: Axes, bounds: tuple[float, ...], title: str) -> None:
    ax.set_xlim(bounds[0], bounds[1])
    ax.set_ylim(bounds[2], bounds[3])
    ax.set_aspect("equal")
    ax.set_xlabel("east of the site origin, km")
    ax.set_ylabel("north, km")
    ax.grid(True, lw=0.3, alpha=0.5)
    ax.set_title(title)


def theatre_figure(run: RunData, layers: MapLayers) -> Figure:
    fig = Figure(figsize=(13, 9), layout="constrained")
    ax = fig.subplots()
    layers.draw(ax, close_up=False)
    _frame(ax, _square(_theatre_points(run), 3.0, 0.0), "Theatre: sensor coverage and raids")
    types = [s.type for s in run.scenario.sensors]
    kinds = set(run.events["kind"].tolist())
    ax.legend(
        handles=_legend(types, kinds), loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8
    )
    return fig


def close_ups_figure(run: RunData, layers: MapLayers) -> Figure:
    n = len(run.site.asset_names)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig = Figure(figsize=(6.5 * cols, 6.5 * rows))
    # Fixed margins: square panels of one size need no layout engine (a costly extra pass).
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.08, top=0.94, wspace=0.25, hspace=0.25)
    for k, name in enumerate(run.site.asset_names):
        layers.draw(axes[k], close_up=True)
        bounds = _square(close_up_points(run, k), 1.5, _CLOSE_UP_MIN_HALF_KM)
        _frame(axes[k], bounds, f"{name}: engagements and impacts")
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig


def site_map_section(run: RunData) -> Section:
    layers = MapLayers(run)
    text = paragraph(
        "East and north in km from the site origin "
        f"({run.site.origin[0]:.4f}°N, {run.site.origin[1]:.4f}°E). Raids are labelled at their "
        "launch areas (with their drone count); in the close-ups, impacts are labelled with "
        "the drone (D<id>) and engagement markers sit where the effect took place."
    )
    body = text + figure(theatre_figure(run, layers), "theatre map")
    body += figure(close_ups_figure(run, layers), "close-ups of the defended assets")
    return Section("site-map", "Site map", body)
