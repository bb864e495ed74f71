"""What the commands print in French: tables with French labels for codes, counts agreed with
their nouns, decimal commas, the import report, French typography that holds when rich wraps
lines, and codes left as codes wherever a program reads them."""

from __future__ import annotations

import re

import pytest
from cli_results import ok_json
from fakenet import add, install, load, reply

from msgu_cli import i18n
from msgu_cli.cli import labels
from msgu_cli.domain.models import ACCOUNT_STATES, SCOPES, STATUSES
from msgu_cli.domain.signals import SIGNALS
from msgu_cli.i18n import english

NBSP = "\u00a0"


def _words(text: str) -> str:
    """Output on one line: rich's wrapping undone, no-break spaces kept."""
    return re.sub(r"[ \n]+", " ", text).strip()


@pytest.fixture
def french(interface_language, monkeypatch):
    """French, on a terminal wide enough that table cells keep their words on one line."""
    monkeypatch.setenv("COLUMNS", "250")
    interface_language("fr")


# -- labels of codes ---------------------------------------------------------------------------

def test_every_code_people_see_has_a_french_label(french) -> None:
    for code in (*STATUSES, *SCOPES, *ACCOUNT_STATES, *SIGNALS):
        assert code in labels._CODE_LABELS, code
    assert [labels.label(s) for s in ("to-follow", "following", "follows-back", "met")] == [
        "à suivre", "suivi", "réciproque", "rencontré"]
    assert labels.label("regional") == "régionale" and labels.label("not-found") == "introuvable"
    assert labels.kind_label("fire") == "Sécurité incendie"
    assert labels.platform_label("website") == "site web"
    assert labels.platform_label("bluesky") == "Bluesky" and labels.platform_label("x") == "X"
    assert labels.label("sorting") == "sorting"  # a code without a label shows as it is


def test_english_labels_of_statuses_are_the_codes_people_type() -> None:
    assert [labels.label(s) for s in STATUSES] == list(STATUSES)
    assert labels.kind_label("fire") == "Fire service" and labels.platform_label("x") == "X"


def test_french_status_labels_are_read_back_as_their_codes(french, empty_db, invoke) -> None:
    """A French user types what the tables show: `--status "à suivre"` is to-follow."""
    for code in STATUSES:
        result = invoke("list", "--status", labels.label(code), "--json")
        assert result.exit_code == 0, (code, result.output)


def test_tables_and_panels_show_french_labels(french, empty_db, invoke) -> None:
    add(invoke, "Service incendie de Bécancour", "--kind", "fire", "--region", "17",
        "--scope", "regional", "--website", "https://becancour.ca", "--status", "to-follow")
    listed = _words(invoke("list").stdout)
    assert "Sécurité incendie" in listed and " fire " not in listed
    panel = _words(invoke("show", "Service incendie de Bécancour").stdout)
    for french_word in ("type Sécurité incendie", "portée régionale", "statut à suivre",
                        "site web", "17 Centre-du-Québec"):
        assert french_word in panel, french_word
    assert "website" not in panel.replace("website:", "")
    followed = invoke("follow", "Service incendie de Bécancour", "--status", "met").stdout
    assert followed.strip().endswith(f"{NBSP}: rencontré")
    network = _words(invoke("network").stdout)
    assert "rencontré (1)" in network and "à suivre" in network and "entonnoir" in network


def test_json_keeps_codes_in_french(french, empty_db, invoke) -> None:
    add(invoke, "Service incendie", "--kind", "fire", "--scope", "regional")
    [shown] = ok_json(invoke("list", "--json"))
    assert (shown["kind"], shown["status"]) == ("fire", "none")


# -- counts agree with their nouns -------------------------------------------------------------

def test_counts_are_singular_or_plural(french, empty_db, invoke) -> None:
    one = invoke("add", "Un compte", "--bluesky", "un.bsky.social", "--topic", "inondations")
    assert one.stdout.strip() == "#1 Un compte ajouté (1 compte, 1 sujet)."
    two = invoke("add", "Deux comptes", "--bluesky", "deux.bsky.social", "--x", "@deux",
                 "--topic", "inondations", "--topic", "verglas")
    assert two.stdout.strip() == "#2 Deux comptes ajouté (2 comptes, 2 sujets)."
    assert _words(invoke("list").stdout).startswith("2 contacts")
    assert _words(invoke("list", "--limit", "1").stdout).startswith("1 contact ")
    stats = _words(invoke("stats").stdout)
    assert stats.startswith("2 contacts, 3 comptes")
    assert "2 contacts qu’on peut suivre" in stats


