"""`msgu discover`: whom trusted accounts follow, kept as edges and as candidate contacts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlite_utils import Database

from ..domain.handles import account_url, parse_account
from ..domain.models import Account, Contact
from ..domain.taxonomy import Taxonomy
from ..errors import InvalidInput, MsguError
from ..storage import contacts as store
from ..storage.database import transaction
from ..storage.graph import account_ids, save_follows
from .directory import resolve_ref
from .reference import load_reference, today, utc_now
from .refresh import FETCHABLE, _client, _platforms


@dataclass
class DiscoverReport:
    sources: list[str] = field(default_factory=list)  # "platform:handle" asked
    followed: int = 0
    new_candidates: list[tuple[int, str]] = field(default_factory=list)
    known: int = 0
    edges: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # source, error


def discover(
    db: Database, refs: Sequence[str], *, platform: str | None = None, limit: int | None = 200,
    client=None, sleep=None, progress: Callable[[str], None] | None = None,
) -> DiscoverReport:
    """For each Bluesky/Mastodon account of the named contacts, fetch whom it follows."""
    if not refs:
        raise InvalidInput("Name at least one trusted contact: msgu discover @someone.bsky.social")
    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be 1 or more.")
    platforms = _platforms(platform)
    contacts = store.load_contacts(db, list(dict.fromkeys(resolve_ref(db, r) for r in refs)))
    sources = [a for c in contacts for a in c.accounts if a.platform in platforms]
    if not sources:
        names = ", ".join(c.name for c in contacts)
        raise InvalidInput(f"{names}: no {' or '.join(platforms)} account to read follows from.")
    report = DiscoverReport()
    taxonomy = load_reference(db).taxonomy
    with _client(client) as http:
        for account in sources:
            label = f"{account.platform}:{account.handle}"
            report.sources.append(label)
            if progress is not None:
                progress(label)
            try:
                followed = list(_follows(http, account, limit, sleep))
            except MsguError as error:
                report.errors.append((label, str(error)))
                continue
            with transaction(db):
                _save(db, account, followed, taxonomy, report)
    if report.errors and len(report.errors) == len(sources):
        raise MsguError(f"No follow list could be fetched: {report.errors[0][1]}")
    return report


def _follows(http, account: Account, limit: int | None, sleep):
    import time

    from ..clients import bluesky, mastodon

    module = bluesky if account.platform == "bluesky" else mastodon
    return module.fetch_follows(http, account.handle, limit=limit, sleep=sleep or time.sleep)


def _save(db: Database, source: Account, followed, taxonomy: Taxonomy,
          report: DiscoverReport) -> None:
    """Edges to every followed account; unknown ones become `candidate` contacts first."""
    [source_id] = account_ids(db, [(source.platform, source.handle)]).values()
    words = store.topic_words(db)
    targets = []
    for profile in followed:
        account = _account(profile)
        if account is None:
            continue
        report.followed += 1
        known = account_ids(db, [(account.platform, account.handle)])
        if known:
            report.known += 1
        else:
            contact = _candidate(account, profile, source, taxonomy)
            [contact_id] = store.save_contacts(db, [contact], now=utc_now(), words=words)
            report.new_candidates.append((contact_id, contact.name))
            known = account_ids(db, [(account.platform, account.handle)])
        targets.extend(known.values())
    report.edges += save_follows(db, source_id, targets, source=f"{source.platform} follows",
                                 seen_at=utc_now())


def _account(profile) -> Account | None:
    """A followed account in our normalised form; None when its handle is not usable."""
    try:
        parsed = parse_account(profile.platform, profile.handle)
    except InvalidInput:
        return None
    return Account(
        platform=parsed.platform, handle=parsed.handle,
        url=profile.url or account_url(parsed.platform, parsed.handle),
        remote_id=profile.remote_id, display_name=profile.display_name,
        description=profile.description, followers_count=profile.followers_count,
        following_count=profile.following_count, posts_count=profile.posts_count,
        last_post_at=profile.last_post_at,
    )


def _candidate(account: Account, profile, source: Account, taxonomy: Taxonomy) -> Contact:
    """A new contact to review: named as it names itself, topics only suggested."""
    text = " ".join(filter(None, [profile.display_name, profile.description]))
    suggested = tuple(dict.fromkeys(code for code, _ in taxonomy.topics_in_text(text)))
    return Contact(
        name=(profile.display_name or "").strip() or account.handle,
        status="candidate", description=profile.description, accounts=(account,),
        suggested_topics=suggested,
        source=f"msgu discover, {today()}: followed by {source.platform}:{source.handle}",
    )


__all__ = ["DiscoverReport", "discover", "FETCHABLE"]
