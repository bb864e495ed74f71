"""Packs, shared directories: export --format pack, import of a pack, subscribe, pull (with
conditional requests) and subscriptions, through the real CLI and real SQLite files.

The round trip: a maintainer exports a pack; a subscriber pulls it, adds its own status, notes
and topics; the maintainer changes the pack (one contact updated, one added, one gone); the
subscriber's pull brings exactly that and leaves what the subscriber wrote alone."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from cli_results import ok_json, rows
from fakenet import add, install

PACK_URL = "https://packs.example.org/msgu/securite-civile.json"


@pytest.fixture
def maintainer(tmp_path: Path, invoke):
    """A second database, the maintainer's, with three contacts to publish; `run(*args)`."""
    path = tmp_path / "maintainer.db"

    def run(*args: str):
        return invoke("--db", str(path), *args)

    assert run("init", "--empty").exit_code == 0
    for args in (
        ("Sécurité civile Québec", "--kind", "provincial", "--region", "03", "--bluesky",
         "securitecivile-qc.bsky.social", "--topic", "inondations", "--description",
         "Alertes et prévention.", "--source", "https://www.quebec.ca", "--status",
         "collaborating", "--note", "Notes du mainteneur"),
        ("Croix-Rouge Québec", "--kind", "ngo", "--mastodon", "CroixRougeQC@mastodon.social",
         "--topic", "hebergement"),
        ("Météo Mauricie", "--kind", "weather", "--region", "04", "--bluesky",
         "meteo-mauricie.bsky.social", "--topic", "meteo"),
    ):
        assert run("add", *args).exit_code == 0
    run.path = path
    return run


def export_pack(maintainer, target: Path, *extra: str) -> dict:
    result = maintainer("export", "--format", "pack", "--name", "Sécurité civile QC",
                        "--description", "Comptes de sécurité civile", "--maintainer",
                        "Coordination MSGU", "--output", str(target), *extra)
    assert result.exit_code == 0, result.output
    return json.loads(target.read_text(encoding="utf-8"))


@pytest.fixture
def served(monkeypatch):
    """The pack's host: answers with an ETag and 304 when If-None-Match matches."""
    fake = install(monkeypatch)
    fake.pack = b""

    def host(request: httpx.Request) -> httpx.Response | None:
        if str(request.url) != PACK_URL:
            return None
        etag = f'"{hash(fake.pack) & 0xFFFFFFFF:x}"'
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"etag": etag})
        return httpx.Response(200, content=fake.pack, headers={
            "etag": etag, "content-type": "application/json",
            "last-modified": "Sat, 01 Mar 2026 12:00:00 GMT"})

    fake.intercept = host
    yield fake
    assert fake.unexpected == []


def by_name(invoke) -> dict[str, dict]:
    return {c["name"]: ok_json(invoke("show", str(c["id"]), "--json"))
            for c in ok_json(invoke("list", "--json"))}


def test_export_pack_shape(maintainer, tmp_path) -> None:
    document = export_pack(maintainer, tmp_path / "pack.json", "--topic", "inondations")
    assert document["msgu_pack"] == 1
    assert (document["name"], document["description"], document["maintainer"]) == (
        "Sécurité civile QC", "Comptes de sécurité civile", "Coordination MSGU")
    assert document["updated"].endswith("+00:00")
    [contact] = document["contacts"]
    assert contact["name"] == "Sécurité civile Québec"
    assert not {"id", "history", "status", "notes"} & set(contact)
    assert contact["topics"] == ["inondations"] and contact["region"] == "03"
    assert [a["handle"] for a in contact["accounts"]] == ["securitecivile-qc.bsky.social"]


def test_export_pack_defaults_and_stdout(maintainer, tmp_path) -> None:
    assert maintainer("profile", "set", "--name", "MRC de Nicolet-Yamaska").exit_code == 0
    result = maintainer("export", "--format", "pack")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["name"], document["maintainer"]) == ("msgu", "MRC de Nicolet-Yamaska")
    assert len(document["contacts"]) == 3
    named = maintainer("export", "--format", "pack", "--output", str(tmp_path / "mrc.json"))
    assert named.exit_code == 0
    assert json.loads((tmp_path / "mrc.json").read_text())["name"] == "mrc"


def test_pack_options_need_the_pack_format(maintainer) -> None:
    result = maintainer("export", "--format", "csv", "--name", "x")
    assert result.exit_code == 1 and "--format pack" in result.stderr


