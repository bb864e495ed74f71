"""`msgu refresh` through the real CLI and a real SQLite file; only HTTP and sleeps are faked."""

from __future__ import annotations

import json

import httpx
import pytest
from fakenet import (
    accounts,
    add,
    bsky_view,
    feed_at,
    install,
    load,
    masto_account,
    ok,
    reply,
    serve_profiles,
)

SECU_BSKY = ("bluesky", "securitecivile-qc.bsky.social")
METEO_BSKY = ("bluesky", "meteo-mauricie.bsky.social")
SECU_MASTO = ("mastodon", "securitecivile@mastodon.quebec")
CROIX_MASTO = ("mastodon", "croixrougeqc@mastodon.social")


@pytest.fixture
def net(monkeypatch: pytest.MonkeyPatch):
    fake = install(monkeypatch)
    serve_profiles(fake)
    yield fake
    assert fake.unexpected == []


@pytest.fixture
def directory(empty_db, invoke):
    """Contacts with Bluesky, Mastodon, X and website accounts; returns their `show --json`."""
    adds = [
        ("Sécurité civile Québec", "--bluesky", "securitecivile-qc.bsky.social",
         "--mastodon", "@SecuriteCivile@mastodon.quebec", "--x", "@secciv",
         "--website", "https://www.quebec.ca/securite", "--topic", "inondations",
         "--description", "Ma description", "--note", "Rencontrée au colloque 2023",
         "--status", "to-follow", "--kind", "provincial"),
        ("Météo Mauricie", "--bluesky", "meteo-mauricie.bsky.social", "--x", "@meteomau"),
        ("Croix-Rouge Québec", "--mastodon", "@CroixRougeQC@mastodon.social",
         "--topic", "hebergement"),
    ]
    for args in adds:
        add(invoke, *args)
    return empty_db


def test_refresh_stores_bluesky_and_mastodon_profiles(net, directory, invoke) -> None:
    summary = ok(invoke("refresh", "--json"))
    assert summary["checked"] == 4
    assert summary["states"] == {"ok": 4}
    assert summary["errors"] == []
    assert summary["skipped_platforms"] == {"website": 1, "x": 2}

    stored = accounts(directory)
    secu = stored[SECU_BSKY]
    assert secu["display_name"] == "Sécurité civile Québec"
    assert secu["description"].startswith("Alertes et conseils")
    assert (secu["followers_count"], secu["following_count"], secu["posts_count"]) == (
        1520, 310, 842)
    assert secu["last_post_at"].startswith("2025-03-14")
    assert secu["remote_id"] == "did:plc:4qkxw7pftw3dkgmy5j3fvmaa"
    assert (secu["state"], secu["last_error"]) == ("ok", None)
    assert secu["checked_at"]
    assert stored[METEO_BSKY]["last_post_at"].startswith("2025-01-03")  # the repost's date

    masto = stored[SECU_MASTO]
    assert masto["display_name"] == "Sécurité civile Montérégie"
    assert "<" not in masto["description"] and "&amp;" not in masto["description"]
    assert "Alertes & prévention" in masto["description"]
    assert "https://www.quebec.ca/securite-situations-urgence" in masto["description"]
    assert (masto["followers_count"], masto["following_count"], masto["posts_count"]) == (
        2310, 145, 1204)
    assert masto["last_post_at"] == "2025-03-12"
    assert masto["remote_id"] == "109345987654321012"
    assert (masto["state"], masto["last_error"]) == ("ok", None)
    assert stored[CROIX_MASTO]["display_name"] == "Croix-Rouge Québec"
    assert stored[("x", "secciv")]["checked_at"] is None

    batches = net.calls("/xrpc/app.bsky.actor.getProfiles")
    assert len(batches) == 1
    assert sorted(batches[0].params.get_list("actors")) == [METEO_BSKY[1], SECU_BSKY[1]]
    feeds = net.calls("/xrpc/app.bsky.feed.getAuthorFeed")
    assert {u.params["limit"] for u in feeds} == {"1"} and len(feeds) == 2
    lookups = net.calls("/api/v1/accounts/lookup", host="mastodon.quebec")
    assert [u.params["acct"] for u in lookups] == ["securitecivile"]
    assert net.calls("/api/v1/accounts/lookup", host="mastodon.social")

    shown = ok(invoke("show", "Sécurité civile Québec", "--json"))
    by_platform = {a["platform"]: a for a in shown["accounts"]}
    assert by_platform["bluesky"]["followers_count"] == 1520
    assert by_platform["mastodon"]["state"] == "ok"


