"""Mastodon through each account's home server and its public REST API (no account, no token).

A server only knows its own accounts' follows, and `accounts/lookup` skips WebFinger, so every
question about `user@domain` goes to `domain` (or where MSGU_MASTODON_INSTANCES points it).

States: 404/410 with Mastodon's JSON error → `not-found`; `suspended: true` → `suspended`
(Mastodon blanks such accounts, so their fields come back None); `memorial: true` (a deceased
person's frozen account) → `deactivated`; `moved` set → `deactivated` with `moved_to` and the
note "moved to …" in `error`, since following the old account no longer reaches anyone.
`limited` (silenced) accounts stay `ok`.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin

import httpx

from msgu_cli.clients.http import ApiResponse, RateLimiter, Sleep, request_json
from msgu_cli.clients.models import (
    TEXT_LIMIT,
    FetchFailure,
    RemoteProfile,
    fetched_text,
    json_count,
    json_text,
)
from msgu_cli.domain.text import shown
from msgu_cli.errors import ApiError, InvalidInput
from msgu_cli.i18n import N_, Message, _

PLATFORM = "mastodon"
FOLLOWING_PAGE = 80  # following and followers: limit default 40, max 80
COLLECTIONS = ("following", "followers")
# One Link entry: <target> then ;-separated params whose values may be quoted (RFC 8288).
_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*(?:[^;,<"]|"[^"]*")*)*)')


def instance_base_url(domain: str) -> str:
    """Where the API of the server `domain` lives: https://DOMAIN unless overridden."""
    domain = domain.strip().lower()
    return _instance_overrides().get(domain, f"https://{domain}")


def _instance_overrides() -> dict[str, str]:
    raw = os.environ.get("MSGU_MASTODON_INSTANCES", "")
    overrides: dict[str, str] = {}
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        domain, sep, base = (text.strip() for text in item.partition("="))
        if not sep or not domain or "/" in domain or not base.startswith(("https://", "http://")):
            raise InvalidInput(Message(N_(
                "MSGU_MASTODON_INSTANCES must be comma-separated domain=base_url pairs, e.g. "
                "'example.org=https://social.example.org'; '{item}' is not one."),
                {"item": shown(item)}))
        overrides[domain.lower()] = base.rstrip("/")
    return overrides


def parse_address(address: str) -> tuple[str, str]:
    """`user@domain` (a leading @ allowed, any case) → ("user", "domain"), lowercase."""
    text = address.strip().removeprefix("@").lower()
    user, _, domain = text.partition("@")
    if not user or not domain or any(c in text for c in "/ ") or "@" in domain:
        raise InvalidInput(Message(N_(
            "'{address}' is not a Mastodon address; write it user@server, e.g. "
            "alice@mastodon.social."), {"address": shown(address)}))
    return user, domain


def html_to_text(html: str) -> str:
    """Mastodon's HTML `note` as plain text: tags dropped, <br> and paragraphs as newlines."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _TextExtractor(HTMLParser):
    """Keeps text, including Mastodon's `invisible` link spans, so URLs come out whole."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in ("script", "style"):
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.parts.append("\n\n")
        elif tag in ("script", "style"):
            self._skipping = max(0, self._skipping - 1)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def fetch_profile(
    client: httpx.Client,
    address: str,
    *,
    sleep: Sleep | None = None,
    limiter: RateLimiter | None = None,
) -> RemoteProfile | FetchFailure:
    """One account, asked of its home server; a FetchFailure when that server cannot say."""
    try:
        user, domain = parse_address(address)
    except InvalidInput as exc:
        return FetchFailure(PLATFORM, address.strip(), exc.message)
    handle = f"{user}@{domain}"
    try:
        answer = _lookup(client, user, domain, sleep=sleep, limiter=limiter)
    except ApiError as exc:
        return FetchFailure(PLATFORM, handle, exc.message, status=exc.status)
    if answer.ok and isinstance(answer.data, dict):
        return _profile(answer.data, domain, query=handle)
    if answer.ok:
        return FetchFailure(PLATFORM, handle, answer.wrong_shape(N_("an Account")).message,
                            status=answer.status)
    if answer.status in (404, 410) and isinstance(answer.data, dict) and "error" in answer.data:
        return RemoteProfile(PLATFORM, handle, state="not-found", query=handle)
    if answer.status == 404:
        problem = Message(N_(
            "no Mastodon API answered at {url} (HTTP 404); if the API of {domain} lives "
            "elsewhere, name it in MSGU_MASTODON_INSTANCES."), {
            "url": shown(answer.url, 200), "domain": domain})
    else:
        problem = Message(N_("{domain} could not look up {handle}: {problem}."), {
            "domain": domain, "handle": shown(handle), "problem": answer.problem()})
    return FetchFailure(PLATFORM, handle, problem, status=answer.status)