def test_import_reads_a_pack_detected_or_named(maintainer, tmp_path, empty_db, invoke) -> None:
    pack = tmp_path / "partage.txt"
    export_pack(maintainer, pack)
    report = ok_json(invoke("import", str(pack), "--json"))
    assert report["format"] == "pack" and len(report["added"]) == 3
    again = ok_json(invoke("import", str(pack), "--format", "pack", "--json"))
    assert len(again["skipped"]) == 3
    found = by_name(invoke)
    assert found["Sécurité civile Québec"]["status"] == "none"  # the maintainer's stays there
    assert found["Sécurité civile Québec"]["notes"] is None


def test_round_trip_subscribe_pull_unchanged_and_changed(maintainer, tmp_path, served,
                                                          empty_db, invoke) -> None:
    pack = tmp_path / "pack.json"
    export_pack(maintainer, pack)
    served.pack = pack.read_bytes()
    first = ok_json(invoke("subscribe", PACK_URL, "--json"))
    assert (first["name"], len(first["added"]), first["contacts"]) == ("Sécurité civile QC", 3, 3)

    # The subscriber makes the directory its own.
    assert invoke("follow", "Croix-Rouge Québec", "--status", "met", "--note",
                  "Exercice 2026").exit_code == 0
    assert invoke("edit", "Sécurité civile Québec", "--note", "Nos notes", "--add-topic",
                  "alerte", "--status", "following").exit_code == 0
    before = by_name(invoke)

    # Unchanged: one small conditional request, answered 304.
    served.requests.clear()
    unchanged = ok_json(invoke("pull", "--json"))
    assert [(o["name"], o["changed"], o["error"]) for o in unchanged] == [
        ("Sécurité civile QC", False, None)]
    [asked] = served.requests
    assert asked.headers["if-none-match"] and asked.headers["if-modified-since"] == (
        "Sat, 01 Mar 2026 12:00:00 GMT")
    assert by_name(invoke) == before

    # The maintainer updates one contact, adds one, drops one.
    assert maintainer("edit", "Sécurité civile Québec", "--description", "Alertes, prévention "
                      "et rétablissement.", "--add-topic", "evacuation", "--remove-topic",
                      "inondations").exit_code == 0
    assert maintainer("add", "VOST Québec", "--kind", "volunteer", "--mastodon",
                      "VOSTQuebec@social.vost.ca", "--topic", "benevolat").exit_code == 0
    assert maintainer("remove", "Météo Mauricie", "--yes").exit_code == 0
    export_pack(maintainer, pack)
    served.pack = pack.read_bytes()
    changed = ok_json(invoke("pull", "Sécurité civile QC", "--json"))[0]
    assert [c["name"] for c in changed["added"]] == ["VOST Québec"]
    assert [c["name"] for c in changed["updated"]] == ["Sécurité civile Québec"]
    assert [c["name"] for c in changed["left"]] == ["Météo Mauricie"]
    assert changed["contacts"] == 3

    after = by_name(invoke)
    secu = after["Sécurité civile Québec"]
    assert secu["description"] == "Alertes, prévention et rétablissement."
    assert secu["topics"] == ["alerte", "evacuation"]  # the person's stays, the pack's moves
    assert (secu["status"], secu["notes"]) == ("following", "Nos notes")
    assert secu["history"] == before["Sécurité civile Québec"]["history"]
    croix = after["Croix-Rouge Québec"]
    assert (croix["status"], croix["notes"], croix["history"]) == (
        "met", before["Croix-Rouge Québec"]["notes"], before["Croix-Rouge Québec"]["history"])
    meteo = after["Météo Mauricie"]  # left the pack: kept whole, and marked
    assert {k: v for k, v in meteo.items() if k != "packs"} == {
        k: v for k, v in before["Météo Mauricie"].items() if k != "packs"}
    [membership] = meteo["packs"]
    assert membership["name"] == "Sécurité civile QC" and membership["left_at"]
    assert secu["packs"][0]["left_at"] is None
    assert after["VOST Québec"]["status"] == "none"

    listed = ok_json(invoke("subscriptions", "--json"))
    assert [(s["name"], s["url"], s["contacts"], s["left"]) for s in listed] == [
        ("Sécurité civile QC", PACK_URL, 3, 1)]
    assert listed[0]["last_pulled"]


