"""`msgu import` through the real CLI: real files on disk, a real database, read back."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from cli_results import refused
from transfer_checks import listed, ok, without_ids

MASTODON_HEADER = "Account address,Show boosts,Notify on new posts,Languages"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def by_name(invoke) -> dict[str, dict]:
    return {c["name"]: c for c in listed(invoke)}


def handles(contact: dict, platform: str) -> list[str]:
    return [a["handle"] for a in contact["accounts"] if a["platform"] == platform]


# --- what people bring ---------------------------------------------------------------------


def test_export_of_the_starter_directory_imports_into_an_equal_directory(
    invoke, starter_db, tmp_path
):
    exported = tmp_path / "annuaire.csv"
    ok(invoke("export", "--format", "csv", "--output", str(exported)))
    other = tmp_path / "other.db"
    ok(invoke("--db", str(other), "init", "--empty"))
    result = ok(invoke("--db", str(other), "import", str(exported)))
    original = listed(invoke)
    assert f"Added {len(original)}," in result.stdout
    assert without_ids(listed(invoke, db=other)) == without_ids(original)


def test_semicolon_windows_1252_french_headers(invoke, empty_db, tmp_path):
    text = (
        "Nom;Type;Région;MRC;Sujets;Twitter;Site Web;Remarques\r\n"
        "Ville de Bécancour;municipalité;Centre-du-Québec;Bécancour;"
        "inondations, géolocalisation;@VilleBecancour;https://www.becancour.net;à suivre\r\n"
        "Sûreté du Québec;police;03;;sécurité publique;;;\r\n"
    )
    source = write(tmp_path / "contacts.csv", text, "cp1252")
    assert "é".encode("cp1252") in source.read_bytes()  # really Windows-1252, not UTF-8
    result = ok(invoke("import", str(source)))
    assert "Added 2," in result.stdout
    contacts = by_name(invoke)
    becancour = contacts["Ville de Bécancour"]
    assert becancour["kind"] == "municipality"
    assert becancour["region"] == "17"
    assert becancour["mrc"] == "Bécancour"
    assert sorted(becancour["topics"]) == ["geolocalisation", "inondations"]
    assert handles(becancour, "x") == ["villebecancour"]
    assert handles(becancour, "website") != []
    assert contacts["Sûreté du Québec"]["topics"] == ["securite-publique"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_bom(invoke, empty_db, tmp_path, bom):
    source = tmp_path / "c.csv"
    source.write_bytes(bom + "name,region,kind\nCroix-Rouge — Québec,Capitale-Nationale,ONG\n"
                       .encode())
    ok(invoke("import", str(source)))
    [contact] = listed(invoke)
    assert contact["name"] == "Croix-Rouge — Québec"
    assert (contact["region"], contact["kind"]) == ("03", "ngo")


def test_columns_in_any_order_and_case_and_only_a_handle_column(invoke, empty_db, tmp_path):
    ok(invoke("import", str(write(tmp_path / "a.csv", "BLUESKY,Description,NAME\n"
                                  "urgence.bsky.social,Alertes,Urgence test\n"))))
    ok(invoke("import", str(write(tmp_path / "b.csv", "twitter\n@SPVM\nhttps://x.com/Hydro\n"))))
    contacts = by_name(invoke)
    assert handles(contacts["Urgence test"], "bluesky") == ["urgence.bsky.social"]
    # no name column: each contact is named after its handle, nothing invented
    assert handles(contacts["spvm"], "x") == ["spvm"]
    assert handles(contacts["hydro"], "x") == ["hydro"]


def test_unknown_topics_are_created_and_reported(invoke, empty_db, tmp_path):
    source = write(tmp_path / "t.csv", "name,topics\nA,inondations|Drones de reconnaissance\n"
                                       "B,drones de reconnaissance\n")
    result = ok(invoke("import", str(source)))
    assert "New topics created: drones-de-reconnaissance" in result.stdout
    topics = {t["code"]: t for t in json.loads(ok(invoke("topics", "--json")).stdout)}
    assert topics["drones-de-reconnaissance"]["contacts"] == 2
    assert {c["name"]: c["topics"] for c in listed(invoke)} == {
        "A": ["drones-de-reconnaissance", "inondations"], "B": ["drones-de-reconnaissance"]}


def test_formula_guard_is_taken_off(invoke, empty_db, tmp_path):
    source = write(tmp_path / "g.csv", "name,description,notes\n'=1+1,'-x,'@x\n'plain,'a,\n")
    ok(invoke("import", str(source)))
    contacts = by_name(invoke)
    assert (contacts["=1+1"]["description"], contacts["=1+1"]["notes"]) == ("-x", "@x")
    assert contacts["'plain"]["description"] == "'a"  # a real apostrophe stays


# --- Mastodon and JSON ------------------------------------------------------------------------


def test_mastodon_following_export_and_bare_list(invoke, empty_db, tmp_path, dump, db_path):
    following = write(tmp_path / "following_accounts.csv", (
        f"{MASTODON_HEADER}\nalertes@mastodon.social,true,false,\n"
        '@Meteo@social.example.org,false,true,"fr, en"\n'))
    result = ok(invoke("import", str(following)))
    assert "(mastodon)" in result.stdout and "Added 2," in result.stdout
    bare = write(tmp_path / "liste.txt", "veille@urgence.example\n\nalertes@mastodon.social\n")
    result = ok(invoke("import", str(bare)))
    assert "Added 1," in result.stdout and "skipped 1" in result.stdout
    assert sorted(h for c in listed(invoke) for h in handles(c, "mastodon")) == [
        "alertes@mastodon.social", "meteo@social.example.org", "veille@urgence.example"]
    assert {c["name"] for c in listed(invoke)} == {
        "alertes@mastodon.social", "meteo@social.example.org", "veille@urgence.example"}


def test_mastodon_export_imports_back_the_same_accounts(invoke, starter_db, tmp_path):
    out = tmp_path / "follows.csv"
    ok(invoke("export", "--format", "mastodon", "--output", str(out)))
    other = tmp_path / "other.db"
    ok(invoke("--db", str(other), "init", "--empty"))
    ok(invoke("--db", str(other), "import", str(out)))
    exported = sorted(h for c in listed(invoke) for h in handles(c, "mastodon"))
    assert exported
    assert sorted(h for c in listed(invoke, db=other)
                  for h in handles(c, "mastodon")) == exported


def test_json_export_imports_back(invoke, starter_db, tmp_path):
    ok(invoke("follow", "@urgencequebec", "--status", "met", "--date", "2026-06-12"))
    out = tmp_path / "annuaire.json"
    ok(invoke("export", "--format", "json", "--output", str(out)))
    other = tmp_path / "other.db"
    ok(invoke("--db", str(other), "init", "--empty"))
    ok(invoke("--db", str(other), "import", str(out)))
    assert without_ids(listed(invoke, db=other)) == without_ids(listed(invoke))


def test_format_option_overrides_detection(invoke, empty_db, tmp_path):
    source = write(tmp_path / "list.csv", "name\nalertes@mastodon.social\n")
    ok(invoke("import", str(source), "--format", "csv"))
    [contact] = listed(invoke)
    assert contact["name"] == "alertes@mastodon.social" and contact["accounts"] == []


# --- duplicates -------------------------------------------------------------------------------


def test_reimport_is_idempotent(invoke, starter_db, db_path, dump, tmp_path):
    out = tmp_path / "a.csv"
    ok(invoke("export", "--format", "csv", "--output", str(out)))
    before = dump(db_path)
    result = ok(invoke("import", str(out)))
    assert "Added 0, updated 0, skipped" in result.stdout
    assert dump(db_path) == before
    result = ok(invoke("import", str(out), "--on-duplicate", "update"))
    assert "Added 0, updated 0," in result.stdout
    assert dump(db_path) == before


def test_duplicate_found_by_a_handle_in_another_spelling(invoke, empty_db, tmp_path):
    ok(invoke("add", "Police de Montréal", "--x", "@SPVM", "--region", "06"))
    source = write(tmp_path / "d.csv", "nom,x\nSPVM (autre nom),https://twitter.com/spvm\n")
    result = ok(invoke("import", str(source)))
    assert "Added 0," in result.stdout
    assert "already in the directory as #1 Police de Montréal" in result.stdout
    assert [c["name"] for c in listed(invoke)] == ["Police de Montréal"]


def test_duplicate_without_handles_by_name_and_region(invoke, empty_db, tmp_path):
    ok(invoke("add", "Sécurité civile Mauricie", "--region", "04"))
    source = write(tmp_path / "d.csv", "name,region\nSECURITE CIVILE mauricie,4\n"
                                       "Sécurité civile Mauricie,Estrie\n")
    result = ok(invoke("import", str(source)))
    assert "Added 1," in result.stdout and "skipped 1" in result.stdout
    assert sorted(c["region"] for c in listed(invoke)) == ["04", "05"]


def test_update_fills_given_fields_and_keeps_the_rest(invoke, empty_db, tmp_path, db_path):
    ok(invoke("add", "Hydro test", "--x", "@hydrotest", "--region", "04", "--kind", "utility",
              "--description", "Pannes", "--note", "Contact: Julie",
              "--topic", "pannes-electriques"))
    ok(invoke("follow", "Hydro test", "--status", "met", "--date", "2026-03-01", "--note", "AG"))
    before = json.loads(ok(invoke("show", "1", "--json")).stdout)
    source = write(tmp_path / "u.csv", (
        "name,x,bluesky,description,notes,status,kind,topics,region\n"
        "Hydro test,hydrotest,hydro.bsky.social,,Écrasé?,none,,verglas,\n"))
    result = ok(invoke("import", str(source), "--on-duplicate", "update"))
    assert "updated 1" in result.stdout
    after = json.loads(ok(invoke("show", "1", "--json")).stdout)
    assert after["description"] == "Pannes"  # left empty in the file: not blanked
    assert after["kind"] == "utility" and after["region"] == "04"
    assert after["notes"] == "Contact: Julie"  # a person's notes are never overwritten
    assert after["status"] == "met" and after["history"] == before["history"]
    assert sorted(after["topics"]) == ["pannes-electriques", "verglas"]
    assert sorted(handles(after, "bluesky") + handles(after, "x")) == [
        "hydro.bsky.social", "hydrotest"]


def test_on_duplicate_error_writes_nothing(invoke, empty_db, tmp_path, db_path, dump):
    ok(invoke("add", "A", "--x", "@a_org"))
    before = dump(db_path)
    source = write(tmp_path / "e.csv", "name,x\nNouveau,@nouveau\nA bis,@A_org\n")
    message = refused(invoke("import", str(source), "--on-duplicate", "error"))
    assert "line 3" in message and "#1 A" in message and "--on-duplicate" in message
    assert dump(db_path) == before


def test_rows_repeating_each_other_are_merged(invoke, empty_db, tmp_path):
    source = write(tmp_path / "r.csv", "name,x,bluesky,description,topics\n"
                                       "Org,@org,,,inondations\n"
                                       "Org (bis),@ORG,org.bsky.social,Deuxième ligne,verglas\n")
    result = ok(invoke("import", str(source)))
    assert "Added 1," in result.stdout and "line 3" in result.stdout
    assert len(listed(invoke)) == 1
    other = ok(invoke("init", "--empty", "--force", "--yes"))
    assert other.exit_code == 0
    ok(invoke("import", str(source), "--on-duplicate", "update"))
    [contact] = listed(invoke)
    assert contact["name"] == "Org (bis)"
    assert contact["description"] == "Deuxième ligne"
    assert sorted(contact["topics"]) == ["inondations", "verglas"]
    assert handles(contact, "bluesky") == ["org.bsky.social"]


# --- all or nothing ---------------------------------------------------------------------------


def test_a_bad_row_stops_everything_and_names_line_and_column(invoke, starter_db, db_path,
                                                              dump, tmp_path):
    before = dump(db_path)
    source = write(tmp_path / "bad.csv", (
        'name,kind,description\nBon,ngo,"sur\ndeux lignes"\nAutre,police,\n'
        "Mauvais,pas-un-type,\nFin,ngo,\n"))
    message = refused(invoke("import", str(source)))
    assert message.startswith("Error: line 5, column kind:")  # header = 1, a cell spans 2-3
    assert "pas-un-type" in message and "Nothing was imported" in message
    assert dump(db_path) == before


def test_skip_invalid_lists_every_skipped_row(invoke, empty_db, tmp_path):
    source = write(tmp_path / "bad.csv", "name,region,x\nBon,04,\nA,Atlantide,\n"
                                         "B,04,not a handle!!\n,,\n,04,\n"
                                         "C,04,@c,de trop\n")
    result = ok(invoke("import", str(source), "--skip-invalid"))
    assert "Added 1," in result.stdout and "4 invalid" in result.stdout
    assert "line 7: 4 cells but the header has 3 columns" in result.stdout
    assert "line 3: column region: Unknown region 'Atlantide'" in result.stdout
    assert "line 4: column x:" in result.stdout
    assert "line 6: column name:" in result.stdout  # line 5 is blank: not a row
    assert [c["name"] for c in listed(invoke)] == ["Bon"]


def test_dry_run_writes_nothing_and_says_what_would_happen(invoke, empty_db, db_path, dump,
                                                         tmp_path):
    ok(invoke("add", "Existant", "--x", "@existant"))
    before = dump(db_path)
    source = write(tmp_path / "d.csv", "name,x,topics\nNouveau,@nouveau,sujet-neuf\n"
                                       "Existant,@existant,\nMal,@mal,\n")
    result = ok(invoke("import", str(source), "--dry-run", "--on-duplicate", "update",
                       "--skip-invalid"))
    assert dump(db_path) == before
    out = result.stdout
    assert "Would add 2, would update 0, skipped 1" in out
    assert "+ line 2: Nouveau" in out and "+ line 4: Mal" in out
    assert "New topics that would be created: sujet-neuf" in out
    assert "Dry run: nothing was written." in out
    report = json.loads(ok(invoke("import", str(source), "--dry-run", "--json")).stdout)
    assert [(r["line"], r["name"], r["id"]) for r in report["added"]] == [
        (2, "Nouveau", None), (4, "Mal", None)]
    assert [(r["line"], r["id"]) for r in report["skipped"]] == [(3, 1)]
    assert dump(db_path) == before


def test_json_report(invoke, empty_db, tmp_path):
    source = write(tmp_path / "j.csv", "name,courriel\nA,a@example.org\n")
    report = json.loads(ok(invoke("import", str(source), "--json")).stdout)
    assert report["rows"] == 1 and report["format"] == "csv"
    assert report["added"] == [{"line": 2, "name": "A", "id": 1, "reason": None}]
    assert report["ignored_columns"] == ["courriel"]


def test_header_only_file_imports_nothing_and_says_so(invoke, empty_db, db_path, dump,
                                                      tmp_path):
    before = dump(db_path)
    result = ok(invoke("import", str(write(tmp_path / "h.csv", "name,kind,region\r\n"))))
    assert "The file has a header but no rows: nothing to import." in result.stdout
    result = ok(invoke("import", str(write(tmp_path / "m.csv", MASTODON_HEADER + "\n"))))
    assert "nothing to import" in result.stdout and "(mastodon)" in result.stdout
    result = ok(invoke("import", str(write(tmp_path / "e.json", "[]\n"))))
    assert "The file lists no contacts: nothing to import." in result.stdout
    assert dump(db_path) == before


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\r\n  \n", "empty"),
        ("junk.csv", bytes(range(256)) * 8, "binary"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00\x01\x02" * 100, "binary"),
        ("noname.csv", "courriel,téléphone\na@b.c,555\n".encode(), "no 'name' column"),
        ("broken.json", b'[{"name": "A"},', "not valid JSON"),
        ("wrong.json", b'{"contacts": 3}', "item 1"),
        ("cells.csv", b"name,x\nA,@a,extra,cells\n", "line 2"),
    ],
)
def test_bad_files_are_clean_errors(invoke, starter_db, db_path, dump, tmp_path, name, content,
                                    expected):
    before = dump(db_path)
    source = tmp_path / name
    source.write_bytes(content)
    assert expected in refused(invoke("import", str(source)))
    assert dump(db_path) == before


def test_missing_file_folder_and_bad_options(invoke, starter_db, db_path, dump, tmp_path):
    before = dump(db_path)
    assert "No such file" in refused(invoke("import", str(tmp_path / "absent.csv")))
    assert "folder" in refused(invoke("import", str(tmp_path)))
    source = write(tmp_path / "ok.csv", "name\nA\n")
    assert "xml" in refused(invoke("import", str(source), "--format", "xml"))
    assert "--on-duplicate" in refused(invoke("import", str(source), "--on-duplicate", "merge"))
    assert dump(db_path) == before


def test_accounts_of_two_contacts_in_one_row(invoke, empty_db, db_path, dump, tmp_path):
    ok(invoke("add", "A", "--x", "@a_org"))
    ok(invoke("add", "B", "--bluesky", "b.bsky.social"))
    before = dump(db_path)
    source = write(tmp_path / "two.csv", "name,x,bluesky\nAB,@a_org,b.bsky.social\n")
    message = refused(invoke("import", str(source)))
    assert "line 2" in message and "#1 A" in message and "#2 B" in message
    assert dump(db_path) == before


def test_large_file_keeps_stdout_clean(invoke, empty_db, tmp_path):
    rows = "".join(f"Organisme {n},@org_{n}\n" for n in range(2500))
    source = write(tmp_path / "big.csv", "name,x\n" + rows)
    report = json.loads(ok(invoke("import", str(source), "--json")).stdout)
    assert len(report["added"]) == 2500
    assert len(listed(invoke)) == 2500


# --- from a URL -------------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch):
    """Answer the URL import through httpx.MockTransport, via the project's client factory."""
    from msgu_cli.clients import http

    requests: list[httpx.Request] = []
    answers: dict[str, object] = {}
    real_factory = http.make_http_client

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        answer = answers[str(request.url)]
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]

    monkeypatch.setattr(http, "make_http_client",
                        lambda **kw: real_factory(transport=httpx.MockTransport(handler)))
    return answers, requests


