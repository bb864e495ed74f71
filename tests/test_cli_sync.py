"""`msgu sync` through the real CLI on a real SQLite file. The fake Internet (tests/fakenet.py)
answers like Bluesky's AppView (getFollows with a cursor, getRelationships with `following` /
`followedBy` at-uris and `#notFoundActor` items) and Mastodon servers (lookup, Link-paged
`following` and `followers`, `[]` for hidden collections)."""

from __future__ import annotations

import json

import httpx
import pytest
from cli_results import rows
from fakenet import add, bsky_view, install, masto_account, ok, reply

VILLE = "ville.exemple.qc.ca"  # the organisation's own Bluesky account
VILLE_MASTO = "ville@mastodon.quebec"
VILLE_MASTO_ID = "900"
FOLLOWS = "/xrpc/app.bsky.graph.getFollows"
RELATIONSHIPS = "/xrpc/app.bsky.graph.getRelationships"


def did(n: int) -> str:
    return "did:plc:" + f"{n:024d}".translate(str.maketrans("0123456789", "abcdefghij"))


BLUESKY = {  # handle -> display name
    VILLE: "Ville d'Exemple",
    "croixrouge-qc.bsky.social": "Croix-Rouge Québec",
    "meteo-mauricie.bsky.social": "Météo Mauricie",
    "spvm.bsky.social": "SPVM",
    "hydro.bsky.social": "Hydro-Québec",
    "ancien.bsky.social": "Ancien partenaire",
    "nouveau.bsky.social": "Nouveau\x1b[31m compte\u202e",  # not in the directory
}


@pytest.fixture
def net(monkeypatch: pytest.MonkeyPatch):
    fake = install(monkeypatch)
    for n, (handle, name) in enumerate(BLUESKY.items()):
        fake.add_bsky(bsky_view(handle, did(n), displayName=name,
                                description=f"À propos de {name}\navec\x07 des détails"))
    fake.add_masto("mastodon.quebec", masto_account("ville", VILLE_MASTO_ID,
                                                    display_name="Ville"))
    fake.following[("mastodon.quebec", VILLE_MASTO_ID)] = [[]]
    fake.followers[("mastodon.quebec", VILLE_MASTO_ID)] = [[]]
    yield fake
    assert fake.unexpected == []


def masto(acct: str, number: int, **fields) -> dict:
    """A Mastodon Account entity as the lists hold them (remote ones carry their domain)."""
    return masto_account(acct, str(number), **fields)


@pytest.fixture
def directory(empty_db, invoke) -> dict[str, int]:
    """Contacts at every status, by short name -> id; the profile holds the own accounts."""
    made = {}
    for short, args in {
        "croix": ("Croix-Rouge Québec", "--bluesky", "croixrouge-qc.bsky.social",
                  "--mastodon", "@CroixRougeQC@mastodon.social"),
        "meteo": ("Météo Mauricie", "--bluesky", "meteo-mauricie.bsky.social",
                  "--status", "to-follow"),
        "spvm": ("SPVM", "--bluesky", "spvm.bsky.social", "--status", "met"),
        "hydro": ("Hydro-Québec", "--bluesky", "hydro.bsky.social", "--status", "following"),
        "ancien": ("Ancien partenaire", "--bluesky", "ancien.bsky.social",
                   "--status", "collaborating"),
        "vost": ("VOST Québec", "--mastodon", "vost@fedi.example", "--status", "candidate"),
        "x": ("Sans API", "--x", "@sansapi"),
        "soi": ("Ville d'Exemple", "--bluesky", VILLE, "--kind", "municipality",
                "--topic", "inondations"),
    }.items():
        made[short] = add(invoke, *args)["id"]
    ok(invoke("profile", "set", "--bluesky", VILLE, "--mastodon", VILLE_MASTO, "--json"))
    return made


def status(db_path, contact_id: int) -> str:
    return rows(db_path, "SELECT status FROM contacts WHERE id = ?", [contact_id])[0][0]