def test_refresh_marks_missing_suspended_and_deactivated_accounts(net, empty_db, invoke) -> None:
    net.bsky_errors["suspendu.bsky.social"] = load("bluesky_error_takedown")
    net.bsky_errors["ferme.bsky.social"] = load("bluesky_error_deactivated")
    net.add_masto("mastodon.social", masto_account("banni", "42", suspended=True,
                                                   display_name="", note=""))
    add(invoke, "Disparu", "--bluesky", "disparu.bsky.social",
           "--mastodon", "@disparu@mastodon.social")
    add(invoke, "Suspendu", "--bluesky", "suspendu.bsky.social",
           "--mastodon", "@banni@mastodon.social")
    add(invoke, "Fermé", "--bluesky", "ferme.bsky.social")

    summary = ok(invoke("refresh", "--json"))
    assert summary["states"] == {"not-found": 2, "suspended": 2, "deactivated": 1}
    assert summary["errors"] == []
    assert [(g["platform"], g["handle"], g["state"]) for g in summary["gone"]] == [
        ("bluesky", "disparu.bsky.social", "not-found"),
        ("bluesky", "ferme.bsky.social", "deactivated"),
        ("bluesky", "suspendu.bsky.social", "suspended"),
        ("mastodon", "banni@mastodon.social", "suspended"),
        ("mastodon", "disparu@mastodon.social", "not-found"),
    ]
    human = invoke("refresh")
    assert human.exit_code == 0 and "not-found bluesky:disparu.bsky.social" in human.stdout
    states = {key: row["state"] for key, row in accounts(empty_db).items()}
    assert states == {
        ("bluesky", "disparu.bsky.social"): "not-found",
        ("mastodon", "disparu@mastodon.social"): "not-found",
        ("bluesky", "suspendu.bsky.social"): "suspended",
        ("mastodon", "banni@mastodon.social"): "suspended",
        ("bluesky", "ferme.bsky.social"): "deactivated",
    }


