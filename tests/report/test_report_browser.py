"""The report opened in headless Chromium (Debian's package): it renders every section and the
page asks for nothing over the network. Chromium's network log records every request; those
made for the page carry its file:// origin, so the browser's own background calls are told
apart. A page with one external image checks that such a request would be caught."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from html_parts import parse_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it "
    "when run as root), so the report cannot be opened headless here",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _open(page: Path, work: Path) -> tuple[str, list[str]]:
    """Load ``page`` headless -> (DOM after load, URLs requested on the page's behalf)."""
    netlog = work / "netlog.json"
    done = subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={work / 'profile'}",
            f"--log-net-log={netlog}",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    log = json.loads(netlog.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    requested = [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start_job
        and str(e["params"].get("network_isolation_key", "")).startswith("file://")
    ]
    return done.stdout, requested


def test_the_report_opens_offline_with_every_section(full_run, tmp_path: Path) -> None:
    _, _, report = full_run
    dom, requested = _open(report, tmp_path / "report")
    assert requested == [], f"the report asked the network for {requested}"
    parts = parse_report(dom)
    assert parts.section_ids == parse_report(report.read_text()).section_ids
    assert len(parts.image_sources) >= 4


def test_an_external_request_would_be_caught(tmp_path: Path) -> None:
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><img src="https://example.invalid/x.png"></body></html>')
    _, requested = _open(page, tmp_path / "leaky")
    assert requested == ["https://example.invalid/x.png"]
