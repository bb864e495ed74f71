"""The interface language: how it is chosen, and what Typer, Click and msgu's error boundary say
in French (usage errors, `Erreur :`, prompts, help titles) — in-process and in a real process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from cli_results import rows
from fakenet import add, install, load
from typer import BadParameter
from typer._click.exceptions import MissingParameter

from msgu_cli import i18n
from msgu_cli.cli import app
from msgu_cli.cli._shared import stage_label
from msgu_cli.cli._typer_messages import translated_sentence, usage_message

NBSP = "\u00a0"
LOCALE_VARIABLES = ("MSGU_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


# -- choosing the language --------------------------------------------------------------------

@pytest.mark.parametrize(("environ", "expected"), [
    ({"MSGU_LANG": "fr"}, "fr"),
    ({"MSGU_LANG": "en", "LANG": "fr_CA.UTF-8"}, "en"),
    ({"MSGU_LANG": "fr", "LC_ALL": "en_US.UTF-8"}, "fr"),
    ({"MSGU_LANG": "FR_ca"}, "fr"),
    ({"MSGU_LANG": "de", "LANG": "fr_CA.UTF-8"}, "fr"),  # not a language msgu has: the system's
    ({"LANG": "fr_CA.UTF-8"}, "fr"),
    ({"LANG": "fr_FR"}, "fr"),
    ({"LANG": "en_CA.UTF-8"}, "en"),
    ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "fr_CA.UTF-8", "LANG": "fr_CA.UTF-8"}, "en"),
    ({"LC_MESSAGES": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
    ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "fr_CA.UTF-8"}, "fr"),  # empty means unset
    ({"LANG": "C"}, "en"),
    ({"LC_ALL": "POSIX", "LANG": "fr_CA.UTF-8"}, "en"),
    ({"LC_ALL": "C.UTF-8"}, "en"),
    ({}, "en"),
])
def test_system_language_follows_the_contract(environ, expected) -> None:
    assert i18n.system_language(environ, platform="linux") == expected


@pytest.mark.parametrize(("display", "msgu_lang", "expected"), [
    ("fr_ca", None, "fr"), ("en_us", None, "en"), ("", None, "en"), ("fr_ca", "en", "en"),
])
def test_windows_uses_the_display_language(monkeypatch, display, msgu_lang, expected) -> None:
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "fr_CA.UTF-8" if expected == "en" else "en_US.UTF-8")
    if msgu_lang:
        monkeypatch.setenv("MSGU_LANG", msgu_lang)
    monkeypatch.setattr(i18n, "_windows_display_language", lambda: display)
    assert i18n.system_language(platform="win32") == expected


def test_the_language_is_chosen_once_until_reset(interface_language, monkeypatch) -> None:
    interface_language("fr")
    assert i18n.language() == "fr" and i18n._("Error: {message}") == "Erreur : {message}"
    monkeypatch.setenv("MSGU_LANG", "en")
    assert i18n.language() == "fr"
    i18n.reset()
    assert i18n.language() == "en" and i18n._("Error: {message}") == "Error: {message}"


def test_stage_labels_of_progress_bars(interface_language) -> None:
    assert stage_label("Writing") == "Writing"
    interface_language("fr")
    assert [stage_label(s) for s in ("Reading", "Checking", "Writing")] == [
        "Lecture", "Vérification", "Écriture"]
    assert stage_label("Sorting") == "Sorting"  # a stage without a label shows as it is


def test_an_option_read_from_the_environment_is_named_in_french(interface_language) -> None:
    db = next(p for p in typer.main.get_command(app).params if p.name == "db")
    refused = BadParameter("un dossier", param=db)
    assert refused.format_message() == (
        "Invalid value for '--db' (env var: 'MSGU_DB'): un dossier")
    interface_language("fr")
    assert usage_message(refused) == (
        f"Valeur invalide pour '--db' (variable d’environnement 'MSGU_DB'){NBSP}: un dossier")


def test_a_missing_option_in_french(interface_language) -> None:
    status = next(p for p in typer.main.get_command(app).commands["follow"].params
                  if p.name == "status")
    interface_language("fr")
    assert usage_message(MissingParameter(param=status)) == "Option '--status' manquante."


def test_pydantic_bounds_in_french(interface_language) -> None:
    interface_language("fr")
    assert translated_sentence("Input should be less than or equal to 500") == (
        "la valeur doit être inférieure ou égale à 500")
    assert translated_sentence("Something msgu does not know") == "Something msgu does not know"


# -- usage errors: Click's, exit 2, in the interface language ---------------------------------

USAGE_ERRORS = [
    (["list", "--bogus"], "No such option: --bogus", f"Option inconnue{NBSP}: --bogus"),
    (["show"], "Missing argument 'REF'.", "Argument 'REF' manquant."),
    (["list", "--limit", "abc"],
     "Invalid value for '--limit': Input should be a valid integer, unable to parse string as an "
     "integer", f"Valeur invalide pour '--limit'{NBSP}: un nombre entier est attendu"),
    (["recommend", "--limit", "0"],
     "Invalid value for '--limit' / '-n': Input should be greater than or equal to 1",
     f"Valeur invalide pour '--limit' / '-n'{NBSP}: la valeur doit être supérieure ou égale à 1"),
    (["export", "--format"], "Option '--format' requires an argument.",
     "L’option '--format' exige une valeur."),
    (["list", "--json=yes"], "Option '--json' does not take a value.",
     "L’option '--json' ne prend pas de valeur."),
    (["list", "a", "b"], "Got unexpected extra argument(s) (a b)",
     f"Argument(s) en trop{NBSP}: a b"),
    (["nope"], "No such command 'nope'.", f"Commande inconnue{NBSP}: 'nope'."),
    (["list", "--platfrm", "x"], "No such option: --platfrm (Possible options: --platform)",
     f"Option inconnue{NBSP}: --platfrm (options possibles{NBSP}: --platform)"),
]


def _one_line(text: str) -> str:
    """Rich panels' text on one line: borders and wrapping removed, no-break spaces kept."""
    return re.sub(r"[ \n│╭╮╰╯]+", " ", text)


