"""Bluesky and Mastodon together: many accounts fetched at once, politely, results as they come.

The services name accounts as (platform, handle) pairs and get back one result per pair; which
API, which host and how the work is spread over worker threads (`clients.pool`) stays here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

import httpx

from msgu_cli.clients import bluesky, mastodon
from msgu_cli.clients.limits import limiter_for
from msgu_cli.clients.models import (
    FetchFailure,
    FollowList,
    RelationshipBatch,
    RemoteProfile,
)
from msgu_cli.clients.pool import lanes, stream
from msgu_cli.errors import MsguError


def _host(platform: str, handle: str) -> str:
    """The server that answers for an account: Bluesky's AppView, or the Mastodon home server."""
    return "bluesky" if platform == "bluesky" else handle.rpartition("@")[2].lower()


def fetch_profiles(
    client: httpx.Client, accounts: Sequence[tuple[str, str]], *,
    dids: Mapping[str, str] | None = None,
) -> Iterator[RemoteProfile | FetchFailure]:
    """One result per (platform, handle), in no set order; `query` says which handle it answers.

    Bluesky handles go 25 to a getProfiles batch, whole batches dealt to the AppView's lanes;
    those in `dids` (handle -> DID) are asked for by DID, so a renamed account is still found.
    """
    sky, size = [h for p, h in accounts if p == "bluesky"], bluesky.PROFILES_BATCH
    work = [("bluesky", sky[i:i + size]) for i in range(0, len(sky), size)]
    work += [("mastodon", [h]) for p, h in accounts if p == "mastodon"]
    spread = lanes(work, lambda item: _host(item[0], item[1][0]))
    return stream(lambda lane: _profiles_lane(client, lane, dids), spread,
                  on_abandon=limiter_for(client).cancel)


def _profiles_lane(
    client: httpx.Client, lane: Iterable[tuple[str, list[str]]], dids: Mapping[str, str] | None
) -> Iterator[RemoteProfile | FetchFailure]:
    for platform, handles in lane:
        if platform == "bluesky":
            yield from bluesky.fetch_profiles(client, handles, dids=dids)
        else:
            yield from mastodon.fetch_profiles(client, handles)


def fetch_follow_lists(
    client: httpx.Client, accounts: Sequence[tuple[str, str]], *, limit: int | None,
    collections: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[FollowList]:
    """Whom each (platform, handle) follows, at most `limit` each: one FollowList per account
    and collection. `collections` names, per platform, the lists to read (default: only
    "following"; Mastodon also has "followers")."""
    wanted = [(platform, handle, collection) for platform, handle in accounts
              for collection in (collections or {}).get(platform, ("following",))]
    spread = lanes(wanted, lambda item: _host(item[0], item[1]))
    return stream(lambda lane: (_follow_list(client, *item, limit) for item in lane), spread,
                  on_abandon=limiter_for(client).cancel)


def _follow_list(client: httpx.Client, platform: str, handle: str, collection: str,
                 limit: int | None) -> FollowList:
    """Every page that could be read; a failure part-way keeps the pages before it."""
    read: list[RemoteProfile] = []
    try:
        if platform == "bluesky":
            read.extend(bluesky.fetch_follows(client, handle, limit=limit))
        else:
            read.extend(mastodon.fetch_follows(client, handle, limit=limit,
                                               collection=collection))
    except MsguError as exc:
        return FollowList(platform, handle, tuple(read), error=exc.message,
                          collection=collection)
    return FollowList(platform, handle, tuple(read), collection=collection)


def fetch_relationships(
    client: httpx.Client, actor: str, handles: Sequence[str], *,
    dids: Mapping[str, str] | None = None,
) -> Iterator[RelationshipBatch]:
    """Bluesky relationships between the organisation's account `actor` and each of
    `handles`, 30 to a request, the requests dealt to the AppView's lanes: one
    RelationshipBatch per request, as it comes. Handles in `dids` are asked by DID (a renamed
    account is still found); the results name them by the handle given."""
    size = bluesky.RELATIONSHIPS_BATCH
    batches = [list(handles[i:i + size]) for i in range(0, len(handles), size)]
    spread = lanes(batches, lambda batch: "bluesky")
    return stream(lambda lane: (_relationship_batch(client, actor, batch, dids or {})
                                for batch in lane), spread,
                  on_abandon=limiter_for(client).cancel)


def _relationship_batch(client: httpx.Client, actor: str, handles: list[str],
                        dids: Mapping[str, str]) -> RelationshipBatch:
    asked = {dids.get(handle) or handle: handle for handle in handles}
    try:
        found = bluesky.fetch_relationships(client, actor, list(asked))
    except MsguError as exc:
        return RelationshipBatch(actor, tuple(handles), error=exc.message)
    return RelationshipBatch(actor, tuple(handles), tuple(
        replace(relationship, handle=asked[relationship.handle]) for relationship in found))
