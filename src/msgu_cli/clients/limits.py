"""Politeness towards each host: spacing, concurrency slots, rate-limit headers, paging budget.

One `RateLimiter` lives with each httpx.Client (see `limiter_for`), so its state lasts one run.
Per host it allows at most `per_host` requests in flight at once, keeps requests at least
`min_interval` apart, slows down when the server says its budget is nearly spent
(`RateLimit-Remaining` / `X-RateLimit-Remaining` at or below `pace_below`: the remaining requests
are spread until the reset), waits for the reset when it is spent, and counts Mastodon's anonymous
paging budget (300 pages / 15 min per server for any request carrying `page`, `min_id`, `max_id`
or `since_id`, rack_attack.rb). Thread-safe: the fetch workers share one.

Servers are believed only within reason: a wait longer than `max_wait` (MSGU_MAX_WAIT) is never
slept; the request is refused with an ApiError saying when to try again, so that account or
batch is left for the next run while the others go on. Absurd or garbled headers (10**12
seconds, a reset in the year 33715, negative or unreadable values) are such waits or no wait at
all, never a crash.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from weakref import WeakKeyDictionary

import httpx

from msgu_cli.errors import ApiError
from msgu_cli.i18n import N_, Message

MAX_WAIT = 120.0  # longest wait msgu sleeps (MSGU_MAX_WAIT's default)
MIN_INTERVAL = 0.05  # at most 20 requests a second to one host
PER_HOST = 2  # requests of ours in flight to one host at once
PACE_BELOW = 10  # remaining requests under which the rest are spread until the reset
PAGING_PARAMS = frozenset({"page", "min_id", "max_id", "since_id"})  # Mastodon rack_attack.rb
PAGING_BUDGET = 300
PAGING_WINDOW = 15 * 60.0

Sleep = Callable[[float], None]
Clock = Callable[[], float]


@dataclass
class RateLimiter:
    """Per-host waiting state for one run; times are in the units of `clock`.

    `max_wait` caps every wait before a request: the server's reset and Retry-After headers,
    the pacing of a nearly spent budget and the paging budget (the contract's MSGU_MAX_WAIT is
    "the longest rate-limit wait msgu sleeps"). `clock` and `pause` are what request_json uses
    unless told otherwise; `sleep`, when given, replaces the waiting (tests record waits
    instead of sleeping).
    """

    min_interval: float = MIN_INTERVAL
    max_wait: float = MAX_WAIT
    paging_budget: int = PAGING_BUDGET
    paging_window: float = PAGING_WINDOW
    per_host: int = PER_HOST
    sleep: Sleep | None = None
    clock: Clock = time.time
    _last: dict[str, float] = field(default_factory=dict, repr=False)
    _spacing: dict[str, float] = field(default_factory=dict, repr=False)
    _blocked_until: dict[str, float] = field(default_factory=dict, repr=False)
    _pages: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _failing: set[str] = field(default_factory=set, repr=False)
    _slots: dict[str, threading.BoundedSemaphore] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stopped: threading.Event = field(default_factory=threading.Event, repr=False)

    def pause(self, seconds: float) -> None:
        """Wait: with the injected `sleep`, or until `cancel` cuts the wait short."""
        if self.sleep is not None:
            self.sleep(seconds)
        else:
            self._stopped.wait(seconds)

    def cancel(self) -> None:
        """The run is over (Ctrl-C, a crash): waits end now and no further request leaves."""
        self._stopped.set()

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's `per_host` places while a request is in flight."""
        with self._lock:
            slot = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with slot:
            yield

    def wait_turn(self, url: httpx.URL, *, sleep: Sleep, clock: Clock) -> None:
        """Sleep as long as this host needs before the next request, or refuse if too long."""
        with self._lock:
            wait = self._reserve(url, clock()) if not self._stopped.is_set() else 0.0
        if wait > 0:
            sleep(wait)
        if self._stopped.is_set():
            raise ApiError(Message(N_("Stopped before asking {host}: the run was interrupted."),
                                   {"host": url.host}), url=str(url))

    def _reserve(self, url: httpx.URL, now: float) -> float:
        """The wait before this request; books its start time so concurrent ones queue up.
        A wait the server's budget imposes beyond `max_wait` books nothing: the request is
        refused (msgu's own spacing, `min_interval`, is never refused)."""
        host = url.host
        last = self._last.get(host, -math.inf)
        imposed = max(self._blocked_until.get(host, now) - now,
                      last + self._spacing.get(host, 0.0) - now)
        paging = any(key in PAGING_PARAMS for key in url.params)
        if paging:
            imposed = max(imposed, self._paging_wait(host, now + max(0.0, imposed)))
        if imposed > self.max_wait:
            raise ApiError(rate_limited_message(host, now + imposed, now,
                                                max_wait=self.max_wait),
                           url=str(url), status=429)
        wait = max(0.0, imposed, last + self.min_interval - now)
        self._blocked_until.pop(host, None)  # the booking below holds the host's others back
        if paging:
            self._pages.setdefault(host, deque()).append(now + wait)
        self._last[host] = now + wait
        return wait

    def _paging_wait(self, host: str, now: float) -> float:
        pages = self._pages.get(host)
        if not pages:
            return 0.0
        while pages and pages[0] <= now - self.paging_window:
            pages.popleft()
        if len(pages) < self.paging_budget:
            return 0.0
        return pages[0] + self.paging_window - now

    def observe(self, host: str, headers: httpx.Headers, now: float) -> None:
        """Read the budget a server reports: wait for the reset when spent, pace when low."""
        remaining = _number(
            headers.get("ratelimit-remaining") or headers.get("x-ratelimit-remaining") or ""
        )
        reset = reset_at(headers, now)
        with self._lock:
            if remaining is None or remaining > PACE_BELOW or reset is None or reset <= now:
                self._spacing.pop(host, None)
            elif remaining < 1:
                self._blocked_until[host] = reset
            else:
                self._spacing[host] = (reset - now) / remaining

    def block(self, host: str, until: float) -> None:
        with self._lock:
            self._blocked_until[host] = until

    def attempts(self, host: str, retries: int) -> int:
        """A host that already failed this run gets one try, not a full round of back-offs."""
        with self._lock:
            return 1 if host in self._failing else 1 + max(0, retries)

    def set_failing(self, host: str, failing: bool) -> None:
        with self._lock:
            if failing:
                self._failing.add(host)
            else:
                self._failing.discard(host)