def test_a_pull_keeps_local_edits_of_fields_the_pack_did_not_change(maintainer, tmp_path,
                                                                    served, empty_db,
                                                                    invoke) -> None:
    pack = tmp_path / "pack.json"
    export_pack(maintainer, pack)
    served.pack = pack.read_bytes()
    ok_json(invoke("subscribe", PACK_URL, "--json"))
    assert invoke("edit", "Croix-Rouge Québec", "--description", "Notre partenaire local",
                  "--region", "17").exit_code == 0
    assert maintainer("edit", "Croix-Rouge Québec", "--scope", "provincial").exit_code == 0
    export_pack(maintainer, pack)
    served.pack = pack.read_bytes()
    ok_json(invoke("pull", "--json"))
    croix = by_name(invoke)["Croix-Rouge Québec"]
    assert (croix["description"], croix["region"], croix["scope"]) == (
        "Notre partenaire local", "17", "provincial")


def test_subscribing_matches_contacts_already_in_the_directory(maintainer, tmp_path, served,
                                                               empty_db, invoke) -> None:
    mine = add(invoke, "Météo (nom local)", "--bluesky", "meteo-mauricie.bsky.social",
               "--status", "following", "--note", "Suivie depuis 2024", "--topic", "verglas")
    pack = tmp_path / "pack.json"
    export_pack(maintainer, pack)
    served.pack = pack.read_bytes()
    report = ok_json(invoke("subscribe", PACK_URL, "--name", "SC", "--json"))
    assert len(report["added"]) == 2 and [c["id"] for c in report["updated"]] == [mine["id"]]
    meteo = ok_json(invoke("show", str(mine["id"]), "--json"))
    assert meteo["name"] == "Météo Mauricie" and meteo["kind"] == "weather"
    assert sorted(meteo["topics"]) == ["meteo", "verglas"]
    assert (meteo["status"], meteo["notes"]) == ("following", "Suivie depuis 2024")


def test_a_contact_without_accounts_is_matched_by_name_and_region(maintainer, tmp_path,
                                                                  served, empty_db,
                                                                  invoke) -> None:
    assert maintainer("add", "Comité de sécurité civile", "--region", "04", "--description",
                      "Le comité régional.").exit_code == 0
    mine = add(invoke, "comité de securite civile", "--region", "04", "--note", "Nos notes")
    pack = tmp_path / "pack.json"
    export_pack(maintainer, pack)
    served.pack = pack.read_bytes()
    report = ok_json(invoke("subscribe", PACK_URL, "--json"))
    assert [c["id"] for c in report["updated"]] == [mine["id"]]
    merged = ok_json(invoke("show", str(mine["id"]), "--json"))
    assert (merged["name"], merged["description"], merged["notes"]) == (
        "Comité de sécurité civile", "Le comité régional.", "Nos notes")


@pytest.mark.parametrize(("body", "said"), [
    (b"{not json", "not valid JSON"),
    (b'{"name": "x", "contacts": []}', "not an msgu pack"),
    (b'{"msgu_pack": 2, "name": "x", "contacts": []}', "upgrade msgu"),
    (b'{"msgu_pack": 1, "contacts": []}', '"name"'),
    (b'{"msgu_pack": 1, "name": "x", "contacts": {}}', "must be a list"),
    (b'{"msgu_pack": 1, "name": "x", "updated": "hier", "contacts": []}', "ISO 8601"),
    (b'{"msgu_pack": 1, "name": "x", "contacts": [{"name": "A", "kind": "licorne"}]}',
     "item 1"),
    (b'{"msgu_pack": 1, "name": "x", "contacts": [{"name": "A", "accounts": [{"platform": '
     b'"bluesky", "handle": "a\\u001b.bsky.social"}]}]}', "item 1"),
])
def test_a_pack_that_does_not_validate_changes_nothing(served, empty_db, invoke, dump, body,
                                                       said) -> None:
    served.pack = body
    before = dump(empty_db)
    result = invoke("subscribe", PACK_URL)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and said in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert dump(empty_db) == before


def test_a_broken_pull_changes_nothing_and_says_which(maintainer, tmp_path, served, empty_db,
                                                      invoke, dump) -> None:
    pack = tmp_path / "pack.json"
    export_pack(maintainer, pack)
    served.pack = pack.read_bytes()
    ok_json(invoke("subscribe", PACK_URL, "--json"))
    before = dump(empty_db)
    served.pack = b'{"msgu_pack": 1, "name": "x", "contacts": [1]}'
    result = invoke("pull")
    assert result.exit_code == 1 and "Sécurité civile QC" in result.stderr
    assert dump(empty_db) == before
    served.intercept = lambda request: httpx.Response(404)
    result = invoke("pull", "Sécurité civile QC")
    assert result.exit_code == 1 and "404" in result.stderr
    assert dump(empty_db) == before


