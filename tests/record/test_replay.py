"""Replay: stepping through the log tick by tick reproduces the run's summary from the log
alone; the live view paces itself against the clock and shows what happened."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from bastion.cli import app
from bastion.record.eventlog import EventLog
from bastion.record.replay import clock_text, frames
from bastion.record.replay_view import ReplayView, play
from bastion.summary import summarize

SUMMARY_KEYS = (
    "launched",
    "detected",
    "tracked",
    "engaged",
    "destroyed",
    "ew_defeated",
    "ew_landed",
    "ew_crashed",
    "leakers",
    "still_flying",
    "munitions",
    "cost_usd",
    "asset_damage",
    "asset_damage_value",
    "debris_in_no_debris_zones",
    "false_tracks",
)


def test_replay_reproduces_the_summary(mid_run) -> None:
    out, _ = mid_run
    log = EventLog(out)
    summary = summarize(log)
    # The run has something to reproduce: kills, EW takedowns and drones still in the air.
    assert summary["destroyed"] >= 1 and summary["ew_defeated"] >= 1
    assert summary["still_flying"] >= 1
    last = None
    previous_launched = 0
    for frame in frames(log):
        # Figures accumulate: a count never goes down between ticks.
        assert frame.figures["launched"] >= previous_launched
        previous_launched = frame.figures["launched"]
        last = frame
    assert last is not None and last.t == pytest.approx(summary["duration_s"])
    for key in SUMMARY_KEYS:
        assert last.figures[key] == summary[key], key
    for key in ("mean", "min", "max"):
        assert last.figures["first_detection_range_m"][key] == pytest.approx(
            summary["first_detection_range_m"][key]
        )
    assert last.figures["gospa_mean"] == pytest.approx(summary["gospa_mean"])


def test_a_frame_holds_only_its_own_tick(mid_run) -> None:
    out, _ = mid_run
    for k, frame in enumerate(frames(EventLog(out))):
        for table, rows in frame.rows.items():
            assert (rows["t"] == frame.t).all(), table
        if k == 600:
            break


class FakeClock:
    """A wall clock that moves only when the replay sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0.0
        self.now += seconds
        self.slept += seconds


def test_play_paces_the_ticks_and_starts_late_with_the_same_figures(mid_run) -> None:
    out, _ = mid_run
    log = EventLog(out)
    clock = FakeClock()
    console = Console(file=io.StringIO(), width=160, force_terminal=False)
    start, speed = 1500.0, 20.0
    last = play(log, console, speed=speed, start_t=start, clock=clock, sleep=clock.sleep)
    assert last is not None
    # Paced at `speed` simulated seconds per wall second from the first tick at `start`.
    assert clock.slept == pytest.approx((last.t - start) / speed)
    assert last.figures == list(frames(log))[-1].figures
    text = console.file.getvalue()
    assert "Bastion replay" in text and "confirmed tracks" in text
    assert f"drones launched {last.figures['launched']}" in text
    assert "latest engagement events" in text and "launch" in text


def test_view_lists_the_latest_events_newest_first(mid_run) -> None:
    out, _ = mid_run
    log = EventLog(out)
    view = ReplayView(log.meta)
    for frame in frames(log):
        view.update(frame)
    events = log.table("events", ["t"]).column("t").to_pylist()
    assert [row[0] for row in view.recent] == events[-8:]
    console = Console(file=io.StringIO(), width=200)
    console.print(view.renderable())
    shown = console.file.getvalue().split("latest engagement events")[1]
    assert re.findall(r"\b\d+:\d\d:\d\d\b", shown) == [clock_text(t) for t in events[-8:][::-1]]


def test_play_rejects_a_bad_speed(mid_run) -> None:
    out, _ = mid_run
    with pytest.raises(ValueError, match="speed must be positive"):
        play(EventLog(out), Console(file=io.StringIO()), speed=0.0)


def test_replay_command(mid_run, tmp_path: Path) -> None:
    out, _ = mid_run
    runner = CliRunner()
    result = runner.invoke(app, ["replay", str(out), "--speed", "1e6", "--from", "1990"])
    assert result.exit_code == 0, result.output
    assert "Bastion replay" in result.output and "0:33:20" in result.output  # its last tick
    late = runner.invoke(app, ["replay", str(out), "--from", "99999"])
    assert late.exit_code == 2 and "no tick at or after --from 99999" in late.output
    missing = runner.invoke(app, ["replay", str(tmp_path)])
    assert missing.exit_code == 2 and "no meta.json" in " ".join(missing.output.split())
