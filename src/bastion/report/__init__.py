"""After-action report: one self-contained HTML file per run, read from its event log."""

from bastion.report.build import REPORT_FILE, render_report, write_report

__all__ = ["REPORT_FILE", "render_report", "write_report"]