def steps(db_path, contact_id: int) -> list[tuple]:
    return rows(db_path, "SELECT status, note, observed_on FROM relations WHERE contact_id = ? "
                         "ORDER BY date, id", [contact_id])


def the_story(net) -> None:
    """Ville follows Croix-Rouge, Météo (which follows back), the SPVM (mutual; met already)
    and a new account; on Mastodon, VOST (which follows back)."""
    for handle in ("croixrouge-qc.bsky.social", "meteo-mauricie.bsky.social",
                   "spvm.bsky.social", "nouveau.bsky.social"):
        net.bsky_follow(VILLE, handle)
    net.bsky_follow("meteo-mauricie.bsky.social", VILLE)
    net.bsky_follow("spvm.bsky.social", VILLE)
    vost = masto("vost@fedi.example", 31, display_name="VOST Québec")
    net.following[("mastodon.quebec", VILLE_MASTO_ID)] = [[vost]]
    net.followers[("mastodon.quebec", VILLE_MASTO_ID)] = [[vost]]


def test_sync_moves_statuses_forward_and_dates_each_step(net, directory, invoke,
                                                         db_path) -> None:
    the_story(net)
    report = ok(invoke("sync", "--json"))
    assert report["changes"] == [
        {"id": directory["croix"], "name": "Croix-Rouge Québec", "from": "none",
         "to": "following", "platform": "bluesky"},
        {"id": directory["meteo"], "name": "Météo Mauricie", "from": "to-follow",
         "to": "follows-back", "platform": "bluesky"},
        {"id": directory["vost"], "name": "VOST Québec", "from": "candidate",
         "to": "follows-back", "platform": "mastodon"},
    ]
    assert report["errors"] == [] and report["dry_run"] is False
    assert status(db_path, directory["spvm"]) == "met"  # never lowered, nor raised
    assert status(db_path, directory["ancien"]) == "collaborating"
    assert status(db_path, directory["hydro"]) == "following"  # a person said so: kept
    assert status(db_path, directory["soi"]) == "none"  # the organisation itself
    assert steps(db_path, directory["croix"]) == [
        ("following", f"Observed by msgu sync on bluesky: {VILLE} follows "
                      "croixrouge-qc.bsky.social.", "bluesky")]
    assert steps(db_path, directory["meteo"])[-1] == (
        "follows-back", f"Observed by msgu sync on bluesky: {VILLE} and "
                        "meteo-mauricie.bsky.social follow each other.", "bluesky")
    assert rows(db_path, "SELECT DISTINCT date FROM relations WHERE observed_on IS NOT NULL"
                ) == rows(db_path, "SELECT date('now')")
    assert rows(db_path, "SELECT accounts, changes, last_step FROM syncs") == [(json.dumps(
        [["bluesky", VILLE], ["mastodon", VILLE_MASTO]]), 3, rows(
            db_path, "SELECT max(id) FROM relations")[0][0])]
    # Whom Ville follows, then one getRelationships for the directory's 6 Bluesky accounts.
    [asked] = net.calls(RELATIONSHIPS)
    assert asked.params["actor"] == VILLE
    assert sorted(asked.params.get_list("others")) == sorted(
        h for h in BLUESKY if h not in (VILLE, "nouveau.bsky.social"))

    again = ok(invoke("sync", "--json"))
    assert again["changes"] == []  # nothing new: nothing recorded twice
    assert len(steps(db_path, directory["croix"])) == 1
    network = ok(invoke("network", "--json"))
    croix = next(item for item in network if item["id"] == directory["croix"])
    assert croix["history"][0]["note"].startswith("Observed by msgu sync on bluesky")


def test_a_follow_back_later_moves_following_on(net, directory, invoke, db_path) -> None:
    the_story(net)
    ok(invoke("sync", "--json"))
    net.bsky_follow("croixrouge-qc.bsky.social", VILLE)
    net.bsky_follow(VILLE, "hydro.bsky.social")
    net.bsky_follow("hydro.bsky.social", VILLE)
    changes = ok(invoke("sync", "--json"))["changes"]
    assert [(c["name"], c["from"], c["to"]) for c in changes] == [
        ("Croix-Rouge Québec", "following", "follows-back"),
        ("Hydro-Québec", "following", "follows-back")]


