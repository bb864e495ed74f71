"""Community lists as import sources, through the real CLI: Bluesky starter packs and lists,
Mastodon featured accounts, Trunk lists. HTTP answers are shaped like the lexicons
(app.bsky.graph.getStarterPack, getList with its cursor, com.atproto.identity.resolveHandle),
Mastodon's documentation (endorsements, Link paging) and Trunk's README."""

from __future__ import annotations

import httpx
import pytest
from cli_results import ok_json
from fakenet import add, install, load, masto_account, reply

from msgu_cli.domain.community_lists import parse_list_address
from msgu_cli.errors import InvalidInput

OWNER = "did:plc:q6gjnaw2blty4crticxkmujt"
LIST_URI = f"at://{OWNER}/app.bsky.graph.list/3lbqr2zmxyc2a"
PACK_URI = f"at://{OWNER}/app.bsky.graph.starterpack/3lbqr2zo4m22b"
PACK_URL = "https://bsky.app/starter-pack/coordo-msgu.bsky.social/3lbqr2zo4m22b"
LIST_URL = "https://bsky.app/profile/coordo-msgu.bsky.social/lists/3lbqr2zmxyc2a"
FEATURED_URL = "https://mastodon.quebec/@Coordo/featured"
TRUNK_URL = "https://communitywiki.org/trunk/api/v1/list/S%C3%A9curit%C3%A9%20civile"
CURSOR = "3lbqr3a2aaa2c"


def xrpc_error(message: str, status: int = 400) -> httpx.Response:
    return reply({"error": "InvalidRequest", "message": message}, status)


class Lists:
    """The community endpoints in front of the FakeNet (which answers Mastodon lookups)."""

    def __init__(self, appview: str = "public.api.bsky.app") -> None:
        self.appview = appview
        self.handles = {"coordo-msgu.bsky.social": OWNER}
        self.packs = {PACK_URI: load("bluesky_getStarterPack")}
        self.lists = {LIST_URI: {None: load("bluesky_getList_page1"),
                                 CURSOR: load("bluesky_getList_page2")}}
        self.endorsed = {("mastodon.quebec", "2001"): load("mastodon_endorsements")}
        self.trunk = {TRUNK_URL: load("trunk_list")}

    def __call__(self, request: httpx.Request) -> httpx.Response | None:
        url, params = request.url, request.url.params
        if url.host == self.appview and url.path.startswith("/xrpc/"):
            return self._xrpc(url.path.removeprefix("/xrpc/"), params)
        if url.path.endswith("/endorsements"):
            return self._endorsements(url)
        if str(url) in self.trunk:
            return reply(self.trunk[str(url)])
        return None

    def _xrpc(self, method: str, params: httpx.QueryParams) -> httpx.Response | None:
        if method == "com.atproto.identity.resolveHandle":
            did = self.handles.get(params["handle"])
            return reply({"did": did}) if did else xrpc_error("Unable to resolve handle")
        if method == "app.bsky.graph.getStarterPack":
            pack = self.packs.get(params["starterPack"])
            return reply(pack) if pack else xrpc_error("Starter pack not found")
        if method == "app.bsky.graph.getList":
            assert 1 <= int(params["limit"]) <= 100
            pages = self.lists.get(params["list"])
            if pages is None:
                return xrpc_error("List not found")
            return reply(pages[params.get("cursor")])
        return None

    def _endorsements(self, url: httpx.URL) -> httpx.Response:
        """Two accounts a page, the next page named in the Link header (max_id)."""
        account_id = url.path.split("/")[-2]
        accounts = self.endorsed.get((url.host, account_id))
        if accounts is None:
            return reply({"error": "Record not found"}, 404)
        assert int(url.params.get("limit", 40)) <= 80
        start = int(url.params.get("max_id", 0))
        headers = {}
        if start + 2 < len(accounts):
            base = f"https://{url.host}/api/v1/accounts/{account_id}/endorsements"
            headers["link"] = (f'<{base}?limit=80&max_id={start + 2}>; rel="next", '
                               f'<{base}?limit=80&since_id=1>; rel="prev"')
        return reply(accounts[start:start + 2], **headers)


@pytest.fixture
def net(monkeypatch: pytest.MonkeyPatch):
    fake = install(monkeypatch)
    fake.lists = Lists()
    fake.intercept = fake.lists
    fake.add_masto("mastodon.quebec", masto_account("Coordo", "2001"))
    yield fake
    assert fake.unexpected == []


