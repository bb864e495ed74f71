"""Community lists over their public APIs: Bluesky starter packs and lists (AppView XRPC),
Mastodon featured accounts (endorsements, Link-paged), Trunk lists (`[{"acct": …}]`).

Everything is read before anything is returned, so a failure part-way is an ApiError (or an
InvalidInput for a list that is not one to follow) and the caller writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from msgu_cli.clients import bluesky, mastodon
from msgu_cli.clients.http import ApiResponse, request_json
from msgu_cli.clients.models import RemoteProfile, json_text
from msgu_cli.domain.community_lists import (
    BLUESKY_LIST,
    MASTODON_FEATURED,
    STARTER_PACK,
    ListAddress,
    public_url,
)
from msgu_cli.domain.text import shown
from msgu_cli.errors import ApiError, InvalidInput
from msgu_cli.i18n import N_, Message

LIST_PAGE = 100  # getList: limit 1-100
ENDORSEMENTS_PAGE = 80  # endorsements: 40 by default, 80 at most
MAX_MEMBERS = 50_000  # a list longer than any curated one: a server paging forever
MODLIST = "app.bsky.graph.defs#modlist"


@dataclass(frozen=True)
class CommunityList:
    """A list as read: its own name and description, and its members' public profiles."""

    kind: str
    url: str  # the address the person gave, without credentials
    name: str
    description: str | None
    members: tuple[RemoteProfile, ...]


def fetch_community_list(client: httpx.Client, address: ListAddress) -> CommunityList:
    """Every member of the list at `address`, read through the run's one client."""
    if address.kind in (STARTER_PACK, BLUESKY_LIST):
        return _bluesky_list(client, address)
    if address.kind == MASTODON_FEATURED:
        return _featured(client, address)
    return _trunk(client, address)


def _answer(client: httpx.Client, url: str, params: dict[str, Any], failed: str,
            address: ListAddress) -> dict[str, Any]:
    """A JSON object from an XRPC query; a refusal or another shape is an ApiError whose
    message is `failed` (a sentence with {url} and {reason})."""
    answer = request_json(client, "GET", url, params=params)
    if answer.ok and isinstance(answer.data, dict):
        return answer.data
    raise _refused(answer, failed, address)


def _refused(answer: ApiResponse | None, failed: str, address: ListAddress) -> ApiError:
    """The error for a refusal (`answer` not ok) or an answer of the wrong shape."""
    if answer is None or answer.ok:
        reason: Message | str = Message(N_("the answer is not shaped as the API documents it"))
    else:
        reason = answer.problem()
    return ApiError(Message(failed, {"url": shown(public_url(address.url)), "reason": reason,
                                     "handle": shown(address.owner)}),
                    url=answer.url if answer else None, status=answer.status if answer else None)


def _failed(what: str) -> str:
    """The sentence (a template) for a list that cannot be read, with {url}, {reason} (and
    {handle})."""
    return {
        "pack": N_("Cannot read the Bluesky starter pack {url}: {reason}. Check the address, "
                   "then try again."),
        "list": N_("Cannot read the Bluesky list {url}: {reason}. Check the address, then try "
                   "again."),
        "handle": N_("Bluesky cannot resolve the handle {handle} of {url}: {reason}. Check the "
                     "address, then try again."),
        "featured": N_("Cannot read the featured accounts at {url}: {reason}. Check the "
                       "address, then try again."),
        "trunk": N_("Cannot read the Trunk list {url}: {reason}. Check the address, then try "
                    "again."),
    }[what]


def _did(client: httpx.Client, base: str, address: ListAddress) -> str:
    """The owner's DID: as given, or resolved from its handle."""
    if address.owner.startswith("did:"):
        return address.owner
    data = _answer(client, f"{base}/xrpc/com.atproto.identity.resolveHandle",
                   {"handle": address.owner.lower()}, _failed("handle"), address)
    did = data.get("did")
    if not isinstance(did, str) or not did.startswith("did:"):
        raise _refused(None, _failed("handle"), address)
    return did


