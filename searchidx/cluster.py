"""Builders on a Dask distributed cluster: analysis and segment building on other machines.

``searchidx index --cluster tcp://scheduler:8786`` (or ``SEARCHIDX_CLUSTER``) reads the
files here, as a local run does, and sends each batch's text to the cluster's workers
(:func:`searchidx.builders.build_batch`); the workers send back the batch's segment as
bytes, and this process alone writes them into the index, under its lock, with its
manifest, in durable chunks. The workers need the package installed (with the same
version) and nothing else: no shared storage, no access to the index or the files.

A worker that dies mid-run has its tasks redone by the scheduler on another worker; a
task's result is a function of its batch alone and only the first result of each task
reaches the writer, so nothing is lost or indexed twice.
"""
from __future__ import annotations

import contextlib
import os
from typing import Sequence

from .errors import SearchIdxError

__all__ = ["ClusterBuilders", "ClusterError", "CLUSTER_ENV", "CONNECT_SECONDS"]

CLUSTER_ENV = "SEARCHIDX_CLUSTER"
CONNECT_SECONDS = 10.0  # SEARCHIDX_CLUSTER_TIMEOUT overrides it


class ClusterError(SearchIdxError):
    """The cluster cannot be used: the extra is missing, or the scheduler is unreachable."""


def _client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--cluster needs Dask distributed: pip install 'searchidx[cluster]'") from None
    try:
        timeout = float(os.environ.get("SEARCHIDX_CLUSTER_TIMEOUT") or CONNECT_SECONDS)
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {reason}") from None


class ClusterBuilders:
    """The workers of the Dask cluster whose scheduler is at ``address``."""

    def __init__(self, address: str):
        self.address = address
        self.client = _client(address)
        threads = sum(self.client.nthreads().values())
        if not threads:
            self.client.close()
            raise ClusterError(f"the Dask scheduler at {address} has no workers")
        self.workers = threads
        self._futures: list = []

    def submit(self, batch):
        from .builders import build_batch

        # pure=False: two equal batches (a file indexed twice in one run) are two tasks.
        future = self.client.submit(build_batch, batch, pure=False)
        self._futures.append(future)
        return future

    def wait_any(self, futures: Sequence) -> None:
        from distributed import wait

        with self.client.as_current():  # wait() asks for the current client
            wait(list(futures), return_when="FIRST_COMPLETED")

    def close(self, cancel: bool = False) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        with contextlib.suppress(Exception):
            if cancel and self._futures:
                client.cancel(self._futures)
            self._futures = []
            client.close()
