"""The records every layer passes around: plain, immutable dataclasses (slotted: an import
holds hundreds of thousands of them)."""

from __future__ import annotations

from dataclasses import dataclass, field

PLATFORMS: tuple[str, ...] = (
    "x",
    "bluesky",
    "mastodon",
    "facebook",
    "instagram",
    "threads",
    "youtube",
    "linkedin",
    "tiktok",
    "website",
)

# The order in which a relationship usually grows (contract: status).
STATUSES: tuple[str, ...] = (
    "candidate",
    "none",
    "to-follow",
    "following",
    "follows-back",
    "met",
    "collaborating",
    "unfollowed",
)
FOLLOWED_STATUSES: frozenset[str] = frozenset({"following", "follows-back", "met", "collaborating"})

SCOPES: tuple[str, ...] = ("local", "regional", "provincial", "national", "international")

ACCOUNT_STATES: tuple[str, ...] = ("ok", "not-found", "suspended", "deactivated", "error")
DEAD_STATES: frozenset[str] = frozenset({"not-found", "suspended", "deactivated"})


@dataclass(frozen=True, slots=True)
class Account:
    """One presence of a contact on one platform; `handle` is normalised (see domain.handles)."""

    platform: str
    handle: str
    url: str | None = None
    # What `refresh` last fetched; None until then.
    display_name: str | None = None
    description: str | None = None
    followers_count: int | None = None
    following_count: int | None = None
    posts_count: int | None = None
    last_post_at: str | None = None
    state: str | None = None
    last_error: str | None = None
    checked_at: str | None = None
    remote_id: str | None = None
    # What `refresh` found proves the account is the organisation's own, and by what evidence.
    verified: bool = False
    verified_by: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """An organisation or a person in the directory, with its accounts and topic codes."""

    name: str
    id: int | None = None
    kind: str = "other"
    region: str | None = None  # two-digit number, "04"
    mrc: str | None = None
    municipality: str | None = None
    scope: str | None = None
    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    description: str | None = None
    notes: str | None = None
    source: str | None = None
    status: str = "none"
    accounts: tuple[Account, ...] = ()
    suggested_topics: tuple[str, ...] = field(default=())

    def saved_id(self) -> int:
        """The id of a contact read from (or written to) the database, where it always has
        one; a contact not yet saved has none, and asking for it is a bug."""
        if self.id is None:
            raise ValueError(f"contact {self.name!r} has not been saved yet")
        return self.id


@dataclass(frozen=True, slots=True)
class Topic:
    """A taxonomy entry: code, labels in both languages, synonyms and parent codes."""

    code: str
    label_fr: str
    label_en: str
    synonyms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    group: str = "function"  # hazard | function | sector | user


@dataclass(frozen=True, slots=True)
class Region:
    number: str  # "04"
    name: str


@dataclass(frozen=True, slots=True)
class Mrc:
    name: str
    region: str  # "04"


@dataclass(frozen=True, slots=True)
class Municipality:
    """One entry of the Répertoire des municipalités du Québec (MAMH), as seeds/ ships it."""

    code: str  # the geographic code, "37067": text, leading zeros kept
    name: str
    designation: str  # Ville, Municipalité, Paroisse, Canton, Territoire non organisé…
    region: str  # "04"
    mrc: str | None  # the MRC or equivalent territory; None for reserves and a few others
    population: int = 0
    website: str | None = None  # as the répertoire declares it, unedited

    @property
    def web_domain(self) -> str | None:
        """The website's host without `www.` (`v3r.net`): evidence that an account is the
        municipality's own. None without a website, or when the declared one is no host name."""
        from ..errors import InvalidInput
        from .handles import parse_account  # handles imports this module: import it late

        if not self.website:
            return None
        try:
            site = parse_account("website", self.website).handle  # host[:port]/path
        except InvalidInput:
            return None
        return site.split("/")[0].split(":")[0].removeprefix("www.")


@dataclass(frozen=True, slots=True)
class RelationEvent:
    """One dated step in the organisation's relationship with a contact."""

    contact_id: int
    status: str
    date: str  # YYYY-MM-DD
    note: str | None = None
    observed_on: str | None = None  # the platform where `sync` saw it; None: a person said so


@dataclass(frozen=True, slots=True)
class Profile:
    """The organisation that uses this database; recommend fills gaps from it."""

    name: str | None = None
    kind: str | None = None
    region: str | None = None
    mrc: str | None = None
    topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    municipality: str | None = None
    accounts: tuple[Account, ...] = ()  # the organisation's own accounts (sync reads them)