def test_429_with_retry_after_and_500_are_retried(net, directory, invoke) -> None:
    refused: set[str] = set()

    def flaky(request: httpx.Request) -> httpx.Response | None:
        path = request.url.path
        if path.endswith("getProfiles") and path not in refused:
            refused.add(path)
            return reply({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429,
                         retry_after="7")
        if request.url.host == "mastodon.quebec" and "mastodon.quebec" not in refused:
            refused.add("mastodon.quebec")
            return reply({"error": "Internal Server Error"}, 500)
        return None

    net.intercept = flaky
    summary = ok(invoke("refresh", "--json"))
    assert summary["states"] == {"ok": 4} and summary["errors"] == []
    first, retry = net.times("/xrpc/app.bsky.actor.getProfiles")  # two tries, no more
    assert retry - first >= 7.0  # Retry-After honoured (virtual time: nobody slept)
    assert len(net.calls("/api/v1/accounts/lookup", host="mastodon.quebec")) == 2
    stored = accounts(directory)
    assert stored[SECU_BSKY]["followers_count"] == 1520
    assert stored[SECU_MASTO]["display_name"] == "Sécurité civile Montérégie"


@pytest.mark.parametrize("failure", ["503", "connect"])
def test_server_down_keeps_earlier_data_and_exits_1(net, directory, invoke, dump,
                                                    failure) -> None:
    ok(invoke("refresh", "--json"))
    before = dump(directory)

    def down(request: httpx.Request) -> httpx.Response:
        if failure == "503":
            return reply({"error": "Service Unavailable"}, 503)
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    net.intercept = down
    result = invoke("refresh", "--json")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No account could be reached (4 tried)")
    assert "Traceback" not in result.output and result.stdout == ""
    # Nothing reached, nothing written: earlier data, states and check dates all stay.
    assert dump(directory) == before
    assert accounts(directory)[SECU_BSKY]["display_name"] == "Sécurité civile Québec"


def test_a_failed_fetch_keeps_the_last_good_data_beside_its_error(net, directory,
                                                                invoke) -> None:
    ok(invoke("refresh", "--json"))
    before = accounts(directory)[CROIX_MASTO]

    def mastodon_social_down(request: httpx.Request) -> httpx.Response | None:
        if request.url.host == "mastodon.social":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return None

    net.intercept = mastodon_social_down
    summary = ok(invoke("refresh", "--json"))
    assert summary["states"] == {"ok": 3} and len(summary["errors"]) == 1
    after = accounts(directory)[CROIX_MASTO]
    for column in ("display_name", "description", "followers_count", "last_post_at", "state",
                   "remote_id"):
        assert after[column] == before[column], column
    assert after["state"] == "ok" and "could not be reached" in after["last_error"]
    assert after["checked_at"] >= before["checked_at"]


def mastodon_social_503(request: httpx.Request) -> httpx.Response | None:
    """mastodon.social answers 503 to everything; other servers answer as usual."""
    if request.url.host == "mastodon.social":
        return reply({"error": "Service Unavailable"}, 503)
    return None


def test_older_than_retries_the_accounts_whose_fetch_failed(net, directory, invoke) -> None:
    net.intercept = mastodon_social_503
    ok(invoke("refresh", "--json"))
    net.intercept = None
    summary = ok(invoke("refresh", "--older-than", "30", "--json"))
    assert summary["checked"] == 1 and summary["states"] == {"ok": 1}
    row = accounts(directory)[CROIX_MASTO]
    assert (row["state"], row["last_error"]) == ("ok", None)
    assert ok(invoke("refresh", "--older-than", "30", "--json"))["checked"] == 0


def test_some_accounts_failing_is_not_a_failed_command(net, directory, invoke) -> None:
    net.intercept = mastodon_social_503
    summary = ok(invoke("refresh", "--json"))
    assert summary["checked"] == 4 and summary["states"] == {"ok": 3}
    assert [(e["platform"], e["handle"]) for e in summary["errors"]] == [CROIX_MASTO]
    assert "503" in summary["errors"][0]["error"]
    row = accounts(directory)[CROIX_MASTO]
    assert row["state"] == "error" and row["display_name"] is None and "503" in row["last_error"]

    human = invoke("refresh")
    assert human.exit_code == 0
    assert "1 error" in human.stdout and "croixrougeqc@mastodon.social" in human.stdout


def test_one_hanging_account_does_not_hold_the_others(net, directory, invoke,
                                                      monkeypatch) -> None:
    monkeypatch.setenv("MSGU_HTTP_TIMEOUT", "0.25")
    timeouts: list[dict] = []

    def hang(request: httpx.Request) -> httpx.Response | None:
        timeouts.append(request.extensions["timeout"])
        if request.url.params.get("acct") == "croixrougeqc":
            raise httpx.ReadTimeout("timed out", request=request)
        return None

    net.intercept = hang
    summary = ok(invoke("refresh", "--json"))
    assert summary["states"] == {"ok": 3}
    assert len(summary["errors"]) == 1 and "in time" in summary["errors"][0]["error"]
    stored = accounts(directory)
    assert stored[SECU_MASTO]["state"] == "ok" and stored[SECU_BSKY]["state"] == "ok"
    assert "did not answer in time" in stored[CROIX_MASTO]["last_error"]
    assert 1 < len(net.calls("/api/v1/accounts/lookup", host="mastodon.social")) <= 5
    assert timeouts and all(t["read"] == 0.25 and t["connect"] == 0.25 for t in timeouts)


def test_a_renamed_bluesky_account_is_found_by_its_did(net, directory, invoke) -> None:
    ok(invoke("refresh", "--json"))  # learns the DIDs
    view = net.bsky.pop(SECU_BSKY[1])
    net.add_bsky(dict(view, handle="securitecivile.quebec", followersCount=1600))
    summary = ok(invoke("refresh", "--json"))
    assert summary["states"] == {"ok": 4}  # not "not-found": the account is alive
    row = accounts(directory)[SECU_BSKY]
    assert row["state"] == "ok" and row["followers_count"] == 1600
    assert row["last_error"] == "the handle is now securitecivile.quebec"


def test_bad_timeout_setting_is_a_clear_error(net, directory, invoke, monkeypatch) -> None:
    monkeypatch.setenv("MSGU_HTTP_TIMEOUT", "soon")
    result = invoke("refresh")
    assert result.exit_code == 1 and result.stderr.startswith("Error: MSGU_HTTP_TIMEOUT")
    assert net.requests == []


def test_refresh_never_overwrites_what_a_person_wrote(net, directory, invoke) -> None:
    before = ok(invoke("show", "Sécurité civile Québec", "--json"))
    ok(invoke("refresh", "--json"))
    after = ok(invoke("show", "Sécurité civile Québec", "--json"))
    for field in ("name", "kind", "topics", "notes", "status", "description", "source",
                  "region", "languages"):
        assert after[field] == before[field], field
    assert after["name"] == "Sécurité civile Québec"  # not the fetched "… Montérégie"
    assert after["description"] == "Ma description"


def test_platform_filters_and_unfetchable_platforms(net, directory, invoke, db_path,
                                                    dump) -> None:
    before = dump(db_path)
    refused = invoke("refresh", "--platform", "x")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error:")
    assert "x" in refused.stderr and "bluesky" in refused.stderr
    assert net.requests == [] and dump(db_path) == before

    summary = ok(invoke("refresh", "--platform", "bluesky", "--json"))
    assert summary["checked"] == 2 and summary["states"] == {"ok": 2}
    assert net.hosts() == {"public.api.bsky.app"}
    stored = accounts(db_path)
    assert stored[SECU_MASTO]["checked_at"] is None and stored[CROIX_MASTO]["checked_at"] is None

    human = invoke("refresh", "Météo Mauricie")
    assert human.exit_code == 0
    assert "no public API" in human.stdout and "x (1)" in human.stdout


def test_refresh_ref_limits_to_that_contact(net, directory, invoke) -> None:
    summary = ok(invoke("refresh", "@CroixRougeQC@mastodon.social", "--json"))
    assert summary["checked"] == 1 and summary["skipped_platforms"] == {}
    assert net.hosts() == {"mastodon.social"}
    stored = accounts(directory)
    assert stored[CROIX_MASTO]["state"] == "ok"
    assert stored[SECU_BSKY]["checked_at"] is None

    unknown = invoke("refresh", "Personne de ce nom")
    assert unknown.exit_code == 1 and unknown.stderr.startswith("Error:")


def test_older_than_skips_recently_checked_accounts(net, directory, invoke) -> None:
    ok(invoke("refresh", "--json"))
    add(invoke, "Nouveau", "--bluesky", "nouveau.bsky.social")
    net.add_bsky(bsky_view("nouveau.bsky.social", "did:plc:nouveau", displayName="Nouveau"))
    net.requests.clear()
    summary = ok(invoke("refresh", "--older-than", "30", "--json"))
    assert summary["checked"] == 1 and summary["states"] == {"ok": 1}
    actors = [a for u in net.calls("/xrpc/app.bsky.actor.getProfiles")
              for a in u.params.get_list("actors")]
    assert actors == ["nouveau.bsky.social"]
    assert net.hosts() == {"public.api.bsky.app"}
    assert ok(invoke("refresh", "--older-than", "0", "--json"))["checked"] == 5


@pytest.mark.parametrize("crash", [KeyboardInterrupt, RuntimeError])
def test_results_are_committed_as_they_arrive(net, directory, invoke, crash,
                                              monkeypatch) -> None:
    # A crash in the middle of a run, as a user meets it (no test switch re-raising it).
    monkeypatch.delenv("MSGU_RAISE_ERRORS")
    add(invoke, "Disparu", "--bluesky", "a-disparu.bsky.social")
    # Bluesky accounts are fetched in handle order: a-disparu, meteo-mauricie, securitecivile-qc.
    def crash_on_third(request: httpx.Request) -> None:
        if request.url.params.get("actor") == "did:plc:4qkxw7pftw3dkgmy5j3fvmaa":
            raise crash("boom")

    net.intercept = crash_on_third
    result = invoke("refresh")
    assert result.exit_code == (130 if crash is KeyboardInterrupt else 1)
    assert "Traceback" not in result.output
    stored = accounts(directory)
    assert stored[("bluesky", "a-disparu.bsky.social")]["state"] == "not-found"
    assert stored[METEO_BSKY]["state"] == "ok"
    assert stored[METEO_BSKY]["display_name"] == "Météo Mauricie"
    assert stored[SECU_BSKY]["state"] is None


def test_malformed_json_and_unauthenticated_servers_are_clean_errors(net, directory,
                                                                     invoke) -> None:
    def broken(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("getProfiles"):
            return httpx.Response(200, text='{"profiles": [{"did": ',
                                  headers={"content-type": "application/json"})
        if request.url.host == "mastodon.social":
            return reply(load("mastodon_error_unauthenticated"), 401)
        return None

    net.intercept = broken
    summary = ok(invoke("refresh", "--json"))
    assert summary["states"] == {"ok": 1}
    errors = {(e["platform"], e["handle"]): e["error"] for e in summary["errors"]}
    assert set(errors) == {SECU_BSKY, METEO_BSKY, CROIX_MASTO}
    assert "not JSON" in errors[SECU_BSKY]
    assert "unauthenticated" in errors[CROIX_MASTO]
    assert "This API requires an authenticated user" in errors[CROIX_MASTO]
    stored = accounts(directory)
    assert "not JSON" in stored[METEO_BSKY]["last_error"]
    assert "authenticated" in stored[CROIX_MASTO]["last_error"]

    human = invoke("refresh")
    assert human.exit_code == 0 and "Traceback" not in human.output
    assert "3 errors" in human.stdout


def test_server_messages_are_printed_as_text_not_markup(net, directory, invoke) -> None:
    def odd(request: httpx.Request) -> httpx.Response | None:
        if request.url.host == "mastodon.social":
            return reply({"error": "Refusé [/b] par [bold]la politique[/bold]"}, 422)
        return None

    net.intercept = odd
    human = invoke("refresh")
    assert human.exit_code == 0, human.output
    assert "Refusé [/b] par [bold]la politique[/bold]" in " ".join(human.stdout.split())


def test_json_summary_is_the_only_thing_on_stdout(net, directory, invoke) -> None:
    result = invoke("refresh", "--json")
    assert result.exit_code == 0
    json.loads(result.stdout)  # no progress bar or table mixed in
    assert result.stderr == ""  # stderr is not a terminal here: no bar residue either


def test_progress_bar_goes_to_a_terminal_stderr(net, directory, invoke, monkeypatch) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich: treat the output as a terminal
    result = invoke("refresh", "--json")
    assert result.exit_code == 0
    assert "Refreshing" in result.stderr and "4/4" in result.stderr
    assert json.loads(result.stdout)["checked"] == 4


def test_activity_of_a_long_silent_account_costs_points(net, empty_db, invoke) -> None:
    net.add_bsky(bsky_view("silencieux.bsky.social", "did:plc:silence"),
                 feed_at("2020-01-05T10:00:00.000Z"))
    net.add_bsky(bsky_view("actif.bsky.social", "did:plc:actif"),
                 feed_at("2099-01-01T10:00:00.000Z"))
    add(invoke, "Silencieux", "--bluesky", "silencieux.bsky.social",
           "--topic", "inondations")
    add(invoke, "Actif", "--bluesky", "actif.bsky.social", "--topic", "inondations")
    ok(invoke("refresh", "--json"))
    ranked = {r["name"]: r for r in ok(invoke("recommend", "--topic", "inondations", "--json"))}
    activity = [r for r in ranked["Silencieux"]["reasons"] if r["signal"] == "activity"]
    assert len(activity) == 1 and activity[0]["points"] < 0
    assert "2020-01-05" in activity[0]["detail"]
    assert not [r for r in ranked["Actif"]["reasons"] if r["signal"] == "activity"]
    assert ranked["Actif"]["rank"] < ranked["Silencieux"]["rank"]


def test_recommend_drops_a_contact_whose_only_account_is_gone(net, empty_db, invoke) -> None:
    add(invoke, "Disparu", "--bluesky", "disparu.bsky.social", "--x", "@disparu",
           "--topic", "inondations")
    add(invoke, "Vivant", "--bluesky", "securitecivile-qc.bsky.social",
           "--topic", "inondations")
    names = [r["name"] for r in ok(invoke("recommend", "--topic", "inondations", "--json"))]
    assert names.count("Disparu") == 1
    ok(invoke("refresh", "--json"))
    assert accounts(empty_db)[("bluesky", "disparu.bsky.social")]["state"] == "not-found"
    names = [r["name"] for r in ok(invoke("recommend", "--topic", "inondations", "--json"))]
    assert "Disparu" not in names and "Vivant" in names