def contacts(invoke) -> dict[str, dict]:
    """Every contact by name, with its accounts, through `list --json`."""
    return {c["name"]: c for c in ok_json(invoke("list", "--json"))}


def shown(invoke, name: str) -> dict:
    return ok_json(invoke("show", name, "--json"))


@pytest.mark.parametrize(("source", "kind", "owner", "rkey"), [
    (PACK_URL, "starter-pack", "coordo-msgu.bsky.social", "3lbqr2zo4m22b"),
    (PACK_URL + "?ref=share", "starter-pack", "coordo-msgu.bsky.social", "3lbqr2zo4m22b"),
    (PACK_URI, "starter-pack", OWNER, "3lbqr2zo4m22b"),
    (LIST_URL, "bluesky-list", "coordo-msgu.bsky.social", "3lbqr2zmxyc2a"),
    (LIST_URI, "bluesky-list", OWNER, "3lbqr2zmxyc2a"),
    (f"https://bsky.app/profile/{OWNER}/lists/3lbqr2zmxyc2a/", "bluesky-list", OWNER,
     "3lbqr2zmxyc2a"),
])
def test_bluesky_addresses(source, kind, owner, rkey) -> None:
    address = parse_list_address(source)
    assert (address.kind, address.owner, address.rkey) == (kind, owner, rkey)
    assert address.at_uri(OWNER) == (PACK_URI if kind == "starter-pack" else LIST_URI)


def test_mastodon_and_trunk_addresses() -> None:
    featured = parse_list_address("https://mastodon.quebec/@Coordo/featured")
    assert (featured.kind, featured.owner, featured.site) == (
        "mastodon-featured", "coordo@mastodon.quebec", "https://mastodon.quebec")
    remote = parse_list_address("https://mastodon.social/@Coordo@mastodon.quebec/featured")
    assert remote.owner == "coordo@mastodon.quebec"
    trunk = parse_list_address(TRUNK_URL)
    assert (trunk.kind, trunk.name) == ("trunk", "Sécurité civile")
    for other in ("contacts.csv", "https://example.org/contacts.csv", "at.csv"):
        assert parse_list_address(other) is None
    with pytest.raises(InvalidInput, match="not a Bluesky starter pack or list"):
        parse_list_address("https://bsky.app/profile/coordo-msgu.bsky.social")


def test_a_starter_pack_becomes_candidates(net, empty_db, invoke) -> None:
    known = add(invoke, "Météo Mauricie", "--bluesky", "meteo-mauricie.bsky.social",
                "--status", "following", "--note", "Nos voisins")
    report = ok_json(invoke("import", PACK_URL, "--json"))
    assert report["format"] == "starter-pack"
    assert (len(report["added"]), len(report["skipped"]), report["rows"]) == (4, 1, 5)
    assert net.calls("/xrpc/com.atproto.identity.resolveHandle")[0].params["handle"] == (
        "coordo-msgu.bsky.social")
    [asked] = net.calls("/xrpc/app.bsky.graph.getStarterPack")
    assert asked.params["starterPack"] == PACK_URI
    pages = net.calls("/xrpc/app.bsky.graph.getList")
    assert [p.params.get("cursor") for p in pages] == [None, CURSOR]
    assert {p.params["list"] for p in pages} == {LIST_URI}

    found = contacts(invoke)
    source = f"Bluesky starter pack: Sécurité civile au Québec ({PACK_URL})"
    secu = shown(invoke, "Sécurité civile Québec")
    assert secu["status"] == "candidate"
    assert secu["source"] == source
    assert secu["description"].startswith("Alertes et conseils de prévention")
    assert {"inondations", "feux-de-foret", "verglas"} <= set(secu["suggested_topics"])
    assert secu["topics"] == []
    assert [(a["platform"], a["handle"]) for a in secu["accounts"]] == [
        ("bluesky", "securitecivile-qc.bsky.social")]
    stripped = found["Alerte[31m Rouge"]  # ESC and the bidi override are gone, text stays
    assert shown(invoke, str(stripped["id"]))["description"] == (
        "Veille des crues\tprintanières.\nCartographie.")
    nameless = [c for c in found.values() if c["accounts"][0]["handle"].startswith("did:")]
    assert [c["name"] for c in nameless] == ["Compte sans pseudo"]
    meteo = shown(invoke, str(known["id"]))
    assert (meteo["status"], meteo["notes"], meteo["source"]) == ("following", "Nos voisins",
                                                                 None)


