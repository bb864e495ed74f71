"""Servers are not trusted (issue 9, item 7): absurd rate-limit waits, answers of the wrong
shape, huge or control-laden text. Through the real CLI, `refresh` and `discover` on a real
SQLite file; HTTP is a MockTransport answering like the documented APIs, except where a test
makes a server misbehave. Every run ends cleanly: no traceback, no "This is unexpected"."""

from __future__ import annotations

import json

import httpx
import pytest
from fakenet import accounts, add, install, load, ok, reply, serve_profiles

SECU_BSKY = ("bluesky", "securitecivile-qc.bsky.social")
METEO_BSKY = ("bluesky", "meteo-mauricie.bsky.social")
CROIX_MASTO = ("mastodon", "croixrougeqc@mastodon.social")
BSKY_BATCH = "/xrpc/app.bsky.actor.getProfiles"


@pytest.fixture
def net(monkeypatch: pytest.MonkeyPatch):
    fake = install(monkeypatch)
    serve_profiles(fake)
    yield fake
    assert fake.unexpected == []


@pytest.fixture
def directory(empty_db, invoke):
    add(invoke, "Sécurité civile Québec", "--bluesky", SECU_BSKY[1])
    add(invoke, "Météo Mauricie", "--bluesky", METEO_BSKY[1])
    add(invoke, "Croix-Rouge Québec", "--mastodon", "@CroixRougeQC@mastodon.social")
    return empty_db


def clean(result) -> None:
    """A run that ended as msgu means to end: no traceback, no unexpected error."""
    assert "Traceback" not in result.output
    assert "unexpected" not in result.output


def bluesky_answers(response: httpx.Response):
    """Every profile batch of Bluesky gets `response`; other requests go through."""
    return lambda request: response if request.url.path == BSKY_BATCH else None


def errors_by_account(summary: dict) -> dict[tuple[str, str], str]:
    return {(e["platform"], e["handle"]): e["error"] for e in summary["errors"]}


# --- rate-limit waits --------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {"Retry-After": "1000000000000"},  # 10**12 seconds
    {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"},
    {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0",
     "RateLimit-Reset": "99999999999999999999"},  # year 33715 and beyond
    {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9999-12-31T23:59:59.999999Z"},
    {"Retry-After": "1e308"},
])
def test_an_absurd_wait_is_not_slept_and_the_others_go_on(net, directory, invoke,
                                                          headers) -> None:
    net.intercept = bluesky_answers(httpx.Response(
        429, json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        headers=headers))
    result = invoke("refresh", "--json")
    clean(result)
    summary = ok(result)
    assert summary["states"] == {"ok": 1}  # Mastodon went on
    errors = errors_by_account(summary)
    assert set(errors) == {SECU_BSKY, METEO_BSKY}
    assert all("left for the next run" in e and "MSGU_MAX_WAIT (120 s)" in e
               for e in errors.values())
    assert all(wait <= 120 for wait in net.sleeps)
    assert len(net.calls(BSKY_BATCH)) == 1  # the host is left alone for the rest of the run
    stored = accounts(directory)
    assert stored[CROIX_MASTO]["state"] == "ok"
    assert "left for the next run" in stored[SECU_BSKY]["last_error"]
    # The accounts left are due again at the next run, even a recent one.
    net.intercept = None
    again = ok(invoke("refresh", "--older-than", "30", "--json"))
    assert again["checked"] == 2 and again["states"] == {"ok": 2}


