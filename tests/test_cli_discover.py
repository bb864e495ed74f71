"""`msgu discover` (and `recommend` after it) through the real CLI and a real SQLite file;
only HTTP and sleeps are faked, by the one client factory (tests/fakenet.py)."""

from __future__ import annotations

import httpx
import pytest
from cli_results import rows
from fakenet import accounts, add, install, load, masto_account, ok, reply

TRUSTED = "Sécurité civile Québec"
SECU_BSKY = "securitecivile-qc.bsky.social"
SECU_MASTO_ID = "109345987654321012"  # mastodon_lookup.json
CROIX_MASTO_ID = "110002222222222222"
FIRST_CURSOR = load("bluesky_getFollows_page1")["cursor"]
NEW_BLUESKY = {"environnement-canada.bsky.social", "did:plc:b2kutgxqlltwc6lhs724cfwr",
               "croixrouge-qc.bsky.social", "hydro-quebec-pannes.bsky.social"}
NEW_MASTODON = {"meteo@mastodon.quebec", "vost_qc@fedi.example.org"}


def serve_follows(fake, masto_host: str = "mastodon.quebec") -> None:
    """Sécurité civile's follow lists: two Bluesky pages (cursor), two Mastodon pages (Link)."""
    fake.bsky_follows[SECU_BSKY] = {None: load("bluesky_getFollows_page1"),
                                    FIRST_CURSOR: load("bluesky_getFollows_page2")}
    fake.add_masto(masto_host, load("mastodon_lookup"))
    fake.following[(masto_host, SECU_MASTO_ID)] = [load("mastodon_following_page1"),
                                                   load("mastodon_following_page2")]


@pytest.fixture
def net(monkeypatch: pytest.MonkeyPatch):
    fake = install(monkeypatch)
    serve_follows(fake)
    yield fake
    assert fake.unexpected == []


@pytest.fixture
def directory(empty_db, invoke):
    """A trusted (followed) contact with Bluesky and Mastodon accounts, and two it follows."""
    add(invoke, TRUSTED, "--bluesky", SECU_BSKY, "--mastodon", "@SecuriteCivile@mastodon.quebec",
        "--x", "@secciv", "--status", "following", "--kind", "provincial")
    add(invoke, "Météo Mauricie", "--bluesky", "meteo-mauricie.bsky.social",
        "--topic", "meteo", "--note", "Notre source météo")
    add(invoke, "Croix-Rouge Québec", "--mastodon", "@CroixRougeQC@mastodon.social",
        "--topic", "hebergement")
    return empty_db


def contact_count(db_path) -> int:
    return rows(db_path, "SELECT count(*) FROM contacts")[0][0]


def edges(db_path) -> set[tuple[str, str, str]]:
    """(follower handle, followee handle, source) for every stored follow edge."""
    return set(rows(db_path, """
        SELECT a.handle, b.handle, f.source FROM follows f
        JOIN accounts a ON a.id = f.follower_id JOIN accounts b ON b.id = f.followee_id"""))


def test_discover_adds_candidates_and_edges(net, directory, invoke) -> None:
    summary = ok(invoke("discover", TRUSTED, "--json"))
    assert summary["sources"] == [f"bluesky:{SECU_BSKY}",
                                  "mastodon:securitecivile@mastodon.quebec"]
    assert (summary["followed"], summary["known"], summary["edges"]) == (8, 2, 8)
    assert summary["errors"] == []
    assert sorted(c["name"] for c in summary["new_candidates"]) == sorted([
        "Environnement Canada", "Ancien compte", "Croix-Rouge Québec", "Pannes Hydro-Québec",
        "Météo Québec", "VOST Québec"])
    croix = ok(invoke("show", "@CroixRougeQC@mastodon.social", "--json"))["id"]
    namesakes = {c["name"]: c["same_name_as"] for c in summary["new_candidates"]}
    assert namesakes["Croix-Rouge Québec"] == [croix]  # Bluesky account of a known name
    assert namesakes["VOST Québec"] == []

    stored = accounts(directory)
    assert {h for p, h in stored if p == "bluesky"} == {SECU_BSKY, "meteo-mauricie.bsky.social",
                                                       *NEW_BLUESKY}
    assert {h for p, h in stored if p == "mastodon"} == {
        "securitecivile@mastodon.quebec", "croixrougeqc@mastodon.social", *NEW_MASTODON}
    assert contact_count(directory) == 3 + 6  # no duplicate of Météo Mauricie or Croix-Rouge

    found = edges(directory)
    assert len(found) == 8
    assert (SECU_BSKY, "meteo-mauricie.bsky.social", "bluesky follows") in found
    assert ("securitecivile@mastodon.quebec", "croixrougeqc@mastodon.social",
            "mastodon follows") in found
    assert ("securitecivile@mastodon.quebec", "meteo@mastodon.quebec", "mastodon follows") in found
    assert all(seen for (seen,) in rows(directory, "SELECT seen_at FROM follows"))

    # Cursor pagination on Bluesky, Link rel="next" on Mastodon, both to the last page.
    cursors = [u.params.get("cursor") for u in net.calls("/xrpc/app.bsky.graph.getFollows")]
    assert cursors == [None, FIRST_CURSOR]
    pages = net.calls(f"/api/v1/accounts/{SECU_MASTO_ID}/following", host="mastodon.quebec")
    assert len(pages) == 2 and "max_id" in pages[1].params