def test_subscription_mistakes(maintainer, tmp_path, served, empty_db, invoke, dump) -> None:
    pack = tmp_path / "pack.json"
    export_pack(maintainer, pack)
    served.pack = pack.read_bytes()
    ok_json(invoke("subscribe", PACK_URL, "--json"))
    before = dump(empty_db)
    again = invoke("subscribe", PACK_URL)
    assert again.exit_code == 1 and "msgu pull Sécurité civile QC" in again.stderr
    same_name = invoke("subscribe", str(pack))
    assert same_name.exit_code == 1 and "--name" in same_name.stderr
    unknown = invoke("pull", "Inconnu")
    assert unknown.exit_code == 1 and "msgu subscriptions" in unknown.stderr
    missing = invoke("subscribe", str(tmp_path / "absent.json"))
    assert missing.exit_code == 1 and "No pack at" in missing.stderr
    assert dump(empty_db) == before


def test_a_pack_on_a_shared_drive(maintainer, tmp_path, empty_db, invoke) -> None:
    """A path (or file://): an unchanged file is not merged again."""
    pack = tmp_path / "lecteur-partage" / "pack.json"
    pack.parent.mkdir()
    export_pack(maintainer, pack)
    first = ok_json(invoke("subscribe", pack.as_uri(), "--json"))
    assert len(first["added"]) == 3
    assert ok_json(invoke("pull", "--json"))[0]["changed"] is False
    assert maintainer("remove", "Croix-Rouge Québec", "--yes").exit_code == 0
    export_pack(maintainer, pack)
    pulled = ok_json(invoke("pull", "--json"))[0]
    assert [c["name"] for c in pulled["left"]] == ["Croix-Rouge Québec"]
    assert rows(empty_db, "SELECT url FROM subscriptions") == [(str(pack.resolve()),)]


def test_subscriptions_when_there_are_none(empty_db, invoke) -> None:
    assert ok_json(invoke("subscriptions", "--json")) == []
    assert "msgu subscribe URL" in invoke("subscriptions").stdout
    result = invoke("pull")
    assert result.exit_code == 1 and "msgu subscribe URL" in result.stderr


# -- end to end: a real HTTP server on the loopback -----------------------------------------

class _PackHost(BaseHTTPRequestHandler):
    """Serves one pack with an ETag; answers 304 to a matching If-None-Match."""

    pack: bytes = b""
    log: list[tuple[str, str | None]] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        etag = f'"v{len(self.pack)}-{sum(self.pack) % 9973}"'
        self.log.append((self.path, self.headers.get("If-None-Match")))
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(self.pack)))
        self.end_headers()
        self.wfile.write(self.pack)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def pack_host() -> Iterator[tuple[str, type[_PackHost]]]:
    handler = type("Host", (_PackHost,), {"pack": b"", "log": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/partage/pack.json", handler
    finally:
        server.shutdown()
        server.server_close()


def test_end_to_end_with_a_local_http_server(maintainer, tmp_path, pack_host, empty_db,
                                             invoke) -> None:
    url, host = pack_host
    pack = tmp_path / "pack.json"
    export_pack(maintainer, pack)
    host.pack = pack.read_bytes()
    subscribed = invoke("subscribe", url)
    assert subscribed.exit_code == 0, subscribed.output
    assert "Subscribed to Sécurité civile QC" in subscribed.stdout
    unchanged = invoke("pull")
    assert unchanged.exit_code == 0 and "Unchanged since the last pull" in unchanged.stdout
    assert maintainer("edit", "Météo Mauricie", "--description", "Prévisions régionales."
                      ).exit_code == 0
    export_pack(maintainer, pack)
    host.pack = pack.read_bytes()
    changed = invoke("pull")
    assert changed.exit_code == 0 and "1 updated" in changed.stdout, changed.output
    assert [etag is not None for _path, etag in host.log] == [False, True, True]
    assert ok_json(invoke("show", "Météo Mauricie", "--json"))["description"] == (
        "Prévisions régionales.")
