"""A small pool of threads, one per process, for the photo page's work that releases the
GIL: OpenCV's forward passes and resizes, Pillow's resizes and JPEG encoding. On the
2-core machine one page's detection and previews then use both cores (README, "Speed").
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

# Threads one page's work is split over; 1 runs everything in the calling thread.
WORKERS = 2
_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _forget_pool() -> None:
    global _pool
    _pool = None  # a forked child has none of the parent's threads


os.register_at_fork(after_in_child=_forget_pool)


def run(tasks, workers: int | None = None) -> list:
    """The results of `tasks` (callables without arguments), in order: on the pool, or
    in the calling thread when `workers` (default `WORKERS`) is 1. Tasks must not wait
    for other tasks of the pool."""
    global _pool
    if (WORKERS if workers is None else workers) <= 1 or len(tasks) <= 1:
        return [task() for task in tasks]
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="photo")
        pool = _pool
    return [future.result() for future in [pool.submit(task) for task in tasks]]
