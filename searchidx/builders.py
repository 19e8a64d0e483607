"""Who analyzes and builds segments for a writer: worker processes on this machine.

The writer hands batches of documents to builders and commits the segments they return
(:mod:`searchidx.pipeline`). A batch crosses processes as plain data: each document as
``dataclasses.asdict`` and its indexing time, rebuilt with ``Document(**fields)``, so
fields added to the Document travel without code here knowing them. The same task runs
on a Dask cluster (:mod:`searchidx.cluster`).
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
from concurrent.futures.process import BrokenProcessPool
from typing import List, Sequence, Tuple

from .errors import SearchIdxError
from .lock import WORKER_WRITERS

__all__ = ["build_batch", "LocalBuilders", "Batch", "TEST_EXIT_ENV"]

# [(asdict(document), indexed_at)]: what one task analyzes into one segment.
Batch = List[Tuple[dict, float]]

# For tests: the path of a file that does not exist yet; the first builder to create it
# exits at once, half-way through a batch, as a worker killed mid-run would.
TEST_EXIT_ENV = "SEARCHIDX_TEST_BUILDER_EXIT"

_SCHEMA = []  # the schema, built once per builder process


def build_batch(batch: Batch):
    """Analyze ``batch`` into one segment (:class:`~searchidx.storage.building.BuiltSegment`).

    Pure: the same batch gives the same documents, so a task redone after its worker
    died adds nothing twice (only the writer writes to the index)."""
    from .ingest.fields import Document
    from .schema import build_schema, document_fields
    from .storage.building import build_segment

    if not _SCHEMA:
        _SCHEMA.append(build_schema())

    def fields():
        for number, (doc, indexed_at) in enumerate(batch):
            if number == len(batch) // 2:
                _exit_if_asked()
            yield document_fields(Document(**doc), indexed_at)

    return build_segment(_SCHEMA[0], fields())


def _exit_if_asked() -> None:
    marker = os.environ.get(TEST_EXIT_ENV)
    if not marker:
        return
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except OSError:
        return  # another builder died already: once is enough
    os._exit(3)


class _LocalTask:
    """A batch sent to a worker process; sent again if a worker died before its result."""

    def __init__(self, builders: "LocalBuilders", batch: Batch):
        self.builders, self.batch = builders, batch
        self.future = builders._executor_now().submit(build_batch, batch)
        self.retried = False

    def done(self) -> bool:
        return self.future.done()

    def result(self):
        try:
            return self.future.result()
        except BrokenProcessPool:
            if self.retried:
                raise SearchIdxError("a worker process died twice building one batch of documents "
                                     "(out of memory?); the chunks committed are kept: run the "
                                     "command again, or with --procs 1") from None
        # A worker died (killed, out of memory): every batch out was lost with the pool;
        # a new pool builds them again, and each task's result is taken once.
        self.retried = True
        self.builders.restart()
        self.future = self.builders._executor_now().submit(build_batch, self.batch)
        return self.future.result()


class LocalBuilders:
    """``procs`` worker processes of this machine, forked once for the whole run."""

    def __init__(self, procs: int):
        self.workers = max(1, procs)
        self._executor = None

    def _executor_now(self):
        if self._executor is None:
            # Forked while the writer holds its locks: lock.py's fork hook closes them in
            # the children, which ignore Ctrl-C and exit with the writer.
            WORKER_WRITERS[0] += 1
            self._executor = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork"))
        return self._executor

    def submit(self, batch: Batch) -> _LocalTask:
        return _LocalTask(self, batch)

    def restart(self) -> None:
        if self._executor is not None and getattr(self._executor, "_broken", False):
            self.close(cancel=True)

    @staticmethod
    def wait_any(tasks: Sequence[_LocalTask]) -> None:
        concurrent.futures.wait([task.future for task in tasks],
                                return_when=concurrent.futures.FIRST_COMPLETED)

    def close(self, cancel: bool = False) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        try:
            if cancel:
                processes = list((getattr(executor, "_processes", None) or {}).values())
                executor.shutdown(wait=False, cancel_futures=True)
                for process in processes:
                    with contextlib.suppress(Exception):
                        process.terminate()
                        process.join(5)
            else:
                executor.shutdown(wait=True)
        finally:
            WORKER_WRITERS[0] = max(0, WORKER_WRITERS[0] - 1)
