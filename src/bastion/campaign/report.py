"""The campaign report: tables on the console, and one self-contained HTML file with plots.

The HTML embeds its plots as base64 PNG, so the file can be mailed or archived on its own.
Plots are drawn on matplotlib ``Figure`` objects directly (no pyplot state, no display needed).
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from rich.console import Console
from rich.table import Table

from bastion.campaign.analysis import CampaignAnalysis
from bastion.campaign.stats import Estimate


def fmt(x: float) -> str:
    """Numbers for people: '-' when undefined, thousands separated, about 3 significant digits."""
    if not math.isfinite(x):
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}" if abs(x) >= 0.01 or x == 0 else f"{x:.2e}"


def fmt_interval(e: Estimate) -> str:
    return "-" if not math.isfinite(e.low) else f"[{fmt(e.low)}, {fmt(e.high)}]"


def _sections(analysis: CampaignAnalysis) -> list[tuple[str, list[str], list[list[str]]]]:
    """The report's tables as (title, header, rows), shared by the console and the HTML."""
    sections = []
    for c in analysis.combinations:
        rows = [[name, fmt(e.mean), fmt_interval(e), str(e.n)] for name, e in c.figures.items()]
        rows += [
            [name, fmt(e.mean), fmt_interval(e), str(e.n)] for name, e in c.proportions.items()
        ]
        title = f"combination {c.index}: {c.label} ({c.runs} runs, {c.failed} failed)"
        sections.append((title, ["figure", "mean", "95% CI", "n"], rows))
    most = max((max(c.leakers, default=0) for c in analysis.combinations), default=0)
    header = ["combination", *(str(k) for k in range(most + 1))]
    rows = [
        [c.label, *(str(c.leakers.get(k, 0)) for k in range(most + 1))]
        for c in analysis.combinations
    ]
    sections.append(("distribution of leakers (runs with 0, 1, 2 ... leakers)", header, rows))
    header = ["outcome", "value", "mean", "95% CI", "change", "95% CI of change"]
    for parameter in analysis.parameters:
        rows = [
            [
                s.outcome,
                str(s.value),
                fmt(s.marginal.mean),
                fmt_interval(s.marginal),
                "baseline" if s.change is None else fmt(s.change.mean),
                "" if s.change is None else fmt_interval(s.change),
            ]
            for s in analysis.sensitivity
            if s.parameter == parameter
        ]
        title = f"sensitivity to {parameter} (change from the first value, paired on seeds)"
        sections.append((title, header, rows))
    if analysis.failed:
        rows = [
            [str(f.combination), str(f.replication), str(f.seed), f.error] for f in analysis.failed
        ]
        sections.append(("failed runs", ["combination", "replication", "seed", "error"], rows))
    return sections


def print_report(analysis: CampaignAnalysis, console: Console) -> None:
    for title, header, rows in _sections(analysis):
        table = Table(*header, title=title, title_justify="left")
        for row in rows:
            table.add_row(*row)
        console.print(table)


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _error_bars(ax: Any, labels: Sequence[str], estimates: Sequence[Estimate], title: str) -> None:
    """Means with their 95% intervals as error bars (none where the interval is undefined)."""
    x = np.arange(len(estimates))
    mean = np.array([e.mean for e in estimates])
    low = np.nan_to_num(mean - np.array([e.low for e in estimates]))
    high = np.nan_to_num(np.array([e.high for e in estimates]) - mean)
    ax.errorbar(x, mean, yerr=[low, high], fmt="o", capsize=4)
    ax.set_xticks(x, labels, rotation=30, ha="right", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)


def _short_labels(analysis: CampaignAnalysis) -> tuple[list[str], str]:
    """Tick labels (the varied values only) and the axis title naming the parameters."""
    if not analysis.parameters:
        return [analysis.scenario for _ in analysis.combinations], ""
    labels = [", ".join(str(v) for v in c.values) for c in analysis.combinations]
    return labels, ", ".join(analysis.parameters)


def _outcome_plot(analysis: CampaignAnalysis) -> str:
    names = ["leakers", "P(any leaker)", "cost_usd"]
    fig = Figure(figsize=(4.2 * len(names), 3.6))
    labels, axis = _short_labels(analysis)
    for k, name in enumerate(names):
        estimates = [c.figures.get(name) or c.proportions.get(name) for c in analysis.combinations]
        if all(e is not None for e in estimates):
            ax = fig.add_subplot(1, len(names), k + 1)
            _error_bars(ax, labels, estimates, f"{name}, 95% CI")
            ax.set_xlabel(axis, fontsize=8)
    return _png(fig)


def _leaker_plot(analysis: CampaignAnalysis) -> str:
    fig = Figure(figsize=(7, 3.6))
    ax = fig.add_subplot()
    most = max((max(c.leakers, default=0) for c in analysis.combinations), default=0)
    m = len(analysis.combinations)
    width = 0.8 / max(m, 1)
    for i, c in enumerate(analysis.combinations):
        counts = np.array([c.leakers.get(k, 0) for k in range(most + 1)], dtype=float)
        share = counts / max(counts.sum(), 1)
        ax.bar(np.arange(most + 1) + (i - (m - 1) / 2) * width, share, width, label=c.label)
    ax.set_xticks(np.arange(most + 1))
    ax.set_xlabel("leakers in a run")
    ax.set_ylabel("share of runs")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    return _png(fig)


def _sensitivity_plot(analysis: CampaignAnalysis, parameter: str) -> str:
    outcomes = ["leakers", "P(any leaker)", "cost_usd"]
    fig = Figure(figsize=(4.2 * len(outcomes), 3.6))
    for k, outcome in enumerate(outcomes):
        rows = [
            s for s in analysis.sensitivity if s.parameter == parameter and s.outcome == outcome
        ]
        if rows:
            ax = fig.add_subplot(1, len(outcomes), k + 1)
            _error_bars(ax, [str(s.value) for s in rows], [s.marginal for s in rows], outcome)
            ax.set_xlabel(parameter, fontsize=8)
    return _png(fig)


def _html_table(title: str, header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<h3>{html.escape(title)}</h3><table><tr>{head}</tr>{body}</table>"


_STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 80em; }
table { border-collapse: collapse; margin-bottom: 1.5em; font-size: 0.9em; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; }
"""


def write_html(analysis: CampaignAnalysis, path: Path) -> None:
    plots = [("outcome per combination", _outcome_plot(analysis))]
    plots.append(("distribution of leakers", _leaker_plot(analysis)))
    plots += [(f"sensitivity to {p}", _sensitivity_plot(analysis, p)) for p in analysis.parameters]
    figures = "".join(
        f'<h3>{html.escape(t)}</h3><img alt="{html.escape(t)}" src="data:image/png;base64,{png}">'
        for t, png in plots
    )
    tables = "".join(_html_table(*section) for section in _sections(analysis))
    title = f"Campaign report: {analysis.scenario}"
    Path(path).write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        "<p>Means with 95% intervals (Student t for means, Wilson for proportions); failed runs "
        "are left out of the estimates. Changes pair runs with the same seed.</p>"
        f"{figures}{tables}</body></html>",
        encoding="utf-8",
    )
