"""`msgu discover`: whom trusted accounts follow, kept as edges and as candidate contacts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..domain.handles import account_url, parse_account
from ..domain.models import Account, Contact
from ..domain.taxonomy import Taxonomy
from ..domain.text import shown
from ..errors import ApiError, InvalidInput
from ..i18n import N_, Message, Text, english
from ..storage import contacts as store
from ..storage.connection import Database
from ..storage.database import transaction
from ..storage.graph import account_ids, save_follows
from .directory import resolve_ref
from .reference import load_reference, today, utc_now
from .refresh import bluesky_dids, fetchable_platforms

if TYPE_CHECKING:
    import httpx

    from ..clients.models import FollowList, RemoteProfile

DEFAULT_LIMIT = 200


@dataclass
class DiscoverReport:
    sources: list[str] = field(default_factory=list)  # "platform:handle" read
    followed: int = 0
    new_candidates: list[tuple[int, str]] = field(default_factory=list)  # id, name
    # new candidate id -> ids of contacts already named the same: perhaps one organisation,
    # seen on another platform, for a person to merge
    same_name: dict[int, list[int]] = field(default_factory=dict)
    known: int = 0
    edges: int = 0
    errors: list[tuple[str, Text]] = field(default_factory=list)  # source, error (a Message)


def discover(
    db: Database, refs: Sequence[str], *, http: httpx.Client, platform: str | None = None,
    limit: int | None = DEFAULT_LIMIT, progress: Callable[[int, int], None] | None = None,
) -> DiscoverReport:
    """Read the follow lists of the named contacts' Bluesky and Mastodon accounts (through
    `http`).

    Each list is stored in its own transaction as soon as it arrives. Raises ApiError only when
    not one list could be read (and then nothing was written).
    """
    if not refs:
        raise InvalidInput(Message(N_(
            "Name at least one trusted contact: msgu discover @someone.bsky.social")))
    if limit is not None and limit < 1:
        raise InvalidInput(Message(N_("--limit must be 1 or more.")))
    platforms = fetchable_platforms(platform)
    contacts = store.load_contacts(db, list(dict.fromkeys(resolve_ref(db, r) for r in refs)))
    sources = [(a.platform, a.handle) for c in contacts for a in c.accounts
               if a.platform in platforms]
    if not sources:
        raise InvalidInput(Message(N_(
            "{names}: no {platform} account to read follows from; add one with msgu edit "
            "--add-account.") if len(platforms) == 1 else N_(
            "{names}: no bluesky or mastodon account to read follows from; add one with msgu "
            "edit --add-account."), {"names": shown(", ".join(c.name for c in contacts)),
                                     "platform": platforms[0]}))
    from ..clients.social import fetch_follow_lists

    report = DiscoverReport()
    taxonomy = load_reference(db).taxonomy
    known_dids = {did: handle for handle, did in bluesky_dids(db, None).items()}
    for follow_list in fetch_follow_lists(http, sources, limit=limit):
        label = f"{follow_list.platform}:{follow_list.handle}"
        report.sources.append(label)
        if follow_list.error:
            report.errors.append((label, follow_list.error))
        with transaction(db):
            _save(db, follow_list, taxonomy, known_dids, report)
        if progress is not None:
            progress(len(report.sources), len(sources))
    report.sources.sort()
    report.errors.sort(key=lambda item: (item[0], english(item[1])))
    if len(report.errors) == len(sources) and not report.followed:
        raise ApiError(Message(N_("No follow list could be read: {error}"),
                               {"error": report.errors[0][1]}))
    return report


def _save(db: Database, follow_list: FollowList, taxonomy: Taxonomy,
          known_dids: dict[str, str], report: DiscoverReport) -> None:
    """Edges to every followed account; unknown ones become `candidate` contacts first."""
    [source_id] = account_ids(db, [(follow_list.platform, follow_list.handle)]).values()
    source = f"{follow_list.platform}:{follow_list.handle}"
    words = store.topic_words(db)
    targets: list[int] = []
    for profile in follow_list.accounts:
        account = fetched_account(profile)
        if account is None:
            continue
        report.followed += 1
        known = _known_account(db, account, profile, known_dids)
        if known is None:
            contact = new_candidate(account, profile, taxonomy,
                                    source=f"msgu discover, {today()}: followed by {source}")
            namesakes = store.find_by_name(db, contact.name)
            [contact_id] = store.save_contacts(db, [contact], now=utc_now(), words=words)
            report.new_candidates.append((contact_id, contact.name))
            if namesakes:
                report.same_name[contact_id] = namesakes
            known = _known_account(db, account, profile, known_dids)
        else:
            report.known += 1
        if known is not None:
            targets.append(known)
    report.edges += save_follows(db, source_id, dict.fromkeys(targets),
                                 source=f"{follow_list.platform} follows", seen_at=utc_now())


def _known_account(db: Database, account: Account, profile: RemoteProfile,
                   known_dids: dict[str, str]) -> int | None:
    """The directory's account for what was fetched: by handle, or by DID (the one it was added
    as, or the one a refresh learnt before the account changed its handle)."""
    pairs = [(account.platform, account.handle)]
    did = profile.remote_id if account.platform == "bluesky" else None
    if did:
        pairs += [("bluesky", did), ("bluesky", known_dids.get(did, did))]
    found = account_ids(db, pairs)
    return next(iter(found.values()), None)


def fetched_account(profile: RemoteProfile) -> Account | None:
    """A fetched account in our normalised form; None when its handle is not usable."""
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


def new_candidate(account: Account, profile: RemoteProfile, taxonomy: Taxonomy, *,
                  source: str) -> Contact:
    """A new contact to review: named as it names itself, topics only suggested."""
    suggested = suggest_topics(taxonomy, profile.display_name, profile.description)
    return Contact(
        name=(profile.display_name or "").strip() or account.handle,
        status="candidate", description=profile.description, accounts=(account,),
        suggested_topics=suggested, source=source,
    )


def suggest_topics(taxonomy: Taxonomy, *texts: str | None) -> tuple[str, ...]:
    """The topics an account's own words (display name, description) speak of: suggestions
    for a person to confirm, never tags."""
    text = " ".join(filter(None, texts))
    return tuple(dict.fromkeys(code for code, _ in taxonomy.topics_in_text(text)))
