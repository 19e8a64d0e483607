"""The index's writer lock: one writing process at a time, never stale.

Also the fork hook that keeps forked worker processes from holding the lock.
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from typing import Set

from .errors import IndexLockedError
from .storage.format import LOCK_FILE


# Lock file descriptors that a forked child must not keep. The worker
# processes (builders.py) are forked while the writer holds its locks; a worker
# that outlived a killed parent would otherwise keep the index locked.
LOCK_FDS: Set[int] = set()
WORKER_WRITERS = [0]  # writers with worker processes (builders.py) at work


def _after_fork_in_child() -> None:
    for fd in LOCK_FDS:
        with contextlib.suppress(OSError):
            os.close(fd)
    LOCK_FDS.clear()
    if not WORKER_WRITERS[0]:
        return  # not one of the writer's workers
    WORKER_WRITERS[0] = 0
    # Ctrl-C reaches the whole process group: the parent stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def exit_with_parent() -> None:  # a worker never outlives a killed writer
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=exit_with_parent, daemon=True).start()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class WriterLock:
    """An exclusive lock on the index folder for one writing process.

    flock locks die with their process (and forked workers close their copies),
    so a lock left by a killed run is never stale: the next writer gets it at once.
    """

    def __init__(self, index_path: str):
        self.path = os.path.join(index_path, LOCK_FILE)
        self._fh = None

    def acquire(self, wait: float) -> None:
        import fcntl

        self._fh = open(self.path, "a+")
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if not self._still_in_place():
                    # The folder was swapped (index --rebuild) while we waited: lock the new one.
                    fcntl.flock(self._fh, fcntl.LOCK_UN)
                    self._fh.close()
                    self._fh = open(self.path, "a+")
                    continue
                LOCK_FDS.add(self._fh.fileno())
                self._fh.seek(0)
                self._fh.truncate()
                self._fh.write(f"{os.getpid()}\n")
                self._fh.flush()
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    self._fh.close()
                    self._fh = None
                    raise IndexLockedError(
                        f"another searchidx process is writing to the index "
                        f"({holder}lock {self.path}); try again later or pass --wait SECONDS"
                    ) from None
                time.sleep(0.1)

    def _still_in_place(self) -> bool:
        try:
            return os.path.samestat(os.fstat(self._fh.fileno()), os.stat(self.path))
        except OSError:
            return False

    def _holder(self) -> str:
        try:
            with open(self.path) as fh:
                pid = fh.read().strip()
            return f"pid {pid}, " if pid else ""
        except OSError:
            return ""

    def release(self) -> None:
        if self._fh is not None:
            import fcntl

            LOCK_FDS.discard(self._fh.fileno())
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
