"""Which accounts are the organisations' own: the evidence `refresh` records, and the handles
`doctor` flags for sitting on another organisation's official domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..domain.verification import (
    HandleClaim,
    Sites,
    bluesky_evidence,
    domain_owners,
    mastodon_evidence,
    misplaced_handles,
    sites_of,
    web_domain,
)
from ..storage.connection import Database
from ..storage.verification import (
    account_websites,
    bluesky_accounts,
    contact_websites,
    municipal_websites,
)

if TYPE_CHECKING:
    from ..clients.models import RemoteProfile


def _municipal_domains(db: Database) -> dict[str, str]:
    """domain -> municipality name, from the Répertoire when the database holds it."""
    domains: dict[str, str] = {}
    for name, website in municipal_websites(db):
        domain = web_domain(website)
        if domain:
            domains.setdefault(domain, name)
    return domains


def verification_sites(db: Database, account_ids: Sequence[int]) -> dict[int, Sites]:
    """account id -> the domains it may prove itself against (every id gets one)."""
    municipal = _municipal_domains(db)
    websites = account_websites(db, account_ids)
    return {i: sites_of(websites.get(i, ()), municipal) for i in account_ids}


def evidence(profile: RemoteProfile, sites: Sites) -> str | None:
    """Why a fetched account is its organisation's own, or None; a gone account is not."""
    if profile.state != "ok":
        return None
    if profile.platform == "bluesky":
        return bluesky_evidence(profile.handle, sites, verified_status=profile.verified_status,
                                verifiers=profile.verifiers)
    if profile.platform == "mastodon":
        return mastodon_evidence(profile.verified_links, sites)
    return None


def misplaced_claims(db: Database) -> list[HandleClaim]:
    """Bluesky accounts whose handle sits on another organisation's official domain without
    naming that organisation (see domain.verification.misplaced_handles)."""
    websites = contact_websites(db)
    owners = domain_owners(websites, _municipal_domains(db))
    own: dict[int, list[str]] = {}
    for contact_id, _name, url in websites:
        domain = web_domain(url)
        if domain:
            own.setdefault(contact_id, []).append(domain)
    return misplaced_handles(bluesky_accounts(db), owners, own)
