"""`msgu refresh`: what Bluesky and Mastodon say now about the directory's accounts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ..domain.vocabulary import parse_platform
from ..errors import ApiError, InvalidInput
from ..i18n import N_, Message, Text, english
from ..storage import contacts as store
from ..storage.connection import Database
from ..storage.database import transaction
from ..storage.graph import accounts_to_fetch, platform_counts, save_fetch_error, save_fetched
from ..storage.verification import save_verification
from .directory import resolve_ref
from .reference import utc_now
from .verification import evidence, verification_sites

if TYPE_CHECKING:
    import httpx

    from ..clients.models import FetchFailure, RemoteProfile
    from ..domain.verification import Sites

FETCHABLE = ("bluesky", "mastodon")  # the platforms with a public API msgu can read
Progress = Callable[[int, int], None]


@dataclass
class RefreshReport:
    checked: int = 0
    states: Counter = field(default_factory=Counter)
    # platform, handle, error (a Message: people read it in their language, JSON in English)
    errors: list[tuple[str, str, Text]] = field(default_factory=list)
    gone: list[tuple[str, str, str]] = field(default_factory=list)  # platform, handle, state
    skipped_platforms: dict[str, int] = field(default_factory=dict)


def refresh(
    db: Database, refs: Sequence[str] = (), *, http: httpx.Client, platform: str | None = None,
    older_than: int | None = None, progress: Progress | None = None,
) -> RefreshReport:
    """Fetch each account through `http` and store what came back, one transaction per
    account as it arrives.

    Raises ApiError, having written nothing, only when not one account could be reached.
    """
    platforms = fetchable_platforms(platform)
    if older_than is not None and older_than < 0:
        raise InvalidInput(Message(N_("--older-than takes a number of days, 0 or more.")))
    contact_ids = list(dict.fromkeys(resolve_ref(db, r) for r in refs)) if refs else None
    cutoff = None if not older_than else (
        datetime.now(UTC) - timedelta(days=older_than)).replace(microsecond=0).isoformat()
    todo = accounts_to_fetch(db, contact_ids=contact_ids, platforms=platforms,
                             checked_before=cutoff)
    report = RefreshReport(skipped_platforms={
        p: n for p, n in sorted(platform_counts(db, contact_ids).items())
        if p not in FETCHABLE and platform is None})
    if todo:
        dids = bluesky_dids(db, contact_ids) if "bluesky" in platforms else {}
        _fetch_and_store(db, http, todo, dids, report, progress)
    report.errors.sort(key=lambda item: (item[0], item[1], english(item[2])))
    report.gone.sort()
    return report


def _fetch_and_store(db: Database, http: httpx.Client, todo: list[tuple[int, str, str]],
                     dids: dict[str, str], report: RefreshReport,
                     progress: Progress | None) -> None:
    """Store each result as it comes. Failures are held back until some server has answered:
    a run that reaches nobody (offline, say) writes nothing, so no account looks checked."""
    from ..clients.models import FetchFailure
    from ..clients.social import fetch_profiles

    ids = {(p, h): i for i, p, h in todo}
    sites = verification_sites(db, list(ids.values()))
    held: list[FetchFailure] = []
    answered = False
    for done, result in enumerate(fetch_profiles(http, [(p, h) for _, p, h in todo],
                                                 dids=dids), 1):
        if isinstance(result, FetchFailure) and not answered:
            held.append(result)
        else:
            answered = True
            for item in (*held, result):
                _store(db, ids, item, report, sites)
            held.clear()
        if progress is not None:
            progress(done, len(todo))
    if held:
        raise ApiError(Message(N_("No account could be reached ({count} tried): {error}"), {
            "count": len(held), "error": held[0].error}))


def fetchable_platforms(platform: str | None) -> list[str]:
    """The platforms to fetch: both, or the one asked for if it has a public API."""
    if platform is None:
        return list(FETCHABLE)
    code = parse_platform(platform)
    if code not in FETCHABLE:
        raise InvalidInput(Message(N_(
            "{platform} has no public API that msgu can read: refresh and discover work with "
            "bluesky and mastodon accounts."), {"platform": code}))
    return [code]


def bluesky_dids(db: Database, contact_ids: Sequence[int] | None) -> dict[str, str]:
    """handle -> DID of the Bluesky accounts an earlier fetch identified: a DID survives a
    change of handle, so asking by DID keeps a renamed account from looking gone."""
    return {a.handle: a.remote_id for c in store.load_contacts(db, contact_ids)
            for a in c.accounts if a.platform == "bluesky" and a.remote_id
            and a.remote_id.startswith("did:")}


def _store(db: Database, ids: dict[tuple[str, str], int],
           result: RemoteProfile | FetchFailure, report: RefreshReport,
           sites: dict[int, Sites]) -> None:
    from ..clients.models import FetchFailure

    key = (result.platform, getattr(result, "query", None) or result.handle)
    account_id = ids.get(key) or ids.get((result.platform, result.handle))
    if account_id is None:
        return
    report.checked += 1
    with transaction(db):
        if isinstance(result, FetchFailure):
            report.errors.append((result.platform, key[1], result.error))
            # Stored for the person who keeps the directory, in the language of this run.
            save_fetch_error(db, account_id, str(result.error), now=utc_now())
            return
        report.states[result.state] += 1
        if result.state != "ok":
            report.gone.append((result.platform, key[1], result.state))
        save_fetched(db, account_id, vars(result), state=result.state, note=result.error,
                     now=utc_now())
        save_verification(db, account_id, evidence(result, sites[account_id]))
