"""Classification: what each confirmed track really was against what the classifier thought.

Figures are the run summary's ``classification`` (:mod:`bastion.classify.scoring`): the
confusion matrix of truth (an object kind, or "no object" for a track on false alarms) against
the believed class at each confirmed track's last confirmed tick, unknown included; per-class
precision and recall; drone recall and bird-as-drone rate; time to a confident class. Only the
ticks at which a track's object flew of its own accord count (not after it came down, not while
the defence was landing it).
"""

from __future__ import annotations

from typing import Any

from bastion.classify.scoring import RIGHT_CLASS, counted
from bastion.report.data import RunData
from bastion.report.html import Cell, Section, num, paragraph, table


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100.0 * value:.0f}%"


def _confusion_table(scores: dict[str, Any]) -> str:
    counts = scores["confusion"]
    rows = []
    for i, truth in enumerate(scores["truth_labels"]):
        cells: list[str | Cell] = [truth]
        for j, count in enumerate(counts[i]):
            css = "num diag" if j == RIGHT_CLASS[i] and count else "num"
            cells.append(Cell(f"{count:,}", css))
        cells.append(num(sum(counts[i])))
        rows.append(cells)
    return table(["truth \\ believed", *scores["believed_labels"], "tracks"], rows)


def _class_table(scores: dict[str, Any]) -> str:
    rows = []
    for label in scores["truth_labels"]:
        pr = scores["per_class"][label]
        wait = scores["time_to_confident_s"][label]
        rows.append(
            [
                label,
                num(pr["tracks"]),
                Cell(_percent(pr["recall"]), "num"),
                Cell(_percent(pr["precision"]), "num"),
                Cell(_percent(wait["confident_fraction"]), "num"),
                num(wait["median"], ",.1f"),
            ]
        )
    return table(
        ["truth", "tracks", "recall", "precision", "became confident", "median time to it, s"],
        rows,
    )


def _counted(scores: dict[str, Any], name: str) -> str:
    return counted(scores, name) or "–"


def classification_section(run: RunData) -> Section:
    scores = run.summary["classification"]
    body = paragraph(
        "Confirmed tracks by what they really were (rows) and the classifier's class at each "
        "track's last confirmed update (columns), counting only the updates while the object "
        "flew of its own accord: not after it came down, not while electronic warfare was "
        "landing it (it then flies low and slow, as a bird does, on a path the defence chose); "
        f"a belief whose top class is below {scores['unknown_below']:g} is unknown."
    )
    body += _confusion_table(scores)
    body += paragraph(
        f"Declared drone (p ≥ {scores['declare_p']:g} held for {scores['declare_dwell_s']:g} s, "
        f"or {scores['declare_dwell_after_friendly_s']:g} s once believed bird or aircraft: "
        "the doctrine's declaration that allows engaging) at some confirmed update: "
        f"{_counted(scores, 'drone_object_recall')} of the drones tracked, "
        f"{_counted(scores, 'drone_recall')} of drone tracks, "
        f"{_counted(scores, 'bird_as_drone_rate')} of bird tracks. Time to a "
        "confident class: from confirmation to p(true class) > 0.9."
    )
    body += _class_table(scores)
    return Section("classification", "Classification", body)
