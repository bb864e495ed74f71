"""Is an account the organisation's own? Evidence judged without I/O, and the claims `doctor` flags.

A Bluesky handle that is a domain name is proven by the domain itself (DNS or its web server: the
AppView shows a handle only once it has checked it), so a handle under an organisation's web
domain is that organisation's word. Bluesky's own verifications come from trusted verifiers.
Mastodon marks a profile link `verified_at` when the linked page links back with rel="me".

The evidence is stored as a short English sentence (`verified_by`): a fact about the account,
like its `source`, not an interface message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .text import content_words

# Domains under which only public bodies get names (contract: vocabulary, verified).
OFFICIAL_SUFFIXES: dict[str, str] = {
    "gouv.qc.ca": "Gouvernement du Québec",
    "gc.ca": "Government of Canada",
}
# Hosts that serve many unrelated sites or accounts: being under one proves nothing about
# anyone (a municipal website on a shared host, an account handle on Bluesky's own domain).
SHARED_HOSTS = frozenset({
    "bsky.social", "bsky.app", "bsky.network", "municipalites-du-quebec.ca", "facebook.com",
    "wixsite.com", "wordpress.com", "blogspot.com", "github.io", "google.com", "squarespace.com",
})
# Words that name a kind of organisation, not which one ("Ville de Gatineau" -> "gatineau").
_GENERIC_WORDS = frozenset(
    "ville municipalite municipalites city town mrc cite canton cantons paroisse village "
    "gouvernement government service services securite civile police incendie agglomeration "
    "regie intermunicipale officiel officielle official".split()
)


def web_domain(url: str) -> str | None:
    """The host of a website address, lowercase, without `www.`; None when there is none."""
    text = url.strip()
    if not text:
        return None
    try:
        host = urlsplit(text if "://" in text else f"https://{text}").hostname
    except ValueError:
        return None
    if not host or "." not in host.strip("."):
        return None
    return host.strip(".").lower().removeprefix("www.")


def is_under(host: str, domain: str) -> bool:
    """`host` is `domain` or one of its sub-domains."""
    return host == domain or host.endswith("." + domain)


def _usable(domain: str) -> bool:
    """A domain that can stand for one organisation: two labels at least, not a shared host,
    not one of the official suffixes themselves."""
    return domain.count(".") >= 1 and domain not in OFFICIAL_SUFFIXES and not any(
        is_under(domain, shared) for shared in SHARED_HOSTS)


@dataclass(frozen=True)
class Sites:
    """The web domains an account may prove itself against: its contact's own websites, and
    the municipalities' websites of the Répertoire (domain -> municipality name)."""

    own: tuple[str, ...] = ()
    municipal: Mapping[str, str] = field(default_factory=dict)


def sites_of(website_urls: Iterable[str], municipal: Mapping[str, str] | None = None) -> Sites:
    """`Sites` from a contact's website addresses (unusable ones left out)."""
    own = (d for d in map(web_domain, website_urls) if d and _usable(d))
    return Sites(tuple(dict.fromkeys(own)), municipal or {})


def _domain_evidence(host: str, sites: Sites, what: str) -> str | None:
    """Why `host` (a handle, a link's host) belongs to an official domain, or None."""
    for site in sites.own:
        if host == site:
            return f"{what} {host} is the organisation's web domain"
        if is_under(host, site):
            return f"{what} {host} is under the organisation's web domain {site}"
        if is_under(site, host) and _usable(host):
            return f"{what} {host} is the parent domain of the organisation's website {site}"
    for suffix, owner in OFFICIAL_SUFFIXES.items():
        if is_under(host, suffix) and host != suffix:
            return f"{what} {host} is under {suffix} ({owner})"
    for domain, municipality in sorted(sites.municipal.items(), key=lambda d: -len(d[0])):
        if _usable(domain) and is_under(host, domain):
            return (f"{what} {host} is under {domain}, the website of {municipality} "
                    "(Répertoire des municipalités)")
    return None


