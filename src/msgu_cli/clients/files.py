"""Files fetched by URL: `msgu import https://…`, and any list another command downloads.

Bounded three ways, whatever the server does: a running limit on the DECOMPRESSED body (a
300 MB body or a gzip bomb stops at the limit, never read whole first), one deadline for the
whole request (`MSGU_HTTP_TIMEOUT` seconds from its start to the end of its body: a server
dripping a byte a second fails on time, not never), and the user name and password of a URL
(the one asked, or one a redirect leads to) never in a message.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import httpx

from ..domain.text import shown
from ..errors import ApiError
from ..i18n import N_, Message
from .http import http_timeout

MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024
_ACCEPT = "text/csv, application/json;q=0.9, text/plain;q=0.8, */*;q=0.5"
# The user-information part of any URL in a text: `scheme://user:password@`.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s]*@")  # to the last @
_SECRET_MIN = 3  # a shorter user name or password is not searched for in free text
_URL_SHOWN = 300  # characters of a URL or a library's message quoted in an error

Clock = Callable[[], float]


def redacted(text: str, *urls: str) -> str:
    """`text` (a URL, or a library's message) with every URL's user name and password replaced
    by `***` (`https://***@host/`), quoted with `shown`; the user names and passwords of
    `urls` are also taken out wherever else they appear (a message may quote them decoded)."""
    for url in urls:
        try:
            parts = urlsplit(url)
            secrets = (parts.username, parts.password)
        except ValueError:
            continue
        for secret in secrets:
            for form in {secret, unquote(secret)} if secret else ():
                if len(form) >= _SECRET_MIN:
                    text = text.replace(form, "***")
    return shown(_USERINFO.sub(r"\1***@", text), _URL_SHOWN)


@dataclass(frozen=True)
class Download:
    """What a server sent: `body` is None when it answered 304 Not Modified to a conditional
    request (`If-None-Match`, `If-Modified-Since`)."""

    body: bytes | None
    headers: httpx.Headers


def fetch_bytes(
    client: httpx.Client, url: str, *, limit: int = MAX_DOWNLOAD_BYTES,
    accept: str = _ACCEPT, timeout: float | None = None, clock: Clock = time.monotonic,
) -> bytes:
    """The body of `url`, decompressed, at most `limit` bytes, within `timeout` seconds
    (default MSGU_HTTP_TIMEOUT) from the request's start to the body's end. Any failure, a
    non-2xx answer, a body too large or too slow is an ApiError naming the URL, redacted."""
    body = download(client, url, limit=limit, accept=accept, timeout=timeout, clock=clock).body
    assert body is not None  # no condition was asked: no 304
    return body


def download(
    client: httpx.Client, url: str, *, limit: int = MAX_DOWNLOAD_BYTES,
    accept: str = _ACCEPT, conditions: Mapping[str, str] | None = None,
    timeout: float | None = None, clock: Clock = time.monotonic,
) -> Download:
    """`fetch_bytes` with the answer's headers, and `conditions` (request headers such as
    `If-None-Match`) that a server may answer with a bodiless 304."""
    seconds = http_timeout() if timeout is None else timeout
    deadline = clock() + seconds
    final = url
    try:
        with client.stream("GET", url, headers={"Accept": accept, **(conditions or {})},
                           timeout=httpx.Timeout(seconds)) as response:
            final = str(response.url)
            if conditions and response.status_code == 304:
                return Download(None, response.headers)
            _check_answer(response, limit)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise _too_large(final, limit)
                _shrink_read_timeout(response, deadline - clock(), seconds)
                if clock() > deadline:
                    raise _too_slow(final, seconds)
            return Download(bytes(body), response.headers)
    except httpx.TimeoutException:
        raise _too_slow(final, seconds) from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        reason = redacted(str(error) or type(error).__name__, url, final)
        raise ApiError(Message(N_(
            "Cannot download {url}: {reason}. Check the address and the network connection, "
            "then try again."), {"url": redacted(url), "reason": reason}),
            url=redacted(url)) from None


def _check_answer(response: httpx.Response, limit: int) -> None:
    """Refuse an error status, or a body that says at once it is too large."""
    final = redacted(str(response.url))
    if not response.is_success:
        raise ApiError(Message(N_(
            "Cannot download {url}: the server answered {status} {reason}. Check the address, "
            "or download the file and import it from disk."), {
            "url": final, "status": response.status_code,
            "reason": shown(response.reason_phrase)}),
            url=final, status=response.status_code)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(final, limit)


def _shrink_read_timeout(response: httpx.Response, remaining: float, seconds: float) -> None:
    """Make the next socket reads wait no longer than the request has left, so a server that
    stalls outright also fails on time. httpx reads the per-request timeouts from the request's
    extensions at every read; the value moves in steps of a tenth of the whole (a quick
    download keeps what it was given), and where a transport ignores it, the deadline is
    still checked after each chunk."""
    timeouts = response.request.extensions.get("timeout")
    if isinstance(timeouts, dict) and remaining < (timeouts.get("read") or 0) - seconds / 10:
        timeouts["read"] = max(remaining, 0.001)


def _too_large(url: str, limit: int) -> ApiError:
    url = redacted(url)
    return ApiError(Message(N_(
        "{url} is larger than {megabytes} MB (uncompressed): download it and import the file."), {
        "url": url, "megabytes": limit // (1024 * 1024)}), url=url)


def _too_slow(url: str, seconds: float) -> ApiError:
    url = redacted(url)
    return ApiError(Message(N_(
        "Cannot download {url}: timed out (the whole download may take {seconds:g} s, "
        "MSGU_HTTP_TIMEOUT). Try again later, set a longer MSGU_HTTP_TIMEOUT, or download the "
        "file and import it from disk."), {"url": url, "seconds": seconds}), url=url)
