"""The one place msgu speaks HTTP: the client factory and requests with bounded retries.

Every request goes through `request_json` (or, for downloads, at least through the client that
`make_http_client` made), so the User-Agent, the time-out and the per-host politeness of
`clients.limits.RateLimiter` (one per client) apply to all of them.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from msgu_cli import __version__
from msgu_cli.clients.limits import (
    MAX_WAIT,
    Clock,
    RateLimiter,
    Sleep,
    attach_limiter,
    limiter_for,
    rate_limited_message,
    server_wait,
)
from msgu_cli.domain.text import shown
from msgu_cli.errors import ApiError, InvalidInput
from msgu_cli.i18n import N_, Message

USER_AGENT = f"msgu/{__version__} (+https://github.com/msgu)"
DEFAULT_TIMEOUT = 10.0
MAX_CONNECTIONS = 8
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
MAX_WAIT_SETTING = 86_400.0  # MSGU_MAX_WAIT above a day is a typing slip, not a wish
# An API answer is a page of profiles (tens of kB): a body past this is a broken or hostile
# server, refused before it fills the memory.
MAX_BODY_BYTES = 8 * 1024 * 1024

Rng = Callable[[], float]
__all__ = ["ApiResponse", "RateLimiter", "Sleep", "limiter_for", "make_http_client",
           "request_json"]


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
        """The server's own error text (XRPC `message`/`error`, Mastodon `error`), quoted on one
        short line, or the status: the server's words, never translated."""
        if isinstance(self.data, dict):
            text = self.data.get("message") or self.data.get("error")
            if isinstance(text, str) and text:
                return shown(text)
        return f"HTTP {self.status}"

    def wrong_shape(self, expected: str) -> ApiError:
        """The error for a 2xx answer whose JSON is not what the API documents; `expected` is
        a message marked with N_(), such as `N_("a list of follows")`."""
        host = httpx.URL(self.url).host
        return ApiError(
            Message(N_(
                "{host} answered {url} with JSON of the wrong shape ({expected} expected); is "
                "it the right server for this API?"), {
                "host": host, "url": shown(self.url, 200), "expected": Message(expected)}),
            url=self.url, status=self.status)


def http_timeout() -> float:
    """Seconds per request from MSGU_HTTP_TIMEOUT (default 10); a bad value is the user's to fix."""
    return _seconds_setting(
        "MSGU_HTTP_TIMEOUT", DEFAULT_TIMEOUT, valid=lambda value: value > 0,
        message=N_("MSGU_HTTP_TIMEOUT must be a number of seconds greater than 0 (e.g. 10 or "
                   "2.5), not {value}."))


def max_wait() -> float:
    """The longest rate-limit wait msgu sleeps, from MSGU_MAX_WAIT (default 120 seconds)."""
    return _seconds_setting(
        "MSGU_MAX_WAIT", MAX_WAIT, valid=lambda value: 0 <= value <= MAX_WAIT_SETTING,
        message=N_("MSGU_MAX_WAIT must be a number of seconds from 0 to 86400 (e.g. 120), not "
                   "{value}."))


