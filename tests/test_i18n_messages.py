"""Texts for people that may also go into JSON (i18n.Message): people read them in the interface
language, JSON and stored facts get what the contract says, and an error raised with one keeps
it all the way to an import row's reason or a fetch's error."""

from __future__ import annotations

import json
from dataclasses import asdict

import httpx
from cli_results import ok_json, rows
from fakenet import add, bsky_view, install

from msgu_cli.cli._shared import print_json
from msgu_cli.domain.vocabulary import parse_kind
from msgu_cli.errors import InvalidInput
from msgu_cli.i18n import N_, Grouped, Message
from msgu_cli.services.import_plan import RowOutcome

NBSP, NNBSP = "\u00a0", "\u202f"


def _refused_kind() -> InvalidInput:
    try:
        parse_kind("pompierz")
    except InvalidInput as error:
        return error
    raise AssertionError("parse_kind accepted pompierz")


def test_an_error_keeps_its_message_in_both_languages(interface_language) -> None:
    interface_language("fr")
    error = _refused_kind()
    assert isinstance(error.message, Message)
    assert str(error).startswith(f"Type inconnu{NBSP}: «{NBSP}pompierz{NBSP}». Vouliez-vous dire "
                                 f"fire{NBSP}?")
    assert error.english().startswith("Unknown kind 'pompierz'. Did you mean fire? Use one of:")
    interface_language("en")
    assert str(_refused_kind()) == error.english()


def test_a_message_is_one_value_that_json_writes_in_english(interface_language,
                                                             capsys) -> None:
    interface_language("fr")
    reason = Message(N_("already in the directory as {contact}"),
                     {"contact": Message(N_("#{id} {name}"), {"id": 4, "name": "Zone911"})})
    outcome = asdict(RowOutcome(3, "Zone911", 4, reason))
    assert outcome["reason"] == reason  # kept whole, not taken apart into its fields
    assert str(reason) == "déjà dans le répertoire sous #4 Zone911"
    print_json(outcome)
    assert json.loads(capsys.readouterr().out)["reason"] == (
        "already in the directory as #4 Zone911")
    assert reason == Message(reason.template, dict(reason.params)) and len({reason, reason}) == 1


def test_lists_and_large_counts_as_each_language_writes_them(interface_language) -> None:
    listed = Message(N_("its accounts belong to several contacts ({contacts})."),
                     {"contacts": ["#1 A", Message(N_("#{id} {name}"), {"id": 2, "name": "B"})]})
    limit = Message(N_("its sheet goes on past {rows} rows or {cells} cells; split it"),
                    {"rows": Grouped(1_048_576), "cells": Grouped(20_000_000)})
    english = "its accounts belong to several contacts (#1 A; #2 B)."
    assert str(listed) == listed.english() == english
    assert str(limit) == "its sheet goes on past 1,048,576 rows or 20,000,000 cells; split it"
    interface_language("fr")
    assert str(listed) == f"ses comptes appartiennent à plusieurs contacts (#1 A{NBSP}; #2 B)."
    assert listed.english() == english
    assert str(limit) == (f"sa feuille dépasse 1{NNBSP}048{NNBSP}576 lignes ou "
                          f"20{NNBSP}000{NNBSP}000 cellules{NBSP}; divisez-la")
    assert "1,048,576 rows" in limit.english()


def test_import_reasons_read_in_french_and_stay_english_in_json(invoke, empty_db,
                                                                interface_language,
                                                                tmp_path) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text("name,kind,region\nA,fire,04\nB,pas-un-type,04\nC,fire,99\n",
                      encoding="utf-8")
    interface_language("fr")
    said = invoke("import", str(source), "--skip-invalid", "--dry-run")
    assert said.exit_code == 0, said.output
    assert f"colonne kind{NBSP}: Type inconnu{NBSP}: «{NBSP}pas-un-type{NBSP}»" in said.stdout
    assert f"colonne region{NBSP}: Région inconnue{NBSP}: «{NBSP}99{NBSP}»" in said.stdout
    report = ok_json(invoke("import", str(source), "--skip-invalid", "--dry-run", "--json"))
    assert [row["reason"].split(".")[0] for row in report["invalid"]] == [
        "column kind: Unknown kind 'pas-un-type'", "column region: Unknown region '99'"]
    refused = invoke("import", str(source))  # all or nothing: the first bad row, in French
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Erreur")  # its prefix is the CLI's (contract)
    assert f": ligne 3, colonne kind{NBSP}: Type inconnu" in refused.stderr
    assert refused.stderr.rstrip().endswith("Rien n’a été importé.")


