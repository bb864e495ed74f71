"""What the Bluesky and Mastodon clients hand back: plain, immutable records, no httpx."""

from __future__ import annotations

from dataclasses import dataclass

from msgu_cli.domain.text import strip_unsafe


@dataclass(frozen=True)
class RemoteProfile:
    """One account as a platform's public API describes it now.

    `None` always means "the API did not say", never "zero" or "empty": the caller should keep
    what it had rather than overwrite it. `query` is the identifier the caller asked for (set by
    `fetch_profiles`, None in follow lists) so results map back even when the server answers
    with another handle (a renamed Bluesky account, a lookup by DID). `error` is an
    informational note on an otherwise good answer (e.g. "moved to …", "last post date
    unavailable: …"); a fetch that failed outright is a `FetchFailure` instead.
    """

    platform: str  # "bluesky" or "mastodon"
    # Bluesky: lowercase handle (the DID when the handle is invalid); Mastodon: user@domain.
    handle: str
    state: str = "ok"  # ok, not-found, suspended, deactivated
    remote_id: str | None = None  # Bluesky DID; Mastodon id (local to the server asked)
    display_name: str | None = None
    description: str | None = None  # plain text
    followers_count: int | None = None
    following_count: int | None = None
    posts_count: int | None = None
    last_post_at: str | None = None  # ISO 8601 date (Mastodon) or datetime (Bluesky)
    url: str | None = None
    error: str | None = None
    query: str | None = None
    moved_to: str | None = None  # Mastodon: the account it moved to, user@domain


@dataclass(frozen=True)
class FetchFailure:
    """An account whose fetch failed after the retries: the caller keeps its last good data."""

    platform: str
    handle: str  # the identifier asked for, normalised like RemoteProfile.handle
    error: str  # a sentence a person can act on
    status: int | None = None  # the last HTTP status, None for network errors


@dataclass(frozen=True)
class FollowList:
    """Whom one account follows, as far as it could be read.

    `error` is set when reading stopped early (or never started); `followed` then holds the
    pages read before the failure, which are still true.
    """

    platform: str
    handle: str  # the account asked about, as the caller named it
    followed: tuple[RemoteProfile, ...] = ()
    error: str | None = None


# Longest fetched texts kept: far above what the platforms allow (Bluesky: a display name of
# 64 graphemes, a description of 256; Mastodon: 30 and 500 by default), so only a broken or
# hostile server is cut.
NAME_LIMIT = 200
TEXT_LIMIT = 5000
_COUNT_MAX = 2**63 - 1  # SQLite's INTEGER


def fetched_text(value: object, *, multiline: bool = False,
                 limit: int = NAME_LIMIT) -> str | None:
    """A JSON string field as msgu stores it: control characters stripped (newlines and tabs
    kept when `multiline`), at most `limit` characters; None when the API left it out or sent
    something other than a string."""
    if not isinstance(value, str):
        return None
    return strip_unsafe(value[: limit * 2], multiline=multiline)[:limit]


def json_text(value: object) -> str | None:
    """A JSON string field used as an identifier or a date (short, one line), or None."""
    return fetched_text(value)


def json_count(value: object) -> int | None:
    """A JSON count (an integer from 0 to SQLite's largest, not a boolean), or None: "not
    said" is never turned into 0, and an absurd number is not said either."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= _COUNT_MAX else None