def _seconds_setting(name: str, default: float, *, valid: Callable[[float], bool],
                     message: str) -> float:
    """A number of seconds from the environment variable `name`; the error `message` (a
    template with `{value}`) when it is not a finite number that is `valid`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not valid(value):
        raise InvalidInput(Message(message, {"value": shown(raw)}))
    return value


def make_http_client(
    *, timeout: float | None = None, transport: httpx.BaseTransport | None = None,
    sleep: Sleep | None = None, clock: Clock | None = None,
) -> httpx.Client:
    """THE factory for the run's single client; tests monkeypatch it to inject a MockTransport
    and a `sleep` that does not wait (every back-off and rate-limit wait goes through it), with
    the `clock` that goes with it. The settings (MSGU_HTTP_TIMEOUT, MSGU_MAX_WAIT) are checked
    here, before any request leaves."""
    wait_cap = max_wait()
    client = httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        timeout=httpx.Timeout(http_timeout() if timeout is None else timeout),
        follow_redirects=True,
        limits=httpx.Limits(
            max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS
        ),
        transport=transport,
    )
    attach_limiter(client, RateLimiter(sleep=sleep, clock=clock or time.time, max_wait=wait_cap))
    return client


def request_json(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    retries: int = 4,
    sleep: Sleep | None = None,
    clock: Clock | None = None,
    rng: Rng = random.random,
    limiter: RateLimiter | None = None,
) -> ApiResponse:
    """Send one request with retries; return 2xx and 4xx answers, raise ApiError otherwise.

    Retried (at most `retries` times): 429, 500, 502, 503, 504 and network errors, with full
    jitter back-off, or as long as Retry-After / RateLimit-Reset / X-RateLimit-Reset say (up to
    the limiter's `max_wait`). 401/403 raise: the server refuses anonymous readers. `sleep` and
    `clock` default to the limiter's, i.e. the client's.
    """
    limiter = limiter if limiter is not None else limiter_for(client)
    sleep, clock = sleep or limiter.pause, clock or limiter.clock
    try:
        request = client.build_request(method, url, params=params)
    except httpx.InvalidURL as exc:
        raise ApiError(Message(N_("{url} is not a usable URL: {reason}."), {
            "url": shown(url, 200), "reason": shown(exc)}), url=url) from exc
    attempts = limiter.attempts(request.url.host, retries)
    for attempt in range(attempts):
        with limiter.slot(request.url.host):
            limiter.wait_turn(request.url, sleep=sleep, clock=clock)
            response = _send(client, request, attempt=attempt, attempts=attempts,
                             limiter=limiter)
        if response is None:
            sleep(backoff_delay(attempt, rng))
        elif response.status_code in RETRY_STATUSES:
            delay = _retry_delay(response, request, attempt, attempts, clock, rng, limiter)
            if delay > 0:
                sleep(delay)
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
        return _read_whole(client, request)
    except httpx.UnsupportedProtocol as exc:
        raise ApiError(Message(N_("msgu can only fetch http(s) URLs, not {url}."), {
            "url": shown(url, 200)}), url=url) from exc
    except httpx.TransportError as exc:
        if attempt + 1 < attempts:
            return None
        limiter.set_failing(request.url.host, True)
        raise ApiError(_network_message(request.url, exc, attempts), url=url) from exc
    except httpx.HTTPError as exc:  # too many redirects, undecodable body: retrying won't help
        raise ApiError(Message(N_("Fetching {url} failed: {reason}."), {
            "url": shown(url, 200), "reason": shown(exc)}), url=url) from exc


def _read_whole(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    """The answer with its whole body, read within the client's time-out counted from the
    request's start (a server dripping bytes cannot hold a run: contract, MSGU_HTTP_TIMEOUT),
    and refused past MAX_BODY_BYTES of decoded body (a compressed bomb included)."""
    timeout = client.timeout.read
    deadline = None if timeout is None else time.monotonic() + timeout
    response = client.send(request, stream=True)
    body = bytearray()
    try:
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                raise ApiError(Message(N_(
                    "{host} sent more than {size} MB for {url}: that is not an answer of this "
                    "API."), {
                    "host": request.url.host, "size": MAX_BODY_BYTES // 2**20,
                    "url": shown(str(request.url), 200)}),
                               url=str(request.url), status=response.status_code)
            if deadline is not None and time.monotonic() > deadline:
                raise httpx.ReadTimeout("the whole answer took too long", request=request)
    finally:
        response.close()
    headers = response.headers.copy()
    headers.pop("content-encoding", None)  # the body kept is the decoded one
    return httpx.Response(response.status_code, headers=headers, content=bytes(body),
                          request=response.request)  # after redirects, the final URL


def _retry_delay(
    response: httpx.Response, request: httpx.Request, attempt: int, attempts: int,
    clock: Clock, rng: Rng, limiter: RateLimiter,
) -> float:
    """How long to wait before retrying a 429/5xx, or ApiError when waiting is pointless."""
    status, host, url = response.status_code, request.url.host, str(request.url)
    now = clock()
    wait = server_wait(response.headers, now) if status in (429, 503) else None
    if wait is not None:  # the host's other requests wait too; wait_turn does the sleeping
        limiter.block(host, now + wait)
        if wait > limiter.max_wait:
            message = rate_limited_message(host, now + wait, now, status,
                                           max_wait=limiter.max_wait)
            raise ApiError(message, url=url, status=status)
    if attempt + 1 >= attempts:
        limiter.set_failing(host, True)
        values = {"host": host, "status": status, "reason": response.reason_phrase,
                  "attempts": attempts, "url": shown(url, 200)}
        raise ApiError(Message(N_(
            "{host} kept refusing with HTTP 429 (too many requests) after {attempts} attempt(s) "
            "for {url}; try again later.") if status == 429 else N_(
            "{host} answered HTTP {status} {reason} after {attempts} attempt(s) for {url}; try "
            "again later."), values), url=url, status=status)
    return 0.0 if wait is not None else backoff_delay(attempt, rng)


def _to_api_response(response: httpx.Response) -> ApiResponse:
    status, url = response.status_code, str(response.url)
    if status in (401, 403):
        raise ApiError(_refused_message(response), url=url, status=status)
    try:
        data = response.json()
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        if 200 <= status < 300:
            kind = response.headers.get("content-type")
            raise ApiError(Message(N_(
                "{host} answered {url} with something that is not JSON ({kind}); is it the "
                "right server for this API?"), {
                "host": response.url.host, "url": shown(url, 200),
                "kind": shown(kind) if kind else Message(N_("no content type"))}),
                url=url, status=status) from exc
        data = None
    return ApiResponse(status=status, url=url, headers=response.headers, data=data)


def backoff_delay(attempt: int, rng: Rng = random.random) -> float:
    """Exponential back-off with full jitter: uniform in [0, min(cap, base * 2**attempt))."""
    return rng() * min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(attempt, 32))


def _network_message(url: httpx.URL, exc: httpx.TransportError, attempts: int) -> Message:
    if isinstance(exc, httpx.TimeoutException):
        template = N_("{host} did not answer in time after {attempts} attempt(s) ({url}); check "
                      "the network connection or raise MSGU_HTTP_TIMEOUT, then try again.")
    elif isinstance(exc, httpx.ConnectError):
        template = N_("{host} could not be reached after {attempts} attempt(s) ({url}); check "
                      "the network connection or raise MSGU_HTTP_TIMEOUT, then try again.")
    else:
        template = N_("{host} broke the connection ({error}) after {attempts} attempt(s) "
                      "({url}); check the network connection or raise MSGU_HTTP_TIMEOUT, then "
                      "try again.")
    return Message(template, {"host": url.host, "attempts": attempts,
                              "url": shown(str(url), 200), "error": type(exc).__name__})


def _refused_message(response: httpx.Response) -> Message:
    try:
        body = response.json()
    except (ValueError, RecursionError):
        body = None
    said = body.get("error") if isinstance(body, dict) else None
    values = {"host": response.url.host, "status": response.status_code}
    if isinstance(said, str) and said:
        return Message(N_(
            "{host} refuses unauthenticated access (HTTP {status}, \"{said}\"): it only answers "
            "logged-in users, and msgu reads public APIs without an account, so this server's "
            "data cannot be fetched."), {**values, "said": shown(said)})
    return Message(N_(
        "{host} refuses unauthenticated access (HTTP {status}): it only answers logged-in "
        "users, and msgu reads public APIs without an account, so this server's data cannot "
        "be fetched."), values)
