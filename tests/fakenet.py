"""A fake Internet for the network commands: Bluesky's AppView, Mastodon servers and a file host.

Answers are built from tests/fixtures/*.json (shaped like the real APIs). Every request is
recorded; one the fake does not know is recorded in `unexpected` and fails loudly, so no test can
reach the real network. `intercept(request)` runs first: it may return a response, raise
(httpx.ConnectError, httpx.ReadTimeout, KeyboardInterrupt…) or return None to fall through.
"""

from __future__ import annotations

import copy
import json
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_results import ok_json as ok

FIXTURES = Path(__file__).parent / "fixtures"
BSKY_HOST = "public.api.bsky.app"
Intercept = Callable[[httpx.Request], httpx.Response | None]


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def reply(data: Any, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=data, headers={k.replace("_", "-"): v
                                                      for k, v in headers.items()})


def bsky_view(handle: str, did: str, **fields: Any) -> dict[str, Any]:
    """A profileViewDetailed like getProfiles returns, from the fixture's first profile."""
    view = copy.deepcopy(load("bluesky_getProfiles")["profiles"][0])
    view.update(handle=handle, did=did, **fields)
    return view


def feed_at(moment: str) -> dict[str, Any]:
    """A getAuthorFeed answer whose one post was indexed at `moment`."""
    feed = copy.deepcopy(load("bluesky_getAuthorFeed"))
    feed["feed"][0]["post"]["indexedAt"] = moment
    feed["feed"][0]["post"]["record"]["createdAt"] = moment
    return feed


def masto_account(acct: str, account_id: str, **fields: Any) -> dict[str, Any]:
    """A Mastodon Account entity like accounts/lookup returns, from the fixture."""
    account = copy.deepcopy(load("mastodon_lookup"))
    account.update(acct=acct, username=acct.split("@")[0], id=account_id, **fields)
    return account