def bluesky_evidence(handle: str, sites: Sites, *, verified_status: str | None = None,
                     verifiers: Sequence[str] = ()) -> str | None:
    """Why a Bluesky account is official: its domain handle, or a valid Bluesky verification
    (`verificationState.verifiedStatus == "valid"`, or verifications with `isValid`)."""
    if not handle.startswith("did:"):
        found = _domain_evidence(handle.lower(), sites, "handle")
        if found:
            return found
    if verifiers:
        return f"valid Bluesky verification by {', '.join(verifiers)}"
    if verified_status == "valid":
        return "valid Bluesky verification"
    return None


def mastodon_evidence(verified_links: Sequence[str], sites: Sites) -> str | None:
    """Why a Mastodon account is official: a profile link to an official web domain that the
    server marked `verified_at` (the page links back with rel="me")."""
    for link in verified_links:
        host = web_domain(link)
        found = _domain_evidence(host, sites, "verified profile link to") if host else None
        if found:
            return found
    return None


@dataclass(frozen=True)
class DomainOwner:
    """The one organisation a web domain belongs to: a contact (`contact_id`) or a
    municipality of the Répertoire (`contact_id` None)."""

    domain: str
    name: str
    contact_id: int | None = None


@dataclass(frozen=True)
class HandleClaim:
    """An account that carries one organisation's name from another organisation's domain."""

    contact_id: int
    contact_name: str
    handle: str
    owner: DomainOwner


def domain_owners(websites: Iterable[tuple[int, str, str]],
                  municipal: Mapping[str, str] | None = None) -> dict[str, DomainOwner]:
    """domain -> owner, from (contact id, contact name, website URL) and the Répertoire's
    municipal websites. A domain that several contacts give as their website is shared by
    them (a government portal): it belongs to no one in particular and is left out."""
    by_domain: dict[str, dict[int, str]] = {}
    for contact_id, name, url in websites:
        domain = web_domain(url)
        if domain and _usable(domain):
            by_domain.setdefault(domain, {})[contact_id] = name
    owners = {domain: DomainOwner(domain, name) for domain, name in (municipal or {}).items()
              if _usable(domain)}
    for domain, holders in by_domain.items():
        if len(holders) == 1:
            [(contact_id, name)] = holders.items()
            owners[domain] = DomainOwner(domain, name, contact_id)
        else:
            owners.pop(domain, None)
    return owners


def _owner_of(handle: str, owners: Mapping[str, DomainOwner]) -> DomainOwner | None:
    """The most specific owner of a domain `handle` sits under."""
    labels = handle.split(".")
    for start in range(len(labels) - 1):
        owner = owners.get(".".join(labels[start:]))
        if owner is not None:
            return owner
    return None


def _distinctive(name: str) -> frozenset[str]:
    return frozenset(w for w in content_words(name) if w not in _GENERIC_WORDS)


def names_owner(names: Iterable[str | None], owner: DomainOwner) -> bool:
    """Whether one of `names` names the owner (its distinctive words, e.g. "gatineau")."""
    wanted = _distinctive(owner.name)
    return not wanted or any(wanted <= frozenset(content_words(n)) for n in names if n)


def misplaced_handles(
    accounts: Iterable[tuple[int, str, str | None, str]], owners: Mapping[str, DomainOwner],
    own_sites: Mapping[int, Sequence[str]],
) -> list[HandleClaim]:
    """Bluesky accounts (contact id, contact name, display name, handle) whose handle sits on
    the domain of another organisation than the contact, which neither the contact's name nor
    the account's display name names: `SPVM` as spvm.gatineau.ca, `Ville de Lévis` under
    Ville de Gatineau's domain."""
    claims = []
    for contact_id, name, display_name, handle in accounts:
        owner = _owner_of(handle.lower(), owners) if not handle.startswith("did:") else None
        if owner is None or owner.contact_id == contact_id:
            continue
        if any(is_under(handle.lower(), site) for site in own_sites.get(contact_id, ())):
            continue  # the contact names that domain as its own website
        if not names_owner((name, display_name), owner):
            claims.append(HandleClaim(contact_id, name, handle, owner))
    return claims
