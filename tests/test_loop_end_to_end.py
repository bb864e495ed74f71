"""The relationship loop end to end over real HTTP: a tiny loopback double of Bluesky's AppView
and of a Mastodon server (http.server in a thread, plain http://127.0.0.1:PORT), the msgu
command in a separate process pointed at it by MSGU_BLUESKY_API and MSGU_MASTODON_INSTANCES,
and a whole story: own accounts, contacts followed and followed back, a met contact that stays
met, a dry run, candidates added, then `next`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

MSGU = shutil.which("msgu", path=str(Path(sys.executable).parent))
COMMAND = [MSGU] if MSGU else [sys.executable, "-m", "msgu_cli"]


def did(name: str) -> str:
    """A did:plc for a test account: 24 characters of a-z and 2-7."""
    body = "".join(c for c in name.lower() if c.isalpha())
    return "did:plc:" + (body * 24)[:24]


class Double:
    """Who follows whom, and the two APIs that tell it, as their documentation shapes it."""

    def __init__(self) -> None:
        self.bsky: dict[str, dict[str, Any]] = {}  # handle -> profileView
        self.bsky_follows: set[tuple[str, str]] = set()  # (follower handle, followee handle)
        self.masto: dict[str, dict[str, Any]] = {}  # username -> Account
        self.masto_following: dict[str, list[str]] = {}  # username -> accts, newest first
        self.masto_followers: dict[str, list[str]] = {}
        self.paths: list[str] = []
        self.base = ""

    def bluesky_account(self, handle: str, name: str, description: str = "") -> None:
        self.bsky[handle] = {"did": did(handle), "handle": handle, "displayName": name,
                             "description": description, "labels": [],
                             "indexedAt": "2025-01-01T00:00:00.000Z"}

    def mastodon_account(self, acct: str, name: str, note: str = "") -> None:
        number = str(109000000000000000 + len(self.masto))
        self.masto[acct] = {"id": number, "username": acct.split("@")[0], "acct": acct,
                            "display_name": name, "note": f"<p>{note}</p>",
                            "url": f"https://mastodon.example/@{acct}", "followers_count": 0,
                            "following_count": 0, "statuses_count": 10,
                            "last_status_at": "2025-03-01", "fields": []}

    # -- the APIs ----------------------------------------------------------------------------
    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        self.paths.append(path)
        one = {k: v[0] for k, v in query.items()}
        if path == "/xrpc/app.bsky.graph.getFollows":
            return self._get_follows(one)
        if path == "/xrpc/app.bsky.graph.getRelationships":
            return self._get_relationships(one["actor"], query.get("others", []))
        if path == "/api/v1/accounts/lookup":
            account = self.masto.get(one["acct"].split("@")[0])
            if account is None:
                return 404, {"error": "Record not found"}, {}
            return 200, self._counted(account), {}
        parts = path.strip("/").split("/")
        if parts[:3] == ["api", "v1", "accounts"] and len(parts) == 5:
            return self._mastodon_list(parts[3], parts[4], one)
        return 404, {"error": "Not found"}, {}

    def _get_follows(self, one: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        actor = one["actor"]
        if actor not in self.bsky:
            return 400, {"error": "InvalidRequest", "message": "Profile not found"}, {}
        followed = sorted(b for a, b in self.bsky_follows if a == actor)
        start, limit = int(one.get("cursor", 0)), int(one.get("limit", 50))
        body: dict[str, Any] = {"subject": self.bsky[actor],
                                "follows": [self.bsky[h] for h in followed[start:start + limit]]}
        if start + limit < len(followed):
            body["cursor"] = str(start + limit)
        return 200, body, {}

    def _get_relationships(self, actor: str, others: list[str]) -> tuple[int, Any, dict]:
        if actor not in self.bsky:
            return 400, {"error": "ActorNotFound", "message": "Actor not found"}, {}
        if len(others) > 30:
            return 400, {"error": "InvalidRequest", "message": "others must have at most 30"}, {}
        by_did = {view["did"]: handle for handle, view in self.bsky.items()}
        items = []
        for other in others:
            handle = by_did.get(other, other)
            if handle not in self.bsky:
                items.append({"$type": "app.bsky.graph.defs#notFoundActor", "actor": other,
                              "notFound": True})
                continue
            item = {"$type": "app.bsky.graph.defs#relationship", "did": did(handle)}
            if (actor, handle) in self.bsky_follows:
                item["following"] = f"at://{did(actor)}/app.bsky.graph.follow/3kx{len(items)}"
            if (handle, actor) in self.bsky_follows:
                item["followedBy"] = f"at://{did(handle)}/app.bsky.graph.follow/3ky{len(items)}"
            items.append(item)
        return 200, {"actor": did(actor), "relationships": items}, {}

    def _counted(self, account: dict[str, Any]) -> dict[str, Any]:
        name = account["username"]
        return {**account, "following_count": len(self.masto_following.get(name, [])),
                "followers_count": len(self.masto_followers.get(name, []))}

    def _mastodon_list(self, number: str, which: str, one: dict[str, str]) -> tuple:
        owner = next((a for a in self.masto.values() if a["id"] == number), None)
        if owner is None or which not in ("following", "followers"):
            return 404, {"error": "Record not found"}, {}
        lists = self.masto_following if which == "following" else self.masto_followers
        accts = lists.get(owner["username"], [])
        limit = min(int(one.get("limit", 40)), 80)
        start = int(one.get("max_id", 0))
        page = accts[start:start + limit]
        headers = {}
        if start + limit < len(accts):
            link = f"{self.base}/api/v1/accounts/{number}/{which}?limit={limit}"
            headers["Link"] = (f'<{link}&max_id={start + limit}>; rel="next", '
                               f'<{link}&min_id=0>; rel="prev"')
        return 200, [self._counted(self.masto[a]) if a in self.masto else
                     {"id": str(abs(hash(a)) % 10**17), "username": a.split("@")[0], "acct": a,
                      "display_name": a.split("@")[0], "note": ""} for a in page], headers


@pytest.fixture
def double() -> Iterator[Double]:
    state = Double()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlparse(self.path)
            status, body, headers = state.answer(url.path, parse_qs(url.query))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def msgu(double: Double, db: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSGU_DB": str(db), "MSGU_BLUESKY_API": double.base,
           "MSGU_MASTODON_INSTANCES": f"mastodon.example={double.base}", "MSGU_LANG": "en"}
    for name in ("MSGU_DEBUG", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy",
                 "https_proxy", "all_proxy"):
        env.pop(name, None)
    done = subprocess.run([*COMMAND, *args], env=env, capture_output=True, text=True,
                          timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_the_whole_loop_over_real_http(double: Double, tmp_path: Path, dump) -> None:
    db = tmp_path / "ville.db"
    for handle, name in [("ville.example.org", "Ville d'Exemple"),
                         ("croixrouge.example.org", "Croix-Rouge Québec"),
                         ("meteo.example.org", "Météo régionale"),
                         ("alerte.example.org", "Alerte citoyenne"),
                         ("nouveau.example.org", "Nouveau\x1b[2J centre")]:
        double.bluesky_account(handle, name, description=f"{name}\nen Mauricie")
    for acct, name in [("ville", "Ville d'Exemple"), ("spvm", "SPVM"),
                       ("veille", "Veille des crues")]:
        double.mastodon_account(acct, name, note=f"{name} &amp; partenaires")
    double.bsky_follows |= {("ville.example.org", "croixrouge.example.org"),
                            ("ville.example.org", "meteo.example.org"),
                            ("meteo.example.org", "ville.example.org"),
                            ("ville.example.org", "nouveau.example.org")}
    # On Mastodon: Ville follows the SPVM (met already, mutual), the veille and 100 others.
    others = [f"compte{n}@ailleurs.example" for n in range(100)]
    double.masto_following["ville"] = ["spvm", "veille", *others]
    double.masto_followers["ville"] = ["spvm"]

    msgu(double, db, "init", "--empty")
    ids = {}
    for short, args in {
        "croix": ["Croix-Rouge Québec", "--bluesky", "croixrouge.example.org"],
        "meteo": ["Météo régionale", "--bluesky", "meteo.example.org", "--status", "to-follow"],
        "alerte": ["Alerte citoyenne", "--bluesky", "alerte.example.org", "--status",
                   "following"],
        "spvm": ["SPVM", "--mastodon", "spvm@mastodon.example", "--status", "met"],
        "absent": ["Compte disparu", "--bluesky", "disparu.example.org"],
    }.items():
        ids[short] = json.loads(msgu(double, db, "add", *args, "--json").stdout)["id"]
    msgu(double, db, "profile", "set", "--name", "Ville d'Exemple", "--bluesky",
         "ville.example.org", "--mastodon", "ville@mastodon.example", "--topic", "inondations")

    before = dump(db)
    dry = json.loads(msgu(double, db, "sync", "--dry-run", "--add-missing", "--json").stdout)
    assert dump(db) == before  # a dry run writes nothing
    assert dry["dry_run"] is True and dry["errors"] == []
    expected = [
        {"id": ids["croix"], "name": "Croix-Rouge Québec", "from": "none", "to": "following",
         "platform": "bluesky"},
        {"id": ids["meteo"], "name": "Météo régionale", "from": "to-follow",
         "to": "follows-back", "platform": "bluesky"},
    ]
    assert dry["changes"] == expected
    missing = {(m["platform"], m["handle"]) for m in dry["missing"]}
    assert ("bluesky", "nouveau.example.org") in missing
    assert ("mastodon", "veille@mastodon.example") in missing and len(missing) == 102
    assert dry["not_found"] == [{"platform": "bluesky", "handle": "disparu.example.org"}]

    real = json.loads(msgu(double, db, "sync", "--json").stdout)
    assert real["changes"] == expected and real["added"] == []
    shown = {i: json.loads(msgu(double, db, "show", str(i), "--json").stdout)
             for i in ids.values()}
    assert shown[ids["spvm"]]["status"] == "met"  # met stays met
    assert shown[ids["alerte"]]["status"] == "following"  # a person said so
    assert shown[ids["meteo"]]["history"][-1]["note"] == (
        "Observed by msgu sync on bluesky: ville.example.org and meteo.example.org follow "
        "each other.")

    added = json.loads(msgu(double, db, "sync", "--add-missing", "--json").stdout)
    assert added["changes"] == [] and len(added["added"]) == 102
    listed = json.loads(msgu(double, db, "list", "--status", "candidate", "--json").stdout)
    nouveau = next(c for c in listed if c["name"].startswith("Nouveau"))
    assert nouveau["name"] == "Nouveau[2J centre"  # control characters stripped
    veille = json.loads(msgu(double, db, "show", "veille@mastodon.example", "--json").stdout)
    assert veille["description"] == "Veille des crues & partenaires"

    plan = json.loads(msgu(double, db, "next", "--json").stdout)
    assert list(plan) == ["follow", "engage", "nudge", "meet", "review"]
    assert [i["name"] for i in plan["engage"]] == ["Météo régionale"]
    assert plan["engage"][0]["account"] == {
        "platform": "bluesky", "handle": "meteo.example.org",
        "url": "https://bsky.app/profile/meteo.example.org"}
    assert len(plan["review"]) == 5 and {i["status"] for i in plan["review"]} == {"candidate"}
    assert "SPVM" not in [i["name"] for g in plan.values() for i in g]  # met: nothing to do
    for group in plan.values():
        for item in group:
            assert {"id", "name", "status", "account", "why"} <= set(item)
    human = msgu(double, db, "next")
    assert "Engage: they follow you back (1)" in human.stdout and human.stderr == ""

    # Ville stops following the Croix-Rouge: observed, since a sync had set `following`; the
    # candidates it follows are observed too.
    double.bsky_follows.discard(("ville.example.org", "croixrouge.example.org"))
    later = json.loads(msgu(double, db, "sync", "--json").stdout)
    moves = {(c["name"], c["from"], c["to"]) for c in later["changes"]}
    assert ("Croix-Rouge Québec", "following", "unfollowed") in moves
    assert ("Veille des crues", "candidate", "following") in moves
    assert len(moves) == 1 + 102
    # Every Mastodon page came through the Link header, from the loopback server itself.
    assert double.paths.count("/api/v1/accounts/109000000000000000/following") == 2 * 4
