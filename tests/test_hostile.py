"""Hostile and careless input through the real CLI (issue 9): markup and terminal control in
data, REFs, numbers, one-line errors. Every refusal is one `Error:` line, exit 1, and the
database unchanged (SQL dumps compared); every name that is accepted prints literally."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_results import ok_json, refused, rows

from msgu_cli.domain.text import UNSAFE_CHARACTERS

# Names a person may really type, or a spreadsheet may hold: rich markup, HTML, emoji codes,
# format placeholders and SQL. Accepted as they are, and printed as they are.
MARKUP_NAMES = [
    "Ville [/b] test",
    "[bold]Gras[/bold] et [red]rouge",
    "<x> & </x> <script>",
    ":fire: Incendie :warning:",
    "{id} {name} {0} %s %d {}",
    "[link=https://exemple.org]clic[/link]",
    "Ville \\[échappée]",
    "O'Brien \"; DROP TABLE contacts; --",
]
# What input refuses in a name (and anywhere but descriptions and notes): ESC, CSI (U+009B),
# NUL, a BiDi override, a newline, DEL, a line separator.
CONTROL_VALUES = ["Ville\x1b[31m rouge", "Ville\x9b31m", "Ville\x00nul", "Ville \u202eetirW",
                  "Ville\nForgée", "Ville\x7f", "Ville\u2028ligne", "Ville\u2066isolat"]


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as wide as they need, so a name is found whole in the output."""
    monkeypatch.setenv("COLUMNS", "400")


@pytest.fixture
def hostile(invoke, empty_db):
    """One followable, tagged contact per markup name (ids 1…), plus a profile and a
    relationship, so that every command has something hostile to print."""
    for number, name in enumerate(MARKUP_NAMES, 1):
        result = invoke("add", name, "--kind", "police", "--region", "04", "--topic",
                        "inondations", "--bluesky", f"hostile{number}.bsky.social",
                        "--description", f"[/b] <b>{name}</b>", "--note", "[/] %s {}")
        assert result.exit_code == 0, result.output
    assert invoke("follow", "#1", "--note", "[/b] rencontré {0}").exit_code == 0
    assert invoke("profile", "set", "--name", "[/b] Ma ville {x}", "--kind", "mrc",
                  "--region", "04").exit_code == 0
    return empty_db


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_add_and_edit_confirm_a_markup_name_literally(invoke, empty_db, name) -> None:
    added = invoke("add", name)
    assert added.exit_code == 0, added.output
    assert name in flat(added.stdout) and added.stderr == ""
    edited = invoke("edit", "#1", "--note", "vu")
    assert edited.exit_code == 0 and name in flat(edited.stdout)
    assert ok_json(invoke("show", "#1", "--json"))["name"] == name


@pytest.mark.parametrize("args", [("list",), ("search", "inondations"), ("show", "#2"),
                                  ("show", "#5"), ("network",), ("stats",), ("topics",),
                                  ("profile", "show"),
                                  ("recommend", "--topic", "inondations", "--explain",
                                   "--limit", "20", "--include-followed")])
def test_every_command_prints_markup_names_literally(invoke, hostile, args) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and result.stderr == ""
    text = flat(result.stdout)
    if args[0] in ("list", "search", "recommend"):
        for name in MARKUP_NAMES:
            assert name[:20] in text, (name, text)
    elif args == ("show", "#2"):
        assert "[bold]Gras[/bold] et [red]rouge" in text and "<b>" in text
    elif args == ("show", "#5"):
        assert "{id} {name} {0} %s %d {}" in text and "[/] %s {}" in text
    elif args[0] == "network":
        assert "Ville [/b] test" in text and "[/b] rencontré {0}" in text
    elif args[0] == "profile":
        assert "[/b] Ma ville {x}" in text


def test_remove_asks_with_the_name_literally(invoke, hostile) -> None:
    result = invoke("remove", "#1", input="n\n")
    assert result.exit_code == 1 and "Ville [/b] test" in result.output
    done = invoke("remove", "#1", "--yes")
    assert done.exit_code == 0 and "Removed #1 Ville [/b] test." in flat(done.stdout)


def test_a_new_topic_made_of_markup_is_listed_literally(invoke, empty_db) -> None:
    result = invoke("add", "Ville", "--topic", "[/b] sujet <i>", "--new-topic")
    assert result.exit_code == 0, result.output
    topics = invoke("topics")
    assert topics.exit_code == 0 and "[/b] sujet <i>" in topics.stdout