def test_human_summary_points_at_namesakes(net, directory, invoke) -> None:
    result = invoke("discover", TRUSTED)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # rich wraps long lines
    assert "6 new candidates, 2 already known, 8 follow edges" in text
    croix = ok(invoke("show", "@CroixRougeQC@mastodon.social", "--json"))["id"]
    twin = ok(invoke("show", "croixrouge-qc.bsky.social", "--json"))["id"]
    assert f"#{twin} has the name of #{croix}" in text
    assert "msgu list --status candidate" in result.stdout


def test_candidates_are_named_described_and_only_suggested_topics(net, directory,
                                                                   invoke) -> None:
    ok(invoke("discover", TRUSTED, "--json"))
    listed = ok(invoke("list", "--status", "candidate", "--json"))
    assert len(listed) == 6 and {c["status"] for c in listed} == {"candidate"}

    meteo = ok(invoke("show", "@meteo@mastodon.quebec", "--json"))  # the qualified local acct
    assert meteo["name"] == "Météo Québec" and meteo["status"] == "candidate"
    assert meteo["description"] == "Prévisions automatisées."  # HTML note as plain text
    assert "followed by mastodon:securitecivile@mastodon.quebec" in meteo["source"]
    [account] = meteo["accounts"]
    assert (account["platform"], account["handle"]) == ("mastodon", "meteo@mastodon.quebec")
    assert account["url"] == "https://mastodon.quebec/@meteo"

    env = ok(invoke("show", "environnement-canada.bsky.social", "--json"))
    assert env["description"] == "Prévisions et avertissements météo."
    assert env["topics"] == [] and "meteo" in env["suggested_topics"]
    vost = ok(invoke("show", "@vost_qc@fedi.example.org", "--json"))
    assert vost["topics"] == [] and vost["suggested_topics"]  # VOST is a taxonomy synonym
    hydro = ok(invoke("show", "hydro-quebec-pannes.bsky.social", "--json"))
    assert hydro["description"] is None  # the profileView gave none: nothing is made up

    ancien = ok(invoke("show", "did:plc:b2kutgxqlltwc6lhs724cfwr", "--json"))
    assert ancien["name"] == "Ancien compte"  # handle.invalid: kept under its DID

    kept = ok(invoke("show", "Météo Mauricie", "--json"))
    assert kept["notes"] == "Notre source météo" and kept["status"] == "none"


def test_discover_twice_duplicates_nothing(net, directory, invoke, dump) -> None:
    ok(invoke("discover", TRUSTED, "--json"))
    before = (contact_count(directory), edges(directory))
    again = ok(invoke("discover", TRUSTED, "--json"))
    assert again["new_candidates"] == [] and again["known"] == 8 and again["edges"] == 8
    assert (contact_count(directory), edges(directory)) == before