def test_the_at_uri_of_a_starter_pack_needs_no_handle_resolution(net, empty_db, invoke) -> None:
    ok_json(invoke("import", PACK_URI, "--json"))
    assert net.calls("/xrpc/com.atproto.identity.resolveHandle") == []
    assert len(contacts(invoke)) == 5


def test_a_list_and_the_dry_run(net, empty_db, invoke, dump) -> None:
    before = dump(empty_db)
    result = invoke("import", LIST_URL, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would add 5" in result.stdout and "Dry run: nothing was written." in result.stdout
    assert "+ item 1: Sécurité civile Québec" in result.stdout
    assert dump(empty_db) == before
    ok_json(invoke("import", LIST_URL, "--json"))
    assert net.calls("/xrpc/app.bsky.graph.getStarterPack") == []
    sources = {c["source"] for c in contacts(invoke).values()}
    assert sources == {f"Bluesky list: Sécurité civile au Québec ({LIST_URL})"}


def test_a_second_import_recognises_every_member(net, empty_db, invoke) -> None:
    ok_json(invoke("import", PACK_URL, "--json"))
    again = ok_json(invoke("import", PACK_URL, "--json"))
    assert (len(again["added"]), len(again["skipped"])) == (0, 5)
    error = invoke("import", PACK_URL, "--on-duplicate", "error")
    assert error.exit_code == 1 and "already in the directory" in error.stderr


def test_update_keeps_the_organisations_status_and_notes(net, empty_db, invoke) -> None:
    add(invoke, "Météo (ancien nom)", "--bluesky", "meteo-mauricie.bsky.social",
        "--status", "met", "--note", "Rencontrés en 2024")
    report = ok_json(invoke("import", PACK_URL, "--on-duplicate", "update", "--json"))
    assert len(report["updated"]) == 1
    meteo = shown(invoke, "meteo-mauricie.bsky.social")
    assert (meteo["name"], meteo["status"], meteo["notes"]) == (
        "Météo Mauricie", "met", "Rencontrés en 2024")


def test_a_moderation_list_is_not_a_follow_list(net, empty_db, invoke, dump) -> None:
    for page in net.lists.lists[LIST_URI].values():
        page["list"]["purpose"] = "app.bsky.graph.defs#modlist"
    before = dump(empty_db)
    result = invoke("import", LIST_URL)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "moderation list" in result.stderr
    assert "nothing was imported" in result.stderr and result.stderr.count("\n") == 1
    assert dump(empty_db) == before


def broken(kind: str):
    """Ways a server can fail a list: errors, throttling, wrong shapes, no members."""
    def apply(lists: Lists) -> None:
        if kind == "no pack":
            lists.packs.clear()
        elif kind == "no handle":
            lists.handles.clear()
        elif kind == "no list":
            lists.lists.clear()
        elif kind == "items not a list":
            lists.lists[LIST_URI][CURSOR] = {"list": {}, "items": {"0": "x"}}
        elif kind == "no members":
            lists.lists[LIST_URI] = {None: dict(load("bluesky_getList_page2"), items=[])}
        elif kind == "pack names no list":
            del lists.packs[PACK_URI]["starterPack"]["record"]["list"]
            del lists.packs[PACK_URI]["starterPack"]["list"]
    return apply


@pytest.mark.parametrize(("kind", "said"), [
    ("no pack", "Starter pack not found"),
    ("no handle", "Unable to resolve handle"),
    ("no list", "List not found"),
    ("items not a list", "not shaped as the API documents it"),
    ("no members", "has no members"),
    ("pack names no list", "not shaped as the API documents it"),
])
def test_failures_are_clear_and_write_nothing(net, empty_db, invoke, dump, kind, said) -> None:
    broken(kind)(net.lists)
    before = dump(empty_db)
    result = invoke("import", PACK_URL)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and said in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert dump(empty_db) == before


def test_throttling_past_the_retries_writes_nothing(net, empty_db, invoke, dump) -> None:
    def throttled(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("getList") and request.url.params.get("cursor"):
            return reply({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429,
                         retry_after="1")
        return net.lists(request)

    net.intercept = throttled
    before = dump(empty_db)
    result = invoke("import", PACK_URL)
    assert result.exit_code == 1 and "429" in result.stderr, result.stderr
    assert len([u for u in net.calls("/xrpc/app.bsky.graph.getList")
                if u.params.get("cursor")]) == 5  # the first try and four retries
    assert net.sleeps  # Retry-After was honoured (waits recorded, not slept)
    assert dump(empty_db) == before


def test_unknown_bluesky_addresses_say_what_to_give(net, empty_db, invoke, dump) -> None:
    before = dump(empty_db)
    for source in ("https://bsky.app/starter-pack/coordo-msgu.bsky.social",
                   "https://bsky.app/profile/coordo-msgu.bsky.social/post/3lbqr2zo4m22b",
                   f"at://{OWNER}/app.bsky.feed.post/3lbqr2zo4m22b"):
        result = invoke("import", source)
        assert result.exit_code == 1, source
        assert "https://bsky.app/starter-pack/HANDLE/RKEY" in result.stderr, result.stderr
    assert dump(empty_db) == before
    assert net.requests == []


def test_mastodon_featured_accounts_are_paged_by_link(net, empty_db, invoke) -> None:
    report = ok_json(invoke("import", FEATURED_URL, "--json"))
    assert report["format"] == "mastodon-featured" and len(report["added"]) == 3
    [lookup] = net.calls("/api/v1/accounts/lookup", host="mastodon.quebec")
    assert lookup.params["acct"] == "coordo"
    pages = net.calls("/api/v1/accounts/2001/endorsements")
    assert [p.params.get("max_id") for p in pages] == [None, "2"]
    found = contacts(invoke)
    handles = {c["accounts"][0]["handle"] for c in found.values()}
    assert handles == {"croixrougeqc@mastodon.social", "meteoqc@mastodon.quebec",
                       "vostquebec@social.vost.ca"}
    croix = shown(invoke, "Croix-Rouge Québec")
    assert croix["description"] == "Aide aux sinistrés : hébergement d'urgence, inondations."
    assert "inondations" in croix["suggested_topics"]
    assert croix["source"] == (
        f"Mastodon featured accounts: accounts featured by @coordo@mastodon.quebec "
        f"({FEATURED_URL})")


def test_featured_accounts_of_an_unknown_account(net, empty_db, invoke, dump) -> None:
    before = dump(empty_db)
    result = invoke("import", "https://mastodon.quebec/@Personne/featured")
    assert result.exit_code == 1 and "Record not found" in result.stderr, result.stderr
    assert dump(empty_db) == before


def test_a_trunk_list_brings_addresses(net, empty_db, invoke) -> None:
    report = ok_json(invoke("import", TRUNK_URL, "--json"))
    assert report["format"] == "trunk" and len(report["added"]) == 3
    found = contacts(invoke)
    assert set(found) == {"kensanata@octodon.social", "urgencequebec@mastodon.quebec",
                          "croixrougeqc@mastodon.social"}  # named after their address
    assert {c["status"] for c in found.values()} == {"candidate"}
    assert found["kensanata@octodon.social"]["source"] == (
        f"Trunk list: Sécurité civile ({TRUNK_URL})")


def test_a_trunk_answer_of_another_shape(net, empty_db, invoke, dump) -> None:
    net.lists.trunk[TRUNK_URL] = {"accounts": ["kensanata@octodon.social"]}
    before = dump(empty_db)
    result = invoke("import", TRUNK_URL)
    assert result.exit_code == 1 and "Trunk list" in result.stderr
    assert dump(empty_db) == before


def test_the_appview_is_where_msgu_bluesky_api_says(monkeypatch, empty_db, invoke) -> None:
    """A loopback double (plain http) answers for Bluesky: every XRPC call goes there."""
    fake = install(monkeypatch)
    fake.intercept = Lists(appview="127.0.0.1")
    monkeypatch.setenv("MSGU_BLUESKY_API", "http://127.0.0.1:8765")
    ok_json(invoke("import", PACK_URL, "--json"))
    assert {str(r.url).split("/xrpc/")[0] for r in fake.requests} == {"http://127.0.0.1:8765"}
    assert fake.unexpected == []
