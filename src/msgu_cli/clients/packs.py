"""Packs fetched by URL, conditionally: an unchanged pack costs one small request (HTTP 304).

The request carries `If-None-Match` (the ETag of the last copy read) and `If-Modified-Since`
(its Last-Modified), as RFC 9110 describes; any static host, a Git host's raw URL or
`datasette publish` answers them.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from .files import download


@dataclass(frozen=True)
class PackDownload:
    """What the server said: `body` is None when the pack has not changed (304)."""

    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None


def fetch_pack(client: httpx.Client, url: str, *, etag: str | None = None,
               last_modified: str | None = None) -> PackDownload:
    """The pack at `url`, unless it is unchanged since the copy with `etag`/`last_modified`;
    bounded like any download (clients.files: 50 MB, one deadline, credentials redacted)."""
    conditions = {}
    if etag:
        conditions["If-None-Match"] = etag
    if last_modified:
        conditions["If-Modified-Since"] = last_modified
    got = download(client, url, accept="application/json", conditions=conditions)
    if got.body is None:
        return PackDownload(None, etag, last_modified)
    return PackDownload(got.body, got.headers.get("etag"), got.headers.get("last-modified"))