def test_import_report_prints_markup_names_literally(invoke, empty_db, tmp_path) -> None:
    source = tmp_path / "hostile.csv"
    source.write_text("name,bluesky\n" + "".join(
        f"\"{n.replace(chr(34), chr(34) * 2)}\",imp{i}.bsky.social\n"
        for i, n in enumerate(MARKUP_NAMES)), encoding="utf-8")
    result = invoke("import", str(source), "--dry-run")
    assert result.exit_code == 0, result.output
    for name in MARKUP_NAMES:
        assert name in result.stdout


# --- control characters: refused at input, with the field named -----------------------------

@pytest.mark.parametrize("value", CONTROL_VALUES)
@pytest.mark.parametrize("option", ["NAME", "--kind", "--municipality", "--source",
                                    "--website", "--topic", "--account", "--x"])
def test_add_refuses_control_characters_in_any_field(invoke, empty_db, dump, db_path, option,
                                                     value) -> None:
    before = dump(db_path)
    args = ["add", value] if option == "NAME" else ["add", "Ville", option, value]
    line = refused(invoke(*args))
    assert not set(line) & UNSAFE_CHARACTERS  # the character itself is shown escaped
    if option in ("NAME", "--municipality", "--source"):
        assert "control character" in line
    assert dump(db_path) == before


@pytest.mark.parametrize("option", ["--description", "--note"])
def test_descriptions_and_notes_take_tabs_and_newlines_but_no_other_control(
        invoke, empty_db, dump, db_path, option) -> None:
    kept = invoke("add", "Ville", option, "ligne 1\n\tligne 2", "--json")
    assert kept.exit_code == 0, kept.output
    field = "description" if option == "--description" else "notes"
    assert json.loads(kept.stdout)[field] == "ligne 1\n\tligne 2"
    before = dump(db_path)
    refused(invoke("add", "Autre", option, "texte\x1b[2J"), f"The {field} field", "\\x1b")
    refused(invoke("edit", "#1", option, "texte\u202e"), "\\u202e")
    assert dump(db_path) == before


@pytest.mark.parametrize("args", [
    ("edit", "#1", "--name", "Ville\x1b]0;titre\x07"),
    ("edit", "#1", "--add-topic", "inond\x00ations"),
    ("edit", "#1", "--add-account", "x:@abc\x1b"),
    ("edit", "#1", "--source", "\x9bsource"),
    ("profile", "set", "--name", "Ma ville\x1b[5m"),
    ("profile", "set", "--topic", "inondations\u202e"),
    ("profile", "set", "--mrc", "Les Chenaux\n"),
    ("follow", "#1", "--note", "rencontré\x1b[31m"),
    ("follow", "#1", "--note", "note\x00"),
])
def test_edit_profile_and_follow_refuse_control_characters(invoke, empty_db, dump, db_path,
                                                           args) -> None:
    assert invoke("add", "Ville").exit_code == 0
    before = dump(db_path)
    line = refused(invoke(*args))
    assert not set(line) & UNSAFE_CHARACTERS
    assert dump(db_path) == before


@pytest.mark.parametrize("cell", ["Ville\x1b[31m", "Ville\x9b2J", "Ville\u202e", "A\x00B"])
def test_import_refuses_a_control_character_naming_line_and_column(invoke, empty_db, dump,
                                                                   db_path, tmp_path,
                                                                   cell) -> None:
    source = tmp_path / "rows.json"
    source.write_text(json.dumps([{"name": "Bonne ville"}, {"name": cell}]), encoding="utf-8")
    before = dump(db_path)
    refused(invoke("import", str(source)), "item 2", "column name", "control character")
    assert dump(db_path) == before
    skipped = invoke("import", str(source), "--skip-invalid", "--json")
    assert skipped.exit_code == 0, skipped.output
    report = json.loads(skipped.stdout)
    assert len(report["added"]) == 1 and len(report["invalid"]) == 1


# --- data already holding control characters (an old file, a Datasette edit) ----------------

def _poison(db_path: Path) -> str:
    """Write control characters straight into the file, as another program could."""
    name = "Ville \x1b[31mROUGE\x1b[0m \x9b2J \u202eetirW\x07"
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE contacts SET name = ?, description = ?, notes = ? WHERE id = 1",
                     [name, "desc\x1b[2J", "note\x00\u202e"])
        conn.execute("UPDATE accounts SET handle = ?, last_error = ? WHERE contact_id = 1",
                     ["h\x1b[31m.bsky.social", "\x1b]0;pwned\x07"])
    conn.close()
    return name