def fetch_profiles(
    client: httpx.Client,
    addresses: Iterable[str],
    *,
    sleep: Sleep | None = None,
    limiter: RateLimiter | None = None,
) -> Iterator[RemoteProfile | FetchFailure]:
    """fetch_profile for each distinct address, in order, one server question each."""
    seen: set[str] = set()
    for address in addresses:
        key = address.strip().removeprefix("@").lower()
        if key and key not in seen:
            seen.add(key)
            yield fetch_profile(client, address, sleep=sleep, limiter=limiter)


class HiddenCollection(ApiError):
    """The owner hides the list (`hide_collections`): the server answers `[]` although the
    account has follows or followers, so the emptiness says nothing about anyone."""


def fetch_follows(
    client: httpx.Client,
    address: str,
    *,
    limit: int | None,
    collection: str = "following",
    sleep: Sleep | None = None,
    limiter: RateLimiter | None = None,
) -> Iterator[RemoteProfile]:
    """Whom `address` follows (or, with `collection="followers"`, who follows it), at most
    `limit`, paged through the Link header.

    Raises InvalidInput for a bad address, HiddenCollection when the owner hides the list, and
    ApiError when the account or a page cannot be fetched (earlier pages were yielded).
    """
    if collection not in COLLECTIONS:
        raise ValueError(f"unknown collection {collection!r}")
    user, domain = parse_address(address)
    if limit is not None and limit <= 0:
        return
    owner = _owner(client, user, domain, sleep=sleep, limiter=limiter)
    base = instance_base_url(domain)
    url: str | None = (
        f"{base}/api/v1/accounts/{quote(owner.remote_id or '', safe='')}/{collection}")
    params: dict[str, Any] | None = {"limit": min(FOLLOWING_PAGE, limit or FOLLOWING_PAGE)}
    count, seen = 0, set[str]()
    while url and url not in seen and (limit is None or count < limit):
        seen.add(url)
        accounts, next_url = _list_page(client, url, params, owner.handle, collection,
                                        sleep=sleep, limiter=limiter)
        if not accounts and len(seen) == 1 and _has_some(owner, collection):
            raise HiddenCollection(_hidden_message(owner.handle, domain, collection),
                                   url=url, status=200)
        for account in accounts[: None if limit is None else limit - count]:
            yield _profile(account, domain)
            count += 1
        if not accounts:
            return
        url, params = _on_server(next_url, base), None


def _has_some(owner: RemoteProfile, collection: str) -> bool:
    """Whether the account says it has some of `collection` (or does not say: then an empty
    first page may as well be hidden, and nothing is concluded from it)."""
    count = owner.following_count if collection == "following" else owner.followers_count
    return count is None or count > 0


def _hidden_message(handle: str, domain: str, collection: str) -> Message:
    template = (N_("{handle} hides whom it follows ({domain} answers an empty list): nothing "
                   "is concluded from it.") if collection == "following" else
                N_("{handle} hides who follows it ({domain} answers an empty list): nothing is "
                   "concluded from it."))
    return Message(template, {"handle": shown(handle), "domain": domain})


def _on_server(url: str | None, base: str) -> str | None:
    """A next page is asked of the server that gave the first one, never of another host: a
    Link naming another one (the server's public name, when MSGU_MASTODON_INSTANCES points
    elsewhere, or a hostile host) keeps only its path and query."""
    if url is None:
        return None
    target, home = httpx.URL(url), httpx.URL(base)
    if (target.scheme, target.netloc) == (home.scheme, home.netloc):
        return url
    return str(home.copy_with(path=target.path, query=target.query or None))