@pytest.mark.parametrize("retry_after", ["-5", "soon", "", "nan", "inf"])
def test_negative_or_garbled_waits_are_ordinary_retries(net, directory, invoke,
                                                        retry_after) -> None:
    refused: list[str] = []

    def once(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == BSKY_BATCH and not refused:
            refused.append(str(request.url))
            return reply({"error": "RateLimitExceeded"}, 429, retry_after=retry_after)
        return None

    net.intercept = once
    result = invoke("refresh", "--json")
    clean(result)
    assert ok(result)["states"] == {"ok": 3}
    assert all(0 <= wait <= 30 for wait in net.sleeps)


def test_msgu_max_wait_decides_what_is_slept(net, directory, invoke, monkeypatch) -> None:
    def throttle_first(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == BSKY_BATCH and len(net.calls(BSKY_BATCH)) == 1:
            return reply({"error": "RateLimitExceeded"}, 429, retry_after="90")
        return None

    net.intercept = throttle_first
    monkeypatch.setenv("MSGU_MAX_WAIT", "60")
    summary = ok(invoke("refresh", "--json"))
    assert set(errors_by_account(summary)) == {SECU_BSKY, METEO_BSKY}
    assert "MSGU_MAX_WAIT (60 s)" in summary["errors"][0]["error"]
    assert 90 not in net.sleeps

    net.requests.clear()
    monkeypatch.setenv("MSGU_MAX_WAIT", "90")
    summary = ok(invoke("refresh", "--json"))
    assert summary["errors"] == [] and summary["states"] == {"ok": 3}
    assert 90 in [round(wait) for wait in net.sleeps]


@pytest.mark.parametrize("value", ["abc", "-1", "1e9", "nan", "inf", "2 minutes"])
def test_a_bad_msgu_max_wait_is_a_clear_error(net, directory, invoke, monkeypatch, dump,
                                              value) -> None:
    before = dump(directory)
    monkeypatch.setenv("MSGU_MAX_WAIT", value)
    for command in (("refresh",), ("discover", "Sécurité civile Québec")):
        result = invoke(*command)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("Error: MSGU_MAX_WAIT must be a number of seconds")
        assert result.stderr.count("\n") == 1
    assert net.requests == [] and dump(directory) == before


# --- answers of the wrong shape --------------------------------------------------------------


@pytest.mark.parametrize("body", [
    {"profiles": 5},
    {"profiles": "five"},
    {"profiles": {"did": "did:plc:x"}},
    [],
    ["profiles"],
    "profiles",
    5,
    True,
])
def test_a_wrongly_shaped_batch_is_that_batchs_error(net, directory, invoke, body) -> None:
    net.intercept = bluesky_answers(reply(body))
    result = invoke("refresh", "--json")
    clean(result)
    summary = ok(result)
    assert summary["states"] == {"ok": 1}
    errors = errors_by_account(summary)
    assert set(errors) == {SECU_BSKY, METEO_BSKY}
    assert all("wrong shape" in e for e in errors.values())
    human = invoke("refresh")
    clean(human)
    assert human.exit_code == 0 and "2 errors" in human.stdout


@pytest.mark.parametrize("view_change", [
    {"did": 5},
    {"did": ["did:plc:4qkxw7pftw3dkgmy5j3fvmaa"]},
    {"did": {"$type": "did"}},
    {"handle": None},
    {"handle": ["securitecivile-qc.bsky.social"]},
])
def test_profiles_without_a_usable_did_or_handle_are_not_believed(net, directory, invoke,
                                                                 view_change) -> None:
    view = {**load("bluesky_getProfiles")["profiles"][0], **view_change}
    net.intercept = lambda request: (reply({"profiles": [view]})
                                     if request.url.path == BSKY_BATCH else None)
    result = invoke("refresh", "--json")
    clean(result)
    summary = ok(result)
    # Not in the batch's answer: each account is asked alone, as for a missing one.
    assert summary["checked"] == 3
    assert accounts(directory)[SECU_BSKY]["state"] is not None


def test_counts_of_the_wrong_type_or_size_are_not_said(net, directory, invoke) -> None:
    view = {**load("bluesky_getProfiles")["profiles"][0], "followersCount": "1520",
            "followsCount": 10**30, "postsCount": -4}
    net.bsky[SECU_BSKY[1]] = view
    net.masto["croixrougeqc@mastodon.social"].update(followers_count=True,
                                                      statuses_count=2**64)
    clean(result := invoke("refresh", "--json"))
    assert ok(result)["states"] == {"ok": 3}
    stored = accounts(directory)
    assert (stored[SECU_BSKY]["followers_count"], stored[SECU_BSKY]["following_count"],
            stored[SECU_BSKY]["posts_count"]) == (None, None, None)
    assert stored[CROIX_MASTO]["followers_count"] is None
    assert stored[CROIX_MASTO]["posts_count"] is None


def test_fetched_text_is_stored_without_control_characters_and_bounded(net, directory,
                                                                        invoke) -> None:
    view = net.bsky[SECU_BSKY[1]]
    view["displayName"] = "Sécurité\x1b[31m civile\u202e Québec\x00" + "x" * 100_000
    view["description"] = "Ligne 1\nLigne\t2\r\n\x9bLigne 3\u2028" + "y" * 1_000_000
    net.masto["croixrougeqc@mastodon.social"].update(
        display_name="Croix\x07-Rouge", note="<p>Aide&#27;[2J aux &#x202E;sinistrés</p>")
    clean(result := invoke("refresh", "--json"))
    assert ok(result)["states"] == {"ok": 3}
    stored = accounts(directory)
    name, text = stored[SECU_BSKY]["display_name"], stored[SECU_BSKY]["description"]
    assert name.startswith("Sécurité[31m civile Québec") and len(name) <= 200
    assert text.startswith("Ligne 1\nLigne\t2\nLigne 3\ny") and len(text) <= 5000
    assert stored[CROIX_MASTO]["display_name"] == "Croix-Rouge"
    assert stored[CROIX_MASTO]["description"] == "Aide[2J aux sinistrés"
    for value in (name, text, stored[CROIX_MASTO]["description"]):
        assert not any(ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) < 0xA0
                       or c in "\u202e\u2028" for c in value)


def test_a_wrongly_shaped_feed_keeps_the_profile(net, directory, invoke) -> None:
    net.feeds[net.bsky[SECU_BSKY[1]]["did"]] = {"feed": 5}
    summary = ok(invoke("refresh", "--json"))
    assert summary["states"] == {"ok": 3}
    row = accounts(directory)[SECU_BSKY]
    assert row["followers_count"] == 1520 and "last post date unavailable" in row["last_error"]


@pytest.mark.parametrize("body", [[], "account", {"id": {"n": 1}, "acct": ["x"]}])
def test_a_wrongly_shaped_mastodon_account_is_that_accounts_error(net, directory, invoke,
                                                                 body) -> None:
    net.intercept = lambda request: (reply(body) if request.url.host == "mastodon.social"
                                     else None)
    clean(result := invoke("refresh", "--json"))
    summary = ok(result)
    assert summary["states"].get("ok", 0) >= 2
    if not isinstance(body, dict):
        assert "wrong shape" in errors_by_account(summary)[CROIX_MASTO]


def test_deeply_nested_or_enormous_answers_are_refused(net, directory, invoke) -> None:
    def hostile(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == BSKY_BATCH:
            return httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000,
                                  headers={"content-type": "application/json"})
        if request.url.host == "mastodon.social":
            return httpx.Response(200, content=b'{"a": "' + b"x" * (9 * 2**20) + b'"}',
                                  headers={"content-type": "application/json"})
        return None

    net.intercept = hostile
    add(invoke, "Sécurité civile Montérégie", "--mastodon", "@SecuriteCivile@mastodon.quebec")
    net.add_masto("mastodon.quebec", load("mastodon_lookup"))
    clean(result := invoke("refresh", "--json"))
    summary = ok(result)
    assert summary["states"] == {"ok": 1}
    errors = errors_by_account(summary)
    assert set(errors) == {SECU_BSKY, METEO_BSKY, CROIX_MASTO}
    assert "not JSON" in errors[SECU_BSKY]
    assert "more than 8 MB" in errors[CROIX_MASTO]


def test_a_server_dripping_its_answer_hits_the_deadline(net, directory, invoke,
                                                       monkeypatch) -> None:
    """MSGU_HTTP_TIMEOUT counts from the request's start to the end of its body: a server
    sending a byte now and then, each within the read time-out, is cut off all the same."""
    import time

    class Drip(httpx.SyncByteStream):
        def __iter__(self):
            for _ in range(50):
                time.sleep(0.02)
                yield b" "
            yield b"[]"

    monkeypatch.setenv("MSGU_HTTP_TIMEOUT", "0.1")
    net.intercept = lambda request: (httpx.Response(200, stream=Drip())
                                     if request.url.host == "mastodon.social" else None)
    summary = ok(invoke("refresh", "--json"))
    assert summary["states"] == {"ok": 2}
    assert "did not answer in time" in errors_by_account(summary)[CROIX_MASTO]


def test_server_error_text_is_quoted_on_one_short_line(net, directory, invoke) -> None:
    said = "Refusé\n\x1b[2J" + "!" * 5000
    net.intercept = lambda request: (reply({"error": said}, 422)
                                     if request.url.host == "mastodon.social" else None)
    summary = ok(invoke("refresh", "--json"))
    error = errors_by_account(summary)[CROIX_MASTO]
    assert "\n" not in error and "\x1b" not in error and len(error) < 400
    assert "Refusé\\n\\x1b[2J" in error


# --- discover ----------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{"follows": 5}, {"follows": "x"}, [], {"cursor": "abc"}])
def test_a_wrongly_shaped_follow_list_is_that_sources_error(net, empty_db, invoke,
                                                           body) -> None:
    add(invoke, "Source", "--bluesky", SECU_BSKY[1], "--mastodon",
        "@SecuriteCivile@mastodon.quebec")
    net.add_masto("mastodon.quebec", load("mastodon_lookup"))
    net.following[("mastodon.quebec", "109345987654321012")] = [
        load("mastodon_following_page2")]
    net.intercept = lambda request: (reply(body) if request.url.path.endswith("getFollows")
                                     else None)
    clean(result := invoke("discover", "Source", "--json"))
    summary = ok(result)
    [(source, error)] = [(e["source"], e["error"]) for e in summary["errors"]]
    assert source == f"bluesky:{SECU_BSKY[1]}" and "wrong shape" in error
    assert summary["followed"] == 1  # the Mastodon list was read all the same
    assert json.loads(invoke("list", "--status", "candidate", "--json").stdout)
