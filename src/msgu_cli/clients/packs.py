"""Packs fetched by URL, conditionally: an unchanged pack costs one small request (HTTP 304).

The request carries `If-None-Match` (the ETag of the last copy read) and `If-Modified-Since`
(its Last-Modified), as RFC 9110 describes; any static host, a Git host's raw URL or
`datasette publish` answers them.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from ..domain.community_lists import public_url
from ..domain.text import shown
from ..errors import ApiError
from ..i18n import _
from .files import MAX_IMPORT_BYTES


@dataclass(frozen=True)
class PackDownload:
    """What the server said: `body` is None when the pack has not changed (304)."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


def fetch_pack(client: httpx.Client, url: str, *, etag: str | None = None,
               last_modified: str | None = None) -> PackDownload:
    """The pack at `url`, unless it is unchanged since the copy with `etag`/`last_modified`."""
    headers = {"Accept": "application/json"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    where = shown(public_url(url))
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return PackDownload(None, etag, last_modified)
            if not response.is_success:
                raise ApiError(_("Cannot download the pack {url}: the server answered {status} "
                                 "{reason}. Check the address with its publisher.").format(
                    url=where, status=response.status_code, reason=response.reason_phrase),
                    url=public_url(url), status=response.status_code)
            body = _bounded(response, where)
            return PackDownload(body, response.headers.get("etag"),
                                response.headers.get("last-modified"))
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        reason = str(error) or type(error).__name__
        raise ApiError(_("Cannot download the pack {url}: {reason}. Check the address and the "
                         "network connection, then try again.").format(
            url=where, reason=shown(reason)), url=public_url(url)) from None


def _bounded(response: httpx.Response, where: str) -> bytes:
    """The body, refused once it grows past the import limit (50 MB)."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_IMPORT_BYTES:
            raise ApiError(_("The pack {url} is larger than 50 MB: msgu reads packs up to that "
                             "size.").format(url=where))
        chunks.append(chunk)
    return b"".join(chunks)