@pytest.mark.parametrize("args", [("list",), ("show", "#1"), ("search", "ville"),
                                  ("recommend", "--topic", "inondations", "--explain"),
                                  ("network",), ("list", "--json"), ("show", "#1", "--json")])
def test_stored_control_characters_print_escaped(invoke, hostile, db_path, args) -> None:
    _poison(db_path)
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert not set(result.output) & (UNSAFE_CHARACTERS - {"\n"}), repr(result.output)
    if "--json" in args:
        data = json.loads(result.stdout)
        first = data if isinstance(data, dict) else data[[c["id"] for c in data].index(1)]
        assert first["name"] == "Ville \x1b[31mROUGE\x1b[0m \x9b2J \u202eetirW\x07"
    elif args[0] in ("list", "show", "search"):
        assert "\\x1b[31mROUGE" in result.stdout and "\\u202e" in result.stdout


# --- REFs ----------------------------------------------------------------------------------

@pytest.fixture
def numbered(invoke, empty_db):
    """#1 Alpha, #2 a contact named "1", #3 one whose X handle is the digits 12345."""
    for args in (("Alpha",), ("1",), ("Gamma", "--x", "@12345")):
        assert invoke("add", *args).exit_code == 0
    return empty_db


def test_an_id_that_is_another_contacts_name_is_ambiguous(invoke, numbered) -> None:
    line = refused(invoke("show", "1"), "several contacts", "#1 Alpha", "#2 1")
    assert "#" in line
    assert ok_json(invoke("show", "#1", "--json"))["name"] == "Alpha"
    assert ok_json(invoke("show", "#2", "--json"))["name"] == "1"
    assert ok_json(invoke("show", "2", "--json"))["name"] == "1"  # id 2 and nobody's name


def test_a_number_that_is_a_handle_resolves_to_its_owner(invoke, numbered) -> None:
    assert ok_json(invoke("show", "12345", "--json"))["name"] == "Gamma"
    refused(invoke("show", "#12345"), "No contact has the id #12345")


@pytest.mark.parametrize("ref", ["²", "٣", "1\u200b", "9" * 25, "9" * 5000,
                                 "#" + "9" * 30, "-1", "0", "#0", "1.0", "0x1", "+1", "1e3"])
def test_refs_that_are_not_ascii_ids_name_no_contact(invoke, numbered, dump, db_path,
                                                      ref) -> None:
    before = dump(db_path)
    line = refused(invoke("show", "--", ref), "No contact")
    assert len(line) < 300
    refused(invoke("follow", "--", ref))
    refused(invoke("edit", "--note", "x", "--", ref))
    refused(invoke("remove", "--yes", "--", ref))
    assert dump(db_path) == before


def test_a_fullwidth_digit_is_a_name_never_an_id(invoke, numbered) -> None:
    """`１` is no id (ASCII digits only); as a name it folds to "1", the name of #2."""
    assert ok_json(invoke("show", "１", "--json"))["id"] == 2


def test_a_huge_number_that_is_a_name_finds_that_contact(invoke, empty_db) -> None:
    assert invoke("add", "9" * 30).exit_code == 0
    assert ok_json(invoke("show", "9" * 30, "--json"))["id"] == 1


@pytest.mark.parametrize("ref", ["", "   ", "--", "-", "#", "# 1", "@", "%s", "{}", "{0}",
                                 "x\ny", "\x1b[2J", "a" * 100_000, "'; DROP TABLE contacts"])
def test_odd_refs_are_clean_errors(invoke, numbered, dump, db_path, ref) -> None:
    before = dump(db_path)
    line = refused(invoke("show", "--", ref))
    assert len(line) < 400 and "\x1b" not in line
    assert dump(db_path) == before


def test_a_name_shared_by_many_lists_a_few_and_counts_the_rest(invoke, empty_db) -> None:
    for _number in range(14):
        assert invoke("add", "Doublon").exit_code == 0
    line = refused(invoke("show", "doublon"), "#1 Doublon", "#10 Doublon", "and 4 more")
    assert "#11 Doublon" not in line