def test_two_sources_following_one_unknown_account_make_one_candidate(net, directory,
                                                                       invoke) -> None:
    net.add_masto("mastodon.social", masto_account("CroixRougeQC", CROIX_MASTO_ID))
    vost = load("mastodon_following_page2")  # remote accounts, as mastodon.social lists them
    meteo = dict(load("mastodon_following_page1")[0], acct="meteo@mastodon.quebec")
    net.following[("mastodon.social", CROIX_MASTO_ID)] = [[*vost, meteo]]
    summary = ok(invoke("discover", TRUSTED, "Croix-Rouge Québec", "--platform", "mastodon",
                        "--json"))
    assert sorted(c["name"] for c in summary["new_candidates"]) == ["Météo Québec",
                                                                     "VOST Québec"]
    stored = accounts(directory)
    assert {h for p, h in stored if p == "mastodon"} >= NEW_MASTODON
    followers = {a for a, b, _ in edges(directory) if b == "vost_qc@fedi.example.org"}
    assert followers == {"securitecivile@mastodon.quebec", "croixrougeqc@mastodon.social"}
    assert net.hosts() == {"mastodon.quebec", "mastodon.social"}


def test_a_known_account_followed_under_a_new_handle_is_no_new_candidate(net, directory,
                                                                        invoke) -> None:
    meteo = load("bluesky_getFollows_page1")["follows"][0]
    net.add_bsky(dict(meteo))  # refresh learns Météo Mauricie's DID
    ok(invoke("refresh", "meteo-mauricie.bsky.social", "--json"))
    page = load("bluesky_getFollows_page2")
    page["follows"] = [dict(meteo, handle="meteo.mauricie.ca")]  # it changed its handle since
    net.bsky_follows[SECU_BSKY] = {None: page}
    summary = ok(invoke("discover", TRUSTED, "--platform", "bluesky", "--json"))
    assert summary["new_candidates"] == [] and summary["known"] == 1
    assert edges(directory) == {(SECU_BSKY, "meteo-mauricie.bsky.social", "bluesky follows")}


def test_limit_and_platform(net, directory, invoke) -> None:
    summary = ok(invoke("discover", TRUSTED, "--limit", "2", "--json"))
    assert summary["followed"] == 4
    [follows] = net.calls("/xrpc/app.bsky.graph.getFollows")
    assert follows.params["limit"] == "2"
    [page] = net.calls(f"/api/v1/accounts/{SECU_MASTO_ID}/following")
    assert page.params["limit"] == "2"

    net.requests.clear()
    only = ok(invoke("discover", TRUSTED, "--platform", "bluesky", "--json"))
    assert only["sources"] == [f"bluesky:{SECU_BSKY}"]
    assert net.hosts() == {"public.api.bsky.app"}


def test_mastodon_instance_whose_api_lives_elsewhere(monkeypatch, directory, invoke) -> None:
    monkeypatch.setenv("MSGU_MASTODON_INSTANCES", "mastodon.quebec=https://api.mastodon.quebec")
    fake = install(monkeypatch)
    serve_follows(fake, masto_host="api.mastodon.quebec")
    ok(invoke("discover", TRUSTED, "--platform", "mastodon", "--json"))
    assert fake.hosts() == {"api.mastodon.quebec"} and fake.unexpected == []
    handles = {h for p, h in accounts(directory) if p == "mastodon"}
    assert "meteo@mastodon.quebec" in handles  # qualified with the instance's domain
    assert not any(h.endswith("@api.mastodon.quebec") for h in handles)


@pytest.mark.parametrize("args", [
    ("Personne de ce nom",),
    ("Météo Mauricie", "--platform", "mastodon"),
    (TRUSTED, "--platform", "x"),
])
def test_bad_requests_change_nothing(net, directory, invoke, dump, args) -> None:
    before = dump(directory)
    result = invoke("discover", *args)
    assert result.exit_code == 1 and result.stderr.startswith("Error:")
    assert "Traceback" not in result.output
    assert dump(directory) == before and net.requests == []


def test_limit_must_be_positive(net, directory, invoke, dump) -> None:
    before = dump(directory)
    result = invoke("discover", TRUSTED, "--limit", "0")
    assert result.exit_code == 2 and dump(directory) == before


@pytest.mark.parametrize("failure", ["503", "connect", "timeout"])
def test_nothing_reachable_is_an_error_and_writes_nothing(net, directory, invoke, dump,
                                                          failure) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        if failure == "503":
            return reply({"error": "Service Unavailable"}, 503)
        if failure == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    net.intercept = down
    before = dump(directory)
    result = invoke("discover", TRUSTED, "--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: No follow list could be read")
    assert dump(directory) == before
    assert len(net.requests) <= 2 * 5  # bounded retries for each of the two sources


