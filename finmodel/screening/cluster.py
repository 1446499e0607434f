"""The Dask cluster a screening run computes on (:func:`open_client`): a local one, or a running
scheduler.

Without a scheduler address a :class:`dask.distributed.LocalCluster` of this machine's cores is
started (one worker process per core, one thread each; ``workers`` sets how many); with
``scheduler="tcp://host:8786"`` a :class:`~dask.distributed.Client` connects to a running
cluster, whose workers must have the same finmodel version installed.  An address that cannot be
reached within ``connect_timeout`` seconds (or a scheduler without workers) is an
:class:`InputError` naming ``--scheduler``.

The local workers start without Dask's ``MALLOC_TRIM_THRESHOLD_`` setting (with it, glibc maps and
unmaps every temporary array of a chunk and the evaluation runs about twice as slow) and without
the workers' statistical profiler (about 15 % of the time; it only feeds the dashboard's profile
page).  A remote cluster runs as its administrator configured it.
"""
from __future__ import annotations

import socket
from contextlib import contextmanager
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

from ..about import __version__
from ..errors import InputError
from ..risk.run import available_cores
from .tasks import worker_info

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler (and for its first worker) before giving up."""


def _reachable(address: str, timeout: float) -> None:
    """Fail fast on a TCP address nobody listens on (the Dask client would retry until its
    timeout); other protocols are left to the client."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls"):
        return
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise InputError.single("--scheduler", "", f"{address!r} is not a scheduler address ({exc}); "
                                "write tcp://HOST:PORT") from None
    if not host or not port:
        raise InputError.single("--scheduler", "", f"{address!r} is not a scheduler address; write tcp://HOST:PORT")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        why = exc.strerror or str(exc) or type(exc).__name__
        raise InputError.single("--scheduler", "", f"cannot reach the Dask scheduler at {address} ({why}); check "
                                "the address and that the scheduler is running") from None


def _has_bokeh() -> bool:
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


@contextmanager
def open_client(scheduler: str | None = None, workers: int | None = None, *, connect_timeout: float = CONNECT_TIMEOUT,
            log: Callable[[str], None] | None = None) -> Iterator[tuple[Any, str]]:
    """A Dask client: connected to ``scheduler``, or on a new local cluster of ``workers``
    processes (default: this machine's cores).  Yields ``(client, description)``."""
    import logging

    import dask
    from dask.distributed import Client, LocalCluster

    say = log or (lambda _m: None)
    local = None
    if scheduler:
        if workers is not None:
            raise InputError.single("--workers", "", "sets the size of the local cluster; with --scheduler the "
                                    "cluster's own workers are used")
        _reachable(scheduler, connect_timeout)
        try:
            client = Client(scheduler, timeout=connect_timeout, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - whatever the client raises, the address is the problem
            raise InputError.single("--scheduler", "", f"cannot connect to the Dask scheduler at {scheduler} within "
                                    f"{connect_timeout:g} s: {exc}") from None
        try:
            client.wait_for_workers(1, timeout=connect_timeout)
        except Exception:  # noqa: BLE001
            client.close()
            raise InputError.single("--scheduler", "", f"the Dask scheduler at {scheduler} has no workers (waited "
                                    f"{connect_timeout:g} s)") from None
        n = len(client.nthreads())
        where = f"Dask scheduler {scheduler} ({n} worker{'s' if n != 1 else ''})"
    else:
        n = int(workers or available_cores())
        if n < 1:
            raise InputError.single("--workers", "", f"must be at least 1 (got {n})")
        # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which pins glibc's mmap
        # threshold at 128 kB: every temporary array of a chunk is then mapped and unmapped again and
        # the evaluation runs about twice as slow (system time).  Local workers get glibc's default.
        env = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
        env["MALLOC_TRIM_THRESHOLD_"] = None
        # The workers' statistical profiler (10 ms stack samples, for the dashboard) costs about 15 %.
        with dask.config.set({"distributed.nanny.pre-spawn-environ": env, "distributed.worker.profile.enabled": False}):
            local = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                                 silence_logs=logging.CRITICAL)  # a failing case is reported in the table
        client = Client(local, set_as_default=False)
        where = f"local Dask cluster ({n} worker process{'es' if n != 1 else ''}, 1 thread each)"
    try:
        if local is None or _has_bokeh():
            say(f"Dask dashboard: {client.dashboard_link}")
        else:
            say("Dask dashboard: not available (install bokeh to get it)")
        yield client, where
    finally:
        client.close()
        if local is not None:
            local.close()


def workers_ready(client, scheduler: str | None) -> dict[str, float]:
    """CPU seconds used so far by each worker; an InputError when a worker cannot run finmodel
    or runs another version of it."""
    try:
        info = client.run(worker_info)
    except Exception as exc:  # noqa: BLE001 - e.g. finmodel not installed on a remote worker
        raise InputError.single("--scheduler" if scheduler else "--workers", "",
                                f"the Dask workers cannot run finmodel ({type(exc).__name__}: {exc}); install "
                                f"finmodel {__version__} in the workers' environment") from None
    other = {w: v for w, (v, _) in info.items() if v != __version__}
    if other:
        w, v = next(iter(other.items()))
        raise InputError.single("--scheduler" if scheduler else "--workers", "",
                                f"{len(other)} worker(s) run finmodel {v} (e.g. {w}), this client {__version__}; "
                                "install the same version on every worker")
    return {w: cpu for w, (_, cpu) in info.items()}


