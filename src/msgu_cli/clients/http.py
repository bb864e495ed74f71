"""The one place msgu speaks HTTP: the client factory, retries and per-host rate limits.

Politeness, per host: msgu fetches one request at a time, so a host never has more than one
request of ours in flight (and the pool allows 4 connections in all). On top of that
`RateLimiter` keeps requests to one host at least `min_interval` apart, waits before the next
request when a server said its budget is spent (`RateLimit-Remaining: 0`), and counts Mastodon's
anonymous paging budget (300 pages / 15 min per server, any request carrying `page`, `min_id`,
`max_id` or `since_id`). Its state lives as long as the httpx.Client it belongs to: one run.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from weakref import WeakKeyDictionary

import httpx

from msgu_cli import __version__
from msgu_cli.errors import ApiError, InvalidInput

USER_AGENT = f"msgu/{__version__} (+https://github.com/msgu)"
DEFAULT_TIMEOUT = 10.0
MAX_CONNECTIONS = 4
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
MAX_WAIT = 60.0  # longest wait a server's rate-limit headers may impose before we give up
MIN_INTERVAL = 0.05  # at most 20 requests a second to one host
PAGING_PARAMS = frozenset({"page", "min_id", "max_id", "since_id"})  # Mastodon rack_attack.rb
PAGING_BUDGET = 300
PAGING_WINDOW = 15 * 60.0

Sleep = Callable[[float], None]
Clock = Callable[[], float]
Rng = Callable[[], float]


@dataclass(frozen=True)
class ApiResponse:
    """A parsed answer: 2xx, or a 4xx the caller must interpret (404 = not found)."""

    status: int
    url: str
    headers: httpx.Headers
    data: Any  # parsed JSON; None when a 4xx body was not JSON

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def problem(self) -> str:
        """The server's own error text (XRPC `message`/`error`, Mastodon `error`), or the status."""
        if isinstance(self.data, dict):
            text = self.data.get("message") or self.data.get("error")
            if isinstance(text, str) and text:
                return text
        return f"HTTP {self.status}"


def http_timeout() -> float:
    """Seconds per request from MSGU_HTTP_TIMEOUT (default 10); a bad value is the user's to fix."""
    raw = os.environ.get("MSGU_HTTP_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise InvalidInput(
            f"MSGU_HTTP_TIMEOUT must be a number of seconds greater than 0 (e.g. 10 or 2.5), "
            f"not {raw!r}."
        )
    return value


def make_http_client(
    *, timeout: float | None = None, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """THE factory for the run's single client; tests monkeypatch it to inject a MockTransport."""
    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        timeout=httpx.Timeout(http_timeout() if timeout is None else timeout),
        follow_redirects=True,
        limits=httpx.Limits(
            max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS
        ),
        transport=transport,
    )


@dataclass
class RateLimiter:
    """Per-host waiting state for one run; times are in the units of the `clock` passed in.

    `max_wait` caps waits that rate-limit headers impose; the paging-budget wait is not capped
    (at most `paging_window`), since the budget is the server's rule and waiting beats failing.
    """

    min_interval: float = MIN_INTERVAL
    max_wait: float = MAX_WAIT
    paging_budget: int = PAGING_BUDGET
    paging_window: float = PAGING_WINDOW
    _last: dict[str, float] = field(default_factory=dict, repr=False)
    _blocked_until: dict[str, float] = field(default_factory=dict, repr=False)
    _pages: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _failing: set[str] = field(default_factory=set, repr=False)

    def wait_turn(self, url: httpx.URL, *, sleep: Sleep, clock: Clock) -> None:
        """Sleep as long as this host needs before the next request, or refuse if too long."""
        host, now = url.host, clock()
        blocked = self._blocked_until.pop(host, now) - now
        if blocked > self.max_wait:
            self._blocked_until[host] = now + blocked
            message = _rate_limited_message(host, now + blocked, now)
            raise ApiError(message, url=str(url), status=429)
        wait = max(0.0, blocked, self._last.get(host, -math.inf) + self.min_interval - now)
        paging = any(key in PAGING_PARAMS for key in url.params)
        if paging:
            wait = max(wait, self._paging_wait(host, now + wait))
        if wait > 0:
            sleep(wait)
            now = clock()  # the time the request really leaves, whatever the sleep did
        self._last[host] = now
        if paging:
            self._pages.setdefault(host, deque()).append(now)

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
        """Remember a spent budget (`*RateLimit-Remaining: 0`) so the next request waits."""
        remaining = headers.get("ratelimit-remaining") or headers.get("x-ratelimit-remaining")
        if remaining is None or _number(remaining) != 0:
            return
        reset = reset_at(headers, now)
        if reset is not None and reset > now:
            self._blocked_until[host] = reset

    def block(self, host: str, until: float) -> None:
        self._blocked_until[host] = until

    def attempts(self, host: str, retries: int) -> int:
        """A host that already failed this run gets one try, not a full round of back-offs."""
        return 1 if host in self._failing else 1 + max(0, retries)

    def set_failing(self, host: str, failing: bool) -> None:
        if failing:
            self._failing.add(host)
        else:
            self._failing.discard(host)


_LIMITERS: WeakKeyDictionary[httpx.Client, RateLimiter] = WeakKeyDictionary()


def limiter_for(client: httpx.Client) -> RateLimiter:
    """The RateLimiter that lives and dies with `client`, so callers need not carry one."""
    limiter = _LIMITERS.get(client)
    if limiter is None:
        limiter = _LIMITERS[client] = RateLimiter()
    return limiter