def test_unfollowed_only_when_a_sync_had_set_the_status(net, directory, invoke,
                                                        db_path) -> None:
    the_story(net)
    ok(invoke("sync", "--json"))
    for handle in ("croixrouge-qc.bsky.social", "meteo-mauricie.bsky.social",
                   "spvm.bsky.social"):
        net.bsky_unfollow(VILLE, handle)
    changes = ok(invoke("sync", "--json"))["changes"]
    assert [(c["name"], c["from"], c["to"]) for c in changes] == [
        ("Croix-Rouge Québec", "following", "unfollowed"),
        ("Météo Mauricie", "follows-back", "unfollowed")]
    assert status(db_path, directory["spvm"]) == "met"
    assert status(db_path, directory["hydro"]) == "following"  # recorded by a person
    assert steps(db_path, directory["croix"])[-1] == (
        "unfollowed", f"Observed by msgu sync on bluesky: {VILLE} no longer follows "
                      "croixrouge-qc.bsky.social.", "bluesky")
    # Following again lifts `unfollowed` (a re-follow is observed like a first one).
    net.bsky_follow(VILLE, "croixrouge-qc.bsky.social")
    changes = ok(invoke("sync", "--json"))["changes"]
    assert [(c["name"], c["from"], c["to"]) for c in changes] == [
        ("Croix-Rouge Québec", "unfollowed", "following")]


def test_a_manual_step_after_a_sync_is_a_persons_word(net, directory, invoke,
                                                      db_path) -> None:
    the_story(net)
    ok(invoke("sync", "--json"))
    ok(invoke("follow", str(directory["croix"]), "--status", "following", "--note", "Vérifié",
              "--json"))
    net.bsky_unfollow(VILLE, "croixrouge-qc.bsky.social")
    assert ok(invoke("sync", "--json"))["changes"] == []
    assert status(db_path, directory["croix"]) == "following"


def test_dry_run_writes_nothing(net, directory, invoke, db_path, dump) -> None:
    the_story(net)
    before = dump(db_path)
    report = ok(invoke("sync", "--dry-run", "--add-missing", "--json"))
    assert report["dry_run"] is True and len(report["changes"]) == 3
    assert report["missing"] == [{"platform": "bluesky", "handle": "nouveau.bsky.social"}]
    assert report["added"] == []
    assert dump(db_path) == before
    human = invoke("sync", "--dry-run")
    assert human.exit_code == 0 and "Dry run: nothing was written." in human.stdout
    assert "none -> following" in " ".join(human.stdout.split())
    assert dump(db_path) == before


def test_missing_accounts_are_listed_and_added_as_candidates(net, directory, invoke,
                                                            db_path) -> None:
    the_story(net)
    report = ok(invoke("sync", "--json"))
    assert [(m["platform"], m["handle"]) for m in report["missing"]] == [
        ("bluesky", "nouveau.bsky.social")]
    assert report["added"] == []
    assert "--add-missing adds them" in invoke("sync").stdout

    added = ok(invoke("sync", "--add-missing", "--json"))["added"]
    [(new_id, name)] = [(a["id"], a["name"]) for a in added]
    assert name == "Nouveau[31m compte"  # as it names itself, control characters stripped
    shown = ok(invoke("show", str(new_id), "--json"))
    assert shown["status"] == "candidate"
    assert shown["description"] == "À propos de Nouveau[31m compte\navec des détails"
    assert shown["source"].startswith("msgu sync, ") and f"followed by bluesky:{VILLE}" in (
        shown["source"])
    assert [a["handle"] for a in shown["accounts"]] == ["nouveau.bsky.social"]
    later = ok(invoke("sync", "--json"))
    assert later["missing"] == []
    assert [(c["id"], c["from"], c["to"]) for c in later["changes"]] == [
        (new_id, "candidate", "following")]


