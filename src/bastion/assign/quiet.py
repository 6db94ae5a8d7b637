"""Keep HiGHS's stray prints off standard output.

scipy 1.17 bundles HiGHS 1.12, whose MIP solver prints a debugging line with a bare ``printf``
("HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();") whenever it repairs
a solution of the presolved model (HiGHS issue #2783, removed upstream after 1.12). It ignores
``output_flag`` and ``log_to_console`` (scipy's ``disp=False``, already the default), so no option
silences it, and scipy cannot be patched from here. Bastion's stdout carries data (the
benchmarks' JSON, the CLI's output), so every HiGHS call runs inside :func:`c_stdout_to_log`:
file descriptor 1 points to a temporary file meanwhile, C's buffers are flushed before it is put
back, and anything printed goes to the log at debug level instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from typing import IO

_libc = ctypes.CDLL(None)
_lock = threading.Lock()
_depth = 0  # nested or concurrent users: the first one redirects, the last one restores
_saved_fd = -1
_sink: IO[bytes] | None = None


def _flush_all() -> None:
    sys.stdout.flush()
    _libc.fflush(None)


@contextlib.contextmanager
def c_stdout_to_log(logger: logging.Logger) -> Iterator[None]:
    """Send everything written to file descriptor 1 meanwhile (C code included) to ``logger``."""
    global _depth, _saved_fd, _sink
    with _lock:
        if _depth == 0:
            _flush_all()
            _sink = tempfile.TemporaryFile()
            _saved_fd = os.dup(1)
            os.dup2(_sink.fileno(), 1)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _sink is not None:
                _flush_all()
                os.dup2(_saved_fd, 1)
                os.close(_saved_fd)
                _sink.seek(0)
                text = _sink.read().decode(errors="replace")
                _sink.close()
                _sink = None
                for line in text.splitlines():
                    logger.debug("solver output: %s", line)
