"""Shell completion of option values, through the protocols the shells' scripts speak:
bash (`COMP_WORDS`, `COMP_CWORD`), zsh and fish (`_TYPER_COMPLETE_ARGS`)."""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from msgu_cli.cli import app

MSGU = str(Path(sys.executable).parent / "msgu")


def _complete(env: dict[str, str]) -> str:
    """What the completion process prints, in-process (the real Click entry point)."""
    result = CliRunner().invoke(app, [], prog_name="msgu", env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def bash(line: str, db: Path) -> list[str]:
    """The values bash gets for the last word of `line` (a trailing space: a new word)."""
    words = shlex.split(line)
    index = len(words) if line.endswith(" ") else len(words) - 1
    values = _complete({"_MSGU_COMPLETE": "complete_bash", "COMP_WORDS": line,
                        "COMP_CWORD": str(index), "MSGU_DB": str(db)}).splitlines()
    return [value for value in values if value]


def zsh(line: str, db: Path) -> str:
    return _complete({"_MSGU_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line,
                      "MSGU_DB": str(db)})


def fish(line: str, db: Path) -> list[str]:
    return _complete({"_MSGU_COMPLETE": "complete_fish", "_TYPER_COMPLETE_ARGS": line,
                      "_TYPER_COMPLETE_FISH_ACTION": "get-args",
                      "MSGU_DB": str(db)}).splitlines()


@pytest.fixture
def missing(tmp_path: Path) -> Path:
    return tmp_path / "none.db"


@pytest.mark.parametrize(("line", "expected"), [
    ("msgu export --format ", ["csv", "mastodon", "json", "xlsx", "pack"]),
    ("msgu import x.csv --format x", ["xlsx"]),
    ("msgu recommend --format MA", ["MAstodon"]),
    ("msgu import x.csv --on-duplicate ", ["skip", "update", "error"]),
    ("msgu list --kind ", ["municipality", "mrc", "provincial", "federal", "police", "fire",
                           "health", "ngo", "weather", "utility", "transport", "research",
                           "expert", "media", "volunteer", "other"]),
    ("msgu add X --kind M", ["Municipality", "Mrc", "Media"]),
    ("msgu follow X --status fo", ["following", "follows-back"]),
    ("msgu list --status C", ["Candidate", "Collaborating"]),
    ("msgu add X --scope ", ["local", "regional", "provincial", "national", "international"]),
    ("msgu recommend --platform b", ["bluesky"]),
    ("msgu list --platform ", ["x", "bluesky", "mastodon", "facebook", "instagram", "threads",
                               "youtube", "linkedin", "tiktok", "website"]),
    ("msgu refresh --platform ", ["bluesky", "mastodon"]),
    ("msgu discover X --platform M", ["Mastodon"]),
    ("msgu sync --platform ", ["bluesky", "mastodon"]),
    ("msgu add X --lang ", ["fr", "en"]),
    ("msgu recommend --lang F", ["Fr"]),
    ("msgu profile set --lang e", ["en"]),
])
def test_closed_lists_complete_by_prefix_case_folded(line, expected, missing) -> None:
    assert bash(line, missing) == expected


def test_regions_complete_by_number_and_by_name_accents_folded(missing) -> None:
    assert bash("msgu list --region 1", missing) == [f"{n}" for n in range(10, 18)]
    assert bash("msgu list --region ", missing) == [f"{n:02d}" for n in range(1, 18)]
    assert bash("msgu recommend --region mont", missing) == ["montréal", "montérégie"]
    assert bash("msgu add X --region Montr", missing) == ["Montréal"]
    assert bash("msgu export --format csv --region MAUR", missing) == ["MAURicie"]
    assert bash("msgu municipalities --region saguenay-l", missing) == [
        "saguenay-lac-Saint-Jean"]  # the en dash of `Saguenay–Lac` typed as a hyphen


def test_region_descriptions_name_the_region_in_zsh_and_give_the_number_for_a_name(
        missing) -> None:
    out = zsh("msgu list --region 0", missing)
    assert out.startswith("_arguments '*: :((")
    assert '"06":"Montréal"' in out and '"04":"Mauricie"' in out
    assert '"montréal":"06"' in zsh("msgu list --region mont", missing)


def test_topics_complete_from_the_bundled_taxonomy_without_a_database(missing) -> None:
    assert bash("msgu recommend --topic geo", missing) == ["geomatique", "geolocalisation"]
    assert bash("msgu add X --topic GÉOL", missing) == ["GÉOLocalisation"]
    assert "feux-de-foret" in bash("msgu list --topic feux", missing)
    assert bash("msgu edit 1 --add-topic inond", missing) == ["inondations"]
    assert bash("msgu profile set --topic verg", missing) == ["verglas"]
    assert not missing.exists()  # completing never creates a database


def test_topic_descriptions_are_labels_in_the_interface_language(missing,
                                                                 interface_language) -> None:
    assert fish("msgu list --topic inond", missing) == ["inondations\tFloods"]
    interface_language("fr")
    assert fish("msgu list --topic inond", missing) == ["inondations\tInondations"]
    assert "fire\tSécurité incendie" in fish("msgu list --kind ", missing)
    assert "to-follow\tà suivre" in fish("msgu list --status ", missing)
    assert '"en":"anglais"' in zsh("msgu add X --lang e", missing)


def test_user_created_topics_complete_from_the_database(invoke, empty_db) -> None:
    assert invoke("add", "Escouade", "--topic", "Drones civils", "--new-topic").exit_code == 0
    files = sorted(p.name for p in empty_db.parent.iterdir())
    assert bash("msgu list --topic dro", empty_db) == ["drones-civils"]
    assert fish("msgu list --topic DRO", empty_db) == ["DROnes-civils\tDrones civils"]
    assert bash("msgu list --topic inond", empty_db) == ["inondations"]
    assert sorted(p.name for p in empty_db.parent.iterdir()) == files  # no -wal, no -shm


def test_an_unreadable_database_falls_back_to_the_bundled_topics_silently(tmp_path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is no database\n" * 50)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE other (x)")
    conn.close()
    for path in (garbage, foreign, tmp_path):  # a folder is no database either
        before = sorted(p.name for p in tmp_path.iterdir())
        assert bash("msgu list --topic geol", path) == ["geolocalisation"]
        assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert garbage.read_bytes() == b"this is no database\n" * 50


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_database_msgu_may_not_read_falls_back_silently(tmp_path) -> None:
    locked = tmp_path / "locked.db"
    locked.write_bytes(b"")
    locked.chmod(0)
    try:
        assert bash("msgu list --topic geol", locked) == ["geolocalisation"]
    finally:
        locked.chmod(0o600)


def test_mrcs_complete_all_or_those_of_the_region_already_typed(missing) -> None:
    everywhere = bash("msgu list --mrc ", missing)
    assert len(everywhere) == 104
    assert bash("msgu list --region 04 --mrc ", missing) == [
        "La\\ Tuque", "Les\\ Chenaux", "Maskinongé", "Mékinac", "Shawinigan", "Trois-Rivières"]
    assert bash("msgu list --region Mauricie --mrc mek", missing) == ["mekinac"]
    assert bash("msgu recommend --mrc nicolet", missing) == ["nicolet-Yamaska"]
    assert bash("msgu municipalities --mrc les\\ chen", missing) == ["les chenaux"]


def test_names_with_spaces_are_escaped_for_bash_and_left_to_zsh_and_fish(missing) -> None:
    assert bash("msgu list --mrc Les\\ Ba", missing) == ["Les Basques"]
    assert bash("msgu list --mrc Les", missing)[0] == "Les\\ Appalaches"
    assert '"Les Basques":"Bas-Saint-Laurent"' in zsh("msgu list --mrc Les\\ Ba", missing)
    assert fish("msgu list --mrc \"Les Ba", missing) == ["Les Basques\tBas-Saint-Laurent"]


def test_municipalities_complete_case_and_accents_folded(missing) -> None:
    assert bash("msgu add X --municipality trois", missing) == [
        "trois-Pistoles", "trois-Rives", "trois-Rivières"]
    assert bash("msgu add X --municipality Trois-Rivi", missing) == ["Trois-Rivières"]
    assert "montreal" in bash("msgu recommend --municipality montreal", missing)
    assert "montreal-Est" in bash("msgu recommend --municipality montreal", missing)
    assert bash("msgu profile set --municipality st-jean-sur", missing) == [
        "st-jean-sur-Richelieu"]
    in_region = bash("msgu add X --region 04 --municipality s", missing)
    assert "saint-Tite" in in_region and "shawinigan" in in_region
    assert "sherbrooke" not in in_region


def test_a_file_option_still_completes_file_names(missing) -> None:
    """Options with no values of their own are left to the shell (bash -o default: files)."""
    assert bash("msgu export --format csv --output su", missing) == []


def test_the_installed_command_completes_values_in_a_real_process(tmp_path) -> None:
    environ = {**os.environ, "MSGU_DB": str(tmp_path / "none.db"), "MSGU_LANG": "fr",
               "_MSGU_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "msgu list --region mont"}
    environ.pop("MSGU_RAISE_ERRORS", None)
    done = subprocess.run([MSGU], capture_output=True, text=True, env=environ, timeout=120,
                          check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.strip() == "_arguments '*: :((\"montréal\":\"06\"\n\"montérégie\":\"16\"))'"
    assert list(tmp_path.iterdir()) == []
