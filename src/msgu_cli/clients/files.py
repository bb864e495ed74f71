"""Files fetched by URL for `msgu import https://…`."""

from __future__ import annotations

import httpx

from ..errors import ApiError

MAX_IMPORT_BYTES = 50 * 1024 * 1024


def fetch_bytes(client: httpx.Client, url: str) -> bytes:
    """The body of `url`; any network failure or non-2xx answer is an ApiError naming the URL."""
    try:
        response = client.get(url)
    except httpx.HTTPError as error:
        reason = str(error) or type(error).__name__
        raise ApiError(f"Cannot download {url}: {reason}.", url=url) from None
    if not response.is_success:
        raise ApiError(
            f"Cannot download {url}: the server answered {response.status_code} "
            f"{response.reason_phrase}.", url=url, status=response.status_code,
        )
    if len(response.content) > MAX_IMPORT_BYTES:
        raise ApiError(f"{url} is larger than 50 MB: download it and import the file.", url=url)
    return response.content
