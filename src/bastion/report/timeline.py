"""The timeline: one row per drone from launch to its end, with the defence's milestones on it
(first detection, confirmed track, classed as a drone, shots, outcomes, impact), then each
drone's story in words with the engagement reasons the assigner gave."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bastion.record.replay import clock_text
from bastion.report.data import RunData
from bastion.report.drones import DroneStory
from bastion.report.html import Section, esc, figure, paragraph, table

_MIN = 1.0 / 60.0
_LINE_MARKERS = ("|", "x", "_", "+")
#: (marker, colour, size, label) per milestone.
_STYLE = {
    "detected": ("|", "#1f5f99", 140, "first detection"),
    "confirmed": ("o", "#1f5f99", 40, "track confirmed"),
    "classified": ("s", "#8e44ad", 40, "classed as drone"),
    "launch": (">", "black", 45, "shot fired / jammer on"),
    "kill": ("X", "#c0392b", 90, "hard kill"),
    "miss": ("o", "white", 45, "miss"),
    "takeover": ("D", "#8e44ad", 50, "EW takeover"),
    "jammed": ("d", "#d291f0", 50, "GNSS denied"),
    "link_lost": ("P", "#2471a3", 60, "control link jammed"),
    "approval_requested": ("h", "#f1c40f", 45, "operator approval asked"),
    "order_dropped": ("x", "#7f8c8d", 45, "order dropped"),
    "impact": ("v", "#4d3b2a", 60, "impact"),
}


def timeline_figure(stories: list[DroneStory], duration_s: float) -> Figure:
    rows = max(len(stories), 1)
    fig = Figure(figsize=(15, 1.6 + 0.32 * rows), layout="constrained")
    ax = fig.subplots()
    points: dict[str, list[tuple[float, int]]] = {k: [] for k in _STYLE}
    for y, s in enumerate(stories):
        end = s.end_t if s.end_t is not None else duration_s
        ax.plot(
            [s.launch_t * _MIN, end * _MIN], [y, y], color="#f0b27a", lw=5, solid_capstyle="butt"
        )
        if s.first_detection is not None:
            points["detected"].append((s.first_detection.t, y))
        if s.confirmed_t is not None:
            points["confirmed"].append((s.confirmed_t, y))
        if s.classified_t is not None:
            points["classified"].append((s.classified_t, y))
        for h in s.engagements:
            if h.kind in points:  # kinds without a marker are in the drone's table below
                points[h.kind].append((h.t, y))
        if s.impact is not None:
            points["impact"].append((s.impact.t, y))
    for kind, (marker, colour, size, _) in _STYLE.items():
        if points[kind]:
            t, y = zip(*points[kind], strict=True)
            # Line markers have no face, so no edge colour of their own.
            edge = (
                {"linewidths": 1.5}
                if marker in _LINE_MARKERS
                else {"edgecolors": "black", "linewidths": 0.4}
            )
            ax.scatter([v * _MIN for v in t], y, marker=marker, c=colour, s=size, zorder=3, **edge)
    ax.set_yticks(range(len(stories)), [f"D{s.object_id} ({s.fate})" for s in stories], fontsize=8)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xlim(0, duration_s * _MIN)
    ax.set_xlabel("time since the scenario epoch, min")
    ax.grid(True, axis="x", lw=0.3, alpha=0.6)
    handles = [Line2D([], [], color="#f0b27a", lw=5, label="in flight")] + [
        Line2D([], [], marker=m, color=c, mec="black", ls="", ms=7, label=label)
        for kind, (m, c, _, label) in _STYLE.items()
        if points[kind]
    ]
    ax.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=10,
        fontsize=8,
        frameon=False,
    )
    return fig


def _story_rows(s: DroneStory) -> list[list[str]]:
    rows = [(s.launch_t, "launched", f"{s.raid}")]
    if s.first_detection is not None:
        d = s.first_detection
        rows.append((d.t, "first detected", f"by {d.sensor_id} at {d.range_m / 1e3:.1f} km"))
    if s.confirmed_t is not None:
        rows.append((s.confirmed_t, "track confirmed", ""))
    if s.classified_t is not None:
        rows.append((s.classified_t, "classed as a drone", "most probable class of its track"))
    for h in s.engagements:
        what = f"{h.kind} ({h.effector_id})" + (f", track {h.track_id}" if h.track_id >= 0 else "")
        rows.append((h.t, what, h.detail))
    if s.impact is not None:
        where = f"at ({s.impact.pos[0] / 1e3:.1f}, {s.impact.pos[1] / 1e3:.1f}) km"
        zone = ", inside a no-debris zone" if s.impact.in_no_debris_zone else ""
        rows.append((s.impact.t, "impact", f"{s.impact.detail} {where}{zone}"))
    rows.sort(key=lambda r: r[0])
    return [[clock_text(t), what, detail] for t, what, detail in rows]


def _story_summary(s: DroneStory) -> str:
    end = "" if s.end_t is None else f" at {clock_text(s.end_t)}"
    shots = ", ".join(f"{n}× {eff}" for eff, n in s.shots.items()) or "not engaged"
    return f"D{s.object_id} ({s.raid}): {s.fate}{end}; {shots}"


def timeline_section(run: RunData, stories: list[DroneStory]) -> Section:
    duration = float(run.meta.get("duration_s") or run.scenario.duration_s)
    body = paragraph(
        "Each bar is a drone in flight, launch to end; markers are when the defence first "
        "detected it, confirmed a track on it, classed it as a drone, engaged it, and the outcome."
    )
    body += figure(timeline_figure(stories, duration), "timeline per drone")
    for s in stories:
        body += (
            f"<details><summary>{esc(_story_summary(s))}</summary>"
            + table(["time", "what", "detail"], _story_rows(s))
            + "</details>"
        )
    if not stories:
        body += paragraph("No drone took off during this run.")
    return Section("timeline", "Timeline per drone", body)
