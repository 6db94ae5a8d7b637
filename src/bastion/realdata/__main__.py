"""``python -m bastion.realdata [PATHS...] [--json]``: classify real trajectory files.

Each path is a file of a known format (see :mod:`bastion.realdata.loaders`) or a folder of them;
with none, the source checkout's tests/data. Prints one line per file, or with ``--json`` the
full results (:func:`bastion.realdata.results.real_data_results`) as one JSON list.
"""

from __future__ import annotations

import argparse
import json
import sys

from bastion.classify.kinematic import KinematicClassifier
from bastion.errors import BastionError
from bastion.realdata.flypast import FlypastSetup
from bastion.realdata.results import MAX_TRAJECTORIES_PER_FILE, real_data_results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bastion.realdata", description=__doc__)
    parser.add_argument("paths", nargs="*", help="real trajectory files or folders")
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--classifier",
        choices=("trained", "kinematic"),
        default="trained",
        help="the shipped trained model, or the kinematic baseline",
    )
    parser.add_argument(
        "--no-micro-doppler",
        action="store_true",
        help="the radar as hmeimim-2018 has it, without a micro-Doppler feature",
    )
    parser.add_argument(
        "--max-per-file",
        type=int,
        default=MAX_TRAJECTORIES_PER_FILE,
        help="fly only this many of each file's longest trajectories",
    )
    args = parser.parse_args(argv)
    try:
        results = real_data_results(
            args.paths or None,
            classifier_factory=KinematicClassifier if args.classifier == "kinematic" else None,
            seed=args.seed,
            max_trajectories_per_file=args.max_per_file,
            setup=FlypastSetup.default(micro_doppler=not args.no_micro_doppler),
        )
    except BastionError as err:  # a bad file, or no shipped model to classify with
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    for r in results:
        print(
            f"{r['file']}: true {r['true_class']}, predicted {r['predicted_class']} "
            f"(confidence {r['confidence']}), {r.get('correct_fraction', 0.0):.0%} of "
            f"{r['n_tracked']}/{r['n_trajectories']} tracked trajectories right"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
