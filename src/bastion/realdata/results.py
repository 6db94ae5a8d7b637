"""Real-data classification results, per file: what the classifier made of each real flight.

:func:`real_data_results` is the entry point for the classification bench and for anyone with
another file of a known format (a Movebank GPS export of other birds, more OpenSky states):
every trajectory of each file (or its ``max_trajectories_per_file`` longest) is flown past
the radar (:mod:`bastion.realdata.flypast`) and the outcomes are summed up per file.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from bastion.errors import RealDataError
from bastion.realdata.flypast import ClassifierFactory, FlypastSetup, fly_past
from bastion.realdata.loaders import format_of, load_trajectories
from bastion.realdata.table import CsvTable

#: The copies of the real files the tests use (tests/data/SOURCES.md), in a source checkout.
CHECKOUT_DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
MAX_TRAJECTORIES_PER_FILE = 20


def data_files(paths: Iterable[str | Path]) -> list[Path]:
    """Named files as they are; folders searched (recursively, sorted) for ``.csv`` and
    ``.csv.gz`` files of a known format, others (reference tables, notes) left out."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.name.endswith((".csv", ".csv.gz")))
            out += [p for p in found if format_of(CsvTable.read(p)) is not None]
        elif path.exists():
            out.append(path)
        else:
            raise RealDataError(f"{path}: no such file or folder")
    return out


def _file_seed(seed: int, path: Path) -> np.random.SeedSequence:
    """A file's own seed, from its name: adding or removing other files changes nothing."""
    return np.random.SeedSequence([seed, zlib.crc32(path.name.encode())])


def file_results(
    path: Path,
    seed: int = 0,
    classifier_factory: ClassifierFactory | None = None,
    max_trajectories: int = MAX_TRAJECTORIES_PER_FILE,
    setup: FlypastSetup | None = None,
) -> dict[str, object]:
    """One file's summary (JSON-able) with every flown trajectory's summary under
    ``trajectories``; the longest ``max_trajectories`` are flown (ties: file order)."""
    trajectories = load_trajectories(path)
    longest = sorted(range(len(trajectories)), key=lambda k: -trajectories[k].duration_s)
    chosen = [trajectories[k] for k in sorted(longest[:max_trajectories])]
    rngs = [np.random.default_rng(s) for s in _file_seed(seed, path).spawn(len(chosen))]
    setup = setup or FlypastSetup.default()
    runs = [
        fly_past(t, rng, setup, classifier_factory).summary()
        for t, rng in zip(chosen, rngs, strict=True)
    ]
    tracked = [r for r in runs if r["predicted_class"] is not None]
    true_class = trajectories[0].true_class if trajectories else None
    summary: dict[str, object] = {
        "file": path.name,
        "true_class": true_class,
        "trajectories_in_file": len(trajectories),
        "n_trajectories": len(runs),
        "n_tracked": len(tracked),
        "predicted_class": None,
        "confidence": None,
    }
    if tracked:
        predicted, _ = Counter(r["predicted_class"] for r in tracked).most_common(1)[0]
        confident = [r["time_to_confident_s"] for r in tracked]
        summary |= {
            "predicted_class": predicted,
            "confidence": _mean(
                r["confidence"] for r in tracked if r["predicted_class"] == predicted
            ),
            "correct_fraction": _mean(r["predicted_class"] == true_class for r in tracked),
            "fraction_of_time_correct": _mean(r["fraction_correct"] for r in tracked),
            "n_confident": sum(c is not None for c in confident),
            "median_time_to_confident_s": (
                float(np.median([c for c in confident if c is not None]))
                if any(c is not None for c in confident)
                else None
            ),
            "n_engageable": sum(r["engageable_s"] > 0 for r in tracked),
        }
    return summary | {"trajectories": runs}


def real_data_results(
    paths: Iterable[str | Path] | None = None,
    classifier_factory: ClassifierFactory | None = None,
    seed: int = 0,
    max_trajectories_per_file: int = MAX_TRAJECTORIES_PER_FILE,
    setup: FlypastSetup | None = None,
) -> list[dict[str, object]]:
    """Per real file (``paths``: files or folders; default the checkout's tests/data): true
    class, predicted class (the most common final class of its trajectories), confidence
    and the details; JSON-able, deterministic for a seed."""
    if paths is None:
        if not CHECKOUT_DATA.is_dir():
            raise RealDataError(f"no real data paths given, and no {CHECKOUT_DATA}")
        paths = [CHECKOUT_DATA]
    setup = setup or FlypastSetup.default()
    return [
        file_results(path, seed, classifier_factory, max_trajectories_per_file, setup)
        for path in data_files(paths)
    ]


def _mean(values: Iterable[float]) -> float:
    return round(float(np.mean(list(values))), 3)