def test_a_failing_page_keeps_the_pages_before_it(net, directory, invoke) -> None:
    def second_page_broken(request: httpx.Request) -> httpx.Response | None:
        if "max_id" in request.url.params:
            return reply({"error": "Internal Server Error"}, 500)
        return None

    net.intercept = second_page_broken
    summary = ok(invoke("discover", TRUSTED, "--json"))
    [(source, error)] = [(e["source"], e["error"]) for e in summary["errors"]]
    assert source == "mastodon:securitecivile@mastodon.quebec" and "500" in error
    handles = {h for p, h in accounts(directory)}
    assert "meteo@mastodon.quebec" in handles  # page 1 kept
    assert "vost_qc@fedi.example.org" not in handles  # page 2 never came
    assert "environnement-canada.bsky.social" in handles  # the other source is whole

    human = invoke("discover", TRUSTED)
    assert human.exit_code == 0 and "error" in human.stdout


def test_malformed_json_and_hidden_follows(net, directory, invoke, dump) -> None:
    def hidden(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/following"):
            return reply([])  # the owner hides whom they follow: Mastodon answers []
        return None

    net.intercept = hidden
    summary = ok(invoke("discover", TRUSTED, "--json"))
    assert summary["followed"] == 5  # Bluesky's list, read whole
    [(source, error)] = [(e["source"], e["error"]) for e in summary["errors"]]
    assert source == "mastodon:securitecivile@mastodon.quebec"
    assert "hides whom it follows" in error and "nothing is concluded" in error

    def broken(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("getFollows"):
            return httpx.Response(200, text='{"follows": [', headers={
                "content-type": "application/json"})
        return hidden(request)

    net.intercept = broken
    before = dump(directory)
    result = invoke("discover", TRUSTED, "--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: No follow list could be read")
    assert dump(directory) == before


def test_429_with_retry_after_is_waited_out(net, directory, invoke) -> None:
    throttled: list[str] = []

    def once(request: httpx.Request) -> httpx.Response | None:
        if request.url.host == "mastodon.quebec" and not throttled:
            throttled.append(str(request.url))
            return reply(load("mastodon_error_throttled"), 429, retry_after="5")
        return None

    net.intercept = once
    summary = ok(invoke("discover", TRUSTED, "--json"))
    assert summary["errors"] == [] and summary["followed"] == 8
    lookup, retry = net.times("/api/v1/accounts/lookup", host="mastodon.quebec")
    assert retry - lookup >= 5.0  # Retry-After honoured (virtual time: nobody slept)


def test_recommend_uses_the_network_and_drops_dead_contacts(net, directory, invoke) -> None:
    def recommended(*args: str) -> dict[int, dict]:
        return {r["id"]: r for r in ok(invoke("recommend", *args, "--json"))}

    def network(entry: dict) -> list[dict]:
        return [r for r in entry["reasons"] if r["signal"] == "network"]

    meteo = ok(invoke("show", "meteo-mauricie.bsky.social", "--json"))["id"]
    croix = ok(invoke("show", "@CroixRougeQC@mastodon.social", "--json"))["id"]
    assert network(recommended("--topic", "meteo")[meteo]) == []  # no follow graph yet

    ok(invoke("discover", TRUSTED, "--json"))
    assert network(recommended("--topic", "meteo")[meteo])
    ranked = recommended()  # no interests given: the network alone ranks
    assert {meteo, croix} <= set(ranked)
    [reason] = network(ranked[meteo])
    assert reason["points"] > 0 and TRUSTED in reason["detail"]
    assert TRUSTED not in {r["name"] for r in ranked.values()}  # already followed

    vost = ok(invoke("show", "@vost_qc@fedi.example.org", "--json"))["id"]
    assert invoke("follow", str(vost), "--status", "to-follow").exit_code == 0  # reviewed
    assert network(recommended()[vost])

    summary = ok(invoke("refresh", "@CroixRougeQC@mastodon.social", "--json"))  # 404: gone
    assert summary["states"] == {"not-found": 1}
    ranked = recommended()
    assert croix not in ranked  # its only account is gone, whatever the network says
    assert meteo in ranked