@pytest.mark.parametrize(("args", "english", "french"), USAGE_ERRORS)
def test_usage_errors_in_both_languages(invoke, interface_language, empty_db, args, english,
                                        french) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert english in _one_line(result.stderr)
    # Click's parser raises a few errors without their command: no usage line, no hint then.
    with_usage = "Usage: msgu" in result.stderr
    assert "Error" in result.stderr and with_usage == ("for help." in result.stderr)
    interface_language("fr")
    result = invoke(*args)
    assert result.exit_code == 2
    said = _one_line(result.stderr)
    assert french in said and english not in said
    assert "Erreur" in said and "Error" not in said and "for help" not in said
    if with_usage:
        assert f"Utilisation{NBSP}: msgu" in said
        assert f"Essayez «{NBSP}msgu" in said and "pour obtenir de l’aide." in said


def test_help_titles_and_typer_words_in_french(invoke, interface_language) -> None:
    interface_language("fr")
    result = invoke("recommend", "--help")
    assert result.exit_code == 0
    text = _one_line(result.output)
    for french in (f"Utilisation{NBSP}: msgu recommend [OPTIONS] [INTERESTS]", "─ Arguments ",
                   "─ Options ", "Afficher ce message et quitter.", f"[par défaut{NBSP}: 10]",
                   "ENTIER", "TEXTE", "CHEMIN"):
        assert french in text
    for english in ("Usage:", "Show this message", "[default:", "INTEGER", "TEXT ", "PATH"):
        assert english not in text
    root = invoke("--help").output
    assert "─ Commandes " in root and "msgu [OPTIONS] COMMANDE [ARGUMENTS]..." in root
    show = invoke("show", "--help").output
    assert "[obligatoire]" in show and "[required]" not in show


@pytest.mark.parametrize("args", [[], ["profile"]])
def test_a_group_without_arguments_shows_its_help_in_french(invoke, interface_language,
                                                            args) -> None:
    interface_language("fr")
    result = invoke(*args)
    assert result.exit_code == 2  # no_args_is_help is a usage error in Click
    assert f"Utilisation{NBSP}: msgu" in result.output and "Commandes" in result.output


def test_help_in_english_is_typer_s_own(invoke) -> None:
    text = _one_line(invoke("recommend", "--help").output)
    assert "Usage: msgu recommend [OPTIONS] [INTERESTS]" in text
    assert "Show this message and exit." in text and "[default: 10]" in text
    assert "Utilisation" not in text and "Afficher" not in text


# -- msgu's own error boundary ----------------------------------------------------------------

def test_error_prefix_in_french(invoke, interface_language, starter_db, dump) -> None:
    before = dump(starter_db)
    assert invoke("show", "999999").stderr.startswith("Error: ")
    interface_language("fr")
    result = invoke("show", "999999")
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : ") and result.stderr.count("\n") == 1
    assert dump(starter_db) == before


@pytest.fixture
def one_bluesky_contact(empty_db, invoke, monkeypatch):
    fake = install(monkeypatch)
    view = load("bluesky_getProfiles")["profiles"][0]
    add(invoke, "Sécurité civile", "--bluesky", view["handle"])
    return fake


@pytest.mark.parametrize(("crash", "status", "french"), [
    (KeyboardInterrupt, 130, f"Interrompu{NBSP}: rien de plus n’a été écrit.\n"),
    (RuntimeError, 1, f"Erreur : RuntimeError{NBSP}: boum. C’est inattendu{NBSP}; "
     "relancez la commande avec MSGU_DEBUG=1 pour voir les détails.\n"),
])
def test_interruptions_and_unexpected_errors_in_french(one_bluesky_contact, invoke,
                                                       interface_language, crash, status,
                                                       french, monkeypatch) -> None:
    monkeypatch.delenv("MSGU_RAISE_ERRORS")  # what a user sees of a bug, not the test's raise

    def boom(request):
        raise crash("boum")

    one_bluesky_contact.intercept = boom
    interface_language("fr")
    result = invoke("refresh")
    assert result.exit_code == status
    assert result.stderr.endswith(french) and "Traceback" not in result.output