# --- numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("list", "--limit", "0"), ("list", "--limit", "-5"), ("list", "--limit", "9" * 30),
    ("list", "--limit", "1000001"), ("search", "ville", "--limit", "9" * 25),
    ("search", "ville", "--limit", "0"), ("recommend", "--topic", "inondations", "--limit",
                                          "9" * 20), ("recommend", "-n", "0"),
    ("refresh", "--older-than", "9" * 20), ("refresh", "--older-than", "-1"),
    ("refresh", "--older-than", "36501"), ("discover", "#1", "--limit", "9" * 20),
    ("discover", "#1", "--limit", "0"), ("list", "--limit", "abc"),
])
def test_numbers_out_of_range_are_usage_errors(invoke, numbered, dump, db_path, args) -> None:
    before = dump(db_path)
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Error" in result.stderr
    assert dump(db_path) == before


def test_the_largest_limits_work(invoke, numbered) -> None:
    assert len(ok_json(invoke("list", "--limit", "1000000", "--json"))) == 3
    assert ok_json(invoke("search", "alpha", "--limit", "1000000", "--json"))[0]["id"] == 1


# --- one line, short ---------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("show", "Ville\nError: forged"), ("list", "--kind", "police\n\nforged"),
    ("list", "--region", "x" * 50_000), ("search", "\x1b[2J", "--limit", "1"),
    ("follow", "#1", "--status", "met\r\nError: x"), ("follow", "#1", "--date", "2026-0１-01"),
    ("follow", "#1", "--date", "9" * 40), ("profile", "set", "--clear", "topics\nx"),
    ("add", "Ville", "--account", "nowhere:" + "y" * 10_000),
    ("add", "Ville", "--region", "{region} %s"), ("add", "x" * 100_000),
])
def test_errors_are_one_short_line(invoke, numbered, dump, db_path, args) -> None:
    before = dump(db_path)
    result = invoke(*args)
    if result.exit_code == 0:  # an empty search result is no error
        assert args[0] == "search" and "\x1b" not in result.stdout
        return
    line = refused(result)
    assert len(line) <= len("Error: ") + 601
    assert dump(db_path) == before


@pytest.mark.parametrize("args", [("list", "--\x1b[31mrouge"), ("list", "--kind", "police",
                                                                  "\x1b]0;titre\x07"),
                                  ("show",), ("list", "--limit", "\u202e9")])
def test_usage_errors_quote_what_was_typed_escaped(invoke, empty_db, args) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert not set(result.stderr) & (UNSAFE_CHARACTERS - {"\n"}), repr(result.stderr)


def test_a_db_path_with_a_nul_is_refused(invoke) -> None:
    refused(invoke("--db", "msgu\x00.db", "list"), "NUL")


def test_the_db_path_is_quoted_on_one_line(invoke, tmp_path) -> None:
    folder = tmp_path / "dossier\nError: faux"
    folder.mkdir()
    line = refused(invoke("--db", str(folder), "list"), "is a folder")
    assert "\\n" in line


def test_nothing_in_the_database_is_touched_by_a_refused_edit_of_a_suggested_topic(
        invoke, empty_db, db_path, dump) -> None:
    """`edit` on a contact with suggested topics (the crash of issue 9: list + tuple)."""
    assert invoke("add", "Ville", "--topic", "inondations").exit_code == 0
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO contact_topics (contact_id, topic, suggested) "
                     "VALUES (1, 'meteo', 1)")
    conn.close()
    edited = ok_json(invoke("edit", "#1", "--add-topic", "verglas", "--json"))
    assert edited["topics"] == ["inondations", "verglas"]
    assert edited["suggested_topics"] == ["meteo"]
    removed = ok_json(invoke("edit", "#1", "--remove-topic", "meteo", "--json"))
    assert removed["suggested_topics"] == [] and removed["topics"] == ["inondations", "verglas"]
    before = dump(db_path)
    refused(invoke("edit", "#1", "--remove-topic", "alerte"), "has no topic alerte")
    assert dump(db_path) == before
    assert rows(db_path, "SELECT count(*) FROM contact_topics WHERE suggested = 1") == [(0,)]


def test_windows_line_breaks_in_a_description_become_newlines(invoke, empty_db,
                                                              tmp_path) -> None:
    source = tmp_path / "windows.csv"
    source.write_bytes(b'name,description,notes\r\n"Ville","ligne 1\r\nligne 2","a\rb"\r\n')
    result = invoke("import", str(source))
    assert result.exit_code == 0, result.output
    shown = ok_json(invoke("show", "Ville", "--json"))
    assert (shown["description"], shown["notes"]) == ("ligne 1\nligne 2", "a\nb")
    noted = ok_json(invoke("follow", "Ville", "--note", "vu\r\nhier", "--json"))
    assert noted[0]["status"] == "following"
    assert ok_json(invoke("show", "Ville", "--json"))["history"][0]["note"] == "vu\nhier"
