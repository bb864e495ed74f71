"""Fetch from several hosts at once and hand back each result as soon as it exists.

Work is cut into lanes, at most `PER_HOST` per host, each lane a worker thread that asks its host
one request at a time; the RateLimiter's per-host slots enforce the same bound for any caller.
Results reach the caller's thread one by one, so it can store each at once (an interruption loses
nothing already fetched) and keep SQLite on one thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import zip_longest
from typing import TypeVar

from msgu_cli.clients.limits import PER_HOST

T = TypeVar("T")
R = TypeVar("R")
WORKERS = 8
_DONE = object()


def lanes(items: Iterable[T], host: Callable[[T], Hashable], *,
          per_host: int = PER_HOST) -> list[list[T]]:
    """`items` dealt into at most `per_host` lanes per host, order kept within each lane; hosts
    interleaved so the first lanes started reach different servers."""
    by_host: dict[Hashable, list[T]] = {}
    for item in items:
        by_host.setdefault(host(item), []).append(item)
    per = [[group[i::per_host] for i in range(min(per_host, len(group)))]
           for group in by_host.values()]
    return [lane for rank in zip_longest(*per) for lane in rank if lane]


def stream(work: Callable[[T], Iterable[R]], lanes_: Sequence[T], *,
           workers: int = WORKERS, on_abandon: Callable[[], None] | None = None) -> Iterator[R]:
    """Run `work(lane)` for every lane on worker threads; yield results as they are produced.

    An exception raised in a lane (KeyboardInterrupt included) is raised here; then, as when the
    caller stops early, the other lanes stop after the request they are making, and
    `on_abandon` (the limiter's `cancel`) cuts short the waits they are in.
    """
    if not lanes_:
        return
    results: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def run(lane: T) -> None:
        try:
            for result in work(lane):
                results.put((True, result))
                if stop.is_set():
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            results.put((False, exc))
        finally:
            results.put(_DONE)

    pool = ThreadPoolExecutor(max_workers=min(workers, len(lanes_)),
                              thread_name_prefix="msgu-fetch")
    pending = len(lanes_)
    try:
        for lane in lanes_:
            pool.submit(run, lane)
        while pending:
            item = results.get()
            if item is _DONE:
                pending -= 1
                continue
            produced, value = item
            if not produced:
                raise value
            yield value
    finally:
        stop.set()
        if pending and on_abandon is not None:
            on_abandon()
        pool.shutdown(wait=False, cancel_futures=True)