def test_hidden_mastodon_collections_conclude_nothing(net, directory, invoke,
                                                      db_path) -> None:
    the_story(net)
    ok(invoke("sync", "--json"))
    assert status(db_path, directory["vost"]) == "follows-back"
    # The organisation hides its lists: Mastodon answers [] although it follows 145.
    net.following[("mastodon.quebec", VILLE_MASTO_ID)] = [[]]
    net.followers[("mastodon.quebec", VILLE_MASTO_ID)] = [[]]
    report = ok(invoke("sync", "--json"))
    assert report["changes"] == []
    errors = [(e["platform"], e["handle"]) for e in report["errors"]]
    assert errors == [("mastodon", VILLE_MASTO)] * 2
    assert {("hides whom it follows" in e["error"], "hides who follows it" in e["error"])
            for e in report["errors"]} == {(True, False), (False, True)}
    assert status(db_path, directory["vost"]) == "follows-back"


def test_an_empty_list_of_an_account_that_follows_nobody_is_believed(net, directory, invoke,
                                                                     db_path) -> None:
    the_story(net)
    ok(invoke("sync", "--json"))
    net.masto[VILLE_MASTO]["following_count"] = 0
    net.following[("mastodon.quebec", VILLE_MASTO_ID)] = [[]]
    changes = ok(invoke("sync", "--platform", "mastodon", "--json"))["changes"]
    assert [(c["name"], c["to"]) for c in changes] == [("VOST Québec", "unfollowed")]
    assert net.hosts() >= {"mastodon.quebec"}


def test_mastodon_lists_are_read_page_by_page(net, directory, invoke, db_path) -> None:
    others = [masto(f"u{n}@autre.example", 100 + n) for n in range(3)]
    vost = masto("vost@fedi.example", 31)
    net.following[("mastodon.quebec", VILLE_MASTO_ID)] = [others[:2], [others[2], vost]]
    net.followers[("mastodon.quebec", VILLE_MASTO_ID)] = [[others[0]], [vost]]
    report = ok(invoke("sync", "--platform", "mastodon", "--json"))
    assert [(c["name"], c["to"]) for c in report["changes"]] == [("VOST Québec",
                                                                   "follows-back")]
    assert [m["handle"] for m in report["missing"]] == [f"u{n}@autre.example"
                                                        for n in range(3)]
    pages = net.calls(f"/api/v1/accounts/{VILLE_MASTO_ID}/following", host="mastodon.quebec")
    assert len(pages) == 2 and pages[0].params["limit"] == "80" and "max_id" in pages[1].params
    assert len(net.calls(f"/api/v1/accounts/{VILLE_MASTO_ID}/followers")) == 2
    assert net.calls(FOLLOWS) == []  # --platform mastodon: Bluesky is not asked