def request_json(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    retries: int = 4,
    sleep: Sleep = time.sleep,
    clock: Clock = time.time,
    rng: Rng = random.random,
    limiter: RateLimiter | None = None,
) -> ApiResponse:
    """Send one request with retries; return 2xx and 4xx answers, raise ApiError otherwise.

    Retried (at most `retries` times): 429, 500, 502, 503, 504 and network errors, with full
    jitter back-off, or as long as Retry-After / RateLimit-Reset / X-RateLimit-Reset say (up to
    the limiter's `max_wait`). 401/403 raise: the server refuses anonymous readers.
    """
    limiter = limiter if limiter is not None else limiter_for(client)
    try:
        request = client.build_request(method, url, params=params)
    except httpx.InvalidURL as exc:
        raise ApiError(f"{url!r} is not a usable URL: {exc}.", url=url) from exc
    attempts = limiter.attempts(request.url.host, retries)
    for attempt in range(attempts):
        limiter.wait_turn(request.url, sleep=sleep, clock=clock)
        response = _send(client, request, attempt=attempt, attempts=attempts, limiter=limiter)
        if response is None:
            sleep(backoff_delay(attempt, rng))
        elif response.status_code in RETRY_STATUSES:
            sleep(_retry_delay(response, request, attempt, attempts, clock, rng, limiter))
        else:
            limiter.set_failing(request.url.host, False)
            limiter.observe(request.url.host, response.headers, clock())
            return _to_api_response(response)
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def _send(
    client: httpx.Client, request: httpx.Request, *, attempt: int, attempts: int,
    limiter: RateLimiter,
) -> httpx.Response | None:
    """The response, or None for a network error worth retrying; the last one raises."""
    url = str(request.url)
    try:
        return client.send(request)
    except httpx.UnsupportedProtocol as exc:
        raise ApiError(f"msgu can only fetch http(s) URLs, not {url}.", url=url) from exc
    except httpx.TransportError as exc:
        if attempt + 1 < attempts:
            return None
        limiter.set_failing(request.url.host, True)
        raise ApiError(_network_message(request.url, exc, attempts), url=url) from exc
    except httpx.HTTPError as exc:  # too many redirects, undecodable body: retrying won't help
        raise ApiError(f"Fetching {url} failed: {exc}.", url=url) from exc


def _retry_delay(
    response: httpx.Response, request: httpx.Request, attempt: int, attempts: int,
    clock: Clock, rng: Rng, limiter: RateLimiter,
) -> float:
    """How long to wait before retrying a 429/5xx, or ApiError when waiting is pointless."""
    status, host, url = response.status_code, request.url.host, str(request.url)
    now = clock()
    wait = server_wait(response.headers, now) if status in (429, 503) else None
    if wait is not None and wait > limiter.max_wait:
        limiter.block(host, now + wait)
        message = _rate_limited_message(host, now + wait, now, status)
        raise ApiError(message, url=url, status=status)
    if attempt + 1 >= attempts:
        limiter.set_failing(host, True)
        what = "kept refusing with HTTP 429 (too many requests)" if status == 429 else (
            f"answered HTTP {status} {response.reason_phrase}".rstrip()
        )
        raise ApiError(
            f"{host} {what} after {attempts} attempt(s) for {url}; try again later.",
            url=url, status=status,
        )
    return wait if wait is not None else backoff_delay(attempt, rng)


def _to_api_response(response: httpx.Response) -> ApiResponse:
    status, url = response.status_code, str(response.url)
    if status in (401, 403):
        raise ApiError(_refused_message(response), url=url, status=status)
    try:
        data = response.json()
    except ValueError as exc:
        if 200 <= status < 300:
            kind = response.headers.get("content-type", "no content type")
            raise ApiError(
                f"{response.url.host} answered {url} with something that is not JSON ({kind}); "
                "is it the right server for this API?",
                url=url, status=status,
            ) from exc
        data = None
    return ApiResponse(status=status, url=url, headers=response.headers, data=data)


def backoff_delay(attempt: int, rng: Rng = random.random) -> float:
    """Exponential back-off with full jitter: uniform in [0, min(cap, base * 2**attempt))."""
    return rng() * min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(attempt, 32))


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
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() - now


def _parse_iso(value: str) -> float | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _rate_limited_message(host: str, until: float, now: float, status: int = 429) -> str:
    when = datetime.fromtimestamp(until, UTC).astimezone()
    what = "says it is unavailable" if status == 503 else "has rate limited msgu"
    return (
        f"{host} {what} until {when:%Y-%m-%d %H:%M:%S %Z} "
        f"({until - now:.0f} s from now); try again after that."
    )


def _network_message(url: httpx.URL, exc: httpx.TransportError, attempts: int) -> str:
    if isinstance(exc, httpx.TimeoutException):
        what = "did not answer in time"
    elif isinstance(exc, httpx.ConnectError):
        what = "could not be reached"
    else:
        what = f"broke the connection ({type(exc).__name__})"
    return (
        f"{url.host} {what} after {attempts} attempt(s) ({url}); check the network connection "
        "or raise MSGU_HTTP_TIMEOUT, then try again."
    )


def _refused_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    said = body.get("error") if isinstance(body, dict) else None
    detail = f' ("{said}")' if isinstance(said, str) and said else ""
    return (
        f"{response.url.host} refuses unauthenticated access (HTTP {response.status_code})"
        f"{detail}: it only answers logged-in users, and msgu reads public APIs without an "
        "account, so this server's data cannot be fetched."
    )
