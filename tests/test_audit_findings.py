"""Problems an audit found through the real CLI (cut handles and URLs, undecodable bytes,
lone surrogates from servers and packs, formula cells, uncapped lines, French wording), each
reproduced here as a coordinator or the contract expects it to behave."""

from __future__ import annotations

import json

import pytest
from cli_results import ok_json, rows
from fakenet import bsky_view, install

OWN = "ville.exemple.qc.ca"


@pytest.fixture
def eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain 80-column terminal, the width rich falls back to when it cannot ask."""
    monkeypatch.setenv("COLUMNS", "80")


def test_recommend_table_shows_the_whole_account_to_follow(starter_db, invoke,
                                                           eighty_columns) -> None:
    shown = ok_json(invoke("recommend", "--topic", "geolocalisation", "--json"))
    follows = [r["follow"]["handle"] for r in shown if r["follow"]]
    assert any(len(handle) > 24 for handle in follows), follows  # the case exists
    table = invoke("recommend", "--topic", "geolocalisation")
    assert table.exit_code == 0, table.output
    flat = "".join(table.stdout.split())  # a handle folded over two lines still counts
    for handle in follows:
        assert handle in flat, (handle, table.stdout)


def test_the_account_the_table_shows_is_a_ref_follow_accepts(starter_db, invoke,
                                                             db_path) -> None:
    table = invoke("recommend", "--topic", "inondations")
    assert "x:@sureteqc" in table.stdout, table.stdout
    result = invoke("follow", "x:@sureteqc")
    assert result.exit_code == 0, result.output
    assert rows(db_path, "SELECT status FROM contacts WHERE name = 'Sûreté du Québec'") == [
        ("following",)]


def test_show_prints_every_account_url_whole(starter_db, invoke, eighty_columns) -> None:
    contact = ok_json(invoke("show", "Humanitarian OpenStreetMap Team (HOT)", "--json"))
    result = invoke("show", str(contact["id"]))
    assert result.exit_code == 0, result.output
    flat = "".join(result.stdout.replace("│", " ").split())
    for account in contact["accounts"]:
        assert account["url"] in flat, (account["url"], result.stdout)


def test_profile_own_bluesky_option_is_repeatable(empty_db, invoke) -> None:
    profile = ok_json(invoke("profile", "set", "--bluesky", "alertes.exemple.qc.ca",
                             "--bluesky", "ville.exemple.qc.ca", "--json"))
    assert sorted(a["handle"] for a in profile["accounts"]) == [
        "alertes.exemple.qc.ca", "ville.exemple.qc.ca"]


def test_french_checked_is_not_the_word_for_verified(interface_language) -> None:
    from msgu_cli.i18n import _, ngettext

    interface_language("fr")
    checked = [_("checked"), ngettext("Checked {count} account", "Checked {count} accounts", 6)]
    assert not any("vérifi" in text for text in checked), checked


# Bytes that are not UTF-8 on the command line (a Latin-1 terminal typing "café") reach Python
# as lone surrogates (PEP 383). Every other option refuses them in one line; REF resolution and
# search hand them to SQLite, which cannot encode them.
UNDECODABLE = "caf\udce9"


@pytest.mark.parametrize("command", [("show",), ("follow",), ("edit", "--note", "x"),
                                     ("remove", "--yes")])
def test_a_ref_of_undecodable_bytes_is_a_clear_error(starter_db, invoke, dump,
                                                     command) -> None:
    from cli_results import refused

    before = dump(starter_db)
    refused(invoke(command[0], UNDECODABLE, *command[1:]))
    assert dump(starter_db) == before


def test_a_search_of_undecodable_bytes_is_a_clear_error(starter_db, invoke) -> None:
    from cli_results import refused

    refused(invoke("search", UNDECODABLE))


def test_a_workbook_formula_cell_is_never_dropped_silently(empty_db, invoke, tmp_path,
                                                          db_path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "kind", "x"])
    sheet.append(["Ville d'Essai", "municipality", '=CONCAT("@", "villeessai")'])
    path = tmp_path / "liste.xlsx"
    book.save(path)
    result = invoke("import", str(path))
    stored = rows(db_path, "SELECT platform, handle FROM accounts")
    assert result.exit_code == 1 or stored != [], (result.output, stored)


# JSON may escape a lone surrogate ("\ud800"): Python's json reads it as is. domain/text.py's
# strip_unsafe removes UNSAFE_CHARACTERS but not _NEVER_STORED (surrogates, U+FFFE/U+FFFF),
# so the text reaches SQLite, which cannot encode it, and the whole run dies.
def _with_lone_surrogate(request):
    import httpx

    if not request.url.path.endswith("app.bsky.actor.getProfiles"):
        return None
    profiles = [bsky_view(actor, "did:plc:" + actor[0] * 24,
                          displayName="Nom\ud800 " + actor.split(".")[0])
                for actor in request.url.params.get_list("actors")]
    body = json.dumps({"profiles": profiles}).encode("ascii")  # "\ud800" stays an escape
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def test_a_server_name_with_a_lone_surrogate_does_not_end_the_run(empty_db, invoke,
                                                                  monkeypatch,
                                                                  db_path) -> None:
    net = install(monkeypatch)
    net.intercept = _with_lone_surrogate
    invoke("add", "Alpha", "--bluesky", "alpha.bsky.social")
    invoke("add", "Bravo", "--bluesky", "bravo.bsky.social")
    result = invoke("refresh", "--older-than", "0")
    assert result.exit_code == 0, result.output
    names = [n for (n,) in rows(db_path, "SELECT display_name FROM accounts")]
    assert all(n is None or "\ud800" not in n for n in names), names


def test_a_pack_named_with_a_lone_surrogate_is_refused_in_one_line(empty_db, invoke,
                                                                   tmp_path, dump) -> None:
    from cli_results import refused

    pack = tmp_path / "pack.json"
    pack.write_text(json.dumps({"msgu_pack": 1, "name": "Pack\ud800", "description": None,
                                "maintainer": None, "updated": "2026-01-01T00:00:00+00:00",
                                "contacts": []}), encoding="ascii")
    before = dump(empty_db)
    refused(invoke("subscribe", str(pack)))
    assert dump(empty_db) == before


def test_the_ignored_columns_line_stays_short(empty_db, invoke, tmp_path) -> None:
    header = ",".join(["name", "kind", *(f"extra{i}" for i in range(5_000))])
    path = tmp_path / "large.csv"
    path.write_text(f"{header}\nVille d'Essai,municipality\n", encoding="utf-8")
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.output
    assert "extra0" in result.output  # it does name what it ignored
    assert len(result.output) < 5_000, len(result.output)


def test_a_language_code_that_is_no_language_is_refused(empty_db, invoke, dump) -> None:
    from cli_results import refused

    before = dump(empty_db)
    refused(invoke("add", "Ville d'Essai", "--lang", "zz"), "zz")
    assert dump(empty_db) == before
    added = ok_json(invoke("add", "Conseil cri de la santé", "--lang", "cr", "--json"))
    assert added["languages"] == ["cr"]