def _list_page(
    client: httpx.Client, url: str, params: dict[str, Any] | None, handle: str,
    collection: str, *, sleep: Sleep | None, limiter: RateLimiter | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of Account entities and the URL of the next page, if any."""
    answer = request_json(client, "GET", url, params=params, sleep=sleep, limiter=limiter)
    if not answer.ok:
        template = (N_("Could not list whom {handle} follows: {problem}.")
                    if collection == "following" else
                    N_("Could not list who follows {handle}: {problem}."))
        raise ApiError(Message(template, {"handle": shown(handle), "problem": answer.problem()}),
                       url=answer.url, status=answer.status)
    if not isinstance(answer.data, list):
        raise answer.wrong_shape(N_("a list of accounts"))
    accounts = [account for account in answer.data if isinstance(account, dict)]
    return accounts, next_link(answer.headers.get("link"), answer.url)


def next_link(header: str | None, base_url: str) -> str | None:
    """The `rel="next"` target of a Link header, made absolute; None when there is none."""
    for match in _LINK.finditer(header or ""):
        target, params = match.groups()
        for param in re.findall(r';\s*([^=;\s]+)\s*=\s*("[^"]*"|[^;,\s]*)', params):
            name, value = param
            if name.lower() == "rel" and "next" in value.strip('"').lower().split():
                return urljoin(base_url, target.strip())
    return None


def _lookup(
    client: httpx.Client, user: str, domain: str, *,
    sleep: Sleep | None, limiter: RateLimiter | None,
) -> ApiResponse:
    return request_json(
        client, "GET", f"{instance_base_url(domain)}/api/v1/accounts/lookup",
        params={"acct": user}, sleep=sleep, limiter=limiter,
    )


def _owner(
    client: httpx.Client, user: str, domain: str, *,
    sleep: Sleep | None, limiter: RateLimiter | None,
) -> RemoteProfile:
    """The account whose lists are read, with the server-local id they want (and its counts),
    or ApiError saying why there is none."""
    found = fetch_profile(client, f"{user}@{domain}", sleep=sleep, limiter=limiter)
    if isinstance(found, FetchFailure):
        raise ApiError(found.error, status=found.status)
    if found.remote_id is None:
        raise ApiError(Message(N_("{handle} was not found on {domain}."), {
            "handle": shown(f"{user}@{domain}"), "domain": domain}), status=404)
    return found


def _profile(account: dict[str, Any], domain: str, *, query: str | None = None) -> RemoteProfile:
    """A Mastodon Account entity → RemoteProfile; local `acct`s get the server's domain."""
    handle = _qualify(account.get("acct") or account.get("username"), domain) or (query or "")
    remote_id = _account_id_of(account.get("id"))
    url = _web_address(account.get("url"))
    if account.get("suspended") is True:
        return RemoteProfile(
            PLATFORM, handle, state="suspended", remote_id=remote_id, url=url, query=query
        )
    moved = account.get("moved")
    moved_to = _qualify(moved.get("acct"), domain) if isinstance(moved, dict) else None
    note = account.get("note")
    return RemoteProfile(
        platform=PLATFORM,
        handle=handle,
        state="deactivated" if moved_to or account.get("memorial") is True else "ok",
        remote_id=remote_id,
        display_name=fetched_text(account.get("display_name")),
        description=(fetched_text(html_to_text(note[: TEXT_LIMIT * 8]), multiline=True,
                                  limit=TEXT_LIMIT) if isinstance(note, str) else None),
        followers_count=json_count(account.get("followers_count")),
        following_count=json_count(account.get("following_count")),
        posts_count=json_count(account.get("statuses_count")),
        last_post_at=json_text(account.get("last_status_at")),
        url=url,
        # A note stored with the account, in the language of this run (like sync's notes).
        error=_("moved to {account}").format(account=moved_to) if moved_to else None,
        query=query,
        moved_to=moved_to,
        verified_links=verified_links(account.get("fields")),
    )


def profile_from_account(account: dict[str, Any], domain: str) -> RemoteProfile:
    """An Account entity that server `domain` returned (in a list, say) as a RemoteProfile."""
    return _profile(account, domain)


def verified_links(fields: object) -> tuple[str, ...]:
    """The links of profile `fields` that the server marked `verified_at` (rel="me")."""
    links: list[str] = []
    for item in fields if isinstance(fields, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("verified_at"), str):
            continue
        raw = item.get("value")
        value = raw if isinstance(raw, str) else ""
        href = re.search(r'<a\s[^>]*href="([^"]+)"', value)
        link = html.unescape(href[1]) if href else html_to_text(value)
        if link:
            links.append(link)
    return tuple(links)


def _account_id_of(value: object) -> str | None:
    """Account ids are strings of digits in practice ("not guaranteed to be a number"): any
    short plain string or integer will do as the path segment that `following` wants."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and 0 < len(value) <= 64 and value.isprintable():
        return value
    return None


def _web_address(value: object) -> str | None:
    """The profile page's http(s) URL, or None for anything else (or absurdly long)."""
    if (isinstance(value, str) and value.startswith(("https://", "http://"))
            and len(value) <= 2048 and value.isprintable() and " " not in value):
        return value
    return None


def _qualify(acct: object, domain: str) -> str | None:
    """`acct` is bare for the asked server's own users: add its domain."""
    if not isinstance(acct, str) or not acct.strip():
        return None
    text = acct.strip().removeprefix("@").lower()
    if len(text) > 320 or not text.isprintable():  # not an address: user (30) @ a domain
        return None
    return text if "@" in text else f"{text}@{domain}"