def test_import_from_a_url(invoke, empty_db, served):
    answers, requests = served
    url = "https://donnees.example.org/contacts.csv?v=2"
    answers[url] = httpx.Response(200, content="nom;région\nCentre test;Estrie\n".encode(),
                                  headers={"Content-Type": "text/csv"})
    ok(invoke("import", url))
    [contact] = listed(invoke)
    assert (contact["name"], contact["region"]) == ("Centre test", "05")
    assert "text/csv" in requests[0].headers["accept"]


def test_url_json_detected_from_its_name(invoke, empty_db, served):
    answers, _ = served
    url = "https://donnees.example.org/annuaire.json"
    answers[url] = httpx.Response(200, json=[{"name": "J", "kind": "media",
                                              "accounts": [{"platform": "x", "handle": "j"}]}])
    ok(invoke("import", url))
    assert [c["name"] for c in listed(invoke)] == ["J"]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (httpx.Response(404), "404"),
        (httpx.Response(503), "503"),
        (httpx.ConnectError("connection refused"), "connection refused"),
        (httpx.ReadTimeout("timed out"), "timed out"),
    ],
)
def test_url_failures_are_clean_errors(invoke, starter_db, db_path, dump, served, answer,
                                       expected):
    answers, _ = served
    url = "https://donnees.example.org/contacts.csv"
    answers[url] = answer
    before = dump(db_path)
    message = refused(invoke("import", url))
    assert expected in message and url in message
    assert dump(db_path) == before


