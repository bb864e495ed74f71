"""The addresses of lists that communities curate, recognised without any I/O.

- Bluesky starter pack: `https://bsky.app/starter-pack/HANDLE-OR-DID/RKEY` or
  `at://DID/app.bsky.graph.starterpack/RKEY`;
- Bluesky list: `https://bsky.app/profile/HANDLE-OR-DID/lists/RKEY` or
  `at://DID/app.bsky.graph.list/RKEY`;
- Mastodon featured accounts: `https://INSTANCE/@user/featured` (or `@user@home/featured`);
- Trunk list: `…/trunk/api/v1/list/NAME` (kensanata/trunk's API).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import InvalidInput
from ..i18n import N_, Message
from .text import shown

STARTER_PACK, BLUESKY_LIST, MASTODON_FEATURED, TRUNK = (
    "starter-pack", "bluesky-list", "mastodon-featured", "trunk")
LIST_KINDS: tuple[str, ...] = (STARTER_PACK, BLUESKY_LIST, MASTODON_FEATURED, TRUNK)
# What each kind is called in a contact's `source`: part of a fact stored in English, as
# `source` always is, so not translated.
KIND_LABELS: dict[str, str] = {
    STARTER_PACK: "Bluesky starter pack",
    BLUESKY_LIST: "Bluesky list",
    MASTODON_FEATURED: "Mastodon featured accounts",
    TRUNK: "Trunk list",
}

_SEGMENT = r"([^/?#\s]+)"
_BSKY_WEB = re.compile(rf"https?://(?:www\.)?bsky\.app/(starter-pack|profile)/{_SEGMENT}"
                       rf"(/lists)?/{_SEGMENT}/?", re.IGNORECASE)
_AT_URI = re.compile(rf"at://{_SEGMENT}/(app\.bsky\.graph\.starterpack|app\.bsky\.graph\.list)"
                     rf"/{_SEGMENT}")
_FEATURED = re.compile(r"/@([^/@?#\s]+)(?:@([^/?#\s]+))?/featured/?")
_TRUNK = re.compile(r"(.*/trunk/api/v1/list/)([^/?#]+)/?")


@dataclass(frozen=True)
class ListAddress:
    """A community list to read: its kind, the address as given, and what names it.

    Bluesky: `owner` (handle or DID) and `rkey`, the record's key. Mastodon: `owner` is
    user@home (the account whose featured accounts to read) and `site` the page's
    scheme://host. Trunk: `site` is the API URL itself and `name` the list's name.
    """

    kind: str
    url: str
    owner: str = ""
    rkey: str = ""
    site: str = ""
    name: str = ""

    def at_uri(self, did: str) -> str:
        """The list's or starter pack's AT-URI, once the owner's DID is known."""
        collection = ("app.bsky.graph.starterpack" if self.kind == STARTER_PACK
                      else "app.bsky.graph.list")
        return f"at://{did}/{collection}/{self.rkey}"


def parse_list_address(source: str) -> ListAddress | None:
    """The community list `source` names, or None when it is no such address (a file, say)."""
    text = source.strip()
    at = _AT_URI.fullmatch(text)
    if at:
        kind = STARTER_PACK if at[2].endswith("starterpack") else BLUESKY_LIST
        return ListAddress(kind, text, owner=at[1], rkey=at[3])
    if text.lower().startswith("at://"):
        raise _not_a_bluesky_list(text)
    if not text.lower().startswith(("https://", "http://")):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    bare = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    web = _BSKY_WEB.fullmatch(bare)
    if web and (web[1].lower() == "starter-pack") == (web[3] is None):
        kind = STARTER_PACK if web[3] is None else BLUESKY_LIST
        return ListAddress(kind, text, owner=unquote(web[2]), rkey=unquote(web[4]))
    if (parts.hostname or "").lower() in ("bsky.app", "www.bsky.app"):
        raise _not_a_bluesky_list(text)
    featured = _FEATURED.fullmatch(parts.path)
    if featured and parts.hostname:
        home = (featured[2] or parts.hostname).lower()
        return ListAddress(MASTODON_FEATURED, text, owner=f"{unquote(featured[1]).lower()}@{home}",
                           site=f"{parts.scheme}://{parts.netloc}")
    trunk = _TRUNK.fullmatch(bare)
    if trunk and not parts.query:
        return ListAddress(TRUNK, text, site=text.rstrip("/"), name=unquote(trunk[2]))
    return None


def _not_a_bluesky_list(text: str) -> InvalidInput:
    return InvalidInput(Message(N_(
        "{source} is not a Bluesky starter pack or list address: give "
        "https://bsky.app/starter-pack/HANDLE/RKEY, https://bsky.app/profile/HANDLE/lists/RKEY "
        "or their at:// URI."), {"source": shown(text)}))


def public_url(url: str) -> str:
    """`url` without a user name or password, fit to be shown or stored as a source."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