def _bluesky_list(client: httpx.Client, address: ListAddress) -> CommunityList:
    base = bluesky.bluesky_base_url()
    uri = address.at_uri(_did(client, base, address))
    name, description = "", None
    if address.kind == STARTER_PACK:
        uri, name, description = _starter_pack(client, base, uri, address)
    members: list[RemoteProfile] = []
    for page in _list_pages(client, base, uri, address):
        view = page["list"]
        if view.get("purpose") == MODLIST:
            raise InvalidInput(Message(N_(
                "{url} is a moderation list (accounts to mute or block), not a list of "
                "accounts to follow: nothing was imported."), {"url": shown(address.url)}))
        name = name or json_text(view.get("name")) or ""
        description = description or json_text(view.get("description"))
        members += [p for item in page["items"]
                    if (p := bluesky.profile_from_view(item["subject"])) is not None]
    return CommunityList(address.kind, public_url(address.url), name or address.rkey,
                         description, tuple(members))


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _starter_pack(client: httpx.Client, base: str, uri: str,
                  address: ListAddress) -> tuple[str, str, str | None]:
    """The starter pack's member list (its record's `list`), name and description."""
    view = _answer(client, f"{base}/xrpc/app.bsky.graph.getStarterPack", {"starterPack": uri},
                   _failed("pack"), address)
    pack = _object(view.get("starterPack"))
    record = _object(pack.get("record"))
    listed = json_text(record.get("list")) or json_text(_object(pack.get("list")).get("uri"))
    if not listed or not listed.startswith("at://"):
        raise _refused(None, _failed("pack"), address)
    return listed, json_text(record.get("name")) or "", json_text(record.get("description"))


def _list_pages(client: httpx.Client, base: str, uri: str,
                address: ListAddress) -> Iterator[dict[str, Any]]:
    """getList pages (`list` view, `items` with a `subject`) until no cursor comes back."""
    cursor: str | None = None
    count = 0
    while True:
        params: dict[str, Any] = {"list": uri, "limit": LIST_PAGE}
        if cursor:
            params["cursor"] = cursor
        page = _answer(client, f"{base}/xrpc/app.bsky.graph.getList", params, _failed("list"),
                       address)
        items = page.get("items")
        if not isinstance(page.get("list"), dict) or not isinstance(items, list):
            raise _refused(None, _failed("list"), address)
        page["items"] = [i for i in items if isinstance(i, dict)
                         and isinstance(i.get("subject"), dict) and i["subject"].get("did")]
        count += len(page["items"])
        _check_size(count, address)
        yield page
        next_cursor = page.get("cursor")
        if not items or not isinstance(next_cursor, str) or next_cursor in ("", cursor):
            return
        cursor = next_cursor


def _check_size(count: int, address: ListAddress) -> None:
    if count > MAX_MEMBERS:
        raise ApiError(Message(N_(
            "{url} has more than {limit} members: msgu reads lists up to that size."), {
            "url": shown(address.url), "limit": MAX_MEMBERS}))


def _featured(client: httpx.Client, address: ListAddress) -> CommunityList:
    """The accounts `owner` features on its profile, asked of its home server."""
    user, home = mastodon.parse_address(address.owner)
    base = mastodon.instance_base_url(home)
    if base == f"https://{home}" and home == (urlsplit(address.site).hostname or ""):
        base = address.site  # the page's own server, http:// included
    lookup = request_json(client, "GET", f"{base}/api/v1/accounts/lookup",
                          params={"acct": user})
    if not lookup.ok or not isinstance(lookup.data, dict) or lookup.data.get("id") is None:
        raise _refused(lookup, _failed("featured"), address)
    account_id = str(lookup.data["id"])
    url: str | None = f"{base}/api/v1/accounts/{quote(account_id, safe='')}/endorsements"
    params: dict[str, Any] | None = {"limit": ENDORSEMENTS_PAGE}
    members: list[RemoteProfile] = []
    seen: set[str] = set()
    while url and url not in seen:
        seen.add(url)
        answer = request_json(client, "GET", url, params=params)
        if not answer.ok or not isinstance(answer.data, list):
            raise _refused(answer, _failed("featured"), address)
        accounts = [a for a in answer.data if isinstance(a, dict) and a.get("acct")]
        members += [mastodon.profile_from_account(a, home) for a in accounts]
        _check_size(len(members), address)
        url = mastodon.next_link(answer.headers.get("link"), answer.url) if accounts else None
        params = None
    # The list's name goes into each member's `source`, a fact stored in English.
    name = f"accounts featured by @{user}@{home}"
    return CommunityList(MASTODON_FEATURED, public_url(address.url), name, None, tuple(members))


def _trunk(client: httpx.Client, address: ListAddress) -> CommunityList:
    """A Trunk list: `[{"acct": "user@instance"}, …]`, addresses only."""
    answer = request_json(client, "GET", address.site)
    shaped = answer.ok and isinstance(answer.data, list) and all(
        isinstance(item, dict) and isinstance(item.get("acct"), str) for item in answer.data)
    if not shaped:
        raise _refused(answer, _failed("trunk"), address)
    members = tuple(RemoteProfile("mastodon", item["acct"].strip().removeprefix("@").lower())
                    for item in answer.data if item["acct"].strip())
    _check_size(len(members), address)
    return CommunityList(address.kind, public_url(address.url), address.name, None, members)