def test_english_counts_are_singular_or_plural(empty_db, invoke) -> None:
    result = invoke("add", "One", "--bluesky", "one.bsky.social")
    assert result.stdout.strip() == "Added #1 One (1 account, 0 topics)."


# -- numbers -----------------------------------------------------------------------------------

def test_recommend_explains_with_french_signals_and_decimal_commas(french, starter_db,
                                                                  invoke) -> None:
    english_run = ok_json(invoke("recommend", "--topic", "inondations", "--json"))
    explained = _words(invoke("recommend", "--topic", "inondations", "--explain").stdout)
    score = f"{english_run[0]['score']:.2f}".replace(".", ",")
    assert score in explained
    assert "sujet — sujet «" in explained and "géographie —" in explained
    assert " topic:" not in explained and " geography:" not in explained


def test_percent_and_numbers_follow_the_language(interface_language) -> None:
    assert labels.number(13.613, ".2f") == "13.61" and labels.number(6.6, "+.2f") == "+6.60"
    from msgu_cli.cli.render import percent

    assert percent(0.666) == "67%"
    interface_language("fr")
    assert labels.number(13.613, ".2f") == "13,61" and percent(0.5) == f"50{NBSP}%"


# -- the import report --------------------------------------------------------------------------

ROWS = ("nom,type,région,sujets,bluesky,colonne inconnue\n"
        "Nouveau service,police,04,inondations,nouveau.bsky.social,x\n"
        "Doublon,police,04,,doublon.bsky.social,\n"
        "Mauvais type,pas-un-type,04,,,\n")


def test_import_report_in_french(french, empty_db, invoke, tmp_path) -> None:
    add(invoke, "Doublon", "--bluesky", "doublon.bsky.social")
    source = tmp_path / "contacts.csv"
    source.write_text(ROWS, encoding="utf-8")
    report = invoke("import", str(source), "--skip-invalid", "--dry-run").stdout
    lines = report.splitlines()
    assert lines[0] == (f"Ajouts prévus{NBSP}: 1, mises à jour prévues{NBSP}: 0, ignorés (déjà "
                        f"dans le répertoire){NBSP}: 1, invalides{NBSP}: 1 — 3 lignes lues (csv).")
    assert f"  + ligne 2{NBSP}: Nouveau service" in lines
    assert any(line.startswith(f"  = ligne 3{NBSP}: Doublon{NBSP}: ") for line in lines)
    assert any(line.startswith(f"  ! ligne 4{NBSP}: ") for line in lines)
    assert f"Colonnes ignorées{NBSP}: colonne inconnue" in lines
    assert lines[-1] == f"Essai à blanc{NBSP}: rien n’a été écrit."


def test_one_row_read_is_singular(french, empty_db, invoke, tmp_path) -> None:
    source = tmp_path / "un.csv"
    source.write_text("name\nSeul\n", encoding="utf-8")
    assert "— 1 ligne lue (csv)." in invoke("import", str(source)).stdout


# -- the network commands ------------------------------------------------------------------------

def test_refresh_summary_in_french(french, empty_db, invoke, monkeypatch) -> None:
    fake = install(monkeypatch)
    view = load("bluesky_getProfiles")["profiles"][0]
    fake.add_bsky(view, load("bluesky_getAuthorFeed"))
    add(invoke, "Vivant", "--bluesky", view["handle"])
    add(invoke, "Disparu", "--bluesky", "disparu.bsky.social", "--mastodon", "qqn@mastodon.quebec")
    fake.intercept = lambda request: (reply({"error": "Service Unavailable"}, 503)
                                      if request.url.host == "mastodon.quebec" else None)
    shown = _words(invoke("refresh").stdout)
    assert shown.startswith(f"3 comptes consultés{NBSP}: introuvable (1), ok (1){NBSP}; 1 erreur.")
    assert "introuvable bluesky:disparu.bsky.social" in shown
    assert f"erreur mastodon:qqn@mastodon.quebec{NBSP}: " in shown


# -- typography ----------------------------------------------------------------------------------

def test_error_prefix_is_the_contract_s(french, empty_db, invoke) -> None:
    result = invoke("show", "999999")
    assert result.exit_code == 1 and result.stderr.startswith("Erreur : ")


def test_json_gets_the_english_of_a_message(interface_language) -> None:
    message = i18n.Message(i18n.N_("Dry run: nothing was written."))
    interface_language("fr")
    assert english(message) == "Dry run: nothing was written."
    assert str(message) == f"Essai à blanc{NBSP}: rien n’a été écrit."
    assert english("as it is") == "as it is" and english(None) is None
