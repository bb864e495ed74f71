"""The clients layer on httpx.MockTransport: documented JSON shapes, no network, no sleeping."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakenet import install
from hypothesis import given
from hypothesis import strategies as st

import msgu_cli
from msgu_cli.clients import bluesky, mastodon, social
from msgu_cli.clients import models as social_models
from msgu_cli.clients.http import (
    RateLimiter,
    backoff_delay,
    limiter_for,
    make_http_client,
    request_json,
)
from msgu_cli.clients.models import FetchFailure, RemoteProfile
from msgu_cli.clients.pool import lanes, stream
from msgu_cli.errors import ApiError, InvalidInput

FIXTURES = Path(__file__).parent / "fixtures"
NOW = 1_750_000_000.0
BSKY = "https://public.api.bsky.app/xrpc"
MASTO = "https://mastodon.quebec/api/v1"
Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def reply(data: Any, status: int = 200, **headers: str) -> httpx.Response:
    names = {key.replace("_", "-"): value for key, value in headers.items()}
    return httpx.Response(status, json=data, headers=names)


class Server:
    """Answers per path from a queue (the last reply repeats) and records every request."""

    def __init__(self, routes: dict[str, Reply | list[Reply]]) -> None:
        self.routes = {path: v if isinstance(v, list) else [v] for path, v in routes.items()}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.routes.get(request.url.path)
        if queue is None:
            raise AssertionError(f"unexpected request {request.url}")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    def calls(self, path: str) -> list[httpx.URL]:
        return [request.url for request in self.requests if request.url.path == path]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MSGU_HTTP_TIMEOUT", "MSGU_BLUESKY_API", "MSGU_MASTODON_INSTANCES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def connect() -> Iterator[Callable[[Server], httpx.Client]]:
    clients: list[httpx.Client] = []

    def _connect(server: Server) -> httpx.Client:
        clients.append(make_http_client(transport=httpx.MockTransport(server)))
        return clients[-1]

    yield _connect
    for client in clients:
        client.close()


@pytest.fixture
def sleeps() -> list[float]:
    return []


def quiet() -> RateLimiter:
    """No spacing between requests, so the recorded sleeps are only the ones under test."""
    return RateLimiter(min_interval=0)


def get(client: httpx.Client, sleeps: list[float], url: str = f"{MASTO}/x", **kw: Any) -> Any:
    kw.setdefault("limiter", quiet())
    # A virtual clock: it starts at NOW and moves on by exactly what was slept.
    return request_json(client, "GET", url, sleep=sleeps.append, clock=lambda: NOW + sum(sleeps),
                        **kw)


# --- http: factory ----------------------------------------------------------------------------


def test_client_sends_user_agent_and_accept(connect, sleeps) -> None:
    server = Server({"/api/v1/x": reply({"ok": True})})
    answer = get(connect(server), sleeps)
    headers = server.requests[0].headers
    assert headers["user-agent"] == f"msgu/{msgu_cli.__version__} (+https://github.com/msgu)"
    assert headers["accept"] == "application/json"
    assert (answer.status, answer.data, answer.url) == (200, {"ok": True}, f"{MASTO}/x")


@pytest.mark.parametrize(("env", "expected"), [(None, 10.0), ("2.5", 2.5), (" 30 ", 30.0)])
def test_timeout_comes_from_env(monkeypatch, env, expected) -> None:
    if env is not None:
        monkeypatch.setenv("MSGU_HTTP_TIMEOUT", env)
    with make_http_client() as client:
        assert client.timeout.read == client.timeout.connect == expected
    with make_http_client(timeout=3) as client:
        assert client.timeout.read == 3


@pytest.mark.parametrize("env", ["abc", "0", "-1", "nan", "inf"])
def test_bad_timeout_is_a_clear_user_error(monkeypatch, env) -> None:
    monkeypatch.setenv("MSGU_HTTP_TIMEOUT", env)
    with pytest.raises(InvalidInput, match="MSGU_HTTP_TIMEOUT must be a number of seconds"):
        make_http_client()


def test_importing_clients_does_not_import_httpx() -> None:
    code = "import sys, msgu_cli.clients, msgu_cli.clients.models; print('httpx' in sys.modules)"
    src = str(Path(msgu_cli.__file__).parent.parent)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": src}, check=True)
    assert done.stdout.strip() == "False"


def test_import_from_a_url_goes_through_the_factory(monkeypatch, empty_db, invoke, dump) -> None:
    net = install(monkeypatch)
    url = "https://donnees.example.org/annuaire.csv"
    net.files[url] = httpx.Response(200, text="name,bluesky\nCentre de crise,crise.bsky.social\n",
                                    headers={"content-type": "text/csv"})
    result = invoke("import", url)
    assert result.exit_code == 0, result.output
    [request] = net.requests
    assert request.headers["user-agent"].startswith(f"msgu/{msgu_cli.__version__}")
    assert request.extensions["timeout"]["read"] == 10.0
    shown = invoke("show", "crise.bsky.social", "--json")
    assert json.loads(shown.stdout)["name"] == "Centre de crise"

    before = dump(empty_db)
    net.intercept = lambda request: httpx.Response(404)
    missing = invoke("import", "https://donnees.example.org/absent.csv")
    assert missing.exit_code == 1 and missing.stderr.startswith("Error:")
    assert "404" in missing.stderr and dump(empty_db) == before


# --- http: retries and rate limits ------------------------------------------------------------


def _http_date(moment: float) -> str:
    return format_datetime(datetime.fromtimestamp(moment, UTC), usegmt=True)


def _iso6(moment: float) -> str:  # Ruby's Time#iso8601(6), as Mastodon's rack_attack.rb sends it
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": _http_date(NOW + 30)}, 30.0),
        ({"RateLimit-Limit": "3000", "RateLimit-Remaining": "0",  # Bluesky: epoch seconds
          "RateLimit-Reset": str(int(NOW) + 20), "RateLimit-Policy": "3000;w=300"}, 20.0),
        ({"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",  # Mastodon: ISO 8601
          "X-RateLimit-Reset": _iso6(NOW + 42.25)}, 42.25),
    ],
)
def test_429_waits_as_long_as_the_server_says(connect, sleeps, headers, wait) -> None:
    throttled = httpx.Response(429, json=load("mastodon_error_throttled"), headers=headers)
    server = Server({"/api/v1/x": [throttled, reply({"ok": True})]})
    assert get(connect(server), sleeps).data == {"ok": True}
    assert sleeps == [pytest.approx(wait)]
    assert len(server.requests) == 2


def test_503_retry_after_is_honoured(connect, sleeps) -> None:
    server = Server({"/api/v1/x": [httpx.Response(503, headers={"Retry-After": "3"}),
                                   reply([])]})
    assert get(connect(server), sleeps).data == []
    assert sleeps == [3.0]


def test_rate_limit_beyond_the_cap_fails_fast_and_blocks_the_host(connect, sleeps) -> None:
    server = Server({"/api/v1/x": httpx.Response(429, headers={"Retry-After": "3600"})})
    client, limiter = connect(server), quiet()
    with pytest.raises(ApiError, match="has rate limited msgu for") as caught:
        get(client, sleeps, limiter=limiter)
    assert (caught.value.status, len(server.requests), sleeps) == (429, 1, [])
    with pytest.raises(ApiError, match="has rate limited msgu for"):
        get(client, sleeps, limiter=limiter)
    assert len(server.requests) == 1  # refused without asking again


def test_500_then_success_backs_off_once(connect, sleeps) -> None:
    server = Server({"/api/v1/x": [httpx.Response(500), reply({"ok": True})]})
    assert get(connect(server), sleeps, rng=lambda: 1.0).status == 200
    assert sleeps == [0.5]


def test_repeated_500_gives_up_after_bounded_tries(connect, sleeps) -> None:
    server = Server({"/api/v1/x": httpx.Response(502)})
    client, limiter = connect(server), quiet()
    with pytest.raises(ApiError, match="answered HTTP 502 Bad Gateway after 5 attempt") as caught:
        get(client, sleeps, limiter=limiter, rng=lambda: 1.0)
    assert (caught.value.status, caught.value.url) == (502, f"{MASTO}/x")
    assert sleeps == [0.5, 1.0, 2.0, 4.0]
    with pytest.raises(ApiError, match="after 1 attempt"):  # a failing host gets one try
        get(client, sleeps, limiter=limiter)
    assert len(server.requests) == 6


def test_retries_parameter_bounds_attempts(connect, sleeps) -> None:
    server = Server({"/api/v1/x": httpx.Response(504)})
    with pytest.raises(ApiError):
        get(connect(server), sleeps, retries=2)
    assert len(server.requests) == 3


def test_timeouts_are_retried_then_reported(connect, sleeps) -> None:
    server = Server({"/api/v1/x": httpx.ReadTimeout("timed out")})
    with pytest.raises(ApiError, match="mastodon.quebec did not answer in time") as caught:
        get(connect(server), sleeps)
    assert (len(server.requests), len(sleeps), caught.value.status) == (5, 4, None)


def test_connection_refused_then_success(connect, sleeps) -> None:
    server = Server({"/api/v1/x": [httpx.ConnectError("[Errno 111] Connection refused"),
                                   reply({"ok": True})]})
    assert get(connect(server), sleeps, rng=lambda: 0.5).data == {"ok": True}
    assert sleeps == [0.25]


def test_connection_refused_for_good(connect, sleeps) -> None:
    server = Server({"/api/v1/x": httpx.ConnectError("[Errno 111] Connection refused")})
    with pytest.raises(ApiError, match="could not be reached after 5 attempt"):
        get(connect(server), sleeps)


def test_malformed_json_is_an_api_error(connect, sleeps) -> None:
    page = httpx.Response(200, text="<html>Bienvenue</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(ApiError, match="something that is not JSON") as caught:
        get(connect(Server({"/api/v1/x": page})), sleeps)
    assert caught.value.status == 200


def test_other_4xx_are_returned_for_the_caller(connect, sleeps) -> None:
    server = Server({"/api/v1/x": httpx.Response(404, text="<h1>Not found</h1>")})
    answer = get(connect(server), sleeps)
    assert (answer.status, answer.data, answer.ok, answer.problem()) == (404, None, False,
                                                                        "HTTP 404")


@pytest.mark.parametrize("status", [401, 403])
def test_unauthenticated_access_refused(connect, sleeps, status) -> None:
    body = load("mastodon_error_unauthenticated")
    with pytest.raises(ApiError, match="refuses unauthenticated access") as caught:
        get(connect(Server({"/api/v1/x": reply(body, status)})), sleeps)
    assert "This API requires an authenticated user" in str(caught.value)
    assert caught.value.status == status


def test_spent_budget_delays_the_next_request_to_that_host(connect, sleeps) -> None:
    spent = reply({}, x_ratelimit_remaining="0", x_ratelimit_reset=_iso6(NOW + 12))
    server = Server({"/api/v1/x": [spent, reply({})], "/other": reply({})})
    client, limiter = connect(server), quiet()
    get(client, sleeps, limiter=limiter)
    get(client, sleeps, "https://other.example/other", limiter=limiter)
    assert sleeps == []  # another host is not held up
    get(client, sleeps, limiter=limiter)
    get(client, sleeps, limiter=limiter)
    assert sleeps == [pytest.approx(12.0)]


def test_spent_budget_beyond_the_cap_refuses_without_asking(connect, sleeps) -> None:
    spent = reply({}, ratelimit_remaining="0", ratelimit_reset=str(int(NOW) + 600))
    server = Server({"/api/v1/x": spent})
    client, limiter = connect(server), quiet()
    get(client, sleeps, limiter=limiter)
    with pytest.raises(ApiError, match="has rate limited msgu"):
        get(client, sleeps, limiter=limiter)
    assert len(server.requests) == 1


def test_requests_to_one_host_are_spaced(connect, sleeps) -> None:
    server = Server({"/api/v1/x": reply({}), "/y": reply({})})
    client, limiter = connect(server), RateLimiter(min_interval=1.0)
    for url in (f"{MASTO}/x", f"{MASTO}/x", "https://bsky.example/y"):
        get(client, sleeps, url, limiter=limiter)
    assert sleeps == [1.0]


def test_paging_budget_counts_only_paging_requests(connect, sleeps) -> None:
    server = Server({"/api/v1/x": reply([])})
    client = connect(server)
    limiter = RateLimiter(min_interval=0, paging_budget=2, paging_window=100)
    get(client, sleeps, params={"limit": 80}, limiter=limiter)
    get(client, sleeps, params={"max_id": "9"}, limiter=limiter)
    get(client, sleeps, params={"max_id": "8"}, limiter=limiter)
    assert sleeps == []
    get(client, sleeps, params={"max_id": "7"}, limiter=limiter)
    assert sleeps == [100.0]


def test_limiter_lives_with_its_client(connect) -> None:
    first, second = connect(Server({})), connect(Server({}))
    assert limiter_for(first) is limiter_for(first)
    assert limiter_for(first) is not limiter_for(second)


@given(st.integers(min_value=0, max_value=200), st.floats(min_value=0, max_value=0.999999))
def test_backoff_has_full_jitter_under_the_cap(attempt: int, draw: float) -> None:
    delay = backoff_delay(attempt, rng=lambda: draw)
    assert 0 <= delay <= min(30.0, 0.5 * 2**attempt)
    assert delay == pytest.approx(draw * min(30.0, 0.5 * 2 ** min(attempt, 32)))


# --- bluesky ----------------------------------------------------------------------------------


def _bsky_view(number: int) -> dict[str, Any]:
    view = copy.deepcopy(load("bluesky_getProfiles")["profiles"][0])
    view.update(handle=f"org{number}.bsky.social", did=f"did:plc:{number:024d}")
    return view


def _get_profiles(missing: set[str]) -> Callable[[httpx.Request], httpx.Response]:
    """getProfiles leaves out whom it cannot show, as the AppView does."""

    def answer(request: httpx.Request) -> httpx.Response:
        actors = request.url.params.get_list("actors")
        views = [_bsky_view(int(a[3:].split(".")[0])) for a in actors if a not in missing]
        return reply({"profiles": views[::-1]})  # order is not promised

    return answer


def _get_profile(request: httpx.Request) -> httpx.Response:
    fixture = {"org3.bsky.social": "not_found", "org4.bsky.social": "takedown",
               "org5.bsky.social": "deactivated"}[request.url.params["actor"]]
    return reply(load(f"bluesky_error_{fixture}"), 400)


def _bsky_server(missing: set[str] | None = None) -> Server:
    return Server({
        "/xrpc/app.bsky.actor.getProfiles": _get_profiles(missing or set()),
        "/xrpc/app.bsky.actor.getProfile": _get_profile,
        "/xrpc/app.bsky.feed.getAuthorFeed": reply(load("bluesky_getAuthorFeed")),
    })


def test_bluesky_profiles_come_in_batches_of_25(connect, sleeps) -> None:
    server = _bsky_server({"org3.bsky.social", "org4.bsky.social", "org5.bsky.social"})
    handles = ["@Org0.bsky.social"] + [f"org{n}.bsky.social" for n in range(1, 30)]
    results = list(bluesky.fetch_profiles(connect(server), handles + ["org1.bsky.social"],
                                          sleep=sleeps.append, limiter=quiet()))
    batches = [url.params.get_list("actors") for url in server.calls(
        "/xrpc/app.bsky.actor.getProfiles")]
    assert [len(batch) for batch in batches] == [25, 5]
    assert batches[0][0] == "org0.bsky.social"
    assert [r.query for r in results] == [f"org{n}.bsky.social" for n in range(30)]
    assert [r.state for r in results[2:7]] == ["ok", "not-found", "suspended", "deactivated", "ok"]
    assert [url.params["actor"] for url in server.calls("/xrpc/app.bsky.actor.getProfile")] == [
        "org3.bsky.social", "org4.bsky.social", "org5.bsky.social"]
    feeds = server.calls("/xrpc/app.bsky.feed.getAuthorFeed")
    assert len(feeds) == 27 and feeds[0].params["limit"] == "1"
    assert feeds[0].params["actor"] == "did:plc:000000000000000000000000"
    assert sleeps == []


def test_bluesky_profile_fields(connect, sleeps, monkeypatch) -> None:
    monkeypatch.setenv("MSGU_BLUESKY_API", "https://appview.example/")
    server = Server({
        "/xrpc/app.bsky.actor.getProfiles": reply(load("bluesky_getProfiles")),
        "/xrpc/app.bsky.feed.getAuthorFeed": [reply(load("bluesky_getAuthorFeed")),
                                              reply(load("bluesky_getAuthorFeed_repost"))],
    })
    first, second = bluesky.fetch_profiles(
        connect(server), ["SecuriteCivile-QC.bsky.social", "did:plc:ewvi7nxzyoun6zhxrhs64oiz"],
        sleep=sleeps.append, limiter=quiet())
    assert first == RemoteProfile(
        platform="bluesky", handle="securitecivile-qc.bsky.social", state="ok",
        remote_id="did:plc:4qkxw7pftw3dkgmy5j3fvmaa", display_name="Sécurité civile Québec",
        description="Alertes et conseils de prévention en sécurité civile.\n"
        "Inondations, feux de forêt, verglas.",
        followers_count=1520, following_count=310, posts_count=842,
        last_post_at="2025-03-14T15:09:27.112Z",
        url="https://bsky.app/profile/securitecivile-qc.bsky.social",
        query="securitecivile-qc.bsky.social",
    )
    assert second.handle == "meteo-mauricie.bsky.social"
    assert second.query == "did:plc:ewvi7nxzyoun6zhxrhs64oiz"  # maps back to what was asked
    assert second.last_post_at == "2025-01-03T07:30:00.000Z"  # the repost's own date
    assert second.description is None
    assert {url.host for url in server.calls("/xrpc/app.bsky.actor.getProfiles")} == {
        "appview.example"}


def test_bluesky_accounts_with_a_known_did_are_asked_by_did(connect, sleeps) -> None:
    """A handle changes (org.bsky.social -> org.ca); the DID learnt earlier does not."""
    renamed = dict(load("bluesky_getProfiles")["profiles"][0], handle="SecuriteCivile.Quebec")
    server = Server({
        "/xrpc/app.bsky.actor.getProfiles": reply({"profiles": []}),  # left out: ask alone
        "/xrpc/app.bsky.actor.getProfile": reply(renamed),
        "/xrpc/app.bsky.feed.getAuthorFeed": reply(load("bluesky_getAuthorFeed")),
    })
    did = renamed["did"]
    [profile] = bluesky.fetch_profiles(
        connect(server), ["securitecivile-qc.bsky.social"],
        dids={"securitecivile-qc.bsky.social": did}, sleep=sleeps.append, limiter=quiet())
    assert server.calls("/xrpc/app.bsky.actor.getProfiles")[0].params.get_list("actors") == [did]
    assert server.calls("/xrpc/app.bsky.actor.getProfile")[0].params["actor"] == did
    assert (profile.state, profile.handle, profile.query) == (
        "ok", "securitecivile.quebec", "securitecivile-qc.bsky.social")
    assert profile.error == "the handle is now securitecivile.quebec"


def test_bluesky_bad_base_url_env(monkeypatch) -> None:
    monkeypatch.setenv("MSGU_BLUESKY_API", "public.api.bsky.app")
    with pytest.raises(InvalidInput, match="MSGU_BLUESKY_API"):
        bluesky.bluesky_base_url()


def test_bluesky_profiles_without_last_post(connect, sleeps) -> None:
    server = _bsky_server({"org3.bsky.social"})
    results = list(bluesky.fetch_profiles(connect(server), ["org1.bsky.social", "org3.bsky.social"],
                                          sleep=sleeps.append, limiter=quiet(), last_post=False))
    assert [(r.state, r.last_post_at) for r in results] == [("ok", None), ("not-found", None)]
    assert server.calls("/xrpc/app.bsky.feed.getAuthorFeed") == []


def test_bluesky_refused_batch_falls_back_to_one_by_one(connect, sleeps) -> None:
    invalid = {"error": "InvalidRequest", "message": "Error: actors/1 must be a valid handle"}
    server = _bsky_server()
    server.routes["/xrpc/app.bsky.actor.getProfiles"] = [reply(invalid, 400)]
    server.routes["/xrpc/app.bsky.actor.getProfile"] = [
        lambda request: reply(_bsky_view(1)) if request.url.params["actor"] == "org1.bsky.social"
        else reply({**invalid, "message": "Error: actor must be a valid did or a handle"}, 400)]
    ok, bad = bluesky.fetch_profiles(connect(server), ["org1.bsky.social", "bad_handle"],
                                     sleep=sleeps.append, limiter=quiet())
    assert (ok.state, ok.handle, ok.followers_count) == ("ok", "org1.bsky.social", 1520)
    assert isinstance(bad, FetchFailure) and bad.status == 400
    assert "must be a valid did or a handle" in str(bad.error)


def test_bluesky_failed_batch_does_not_lose_the_others(connect, sleeps) -> None:
    def flaky(request: httpx.Request) -> httpx.Response:
        if "org0.bsky.social" in request.url.params.get_list("actors"):
            raise httpx.ConnectError("[Errno 111] Connection refused")
        return _get_profiles(set())(request)

    server = _bsky_server()
    server.routes["/xrpc/app.bsky.actor.getProfiles"] = [flaky]
    handles = [f"org{n}.bsky.social" for n in range(30)]
    results = list(bluesky.fetch_profiles(connect(server), handles, sleep=sleeps.append,
                                          limiter=quiet()))
    failures = [r for r in results if isinstance(r, FetchFailure)]
    assert len(failures) == 25 and failures[0].handle == "org0.bsky.social"
    assert "could not be reached" in str(failures[0].error)
    assert [r.state for r in results[25:]] == ["ok"] * 5
    assert len(sleeps) == 4  # back-offs of the failed batch only


def test_bluesky_unreadable_feed_keeps_the_profile(connect, sleeps) -> None:
    server = _bsky_server()
    server.routes["/xrpc/app.bsky.feed.getAuthorFeed"] = [httpx.Response(400, json={
        "error": "InvalidRequest", "message": "Profile not found"})]
    (result,) = bluesky.fetch_profiles(connect(server), ["org1.bsky.social"],
                                       sleep=sleeps.append, limiter=quiet())
    assert (result.state, result.followers_count, result.last_post_at) == ("ok", 1520, None)
    assert result.error.startswith("last post date unavailable")


def test_bluesky_profile_without_posts(connect, sleeps) -> None:
    server = _bsky_server()
    server.routes["/xrpc/app.bsky.feed.getAuthorFeed"] = [reply(load(
        "bluesky_getAuthorFeed_empty"))]
    (result,) = bluesky.fetch_profiles(connect(server), ["org1.bsky.social"],
                                       sleep=sleeps.append, limiter=quiet())
    assert (result.state, result.last_post_at, result.error) == ("ok", None, None)


def _get_follows(request: httpx.Request) -> httpx.Response:
    cursor = request.url.params.get("cursor")
    return reply(load("bluesky_getFollows_page2" if cursor == "3lbxsz2gqtd2e" else
                      "bluesky_getFollows_page1"))


@pytest.mark.parametrize(("limit", "sizes", "count"), [(None, ["100", "100"], 5),
                                                       (4, ["4", "1"], 4), (2, ["2"], 2)])
def test_bluesky_follows_follow_the_cursor(connect, sleeps, limit, sizes, count) -> None:
    server = Server({"/xrpc/app.bsky.graph.getFollows": _get_follows})
    follows = list(bluesky.fetch_follows(connect(server), "@SecuriteCivile-QC.bsky.social",
                                         limit=limit, sleep=sleeps.append, limiter=quiet()))
    calls = server.calls("/xrpc/app.bsky.graph.getFollows")
    assert [url.params["limit"] for url in calls] == sizes
    assert {url.params["actor"] for url in calls} == {"securitecivile-qc.bsky.social"}
    assert [url.params.get("cursor") for url in calls][1:] == ["3lbxsz2gqtd2e"][: len(calls) - 1]
    handles = ["meteo-mauricie.bsky.social", "environnement-canada.bsky.social",
               "did:plc:b2kutgxqlltwc6lhs724cfwr",  # handle.invalid: the DID stands in
               "croixrouge-qc.bsky.social", "hydro-quebec-pannes.bsky.social"]
    assert [f.handle for f in follows] == handles[:count]
    assert all(f.followers_count is None and f.state == "ok" for f in follows)


def test_bluesky_follows_of_an_unknown_actor(connect, sleeps) -> None:
    server = Server({"/xrpc/app.bsky.graph.getFollows": reply(
        load("bluesky_error_not_found"), 400)})
    with pytest.raises(ApiError, match="Profile not found") as caught:
        list(bluesky.fetch_follows(connect(server), "nobody.bsky.social", limit=None,
                                   sleep=sleeps.append, limiter=quiet()))
    assert caught.value.status == 400


# --- mastodon ---------------------------------------------------------------------------------

NOTE_TEXT = ("Compte officiel de la direction régionale.\n"
             "Alertes & prévention : crues, verglas, chaleur.\n\n"
             "Site : https://www.quebec.ca/securite-situations-urgence #SMEM")


def test_mastodon_profile_from_the_home_server(connect, sleeps) -> None:
    server = Server({"/api/v1/accounts/lookup": reply(load("mastodon_lookup"))})
    result = mastodon.fetch_profile(connect(server), " @SecuriteCivile@Mastodon.Quebec",
                                    sleep=sleeps.append, limiter=quiet())
    assert str(server.requests[0].url) == f"{MASTO}/accounts/lookup?acct=securitecivile"
    assert result == RemoteProfile(
        platform="mastodon", handle="securitecivile@mastodon.quebec", state="ok",
        remote_id="109345987654321012", display_name="Sécurité civile Montérégie",
        description=NOTE_TEXT, followers_count=2310, following_count=145, posts_count=1204,
        last_post_at="2025-03-12", url="https://mastodon.quebec/@SecuriteCivile",
        query="securitecivile@mastodon.quebec",
        verified_links=("https://www.quebec.ca",),  # its one field with `verified_at`
    )


@pytest.mark.parametrize(("html", "text"), [
    ("<p>Un<br>deux<br/>trois</p>", "Un\ndeux\ntrois"),
    ("<p>a</p><p>b</p>", "a\n\nb"),
    ("<p>Qu&#39;il &lt;pleuve&gt; &eacute;t&eacute;</p>", "Qu'il <pleuve> été"),
    ("  <p>  espaces   multiples \n ici </p> ", "espaces multiples ici"),
    ("", ""),
])
def test_mastodon_note_html_to_text(html: str, text: str) -> None:
    assert mastodon.html_to_text(html) == text


def test_mastodon_instances_override(connect, sleeps, monkeypatch) -> None:
    monkeypatch.setenv("MSGU_MASTODON_INSTANCES",
                       "Mastodon.Quebec=https://api.mastodon.quebec/, x.org=http://localhost:3000")
    assert mastodon.instance_base_url("mastodon.quebec") == "https://api.mastodon.quebec"
    assert mastodon.instance_base_url("other.social") == "https://other.social"
    server = Server({"/api/v1/accounts/lookup": reply(load("mastodon_lookup"))})
    result = mastodon.fetch_profile(connect(server), "securitecivile@mastodon.quebec",
                                    sleep=sleeps.append, limiter=quiet())
    assert server.requests[0].url.host == "api.mastodon.quebec"
    assert result.handle == "securitecivile@mastodon.quebec"  # still the account's domain


@pytest.mark.parametrize("env", ["mastodon.quebec", "a.org=ftp://a.org", "=https://a.org"])
def test_mastodon_instances_malformed(monkeypatch, env) -> None:
    monkeypatch.setenv("MSGU_MASTODON_INSTANCES", env)
    with pytest.raises(InvalidInput, match="MSGU_MASTODON_INSTANCES must be"):
        mastodon.instance_base_url("a.org")


def test_mastodon_not_found_and_not_mastodon(connect, sleeps) -> None:
    server = Server({"/api/v1/accounts/lookup": [
        reply(load("mastodon_error_not_found"), 404),
        httpx.Response(404, text="<html>Page introuvable</html>")]})
    results = list(mastodon.fetch_profiles(
        connect(server), ["gone@mastodon.quebec", "x@blog.example", "GONE@mastodon.quebec",
                          "pas-une-adresse"], sleep=sleeps.append, limiter=quiet()))
    assert results[0] == RemoteProfile("mastodon", "gone@mastodon.quebec", state="not-found",
                                       query="gone@mastodon.quebec")
    assert isinstance(results[1], FetchFailure) and results[1].status == 404
    assert "MSGU_MASTODON_INSTANCES" in str(results[1].error)
    assert isinstance(results[2], FetchFailure) and "user@server" in str(results[2].error)
    assert len(results) == 3 and len(server.requests) == 2


@pytest.mark.parametrize(("change", "state", "moved_to"), [
    ({"suspended": True, "display_name": "", "note": "", "followers_count": 0}, "suspended", None),
    ({"memorial": True}, "deactivated", None),
    ({"moved": {**load("mastodon_following_page2")[0], "acct": "SecuriteCivile@social.gouv.qc.ca"}},
     "deactivated", "securitecivile@social.gouv.qc.ca"),
    ({"limited": True}, "ok", None),
])
def test_mastodon_account_states(connect, sleeps, change, state, moved_to) -> None:
    account = {**load("mastodon_lookup"), **change}
    server = Server({"/api/v1/accounts/lookup": reply(account)})
    result = mastodon.fetch_profile(connect(server), "securitecivile@mastodon.quebec",
                                    sleep=sleeps.append, limiter=quiet())
    assert (result.state, result.moved_to) == (state, moved_to)
    assert result.error == (f"moved to {moved_to}" if moved_to else None)
    if state == "suspended":  # Mastodon blanks suspended accounts: nothing to trust
        assert (result.display_name, result.followers_count, result.description) == (None,) * 3


def test_mastodon_server_requiring_login(connect, sleeps) -> None:
    server = Server({"/api/v1/accounts/lookup": reply(load("mastodon_error_unauthenticated"),
                                                      401)})
    result = mastodon.fetch_profile(connect(server), "a@mastodon.quebec", sleep=sleeps.append)
    assert isinstance(result, FetchFailure) and result.status == 401
    assert "refuses unauthenticated access" in str(result.error)


NEXT = f"{MASTO}/accounts/109345987654321012/following?limit=80&max_id=7163058"
LINK = f'<{NEXT}>; rel="next", <{MASTO}/accounts/109345987654321012/following?min_id=7275607>; ' \
       'rel="prev"'


def _mastodon_server(*pages: httpx.Response) -> Server:
    return Server({"/api/v1/accounts/lookup": reply(load("mastodon_lookup")),
                   "/api/v1/accounts/109345987654321012/following": list(pages)})


@pytest.mark.parametrize(("limit", "count", "pages"), [(None, 3, 2), (3, 3, 2), (2, 2, 1)])
def test_mastodon_follows_follow_the_link_header(connect, sleeps, limit, count, pages) -> None:
    server = _mastodon_server(reply(load("mastodon_following_page1"), link=LINK),
                              reply(load("mastodon_following_page2"), link=LINK.split(", ")[1]))
    follows = list(mastodon.fetch_follows(connect(server), "SecuriteCivile@mastodon.quebec",
                                          limit=limit, sleep=sleeps.append, limiter=quiet()))
    assert [f.handle for f in follows] == ["meteo@mastodon.quebec", "croixrougeqc@mastodon.social",
                                           "vost_qc@fedi.example.org"][:count]
    assert follows[0].followers_count == 5400
    assert follows[0].description == "Prévisions automatisées."
    calls = server.calls("/api/v1/accounts/109345987654321012/following")
    assert len(calls) == pages
    assert calls[0].params["limit"] == str(min(80, limit or 80))
    assert [str(url) for url in calls[1:]] == [NEXT][: pages - 1]


def test_mastodon_hidden_follows_are_said_to_be_hidden(connect, sleeps) -> None:
    server = _mastodon_server(reply([]))  # the account follows 145: the empty list is hidden
    with pytest.raises(mastodon.HiddenCollection, match="hides whom it follows"):
        list(mastodon.fetch_follows(connect(server), "securitecivile@mastodon.quebec",
                                    limit=None, sleep=sleeps.append, limiter=quiet()))


def test_mastodon_empty_list_of_an_account_without_follows_is_just_empty(connect,
                                                                         sleeps) -> None:
    server = Server({"/api/v1/accounts/lookup": reply({**load("mastodon_lookup"),
                                                        "following_count": 0}),
                     "/api/v1/accounts/109345987654321012/following": reply([])})
    assert list(mastodon.fetch_follows(connect(server), "securitecivile@mastodon.quebec",
                                       limit=None, sleep=sleeps.append, limiter=quiet())) == []


def test_mastodon_followers_and_a_next_page_on_another_host(connect, sleeps) -> None:
    path = "/api/v1/accounts/109345987654321012/followers"
    evil = f'<https://evil.example{path}?max_id=3>; rel="next"'
    server = Server({"/api/v1/accounts/lookup": reply(load("mastodon_lookup")),
                     path: [reply(load("mastodon_following_page1"), link=evil),
                            reply(load("mastodon_following_page2"))]})
    found = list(mastodon.fetch_follows(connect(server), "securitecivile@mastodon.quebec",
                                        limit=None, collection="followers",
                                        sleep=sleeps.append, limiter=quiet()))
    assert [f.handle for f in found] == ["meteo@mastodon.quebec", "croixrougeqc@mastodon.social",
                                         "vost_qc@fedi.example.org"]
    # The next page is asked of the server itself, never of the host the Link names.
    assert {r.url.host for r in server.requests} == {"mastodon.quebec"}
    assert str(server.requests[-1].url) == f"https://mastodon.quebec{path}?max_id=3"


def test_mastodon_follows_of_an_unknown_account(connect, sleeps) -> None:
    server = Server({"/api/v1/accounts/lookup": reply(load("mastodon_error_not_found"), 404)})
    with pytest.raises(ApiError, match="not found") as caught:
        list(mastodon.fetch_follows(connect(server), "gone@mastodon.quebec", limit=5,
                                    sleep=sleeps.append, limiter=quiet()))
    assert caught.value.status == 404


def test_mastodon_paging_budget_makes_long_crawls_wait(connect, sleeps) -> None:
    pages = [reply([{**load("mastodon_following_page2")[0], "id": str(n), "acct": f"u{n}"}],
                   link=f'<{MASTO}/accounts/109345987654321012/following?max_id={n}>; rel="next"')
             for n in range(3, 0, -1)]
    server = _mastodon_server(*pages, reply([]))
    limiter = RateLimiter(min_interval=0, paging_budget=2, max_wait=3600)
    follows = list(mastodon.fetch_follows(connect(server), "securitecivile@mastodon.quebec",
                                          limit=None, sleep=sleeps.append, limiter=limiter))
    assert [f.handle for f in follows] == ["u3@mastodon.quebec", "u2@mastodon.quebec",
                                           "u1@mastodon.quebec"]
    assert sleeps == [pytest.approx(15 * 60, abs=5)]  # the 4th page (3rd paging one) waits


@pytest.mark.parametrize(("header", "expected"), [
    (LINK, NEXT),
    ('<https://a.example/p?max_id=1>; rel=next', "https://a.example/p?max_id=1"),
    ('<https://a.example/prev>; rel="prev", <https://a.example/n>;rel="next last"',
     "https://a.example/n"),
    ('<https://a.example/x>; title="a, b"; rel="next"', "https://a.example/x"),
    ('</api/v1/accounts/1/following?max_id=5>; rel="next"',
     "https://mastodon.quebec/api/v1/accounts/1/following?max_id=5"),
    ('<https://a.example/prev>; rel="prev"', None),
    ("", None),
    ("garbage", None),
])
def test_link_header_parsing(header: str, expected: str | None) -> None:
    assert mastodon.next_link(header, f"{MASTO}/accounts/1/following") == expected


@given(st.lists(st.sampled_from(["<", ">", ";", ",", "=", '"', " ", "rel", "next", "prev",
                                  "https://a.example/p?max_id=1", "title", "x"]), max_size=30))
def test_link_header_parsing_never_crashes(pieces: list[str]) -> None:
    result = mastodon.next_link("".join(pieces), "https://a.example/")
    assert result is None or isinstance(result, str)


# --- pool and per-host politeness under concurrency --------------------------------------------


def test_lanes_keep_each_hosts_order_and_start_with_different_hosts() -> None:
    items = ["a1", "a2", "a3", "b1", "c1", "c2"]
    assert lanes(items, lambda item: item[0], per_host=2) == [
        ["a1", "a3"], ["b1"], ["c1"], ["a2"], ["c2"]]
    assert lanes([], str) == []


def test_stream_yields_every_result_and_raises_what_a_lane_raised() -> None:
    def work(lane: list[str]) -> Iterator[str]:
        for item in lane:
            if item == "boom":
                raise KeyboardInterrupt
            yield item

    assert sorted(stream(work, [["a", "b"], ["c"], []])) == ["a", "b", "c"]
    with pytest.raises(KeyboardInterrupt):
        list(stream(work, [["a"], ["boom"]]))


def test_abandoned_stream_cuts_the_waits_short() -> None:
    limiter, waiting, woke = RateLimiter(), threading.Event(), threading.Event()

    def work(lane: str) -> Iterator[str]:
        if lane == "slow":
            waiting.set()
            limiter.pause(600)  # e.g. a long Retry-After
            woke.set()
        yield lane

    results = stream(work, ["fast", "slow"], on_abandon=limiter.cancel)
    assert next(results) == "fast"
    assert waiting.wait(timeout=10)
    results.close()  # the caller stops (Ctrl-C, an error while storing)
    assert woke.wait(timeout=10)
    with pytest.raises(ApiError, match="interrupted"):  # and nothing more leaves
        request_json(make_http_client(transport=httpx.MockTransport(Server({}))), "GET",
                     f"{MASTO}/x", limiter=limiter)


def test_profiles_of_two_servers_are_fetched_two_at_a_time_per_server() -> None:
    """The first four requests meet at a barrier: two lanes per server really run at once."""
    barrier, lock = threading.Barrier(4, timeout=10), threading.Lock()
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        with lock:
            seen.append(host)
            first = len(seen) <= 4
            in_flight[host] = in_flight.get(host, 0) + 1
            peak[host] = max(peak.get(host, 0), in_flight[host])
        if first:
            barrier.wait()
        with lock:
            in_flight[host] -= 1
        account = copy.deepcopy(load("mastodon_lookup"))
        account.update(acct=request.url.params["acct"], id=str(len(seen)))
        return reply(account)

    client = make_http_client(transport=httpx.MockTransport(handler), sleep=lambda s: None)
    wanted = [("mastodon", f"u{i}@{host}") for host in ("a.example", "b.example")
              for i in range(6)]
    with client:
        results = list(social.fetch_profiles(client, wanted))
    assert sorted(r.handle for r in results) == sorted(h for _, h in wanted)
    assert all(isinstance(r, RemoteProfile) and r.state == "ok" for r in results)
    assert peak == {"a.example": 2, "b.example": 2}


def test_slots_bound_requests_in_flight_to_one_host_for_any_caller() -> None:
    lock, in_flight, peak = threading.Lock(), [0], [0]

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        threading.Event().wait(0.01)
        with lock:
            in_flight[0] -= 1
        return reply({})

    client = make_http_client(transport=httpx.MockTransport(handler))
    limiter = RateLimiter(min_interval=0, per_host=2)
    callers = [threading.Thread(target=request_json, args=(client, "GET", f"{MASTO}/x"),
                                kwargs={"limiter": limiter}) for _ in range(6)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(timeout=10)
    assert 1 <= peak[0] <= 2


def test_low_budget_spreads_the_remaining_requests_until_the_reset(connect, sleeps) -> None:
    low = reply({}, x_ratelimit_limit="300", x_ratelimit_remaining="4",
                x_ratelimit_reset=_iso6(NOW + 40))
    server = Server({"/api/v1/x": [reply({}, x_ratelimit_remaining="250"), low, reply({})]})
    client, limiter = connect(server), quiet()
    get(client, sleeps, limiter=limiter)
    get(client, sleeps, limiter=limiter)
    assert sleeps == []  # plenty left: no pacing
    get(client, sleeps, limiter=limiter)
    assert sleeps == [pytest.approx(10.0)]  # 40 s left for 4 requests: one every 10 s
    get(client, sleeps, limiter=limiter)  # that answer carried no budget: pacing stops
    assert sleeps == [pytest.approx(10.0)]


# --- servers are believed only within reason (MSGU_MAX_WAIT) ------------------------------------


def test_pacing_towards_a_far_reset_is_refused_not_slept(connect, sleeps) -> None:
    low = reply({}, ratelimit_remaining="3", ratelimit_reset=str(int(NOW) + 10**9))
    server = Server({"/api/v1/x": [low, reply({})]})
    client, limiter = connect(server), quiet()
    get(client, sleeps, limiter=limiter)
    with pytest.raises(ApiError, match="left for the next run"):
        get(client, sleeps, limiter=limiter)
    assert sleeps == [] and len(server.requests) == 1


@pytest.mark.parametrize(("until", "words"), [
    (NOW + 3600, ["3600 s", "until 20"]),
    (NOW + 86400, ["24 hours"]),
    (NOW + 30 * 86400, ["30 days"]),
    (NOW + 10**12, ["more than ten years"]),
    (1e300, ["more than ten years"]),
])
def test_rate_limited_message_never_fails_on_absurd_moments(until, words) -> None:
    from msgu_cli.clients.limits import rate_limited_message

    message = rate_limited_message("h.example", until, NOW, max_wait=120).english()
    assert message.startswith("h.example has rate limited msgu for ")
    assert all(word in message for word in words)
    assert "MSGU_MAX_WAIT (120 s)" in message and "\n" not in message


@pytest.mark.parametrize(("env", "expected"), [(None, 120.0), ("0", 0.0), (" 30 ", 30.0),
                                               ("86400", 86400.0)])
def test_max_wait_comes_from_env(monkeypatch, env, expected) -> None:
    from msgu_cli.clients.http import max_wait

    if env is not None:
        monkeypatch.setenv("MSGU_MAX_WAIT", env)
    assert max_wait() == expected
    with make_http_client() as client:
        assert limiter_for(client).max_wait == expected


def test_max_wait_zero_sleeps_no_rate_limit_at_all(connect, sleeps, monkeypatch) -> None:
    monkeypatch.setenv("MSGU_MAX_WAIT", "0")
    server = Server({"/api/v1/x": httpx.Response(429, headers={"Retry-After": "1"})})
    client = connect(server)
    with pytest.raises(ApiError, match=r"MSGU_MAX_WAIT \(0 s\)"):
        request_json(client, "GET", f"{MASTO}/x", sleep=sleeps.append, clock=lambda: NOW)
    assert sleeps == []


# --- bluesky relationships (sync) ----------------------------------------------------------------

ORG = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa"


def _relationship(did: str, following: bool = False, followed_by: bool = False) -> dict:
    item: dict[str, Any] = {"$type": "app.bsky.graph.defs#relationship", "did": did}
    if following:
        item["following"] = f"at://{ORG}/app.bsky.graph.follow/3lx"
    if followed_by:
        item["followedBy"] = f"at://{did}/app.bsky.graph.follow/3ly"
    return item


def test_relationships_map_back_by_place_by_did_and_not_found(connect, sleeps) -> None:
    known = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"
    server = Server({"/xrpc/app.bsky.graph.getRelationships": reply({"actor": ORG,
        "relationships": [
            _relationship("did:plc:cccccccccccccccccccccccc", following=True),
            {"$type": "app.bsky.graph.defs#notFoundActor", "actor": "Gone.bsky.social",
             "notFound": True},
            _relationship(known, following=True, followed_by=True),
        ]})})
    found = bluesky.fetch_relationships(
        connect(server), "@Ville.Exemple.qc.ca", ["a.bsky.social", "gone.bsky.social", known],
        sleep=sleeps.append, limiter=quiet())
    assert found == [
        social_models.Relationship("a.bsky.social", following=True),
        social_models.Relationship("gone.bsky.social", found=False),
        social_models.Relationship(known, following=True, followed_by=True),
    ]
    [url] = server.calls("/xrpc/app.bsky.graph.getRelationships")
    assert url.params["actor"] == "ville.exemple.qc.ca"
    assert url.params.get_list("others") == ["a.bsky.social", "gone.bsky.social", known]


def test_relationships_out_of_order_are_matched_by_did_only(connect, sleeps) -> None:
    known = "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb"
    server = Server({"/xrpc/app.bsky.graph.getRelationships": reply({"relationships": [
        _relationship(known, followed_by=True)]})})  # one answer for two asked
    found = bluesky.fetch_relationships(connect(server), ORG, ["a.bsky.social", known],
                                        sleep=sleeps.append, limiter=quiet())
    assert found == [social_models.Relationship(known, followed_by=True)]


@pytest.mark.parametrize("body", [{"relationships": {}}, {"actor": ORG}, [], "x"])
def test_relationships_of_the_wrong_shape_fail_the_batch(connect, sleeps, body) -> None:
    server = Server({"/xrpc/app.bsky.graph.getRelationships": reply(body)})
    with pytest.raises(ApiError, match="wrong shape"):
        bluesky.fetch_relationships(connect(server), ORG, ["a.bsky.social"],
                                    sleep=sleeps.append, limiter=quiet())


def test_relationships_of_an_unknown_actor_fail_the_batch(connect, sleeps) -> None:
    server = Server({"/xrpc/app.bsky.graph.getRelationships": reply(
        {"error": "ActorNotFound", "message": "Actor not found"}, 400)})
    with pytest.raises(ApiError, match="relationships of nobody.bsky.social: Actor not found"):
        bluesky.fetch_relationships(connect(server), "nobody.bsky.social", ["a.bsky.social"],
                                    sleep=sleeps.append, limiter=quiet())
    with pytest.raises(ValueError):
        bluesky.fetch_relationships(connect(server), ORG, ["x"] * 31)


def test_relationship_batches_of_30_with_dids_named_back_by_handle() -> None:
    asked: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        others = request.url.params.get_list("others")
        asked.append(others)
        return reply({"relationships": [_relationship(f"did:plc:{n:024d}")
                                        for n, _other in enumerate(others)]})

    client = make_http_client(transport=httpx.MockTransport(handler), sleep=lambda s: None)
    handles = [f"org{n}.bsky.social" for n in range(61)]
    with client:
        batches = list(social.fetch_relationships(client, ORG, handles,
                                                  dids={"org0.bsky.social": ORG}))
    assert sorted(len(b.handles) for b in batches) == [1, 30, 30]
    assert sorted(len(a) for a in asked) == [1, 30, 30]
    assert ORG in [other for a in asked for other in a]  # asked by its DID
    named = sorted(r.handle for b in batches for r in b.relationships)
    assert named == sorted(handles) and all(b.error is None for b in batches)


def test_max_wait_zero_still_spaces_requests_politely(connect, sleeps, monkeypatch) -> None:
    """MSGU_MAX_WAIT=0 refuses every wait a server imposes, never msgu's own spacing."""
    server = Server({"/api/v1/x": reply({})})
    client = connect(server)
    limiter = RateLimiter(min_interval=1.0, max_wait=0)
    for _ in range(3):
        get(client, sleeps, limiter=limiter)
    assert sleeps == [1.0, 1.0] and len(server.requests) == 3