def test_a_bad_cell_spanning_lines_still_gives_a_one_line_error(invoke, empty_db, db_path,
                                                                dump, tmp_path):
    ok(invoke("add", "Existant", "--x", "@existant"))
    before = dump(db_path)
    source = write(tmp_path / "nl.csv", 'name,kind\nA,ngo\nB,"pas\nun type"\n')
    message = refused(invoke("import", str(source)))  # refused() checks it is one line
    assert message.startswith("Error: line 3, column kind:") and "pas\\nun type" in message
    duplicate = write(tmp_path / "dup.csv", 'name,x\n"Deux\nlignes",@existant\n')
    message = refused(invoke("import", str(duplicate), "--on-duplicate", "error"))
    # A name never spans lines (contract: text safety): the cell is refused, escaped.
    assert message.startswith("Error: line 2, column name:") and "Deux\\nlignes" in message
    # A huge name is quoted cut short.
    long_name = write(tmp_path / "long.csv", f'name,x\n{"Long " * 90},@existant\n')
    message = refused(invoke("import", str(long_name), "--on-duplicate", "error"))
    assert message.startswith("Error: line 2:") and "#1 Existant" in message
    assert "Long Long" in message and "…" in message and len(message) < 400
    assert dump(db_path) == before


def test_a_large_import_shows_its_stages_on_a_terminal_only(invoke, empty_db, tmp_path,
                                                            monkeypatch):
    source = tmp_path / "gros.csv"
    source.write_text("name,x\n" + "".join(f"Poste {i},@poste_{i}\n" for i in range(2500)),
                      encoding="utf-8")
    quiet = invoke("import", str(source), "--dry-run")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich: treat stderr as a terminal
    shown = invoke("import", str(source))
    assert shown.exit_code == 0, shown.output
    # the first stage is drawn when the bar starts, the last when it stops
    assert "Reading" in shown.stderr and "Writing" in shown.stderr and "2500/2500" in shown.stderr
    assert "Added 2500" in shown.stdout
