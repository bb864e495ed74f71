"""Bluesky through its public, unauthenticated AppView (XRPC over HTTPS, JSON)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx

from msgu_cli.clients.http import RateLimiter, Sleep, request_json
from msgu_cli.clients.models import (
    TEXT_LIMIT,
    FetchFailure,
    Relationship,
    RemoteProfile,
    fetched_text,
    json_count,
    json_text,
)
from msgu_cli.domain.text import shown
from msgu_cli.errors import ApiError, InvalidInput
from msgu_cli.i18n import N_, Message, _

DEFAULT_BLUESKY_API = "https://public.api.bsky.app"
PLATFORM = "bluesky"
PROFILES_BATCH = 25  # getProfiles: actors maxLength 25
FOLLOWS_PAGE = 100  # getFollows: limit 1-100
RELATIONSHIPS_BATCH = 30  # getRelationships: others maxLength 30
MAX_HANDLE, MAX_DID = 253, 2048  # atproto handle and DID specs
# getProfile's 400 `error` names (bsky appview api/app/bsky/actor/getProfile.ts).
_ERROR_STATES = {
    "AccountTakedown": "suspended",
    "RepoTakendown": "suspended",
    "RepoSuspended": "suspended",
    "AccountDeactivated": "deactivated",
    "RepoDeactivated": "deactivated",
}


def bluesky_base_url() -> str:
    """The AppView to ask: MSGU_BLUESKY_API, or Bluesky's cached public host."""
    raw = os.environ.get("MSGU_BLUESKY_API", "").strip() or DEFAULT_BLUESKY_API
    if not raw.startswith(("https://", "http://")):
        raise InvalidInput(Message(N_(
            "MSGU_BLUESKY_API must be an http(s) URL such as {example}, not '{value}'."), {
            "example": DEFAULT_BLUESKY_API, "value": shown(raw)}))
    return raw.rstrip("/")


def normalize_handle(handle: str) -> str:
    """Handles compare lowercase without a leading @; DIDs are kept as they are."""
    text = handle.strip().removeprefix("@")
    return text if text.startswith("did:") else text.lower()


def fetch_profiles(
    client: httpx.Client,
    handles: Sequence[str],
    *,
    dids: Mapping[str, str] | None = None,
    base_url: str | None = None,
    sleep: Sleep | None = None,
    limiter: RateLimiter | None = None,
    last_post: bool = True,
) -> Iterator[RemoteProfile | FetchFailure]:
    """Profiles (with last post date) for handles or DIDs, one result per distinct one, in order.

    Asks getProfiles 25 at a time; an actor missing from a batch answer (taken down, deactivated,
    unknown) is asked alone with getProfile to learn why. A failed batch yields a FetchFailure per
    actor and the next batch still runs. `last_post=False` skips the one getAuthorFeed request
    per profile (e.g. to add counts to follow lists cheaply); last_post_at is then None.
    `dids` (handle -> DID, from an earlier fetch) asks for those accounts by DID, which a change
    of handle does not break: the result keeps the handle asked for as `query`.
    """
    base = base_url or bluesky_base_url()
    queries = list(dict.fromkeys(normalize_handle(h) for h in handles if h.strip()))
    actor = {query: (dids or {}).get(query) or query for query in queries}
    for start in range(0, len(queries), PROFILES_BATCH):
        batch = queries[start : start + PROFILES_BATCH]
        try:
            found = _get_batch(client, base, [actor[q] for q in batch], sleep=sleep,
                               limiter=limiter)
        except ApiError as exc:
            yield from (_failure(query, exc) for query in batch)
            continue
        for query in batch:
            view = found.get(actor[query])
            if view is None:
                yield fetch_profile(client, actor[query], query=query, base_url=base,
                                    sleep=sleep, limiter=limiter, last_post=last_post)
            elif not last_post:
                yield _profile(view, query=query)
            else:
                yield _with_last_post(client, base, view, query, sleep=sleep, limiter=limiter)