def _offline(request: httpx.Request) -> None:
    if request.url.host == "hors-ligne.example":
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def test_a_fetch_error_reads_in_french_json_in_english_and_is_stored_as_said(
        invoke, empty_db, db_path, interface_language, monkeypatch) -> None:
    """The error of a fetch is English in JSON; stored with the account (`last_error`), it is
    written in the language of the run, like sync's notes (README: interface language)."""
    fake = install(monkeypatch)
    fake.intercept = _offline
    fake.add_bsky(bsky_view("ville.exemple.qc.ca", f"did:plc:{'a' * 24}"))
    add(invoke, "Ville", "--bluesky", "ville.exemple.qc.ca")
    add(invoke, "Veille", "--mastodon", "veille@hors-ligne.example")
    interface_language("fr")
    summary = ok_json(invoke("refresh", "--json"))
    [(platform, handle, error)] = [(e["platform"], e["handle"], e["error"])
                                   for e in summary["errors"]]
    assert (platform, handle) == ("mastodon", "veille@hors-ligne.example")
    assert error.startswith("hors-ligne.example could not be reached after ")
    [(stored,)] = rows(db_path, "SELECT last_error FROM accounts WHERE platform = 'mastodon'")
    assert stored.startswith("hors-ligne.example est injoignable après ")
    said = invoke("refresh", "--older-than", "0")
    assert said.exit_code == 0 and "est injoignable" in said.stdout


def test_sync_notes_are_written_in_the_language_of_the_run(invoke, empty_db, db_path,
                                                            interface_language,
                                                            monkeypatch) -> None:
    fake = install(monkeypatch)
    for n, handle in enumerate(("ville.exemple.qc.ca", "partenaire.bsky.social")):
        fake.add_bsky(bsky_view(handle, f"did:plc:{'ab'[n] * 24}", displayName=handle))
    fake.bsky_follow("ville.exemple.qc.ca", "partenaire.bsky.social")
    add(invoke, "Partenaire", "--bluesky", "partenaire.bsky.social")
    assert invoke("profile", "set", "--bluesky", "ville.exemple.qc.ca").exit_code == 0
    interface_language("fr")
    assert ok_json(invoke("sync", "--json"))["changes"][0]["to"] == "following"
    [(note,)] = rows(db_path, "SELECT note FROM relations")
    assert note == ("Observé par msgu sync sur bluesky\u00a0: ville.exemple.qc.ca suit "
                    "partenaire.bsky.social.")
    interface_language("en")  # stored as it was written: JSON gives it as it is
    history = ok_json(invoke("show", "Partenaire", "--json"))["history"]
    assert [step["note"] for step in history] == [note]


def test_doctor_on_a_damaged_file_gives_its_details_in_english_json(invoke, starter_db, db_path,
                                                                    interface_language) -> None:
    with db_path.open("r+b") as handle:  # page 1 after the 100-byte header: the schema
        handle.seek(100)
        handle.write(b"\xff" * 200)
    interface_language("fr")
    result = invoke("doctor", "--json")
    assert result.exit_code == 1
    found = {item["check"]: item["detail"] for item in json.loads(result.stdout)}
    assert found["open"] == "cannot be opened: database disk image is malformed"
    said = invoke("doctor")
    assert said.exit_code == 1 and "impossible à ouvrir" in said.stdout
