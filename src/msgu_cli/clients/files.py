"""Files fetched by URL for `msgu import https://…`."""

from __future__ import annotations

import httpx

from ..errors import ApiError

MAX_IMPORT_BYTES = 50 * 1024 * 1024
_ACCEPT = "text/csv, application/json;q=0.9, text/plain;q=0.8, */*;q=0.5"


def fetch_bytes(client: httpx.Client, url: str) -> bytes:
    """The body of `url`; any network failure or non-2xx answer is an ApiError naming the URL."""
    try:
        # The shared client asks for JSON; a directory may be CSV too.
        response = client.get(url, headers={"Accept": _ACCEPT})
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        reason = str(error) or type(error).__name__
        raise ApiError(f"Cannot download {url}: {reason}. Check the address and the network "
                       "connection, then try again.", url=url) from None
    if not response.is_success:
        raise ApiError(
            f"Cannot download {url}: the server answered {response.status_code} "
            f"{response.reason_phrase}. Check the address, or download the file and import "
            "it from disk.", url=url, status=response.status_code,
        )
    if len(response.content) > MAX_IMPORT_BYTES:
        raise ApiError(f"{url} is larger than 50 MB: download it and import the file.", url=url)
    return response.content
