"""The terminal replay: a rich live view of a run stepped through from its event log.

:class:`ReplayView` turns frames (:func:`bastion.record.replay.frames`) into one renderable:
the clock and the run's figures so far, the confirmed tracks ranked by threat, and the latest
engagement events. :func:`play` paces the frames against a wall clock; the clock and the sleep
are arguments so tests can run a replay without waiting or a terminal.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import numpy as np
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bastion.record.eventlog import EventLog
from bastion.record.replay import Frame, clock_text, frames
from bastion.types import CLASSES, TrackStatus

_RECENT_EVENTS = 8


def _seconds(value: float) -> str:
    return f"{value:.0f}" if np.isfinite(value) else "never"


class ReplayView:
    """What the replay shows, kept up to date frame by frame."""

    def __init__(self, meta: dict[str, Any], max_tracks: int = 12) -> None:
        self.meta = meta
        self.max_tracks = max_tracks
        definition = meta.get("scenario_definition", {})
        self.asset_names = [a["name"] for a in definition.get("assets", [])]
        self.recent: deque[tuple[float, str, str, int, int, str]] = deque(maxlen=_RECENT_EVENTS)
        self.engaged_tracks: set[int] = set()
        self.frame: Frame | None = None

    def update(self, frame: Frame) -> None:
        ev = frame.rows["events"]
        for k in range(ev["t"].shape[0]):
            row = (
                frame.t,
                str(ev["kind"][k]),
                str(ev["effector_id"][k]),
                int(ev["track_id"][k]),
                int(ev["object_id"][k]),
                str(ev["detail"][k]),
            )
            self.recent.append(row)
            if row[1] == "launch":
                self.engaged_tracks.add(row[3])
        self.frame = frame

    def _header(self, frame: Frame) -> Panel:
        f = frame.figures
        duration = float(self.meta.get("duration_s") or frame.t)
        munitions = ", ".join(f"{k} {v}" for k, v in f["munitions"].items() if v) or "none"
        gospa = "-" if f["gospa_now"] is None else f"{f['gospa_now']:.0f} m"
        lines = [
            f"[bold]{self.meta.get('scenario')}[/] seed {self.meta.get('seed')}   "
            f"t = [bold]{clock_text(frame.t)}[/] / {clock_text(duration)}   "
            f"objects flying {f['objects_flying']}   GOSPA now {gospa}",
            f"drones launched {f['launched']}  detected {f['detected']}  tracked "
            f"{f['tracked']}  engaged {f['engaged']}   [green]destroyed {f['destroyed']}[/]  "
            f"[cyan]EW {f['ew_defeated']}[/] (landed {f['ew_landed']}, crashed "
            f"{f['ew_crashed']})  [red]leakers {f['leakers']}[/]  still flying "
            f"{f['still_flying']}",
            f"false tracks {f['false_tracks']}   asset damage events {f['asset_damage']}   "
            f"debris in no-debris zones {f['debris_in_no_debris_zones']}   munitions: "
            f"{munitions}   cost ${f['cost_usd']:,.0f}",
        ]
        return Panel("\n".join(lines), title="Bastion replay", title_align="left")

    def _tracks(self, frame: Frame) -> Table:
        trk, bel, thr = frame.rows["tracks"], frame.rows["beliefs"], frame.rows["threats"]
        confirmed = np.flatnonzero(trk["status"] == TrackStatus.CONFIRMED)
        belief = {int(i): p for i, p in zip(bel["track_id"], bel["p"], strict=True)}
        threat = {int(i): k for k, i in enumerate(thr["track_id"])}
        scores = np.array(
            [thr["score"][threat[int(i)]] if int(i) in threat else -1.0 for i in trk["track_id"]]
        )
        order = confirmed[np.argsort(-scores[confirmed], kind="stable")]
        table = Table(
            title=f"confirmed tracks ({confirmed.size}, most threatening first)",
            title_justify="left",
            expand=True,
        )
        for name in ("track", "class", "east km", "north km", "alt m", "speed m/s"):
            table.add_column(name, justify="right" if name != "class" else "left")
        for name in ("threat to", "score", "time to go s", "engaged", "truth"):
            table.add_column(name, justify="right" if name in ("score", "time to go s") else "left")
        for r in order[: self.max_tracks]:
            tid = int(trk["track_id"][r])
            x = trk["x"][r]
            p = belief.get(tid)
            label = "-" if p is None else f"{CLASSES[int(np.argmax(p))]} {np.max(p):.2f}"
            k = threat.get(tid)
            asset = "-" if k is None else self._asset(int(thr["asset_index"][k]))
            score = "-" if k is None else f"{thr['score'][k]:.2f}"
            ttg = "-" if k is None else _seconds(thr["time_to_go_s"][k])
            truth = int(trk["truth_id"][r])
            table.add_row(
                str(tid),
                label,
                f"{x[0] / 1e3:.1f}",
                f"{x[1] / 1e3:.1f}",
                f"{x[2]:.0f}",
                f"{np.linalg.norm(x[3:6]):.0f}",
                asset,
                score,
                ttg,
                "yes" if tid in self.engaged_tracks else "",
                "false alarm" if truth < 0 else f"object {truth}",
            )
        return table

    def _asset(self, index: int) -> str:
        return self.asset_names[index] if 0 <= index < len(self.asset_names) else f"#{index}"

    def _events(self) -> Table:
        table = Table(title="latest engagement events", title_justify="left", expand=True)
        for name in ("time", "event", "effector", "track", "object", "detail"):
            table.add_column(name, overflow="ellipsis", no_wrap=name != "detail")
        for t, kind, eff, tid, obj, detail in reversed(self.recent):
            table.add_row(
                clock_text(t),
                kind,
                eff or "-",
                "-" if tid < 0 else str(tid),
                "-" if obj < 0 else str(obj),
                detail,
            )
        return table

    def renderable(self) -> RenderableType:
        if self.frame is None:
            return Text("waiting for the first tick")
        return Group(self._header(self.frame), self._tracks(self.frame), self._events())


def play(
    log: EventLog,
    console: Console,
    speed: float = 10.0,
    start_t: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    redraws_per_s: float = 8.0,
) -> Frame | None:
    """Step through the log at ``speed`` simulated seconds per wall second from ``start_t``;
    redraw at most ``redraws_per_s`` times a second. Ticks before ``start_t`` are read without
    pause, so the figures and latest events are the same as when watched from the start.
    Returns the last frame shown (None: no tick at or after ``start_t``)."""
    if not speed > 0.0:
        raise ValueError(f"speed must be positive, got {speed}")
    view = ReplayView(log.meta)
    with ExitStack() as stack:
        live: Live | None = None
        wall0 = sim0 = 0.0
        last_draw = -math.inf
        for frame in frames(log):
            view.update(frame)
            if frame.t < start_t:
                continue
            if live is None:
                live = stack.enter_context(Live(console=console, auto_refresh=False))
                wall0, sim0 = clock(), frame.t
            ahead = (frame.t - sim0) / speed - (clock() - wall0)
            if ahead > 0.0:
                sleep(ahead)
            if clock() - last_draw >= 1.0 / redraws_per_s:
                live.update(view.renderable(), refresh=True)
                last_draw = clock()
        if live is None:
            return None
        live.update(view.renderable(), refresh=True)
    return view.frame