class FakeNet:
    def __init__(self) -> None:
        self.bsky: dict[str, dict] = {}  # lowercase handle -> profileViewDetailed
        self.bsky_errors: dict[str, dict] = {}  # handle -> getProfile's 400 body
        self.feeds: dict[str, dict] = {}  # did -> getAuthorFeed body
        self.bsky_follows: dict[str, dict[str | None, dict]] = {}  # actor -> cursor -> page
        self.masto: dict[str, dict] = {}  # user@host (lowercase) -> Account
        self.following: dict[tuple[str, str], list[list[dict]]] = {}  # (host, id) -> pages
        self.followers: dict[tuple[str, str], list[list[dict]]] = {}  # (host, id) -> pages
        self.bsky_edges: set[tuple[str, str]] = set()  # (follower DID, followee DID)
        self.files: dict[str, httpx.Response] = {}
        self.intercept: Intercept | None = None
        self.requests: list[httpx.Request] = []
        self.sent_at: list[float] = []  # the virtual clock when each request arrived
        self.unexpected: list[str] = []
        self.sleeps: list[float] = []

    # -- time: waits are recorded and move a virtual clock on, nobody sleeps -----------------
    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def clock(self) -> float:
        return time.time() + sum(self.sleeps)

    # -- set-up helpers --------------------------------------------------------------------
    def add_bsky(self, view: dict, feed: dict | None = None) -> None:
        self.bsky[view["handle"].lower()] = view
        if feed is not None:
            self.feeds[view["did"]] = feed

    def add_masto(self, host: str, account: dict) -> None:
        self.masto[f"{account['acct'].lower()}@{host}"] = account

    def bsky_follow(self, follower: str, followee: str) -> None:
        """`follower` follows `followee` (handles of accounts added with add_bsky)."""
        self.bsky_edges.add((self.bsky[follower]["did"], self.bsky[followee]["did"]))

    def bsky_unfollow(self, follower: str, followee: str) -> None:
        self.bsky_edges.discard((self.bsky[follower]["did"], self.bsky[followee]["did"]))

    # -- what was asked --------------------------------------------------------------------
    def calls(self, path: str, host: str | None = None) -> list[httpx.URL]:
        return [r.url for r in self.requests
                if r.url.path == path and (host is None or r.url.host == host)]

    def times(self, path: str, host: str | None = None) -> list[float]:
        """When (virtual clock) each request for `path` arrived, in order."""
        return sorted(t for t, r in zip(self.sent_at, self.requests, strict=False)
                      if r.url.path == path and (host is None or r.url.host == host))

    def hosts(self) -> set[str]:
        return {r.url.host for r in self.requests}

    # -- the transport handler -------------------------------------------------------------
    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent_at.append(self.clock())
        self.requests.append(request)
        if self.intercept is not None:
            answer = self.intercept(request)
            if answer is not None:
                return answer
        if request.url.host == BSKY_HOST and request.url.path.startswith("/xrpc/"):
            return self._bluesky(request)
        if request.url.path.startswith("/api/v1/accounts/"):
            return self._mastodon(request)
        if str(request.url) in self.files:
            return self.files[str(request.url)]
        return self._unexpected(request)

    def _unexpected(self, request: httpx.Request) -> httpx.Response:
        self.unexpected.append(str(request.url))
        raise AssertionError(f"unexpected request {request.method} {request.url}")

    def _view(self, actor: str) -> dict | None:
        actor = actor.lower()
        if actor in self.bsky:
            return self.bsky[actor]
        return next((v for v in self.bsky.values() if v["did"].lower() == actor), None)

    def _relationships(self, params: httpx.QueryParams) -> httpx.Response:
        """getRelationships as the AppView answers it: one item per `others`, in order."""
        others = params.get_list("others")
        if len(others) > 30:
            return reply({"error": "InvalidRequest", "message": "others: at most 30"}, 400)
        actor = self._view(params["actor"])
        if actor is None:
            return reply({"error": "ActorNotFound", "message": "Actor not found"}, 400)
        items = []
        for other in others:
            view = self._view(other)
            if view is None:
                items.append({"$type": "app.bsky.graph.defs#notFoundActor", "actor": other,
                              "notFound": True})
                continue
            item = {"$type": "app.bsky.graph.defs#relationship", "did": view["did"]}
            if (actor["did"], view["did"]) in self.bsky_edges:
                item["following"] = f"at://{actor['did']}/app.bsky.graph.follow/3l{len(items)}"
            if (view["did"], actor["did"]) in self.bsky_edges:
                item["followedBy"] = f"at://{view['did']}/app.bsky.graph.follow/3m{len(items)}"
            items.append(item)
        return reply({"actor": actor["did"], "relationships": items})

    def _follows_from_edges(self, params: httpx.QueryParams) -> httpx.Response:
        """getFollows of an account whose follows are `bsky_edges`: pages, a cursor between."""
        actor = self._view(params["actor"])
        if actor is None:
            return reply(load("bluesky_error_not_found"), 400)
        followed = sorted(did for follower, did in self.bsky_edges if follower == actor["did"])
        start, limit = int(params.get("cursor") or 0), int(params["limit"])
        page = [self._view(did) for did in followed[start:start + limit]]
        body: dict[str, Any] = {"subject": actor, "follows": page}
        if start + limit < len(followed):
            body["cursor"] = str(start + limit)
        return reply(body)

    def _bluesky(self, request: httpx.Request) -> httpx.Response:
        path, params = request.url.path.removeprefix("/xrpc/"), request.url.params
        if path == "app.bsky.actor.getProfiles":
            actors = params.get_list("actors")
            if not 1 <= len(actors) <= 25:
                return reply({"error": "InvalidRequest", "message": "actors: 1-25"}, 400)
            return reply({"profiles": [v for a in actors if (v := self._view(a)) is not None]})
        if path == "app.bsky.actor.getProfile":
            view = self._view(params["actor"])
            if view is not None:
                return reply(view)
            body = self.bsky_errors.get(params["actor"], load("bluesky_error_not_found"))
            return reply(body, 400)
        if path == "app.bsky.feed.getAuthorFeed" and params.get("limit") == "1":
            view = self._view(params["actor"])
            if view is None:
                return reply(load("bluesky_error_not_found"), 400)
            return reply(self.feeds.get(view["did"], load("bluesky_getAuthorFeed_empty")))
        if path == "app.bsky.graph.getRelationships":
            return self._relationships(params)
        if path == "app.bsky.graph.getFollows" and params["actor"] not in self.bsky_follows:
            return self._follows_from_edges(params)
        if path == "app.bsky.graph.getFollows" and params["actor"] in self.bsky_follows:
            limit = int(params["limit"])
            if not 1 <= limit <= 100:
                return reply({"error": "InvalidRequest", "message": "limit: 1-100"}, 400)
            page = copy.deepcopy(self.bsky_follows[params["actor"]][params.get("cursor")])
            page["follows"] = page["follows"][:limit]
            return reply(page)
        return self._unexpected(request)

    def _mastodon(self, request: httpx.Request) -> httpx.Response:
        host, path, params = request.url.host, request.url.path, request.url.params
        if path == "/api/v1/accounts/lookup":
            account = self.masto.get(f"{params['acct'].lower()}@{host}")
            return reply(account) if account else reply(load("mastodon_error_not_found"), 404)
        match = re.fullmatch(r"/api/v1/accounts/([^/]+)/(following|followers)", path)
        lists = self.following if match and match[2] == "following" else self.followers
        if match and (host, match[1]) in lists:
            pages = lists[(host, match[1])]
            index = 9000 - int(params["max_id"]) if "max_id" in params else 0
            limit = int(params.get("limit", 40))
            if limit > 80:
                return reply({"error": "limit too high"}, 400)
            headers = {}
            if index + 1 < len(pages):
                base = f"https://{host}/api/v1/accounts/{match[1]}/{match[2]}?limit={limit}"
                headers["link"] = (f'<{base}&max_id={9000 - index - 1}>; rel="next", '
                                   f'<{base}&min_id={9999}>; rel="prev"')
            return reply(pages[index][:limit], **headers)
        return self._unexpected(request)