def test_a_failing_server_loses_nothing_and_is_named(net, directory, invoke, db_path,
                                                     dump) -> None:
    the_story(net)
    ok(invoke("sync", "--json"))
    net.bsky_unfollow(VILLE, "croixrouge-qc.bsky.social")
    net.following[("mastodon.quebec", VILLE_MASTO_ID)] = [[]]
    net.masto[VILLE_MASTO]["following_count"] = 0  # would unfollow VOST, if it were read

    def mastodon_down(request: httpx.Request) -> httpx.Response | None:
        if request.url.host == "mastodon.quebec":
            return reply({"error": "Service Unavailable"}, 503)
        return None

    net.intercept = mastodon_down
    result = invoke("sync", "--json")
    report = ok(result)
    assert [(c["name"], c["to"]) for c in report["changes"]] == [("Croix-Rouge Québec",
                                                                   "unfollowed")]
    assert {e["platform"] for e in report["errors"]} == {"mastodon"}
    assert "503" in report["errors"][0]["error"]
    assert status(db_path, directory["vost"]) == "follows-back"
    human = invoke("sync")
    assert "could not read mastodon (ville@mastodon.quebec)" in " ".join(human.stdout.split())

    def all_down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    net.intercept = all_down
    before = dump(db_path)
    result = invoke("sync", "--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: Nothing could be read for your own accounts: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert dump(db_path) == before


def test_a_server_that_times_out_is_named_and_the_other_goes_on(net, directory, invoke,
                                                                 db_path) -> None:
    the_story(net)

    def hang(request: httpx.Request) -> httpx.Response | None:
        if request.url.host == "mastodon.quebec":
            raise httpx.ReadTimeout("timed out", request=request)
        return None

    net.intercept = hang
    report = ok(invoke("sync", "--json"))
    assert [(c["name"], c["to"]) for c in report["changes"]] == [
        ("Croix-Rouge Québec", "following"), ("Météo Mauricie", "follows-back")]
    assert {(e["platform"], e["handle"]) for e in report["errors"]} == {
        ("mastodon", VILLE_MASTO)}
    assert all("did not answer in time" in e["error"] for e in report["errors"])
    assert status(db_path, directory["vost"]) == "candidate"


def test_a_relationship_batch_left_for_the_next_run(net, directory, invoke, db_path) -> None:
    the_story(net)

    def throttled(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == RELATIONSHIPS:
            return reply({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429,
                         ratelimit_remaining="0", ratelimit_reset="99999999999999")
        return None

    net.intercept = throttled
    report = ok(invoke("sync", "--json"))
    # Bluesky's list says whom Ville follows; who follows back waits for the next run.
    assert [(c["name"], c["to"]) for c in report["changes"]] == [
        ("Croix-Rouge Québec", "following"), ("Météo Mauricie", "following"),
        ("VOST Québec", "follows-back")]
    [error] = [e for e in report["errors"] if e["platform"] == "bluesky"]
    assert "left for the next run" in error["error"]
    assert "(5 account(s) of the directory not read)" in error["error"]
    assert all(wait <= 120 for wait in net.sleeps)


@pytest.mark.parametrize("body", [{"relationships": 5}, {"relationships": [5, "x"]}, [],
                                  {"relationships": [{"did": ["x"], "following": 3}]}])
def test_wrongly_shaped_relationships_change_nothing_they_do_not_say(net, directory, invoke,
                                                                    db_path, body) -> None:
    the_story(net)
    net.intercept = lambda request: reply(body) if request.url.path == RELATIONSHIPS else None
    result = invoke("sync", "--json")
    assert "Traceback" not in result.output and "unexpected" not in result.output
    report = ok(result)
    assert status(db_path, directory["spvm"]) == "met"
    assert status(db_path, directory["meteo"]) == "following"  # from getFollows alone
    if not isinstance(body, dict) or not isinstance(body["relationships"], list):
        assert any("wrong shape" in e["error"] for e in report["errors"])


def test_accounts_known_by_did_and_accounts_not_found(net, directory, invoke,
                                                      db_path) -> None:
    the_story(net)
    ok(invoke("refresh", "--platform", "bluesky", "--json"))  # learns the DIDs
    # Météo changes its handle: asked by DID, it is still found.
    view = net.bsky.pop("meteo-mauricie.bsky.social")
    net.add_bsky(dict(view, handle="meteo.mauricie.ca"))
    add(invoke, "Disparu", "--bluesky", "disparu.bsky.social")
    report = ok(invoke("sync", "--json"))
    assert ("Météo Mauricie", "follows-back") in [(c["name"], c["to"])
                                                  for c in report["changes"]]
    assert report["not_found"] == [{"platform": "bluesky", "handle": "disparu.bsky.social"}]
    others = net.calls(RELATIONSHIPS)[-1].params.get_list("others")
    assert view["did"] in others and "disparu.bsky.social" in others


def test_sync_needs_the_profiles_own_accounts(net, empty_db, invoke, db_path, dump) -> None:
    add(invoke, "Croix-Rouge Québec", "--bluesky", "croixrouge-qc.bsky.social")
    ok(invoke("profile", "set", "--x", "@villeexemple", "--json"))
    before = dump(db_path)
    result = invoke("sync")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: sync needs your organisation's own Bluesky or "
                                    "Mastodon account")
    assert "msgu profile set --bluesky" in result.stderr
    refused = invoke("sync", "--platform", "x")
    assert refused.exit_code == 1 and "Bluesky and Mastodon only" in refused.stderr
    assert net.requests == [] and dump(db_path) == before


def test_progress_bar_on_a_terminal_and_json_alone_on_stdout(net, directory, invoke,
                                                             monkeypatch) -> None:
    the_story(net)
    plain = invoke("sync", "--dry-run", "--json")
    assert plain.stderr == "" and json.loads(plain.stdout)["dry_run"] is True
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    shown = invoke("sync", "--dry-run", "--json")
    assert "Syncing" in shown.stderr and "4/4" in shown.stderr  # 3 lists + 1 batch
    assert json.loads(shown.stdout)["dry_run"] is True


def test_the_organisations_other_accounts_are_not_missing(net, directory, invoke,
                                                          db_path) -> None:
    """Ville's own contact also holds its second Bluesky account, which Ville follows: it is
    not a relationship, nor an account the directory lacks."""
    the_story(net)
    net.add_bsky(bsky_view("ville-urgence.bsky.social", did(50), displayName="Urgence Ville"))
    net.bsky_follow(VILLE, "ville-urgence.bsky.social")
    ok(invoke("edit", str(directory["soi"]), "--add-account", "bluesky:ville-urgence.bsky.social",
              "--json"))
    report = ok(invoke("sync", "--add-missing", "--json"))
    assert [m["handle"] for m in report["missing"]] == ["nouveau.bsky.social"]
    assert [a["name"] for a in report["added"]] == ["Nouveau[31m compte"]
    assert status(db_path, directory["soi"]) == "none"


def test_the_organisation_is_never_recommended_to_itself(net, directory, invoke) -> None:
    names = [r["name"] for r in ok(invoke("recommend", "--topic", "inondations", "--json"))]
    assert "Ville d'Exemple" not in names
    ok(invoke("profile", "set", "--clear", "accounts", "--json"))
    names = [r["name"] for r in ok(invoke("recommend", "--topic", "inondations", "--json"))]
    assert "Ville d'Exemple" in names


def test_5000_bluesky_contacts_cost_about_170_requests(net, empty_db, invoke,
                                                       tmp_path) -> None:
    """The README's figure: getFollows pages (100 a page) + one getRelationships per 30."""
    lines = ["name,bluesky"] + [f"Organisme {n},org{n}.bsky.social" for n in range(5000)]
    (tmp_path / "annuaire.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert invoke("import", str(tmp_path / "annuaire.csv")).exit_code == 0
    ok(invoke("profile", "set", "--bluesky", VILLE, "--json"))
    followed = {f"org{n}.bsky.social" for n in range(0, 5000, 20)}  # 250 of them
    views = [{"did": did(1000 + n), "handle": h} for n, h in enumerate(sorted(followed))]

    def appview(request: httpx.Request) -> httpx.Response | None:
        params = request.url.params
        if request.url.path == FOLLOWS:
            start = int(params.get("cursor") or 0)
            page = {"follows": views[start:start + int(params["limit"])]}
            if start + 100 < len(views):
                page["cursor"] = str(start + 100)
            return reply(page)
        if request.url.path == RELATIONSHIPS:
            return reply({"relationships": [
                {"did": did(n), **({"following": "at://x/app.bsky.graph.follow/1"}
                                   if other in followed else {})}
                for n, other in enumerate(params.get_list("others"))]})
        return None

    net.intercept = appview
    report = ok(invoke("sync", "--json"))
    assert len(report["changes"]) == 250 and report["errors"] == []
    assert len(net.calls(FOLLOWS)) == 3
    assert len(net.calls(RELATIONSHIPS)) == 167  # ceil(5000 / 30)
    assert len(net.requests) == 170
    assert all(len(u.params.get_list("others")) <= 30 for u in net.calls(RELATIONSHIPS))