# -- confirmation prompts ---------------------------------------------------------------------

def _contact_named(db_path: Path, name: str) -> bool:
    return bool(rows(db_path, "SELECT 1 FROM contacts WHERE name = ?", [name]))


@pytest.mark.parametrize(("answer", "removed"), [
    ("o\n", True), ("oui\n", True), ("OUI\n", True), ("y\n", True), ("yes\n", True),
    ("n\n", False), ("non\n", False), ("no\n", False), ("\n", False),
])
def test_french_confirmation_takes_o_oui_y_yes(invoke, interface_language, empty_db, answer,
                                               removed) -> None:
    add(invoke, "Garder ou pas")
    interface_language("fr")
    result = invoke("remove", "Garder ou pas", input=answer)
    assert f"Supprimer #1 Garder ou pas{NBSP}? [o/N] " in result.output
    assert result.exit_code == (0 if removed else 1)
    assert _contact_named(empty_db, "Garder ou pas") is not removed


def test_a_wrong_answer_asks_again_and_end_of_input_aborts(invoke, interface_language,
                                                           empty_db) -> None:
    add(invoke, "Garder")
    interface_language("fr")
    result = invoke("remove", "Garder", input="peut-être\nnon\n")
    assert result.exit_code == 1 and "Veuillez répondre o ou n." in result.stderr
    assert result.output.count("[o/N]") == 2
    result = invoke("remove", "Garder", input="")
    assert result.exit_code == 1 and "Opération annulée." in result.stderr
    assert _contact_named(empty_db, "Garder")


def test_english_confirmation_is_unchanged(invoke, empty_db) -> None:
    add(invoke, "Enlever")
    result = invoke("remove", "Enlever", input="o\nyes\n")
    assert "Delete #1 Enlever? [y/N]: " in result.output
    assert "Please answer y or n." in result.stderr
    assert result.exit_code == 0 and not _contact_named(empty_db, "Enlever")


def test_init_force_asks_in_french(invoke, interface_language, empty_db) -> None:
    interface_language("fr")
    result = invoke("init", "--force", input="non\n")
    assert f"Recréer {empty_db}{NBSP}? Tout ce qu’il contient sera perdu. [o/N]" in result.output
    assert result.exit_code == 1


# -- the installed command in a real process ---------------------------------------------------

def _installed_msgu() -> list[str]:
    script = Path(sys.executable).with_name("msgu")
    return [str(script)] if script.exists() else [sys.executable, "-m", "msgu_cli"]


def _run(args: list[str], db: Path, **language: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    env.update(MSGU_DB=str(db), **language)
    return subprocess.run([*_installed_msgu(), *args], capture_output=True, text=True, env=env,
                          timeout=60)


@pytest.mark.parametrize("language", [{"LANG": "fr_CA.UTF-8"}, {"MSGU_LANG": "fr", "LANG": "C"},
                                      {"LC_ALL": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}])
def test_installed_cli_speaks_french_on_a_french_system(db_path, language) -> None:
    usage = _run(["list", "--bogus"], db_path, **language)
    assert usage.returncode == 2
    assert f"Option inconnue{NBSP}: --bogus" in usage.stderr and "Erreur" in usage.stderr
    error = _run(["show", "999999"], db_path, **language)
    assert error.returncode == 1 and error.stderr.startswith("Erreur : ")
    helped = _run(["--help"], db_path, **language)
    assert f"Utilisation{NBSP}: msgu" in helped.stdout
    assert "Afficher la version et quitter." in helped.stdout


def test_installed_cli_speaks_english_when_asked(db_path) -> None:
    language = {"MSGU_LANG": "en", "LANG": "fr_CA.UTF-8", "LC_ALL": "fr_CA.UTF-8"}
    usage = _run(["list", "--bogus"], db_path, **language)
    assert usage.returncode == 2 and "No such option: --bogus" in usage.stderr
    error = _run(["show", "999999"], db_path, **language)
    assert error.returncode == 1 and error.stderr.startswith("Error: ")
    assert "Usage: msgu" in _run(["--help"], db_path, **language).stdout


_HEAVY = ("httpx", "sqlite_utils", "pydantic", "rich.console", "typer.rich_utils", "babel",
          "snowballstemmer")
_PROBE = (
    "import sys\n"
    "sys.argv = ['msgu', *sys.argv[1:]]\n"
    "from msgu_cli.cli import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
    f"sys.stderr.write(' '.join(m for m in {_HEAVY!r} if m in sys.modules))\n"
)


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_french_start_up_loads_what_english_does(db_path, args) -> None:
    """The catalogue costs a file read: no module more (Babel never runs outside the tools)."""
    loaded = {}
    for language in ("en", "fr"):
        env = {**os.environ, "MSGU_LANG": language, "MSGU_DB": str(db_path)}
        done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True,
                              text=True, env=env, timeout=60)
        loaded[language] = set(done.stderr.split())
    assert loaded["fr"] == loaded["en"]
    assert "babel" not in loaded["fr"]
    if args == ["--version"]:
        assert loaded["fr"] == set()