def install(monkeypatch: pytest.MonkeyPatch) -> FakeNet:
    """Route the CLI's one HTTP client factory to a FakeNet whose waits are recorded, not slept."""
    from msgu_cli.clients import http

    fake = FakeNet()
    real_make = http.make_http_client
    monkeypatch.setattr(
        "msgu_cli.clients.http.make_http_client",
        lambda **kw: real_make(transport=httpx.MockTransport(fake), sleep=fake.sleep,
                               clock=fake.clock, **kw),
    )
    return fake


def serve_profiles(fake: FakeNet) -> None:
    """The profiles `refresh` asks for in tests/test_cli_refresh.py and others: two Bluesky
    accounts with their feeds, Sécurité civile on mastodon.quebec, the Croix-Rouge on
    mastodon.social."""
    profiles = load("bluesky_getProfiles")["profiles"]
    fake.add_bsky(profiles[0], load("bluesky_getAuthorFeed"))
    fake.add_bsky(profiles[1], load("bluesky_getAuthorFeed_repost"))
    fake.add_masto("mastodon.quebec", load("mastodon_lookup"))
    fake.add_masto("mastodon.social", masto_account(
        "CroixRougeQC", "110002222222222222", display_name="Croix-Rouge Québec",
        note="<p>Aide aux sinistrés.</p>", last_status_at="2025-02-01"))


def accounts(db_path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(platform, handle) -> the accounts row, read straight from the SQLite file."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        table = conn.execute("SELECT * FROM accounts")
        return {(r["platform"], r["handle"]): dict(r) for r in table}
    finally:
        conn.close()




def add(invoke, *args: str) -> dict[str, Any]:
    """`msgu add … --json`, which must succeed: the new contact."""
    return ok(invoke("add", *args, "--json"))
