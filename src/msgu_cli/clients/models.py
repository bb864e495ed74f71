"""What the Bluesky and Mastodon clients hand back: plain, immutable records, no httpx."""

from __future__ import annotations

from dataclasses import dataclass

from msgu_cli.domain.text import strip_unsafe
from msgu_cli.i18n import Text


@dataclass(frozen=True)
class RemoteProfile:
    """One account as a platform's public API describes it now.

    `None` always means "the API did not say", never "zero" or "empty": the caller should keep
    what it had rather than overwrite it. `query` is the identifier the caller asked for (set by
    `fetch_profiles`, None in follow lists) so results map back even when the server answers
    with another handle (a renamed Bluesky account, a lookup by DID). `error` is an
    informational note on an otherwise good answer (e.g. "moved to …", "last post date
    unavailable: …"), stored with the account in the language of the run; a fetch that failed
    outright is a `FetchFailure` instead.
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
    # Bluesky: verificationState.verifiedStatus, and who issued its valid verifications.
    verified_status: str | None = None
    verifiers: tuple[str, ...] = ()
    # Mastodon: the profile links the server marked `verified_at` (rel="me" checked).
    verified_links: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchFailure:
    """An account whose fetch failed after the retries: the caller keeps its last good data."""

    platform: str
    handle: str  # the identifier asked for, normalised like RemoteProfile.handle
    error: Text  # a sentence a person can act on (a Message: refresh's JSON gives its English)
    status: int | None = None  # the last HTTP status, None for network errors


@dataclass(frozen=True)
class FollowList:
    """Whom one account follows (`collection` "following") or who follows it ("followers"),
    as far as it could be read.

    `error` is set when reading stopped early (or never started, or the owner hides the list);
    `accounts` then holds the pages read before the failure, which are still true.
    """

    platform: str
    handle: str  # the account asked about, as the caller named it
    accounts: tuple[RemoteProfile, ...] = ()
    error: Text | None = None  # a Message: discover's and sync's JSON give its English
    collection: str = "following"

    @property
    def complete(self) -> bool:
        """Every page was read: an account missing from the list is really not on it."""
        return self.error is None


@dataclass(frozen=True)
class Relationship:
    """Between one account of the organisation and another account, as the platform says now.
    `found` is False when the platform knows no such account (then neither flag means much)."""

    handle: str  # the other account, as the caller named it
    following: bool = False  # the organisation's account follows it
    followed_by: bool = False  # it follows the organisation's account
    found: bool = True


@dataclass(frozen=True)
class RelationshipBatch:
    """One request's worth of relationships with `actor` (the organisation's account): one
    `Relationship` per handle the answer covered; `error` when the request failed (then
    none), so those handles are left for the next run."""

    actor: str
    handles: tuple[str, ...]
    relationships: tuple[Relationship, ...] = ()
    error: Text | None = None


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
