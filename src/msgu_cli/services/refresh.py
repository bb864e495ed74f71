"""`msgu refresh`: what Bluesky and Mastodon say now about the directory's accounts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from ..domain.vocabulary import parse_platform
from ..errors import ApiError, InvalidInput
from ..storage.database import transaction
from ..storage.graph import accounts_to_fetch, platform_counts, save_fetch_error, save_fetched
from .directory import resolve_ref
from .reference import utc_now

FETCHABLE = ("bluesky", "mastodon")  # the platforms with a public API


@dataclass
class RefreshReport:
    checked: int = 0
    states: Counter = field(default_factory=Counter)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # platform, handle, error
    skipped_platforms: dict[str, int] = field(default_factory=dict)


def refresh(
    db: Database, refs: Sequence[str] = (), *, platform: str | None = None,
    older_than: int | None = None, client=None, sleep=None,
    progress: Callable[[int, int], None] | None = None,
) -> RefreshReport:
    """Fetch each account and store its state, committing as results arrive."""
    platforms = _platforms(platform)
    contact_ids = [resolve_ref(db, r) for r in refs] if refs else None
    if older_than is not None and older_than < 0:
        raise InvalidInput("--older-than takes a number of days, 0 or more.")
    cutoff = None if not older_than else (
        datetime.now(UTC) - timedelta(days=older_than)).replace(microsecond=0).isoformat()
    todo = accounts_to_fetch(db, contact_ids=contact_ids, platforms=platforms,
                             checked_before=cutoff)
    report = RefreshReport(skipped_platforms={
        p: n for p, n in sorted(platform_counts(db, contact_ids).items())
        if p not in FETCHABLE and (platform is None or p == platform)})
    if not todo:
        return report
    ids = {(p, h): i for i, p, h in todo}
    with _client(client) as http:
        for result in _fetch_all(http, todo, sleep):
            _store(db, ids, result, report)
            if progress is not None:
                progress(report.checked, len(todo))
    if report.errors and len(report.errors) == report.checked:
        raise ApiError(f"No account could be reached: {report.errors[0][2]}")
    return report


def _platforms(platform: str | None) -> list[str]:
    if platform is None:
        return list(FETCHABLE)
    code = parse_platform(platform)
    if code not in FETCHABLE:
        raise InvalidInput(f"{code} has no public API that msgu can read: refresh works with "
                           "bluesky and mastodon accounts.")
    return [code]


def _client(client):
    """The injected client (tests), or one made by the factory and closed afterwards."""
    from contextlib import nullcontext

    if client is not None:
        return nullcontext(client)
    from ..clients.http import make_http_client

    return make_http_client()


def _fetch_all(http, todo, sleep):
    import time

    from ..clients import bluesky, mastodon

    pause = sleep or time.sleep
    handles = {p: [h for _, q, h in todo if q == p] for p in FETCHABLE}
    if handles["bluesky"]:
        yield from bluesky.fetch_profiles(http, handles["bluesky"], sleep=pause)
    if handles["mastodon"]:
        yield from mastodon.fetch_profiles(http, handles["mastodon"], sleep=pause)


def _store(db: Database, ids: dict, result, report: RefreshReport) -> None:
    from ..clients.models import FetchFailure

    key = (result.platform, getattr(result, "query", None) or result.handle)
    account_id = ids.get(key) or ids.get((result.platform, result.handle))
    if account_id is None:
        return
    report.checked += 1
    with transaction(db):
        if isinstance(result, FetchFailure):
            report.errors.append((result.platform, result.handle, result.error))
            save_fetch_error(db, account_id, result.error, now=utc_now())
            return
        report.states[result.state] += 1
        note = result.error or (f"moved to {result.moved_to}" if result.moved_to else None)
        save_fetched(db, account_id, vars(result), state=result.state, note=note,
                     now=utc_now())
