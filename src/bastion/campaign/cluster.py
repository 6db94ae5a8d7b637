"""Dask clients for the command line and benchmarks: the edge that creates what the runner uses.

``connect(None, n)`` starts an embedded LocalCluster of ``n`` worker processes with one thread
each (a run is single-threaded numpy; processes sidestep the GIL), without the dashboard (which
needs bokeh);
``connect("tcp://host:8786")`` joins an existing scheduler, whose workers must have this same
version of Bastion installed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, LocalCluster


@contextmanager
def connect(address: str | None = None, n_workers: int | None = None) -> Iterator[Client]:
    """A client to ``address``, or to a fresh LocalCluster closed on exit."""
    if address is not None:
        with Client(address) as client:
            yield client
        return
    workers = n_workers if n_workers is not None else os.cpu_count() or 1
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # The scheduler's HTTP server (health checks) still starts: on a free local port,
            # not 8787, which another cluster on this machine may hold.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