def fetch_profile(
    client: httpx.Client,
    actor: str,
    *,
    query: str | None = None,
    base_url: str | None = None,
    sleep: Sleep | None = None,
    limiter: RateLimiter | None = None,
    last_post: bool = True,
) -> RemoteProfile | FetchFailure:
    """One profile via getProfile, which, unlike getProfiles, says why an account is missing.

    `query` is the handle the caller knows the account by, when `actor` is its DID.
    """
    base = base_url or bluesky_base_url()
    asked = normalize_handle(actor)
    query = query or asked
    try:
        answer = request_json(
            client, "GET", f"{base}/xrpc/app.bsky.actor.getProfile",
            params={"actor": asked}, sleep=sleep, limiter=limiter,
        )
    except ApiError as exc:
        return _failure(query, exc)
    if answer.ok and not _is_profile(answer.data):
        return _failure(query, answer.wrong_shape(N_("a profile")))
    if answer.ok and not last_post:
        return _profile(answer.data, query=query)
    if answer.ok:
        return _with_last_post(client, base, answer.data, query, sleep=sleep, limiter=limiter)
    error = answer.data.get("error") if isinstance(answer.data, dict) else None
    if isinstance(error, str) and error in _ERROR_STATES:
        return RemoteProfile(PLATFORM, query, state=_ERROR_STATES[error], query=query)
    if answer.status == 400 and "not found" in answer.problem().lower():
        return RemoteProfile(PLATFORM, query, state="not-found", query=query)
    return FetchFailure(PLATFORM, query, Message(N_(
        "Bluesky could not give the profile of {handle}: {problem}."), {
        "handle": shown(query), "problem": answer.problem()}), status=answer.status)


def fetch_last_post_at(
    client: httpx.Client,
    actor: str,
    *,
    base_url: str | None = None,
    sleep: Sleep | None = None,
    limiter: RateLimiter | None = None,
) -> str | None:
    """When the account last posted or reposted (profiles carry no such field), None if never.

    Raises ApiError when the feed cannot be read.
    """
    base = base_url or bluesky_base_url()
    answer = request_json(
        client, "GET", f"{base}/xrpc/app.bsky.feed.getAuthorFeed",
        params={"actor": actor, "limit": 1}, sleep=sleep, limiter=limiter,
    )
    if not answer.ok:
        raise ApiError(Message(N_("Bluesky could not give the posts of {handle}: {problem}."), {
            "handle": shown(actor), "problem": answer.problem()}),
            url=answer.url, status=answer.status)
    feed = answer.data.get("feed") if isinstance(answer.data, dict) else None
    if not isinstance(feed, list):
        raise answer.wrong_shape(N_("a feed list"))
    return _item_date(feed[0]) if feed and isinstance(feed[0], dict) else None


def fetch_follows(
    client: httpx.Client,
    handle_or_did: str,
    *,
    limit: int | None,
    base_url: str | None = None,
    sleep: Sleep | None = None,
    limiter: RateLimiter | None = None,
) -> Iterator[RemoteProfile]:
    """Whom an account follows, newest first, at most `limit`; counts are None (profileView).

    Raises ApiError when a page cannot be fetched (earlier pages have been yielded already).
    """
    base = base_url or bluesky_base_url()
    actor = normalize_handle(handle_or_did)
    cursor: str | None = None
    count = 0
    while limit is None or count < limit:
        size = FOLLOWS_PAGE if limit is None else min(FOLLOWS_PAGE, limit - count)
        params: dict[str, Any] = {"actor": actor, "limit": size}
        if cursor:
            params["cursor"] = cursor
        page = _follows_page(client, base, actor, params, sleep=sleep, limiter=limiter)
        follows = [view for view in page["follows"] if _is_profile(view)]
        for view in follows[: None if limit is None else limit - count]:
            yield _profile(view)
            count += 1
        next_cursor = page.get("cursor")
        if not follows or not isinstance(next_cursor, str) or next_cursor in ("", cursor):
            return
        cursor = next_cursor


