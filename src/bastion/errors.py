"""Bastion's exception tree, written where it is defined.

BastionError
├── ScenarioError          a scenario file or name that cannot be run
│   └── ScenarioValidationError   one or more fields invalid, each named by its path
├── EventLogError          an event log that cannot be read (missing, corrupt, wrong version)
├── QueryError             an SQL query over an event log that DuckDB cannot run
├── CampaignError          a campaign that cannot be planned, resumed or reported
├── RealDataError          a real trajectory file that cannot be read (format, column, value)
└── ClassifierModelError   a trained classifier model that is missing or cannot be used here
"""

from __future__ import annotations


class BastionError(Exception):
    """Base of every error Bastion raises on purpose."""


class ScenarioError(BastionError):
    """A scenario that cannot be found, read or run."""


class ScenarioValidationError(ScenarioError):
    """A scenario whose fields are invalid; `problems` holds one `path: message` line per fault."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} invalid field(s):\n{lines}")


class EventLogError(BastionError):
    """An event log folder that is missing, corrupt or of an unsupported format version."""


class QueryError(BastionError):
    """An SQL query over a run's tables that DuckDB rejects (syntax, unknown table or column)."""


class CampaignError(BastionError):
    """A bad ``--vary``, a results folder holding another campaign, or no results to report."""


class RealDataError(BastionError):
    """A real trajectory file (drone log, ADS-B states, Movebank GPS) of unknown format, or
    with a missing column or an unreadable value; the message names the file and column."""


class ClassifierModelError(BastionError):
    """A classifier model file that is missing, unreadable, made by another scikit-learn
    version or for other features; the message gives the command that rebuilds it."""