_LIMITERS: WeakKeyDictionary[httpx.Client, RateLimiter] = WeakKeyDictionary()
_LIMITERS_LOCK = threading.Lock()


def limiter_for(client: httpx.Client) -> RateLimiter:
    """The RateLimiter that lives and dies with `client`, so callers need not carry one."""
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(client)
        if limiter is None:
            limiter = _LIMITERS[client] = RateLimiter()
        return limiter


def attach_limiter(client: httpx.Client, limiter: RateLimiter) -> None:
    with _LIMITERS_LOCK:
        _LIMITERS[client] = limiter


def server_wait(headers: httpx.Headers, now: float) -> float | None:
    """Seconds the server asks us to wait (Retry-After, then the reset headers), if it says."""
    retry_after = headers.get("retry-after")
    if retry_after:
        wait = _parse_retry_after(retry_after.strip(), now)
        if wait is not None:
            return max(0.0, wait)
    reset = reset_at(headers, now)
    return None if reset is None else max(0.0, reset - now)


def reset_at(headers: httpx.Headers, now: float) -> float | None:
    """When the budget resets: Bluesky `RateLimit-Reset` (epoch s), Mastodon ISO 8601."""
    for name in ("ratelimit-reset", "x-ratelimit-reset"):
        value = headers.get(name)
        if value:
            moment = _parse_reset(value.strip(), now)
            if moment is not None:
                return moment
    return None


def _parse_reset(value: str, now: float) -> float | None:
    number = _number(value)
    if number is None:
        return _parse_iso(value)
    # Epoch seconds (Bluesky) or, per draft-polli-ratelimit-headers, seconds from now.
    return number if number > 1e9 else now + number


def _parse_retry_after(value: str, now: float) -> float | None:
    number = _number(value)
    if number is not None:
        return number
    try:
        moment = _timestamp(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return None if moment is None else moment - now


def _parse_iso(value: str) -> float | None:
    try:
        return _timestamp(datetime.fromisoformat(value))
    except ValueError:
        return None


def _timestamp(moment: datetime) -> float | None:
    """Epoch seconds of a parsed date (UTC when it names no zone); None at the calendar's
    edges, where the arithmetic overflows."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.timestamp()
    except (OverflowError, ValueError, OSError):
        return None


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def rate_limited_message(host: str, until: float, now: float, status: int = 429, *,
                         max_wait: float) -> Message:
    """Why a request was not sent: the server asks to wait longer than `max_wait`."""
    try:
        when = f"{datetime.fromtimestamp(until, UTC).astimezone():%Y-%m-%d %H:%M:%S %Z}"
    except (OverflowError, ValueError, OSError):  # beyond the calendar: say how long only
        when = None
    if status == 503:
        template = (N_("{host} says it is unavailable for {wait}, longer than MSGU_MAX_WAIT "
                       "({limit} s) allows: left for the next run.") if when is None else
                    N_("{host} says it is unavailable for {wait} (until {when}), longer than "
                       "MSGU_MAX_WAIT ({limit} s) allows: left for the next run."))
    else:
        template = (N_("{host} has rate limited msgu for {wait}, longer than MSGU_MAX_WAIT "
                       "({limit} s) allows: left for the next run.") if when is None else
                    N_("{host} has rate limited msgu for {wait} (until {when}), longer than "
                       "MSGU_MAX_WAIT ({limit} s) allows: left for the next run."))
    return Message(template, {"host": host, "wait": _duration(until - now), "when": when,
                              "limit": f"{max_wait:g}"})


def _duration(seconds: float) -> Message:
    if seconds < 2 * 3600:
        return Message(N_("{n} s"), {"n": f"{seconds:.0f}"})
    if seconds < 3 * 86400:
        return Message(N_("{n} hours"), {"n": f"{seconds / 3600:.0f}"})
    if seconds < 3650 * 86400:
        return Message(N_("{n} days"), {"n": f"{seconds / 86400:.0f}"})
    return Message(N_("more than ten years"))