def fetch_relationships(
    client: httpx.Client,
    actor: str,
    others: Sequence[str],
    *,
    base_url: str | None = None,
    sleep: Sleep | None = None,
    limiter: RateLimiter | None = None,
) -> list[Relationship]:
    """Whether `actor` follows each of `others` (at most 30 handles or DIDs) and is followed
    back, from getRelationships (public, no login): one Relationship per account the answer
    covers, in the order asked. Raises ApiError when the request fails or its answer is not a
    list of relationships (the whole batch is then unknown, never "not following")."""
    if not 1 <= len(others) <= RELATIONSHIPS_BATCH:
        raise ValueError(f"getRelationships takes 1 to {RELATIONSHIPS_BATCH} others")
    base = base_url or bluesky_base_url()
    answer = request_json(
        client, "GET", f"{base}/xrpc/app.bsky.graph.getRelationships",
        params={"actor": normalize_handle(actor), "others": list(others)},
        sleep=sleep, limiter=limiter,
    )
    if not answer.ok:
        raise ApiError(Message(N_(
            "Bluesky could not give the relationships of {actor}: {problem}."), {
            "actor": shown(actor), "problem": answer.problem()}),
            url=answer.url, status=answer.status)
    items = answer.data.get("relationships") if isinstance(answer.data, dict) else None
    if not isinstance(items, list):
        raise answer.wrong_shape(N_("a list of relationships"))
    return _relationships(list(others), items)


def _relationships(asked: list[str], items: list[Any]) -> list[Relationship]:
    """Each item mapped back to what was asked: a `#notFoundActor` by its `actor`, a
    `#relationship` by its `did` when a DID was asked, otherwise by its place (the AppView
    answers `others` in order, one item each)."""
    keys = {normalize_handle(query): query for query in asked}
    in_order = len(items) == len(asked)
    found: dict[str, Relationship] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        by_place = asked[index] if in_order else None
        if item.get("notFound") is True:
            actor = item.get("actor")
            query = (keys.get(normalize_handle(actor)) if isinstance(actor, str) else None
                     ) or by_place
            if query is not None:
                found.setdefault(query, Relationship(query, found=False))
            continue
        did = item.get("did")
        query = (keys.get(did) if isinstance(did, str) else None) or by_place
        if isinstance(did, str) and query is not None:
            found.setdefault(query, Relationship(
                query, following=_is_record(item.get("following")),
                followed_by=_is_record(item.get("followedBy"))))
    return [found[query] for query in asked if query in found]


def _is_record(value: object) -> bool:
    """`following` / `followedBy` hold the at-uri of the follow record; absent means no."""
    return isinstance(value, str) and value.startswith("at://")


def _follows_page(
    client: httpx.Client, base: str, actor: str, params: dict[str, Any], *,
    sleep: Sleep | None, limiter: RateLimiter | None,
) -> dict[str, Any]:
    answer = request_json(
        client, "GET", f"{base}/xrpc/app.bsky.graph.getFollows",
        params=params, sleep=sleep, limiter=limiter,
    )
    if not answer.ok:
        raise ApiError(Message(N_("Bluesky could not list whom {handle} follows: {problem}."), {
            "handle": shown(actor), "problem": answer.problem()}),
            url=answer.url, status=answer.status)
    if not isinstance(answer.data, dict) or not isinstance(answer.data.get("follows"), list):
        raise answer.wrong_shape(N_("a list of follows"))
    return answer.data


def _get_batch(
    client: httpx.Client, base: str, batch: list[str], *,
    sleep: Sleep | None, limiter: RateLimiter | None,
) -> dict[str, dict[str, Any]]:
    """Profile views by query; empty when the batch was refused (one bad actor fails all).
    Raises ApiError for an answer that is not a list of profiles."""
    answer = request_json(
        client, "GET", f"{base}/xrpc/app.bsky.actor.getProfiles",
        params={"actors": batch}, sleep=sleep, limiter=limiter,
    )
    if not answer.ok:
        return {}
    profiles = answer.data.get("profiles") if isinstance(answer.data, dict) else None
    if not isinstance(profiles, list):
        raise answer.wrong_shape(N_("a list of profiles"))
    found: dict[str, dict[str, Any]] = {}
    for view in profiles:
        if not _is_profile(view):
            continue
        keys = {view["did"], normalize_handle(view["handle"])}
        for query in batch:
            if query in keys:
                found[query] = view
    return found


def _with_last_post(
    client: httpx.Client, base: str, view: dict[str, Any], query: str, *,
    sleep: Sleep | None, limiter: RateLimiter | None,
) -> RemoteProfile:
    """The profile plus its last post date; a failed feed read leaves a note, not a failure."""
    actor = str(view.get("did") or query)
    try:
        last = fetch_last_post_at(client, actor, base_url=base, sleep=sleep, limiter=limiter)
    except ApiError as exc:
        # A note stored with the account, in the language of this run (like sync's notes).
        return _profile(view, query=query, error=_("last post date unavailable: {reason}")
                        .format(reason=exc))
    return _profile(view, query=query, last_post_at=last)


def _profile(
    view: dict[str, Any], *, query: str | None = None, last_post_at: str | None = None,
    error: str | None = None,
) -> RemoteProfile:
    """profileView(Detailed) (`_is_profile`) → RemoteProfile; an invalid handle falls back to
    the DID. An account asked for by a handle it no longer has gets a note saying its new one.
    """
    did = view["did"]
    handle = normalize_handle(view["handle"])
    if handle in ("", "handle.invalid") or len(handle) > MAX_HANDLE or not handle.isprintable():
        handle = did
    elif query and not query.startswith("did:") and handle != query:
        error = "; ".join(filter(None, [_("the handle is now {handle}").format(handle=handle),
                                        error]))
    return RemoteProfile(
        platform=PLATFORM,
        handle=handle,
        remote_id=did,
        display_name=fetched_text(view.get("displayName")),
        description=fetched_text(view.get("description"), multiline=True, limit=TEXT_LIMIT),
        followers_count=json_count(view.get("followersCount")),
        following_count=json_count(view.get("followsCount")),
        posts_count=json_count(view.get("postsCount")),
        last_post_at=last_post_at,
        url=f"https://bsky.app/profile/{handle}",
        error=error,
        query=query,
        **_verification(view.get("verification")),
    )


def profile_from_view(view: object) -> RemoteProfile | None:
    """A profileView (a list item's subject, a follow) as a RemoteProfile; None when the
    server's answer is no profileView (`_is_profile`)."""
    return _profile(view) if _is_profile(view) else None  # type: ignore[arg-type]


def _verification(state: object) -> dict[str, Any]:
    """verificationState → verified_status and the issuers of its valid verifications."""
    if not isinstance(state, dict):
        return {}
    issuers = tuple(
        str(v.get("issuerHandle") or v.get("issuer"))
        for v in state.get("verifications") or [] if isinstance(v, dict)
        and v.get("isValid") is True and (v.get("issuerHandle") or v.get("issuer")))
    return {"verified_status": json_text(state.get("verifiedStatus")), "verifiers": issuers}


def _is_profile(view: object) -> bool:
    """A profileView has at least a `did` and a `handle`, both strings (defs.json); a DID is
    `did:…`, at most 2,048 plain characters (the DID spec's bound)."""
    if not isinstance(view, dict) or not isinstance(view.get("handle"), str):
        return False
    did = view.get("did")
    return (isinstance(did, str) and did.startswith("did:") and len(did) <= MAX_DID
            and did.isprintable() and " " not in did)


def _item_date(item: dict[str, Any]) -> str | None:
    """A repost dates from the repost (reason.indexedAt), a post from when it was indexed."""
    reason = item.get("reason")
    if isinstance(reason, dict) and isinstance(reason.get("indexedAt"), str):
        return json_text(reason["indexedAt"])
    post = _object(item.get("post"))
    record = _object(post.get("record"))
    for value in (post.get("indexedAt"), record.get("createdAt")):
        if isinstance(value, str) and value:
            return json_text(value)
    return None


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _failure(query: str, exc: ApiError) -> FetchFailure:
    return FetchFailure(PLATFORM, query, exc.message, status=exc.status)
