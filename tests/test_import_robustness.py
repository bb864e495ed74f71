"""Files that used to lose or garble rows silently: each is now refused through the real CLI
with an `Error:` naming the line (or item), exit 1 and the database unchanged; what is accepted
exports and imports back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_results import refused
from transfer_checks import listed, ok, without_ids


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def import_refused(invoke, dump, db_path, source: Path, *args: str) -> str:
    """The one-line error of importing `source`; nothing written."""
    before = dump(db_path)
    message = refused(invoke("import", str(source), *args))
    assert dump(db_path) == before
    return message


# --- quotes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line"), [
    ('name,notes\nA,"never closed\nB,x\nC,y\n', 2),
    ('name,notes\nA,fine\nB,"ok ""quoted"""\nC,"open to the end', 4),
    ('name\r\nA\r\n"B\r\nC\r\n', 3),
])
def test_a_quote_never_closed_is_refused_with_the_line_where_it_starts(
        invoke, starter_db, db_path, dump, tmp_path, text, line):
    message = import_refused(invoke, dump, db_path, write(tmp_path / "q.csv", text.encode()))
    assert message.startswith(f"Error: line {line}: a quote")
    assert "never closed" in message
    # --skip-invalid cannot skip it: the rest of the file is not rows any more
    message = import_refused(invoke, dump, db_path, tmp_path / "q.csv", "--skip-invalid")
    assert f"line {line}" in message


def test_a_quote_never_closed_early_in_a_large_file_names_its_line(invoke, starter_db, db_path,
                                                                    dump, tmp_path):
    rows = "".join(f"Poste {n},note {n}\n" for n in range(20_000))
    source = write(tmp_path / "gros.csv", f'name,notes\nA,ok\nB,"never closed\n{rows}'.encode())
    message = import_refused(invoke, dump, db_path, source)
    assert message.startswith("Error: line 3: a ") and "never closed" in message


def test_closed_quotes_spanning_lines_still_import(invoke, empty_db, tmp_path):
    source = write(tmp_path / "ok.csv", b'name,notes\nA,"two\nlines"\nB,"say ""hi"""\n')
    ok(invoke("import", str(source)))
    assert {c["name"]: c["notes"] for c in listed(invoke)} == {"A": "two\nlines",
                                                                 "B": 'say "hi"'}


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "line"), [
    ("name\nCafé Québec\nÉcole\n".encode() + "Hôtel de ville\n".encode("cp1252"), 4),
    ("name\nHôtel de ville\n".encode("cp1252") + "Sécurité\nrien\n".encode(), 3),
    (b"\xef\xbb\xbf" + b"name\nA\n" + "Montréal\n".encode("cp1252"), 3),
    # two files pasted together: a Windows-1252 one, then a UTF-8 one with its BOM
    ("nom\nLévis\n".encode("cp1252") + b"\xef\xbb\xbf" + "nom\nGaspé\n".encode(), 3),
])
def test_a_file_mixing_utf8_and_windows_1252_is_refused_at_the_line_it_changes(
        invoke, starter_db, db_path, dump, tmp_path, data, line):
    message = import_refused(invoke, dump, db_path, write(tmp_path / "mix.csv", data))
    assert message.startswith(f"Error: line {line}: the file mixes UTF-8")


def test_a_whole_windows_1252_file_still_imports(invoke, empty_db, tmp_path):
    source = write(tmp_path / "w.csv", "nom;région\nCégep de Trois-Rivières;Mauricie\n"
                                       "Ville de Lévis;Chaudière-Appalaches\n".encode("cp1252"))
    ok(invoke("import", str(source)))
    assert sorted(c["name"] for c in listed(invoke)) == ["Cégep de Trois-Rivières",
                                                          "Ville de Lévis"]


def test_a_byte_order_mark_inside_the_file_is_dropped_never_kept_in_a_name(
        invoke, empty_db, tmp_path):
    bom = "\ufeff"
    text = f"{bom}name,x\nA{bom}B,@ab\n{bom}Ville de Québec,@villedequebec\n"
    ok(invoke("import", str(write(tmp_path / "bom.csv", text.encode()))))
    names = sorted(c["name"] for c in listed(invoke))
    assert names == ["AB", "Ville de Québec"]
    document = json.dumps([{"name": f"Gaspé{bom}"}, {"name": "J\ufeffK"}])  # escapes too
    ok(invoke("import", str(write(tmp_path / "bom.json", document.encode()))))
    assert "Gaspé" in [c["name"] for c in listed(invoke)]
    assert "JK" in [c["name"] for c in listed(invoke)]


# --- JSON limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(("document", "item"), [
    ("[" * 100_000 + "]" * 100_000, 1),
    ('[{"name": "A"}, {"name": "B", "topics": ' + "[" * 5000 + "]" * 5000 + "}]", 2),
])
def test_json_nested_too_deep_is_refused_naming_the_item(invoke, starter_db, db_path, dump,
                                                         tmp_path, document, item):
    source = write(tmp_path / "deep.json", document.encode())
    message = import_refused(invoke, dump, db_path, source)
    assert message.startswith(f"Error: item {item}: lists and objects nested")


@pytest.mark.parametrize(("document", "item"), [
    ('[{"name": "A", "id": ' + "9" * 5000 + "}]", 1),
    ('[{"name": "A"}, {"name": "B", "accounts": [{"platform": "x", "handle": "b", '
     '"followers_count": 1' + "0" * 5000 + "}]}]", 2),
    ('[{"name": "A"}, {"name": "B"}, {"name": "C", "region": 1.' + "5" * 6000 + "}]", 3),
])
def test_a_5000_digit_number_is_refused_naming_the_item(invoke, starter_db, db_path, dump,
                                                        tmp_path, document, item):
    message = import_refused(invoke, dump, db_path, write(tmp_path / "n.json", document.encode()))
    assert message.startswith(f"Error: item {item}: a number of")
    assert len(message) < 300


def test_ordinary_json_numbers_are_read_as_their_digits(invoke, empty_db, tmp_path):
    document = [{"name": "Mauricie", "region": 4, "id": 12}, {"name": "B", "x": 1234}]
    ok(invoke("import", str(write(tmp_path / "n.json", json.dumps(document).encode()))))
    contacts = {c["name"]: c for c in listed(invoke)}
    assert contacts["Mauricie"]["region"] == "04"
    assert [a["handle"] for a in contacts["B"]["accounts"]] == ["1234"]


# --- control characters -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "where", "shown"), [
    ("nul.csv", b"name,kind\nA,ngo\nB\x00C,ngo\n", "line 3, column name", "\\x00"),
    ("esc.csv", b"name,description\nA,\x1b[31mrouge\n", "line 2, column description", "\\x1b"),
    ("csi.csv", "name\nA\u009b2J\n".encode(), "line 2, column name", "\\x9b"),
    ("bidi.csv", "name,x\nA\u202eB,@ab\n".encode(), "line 2, column name", "\\u202e"),
    ("tab.csv", b'name,kind\n"A\tB",ngo\n', "line 2, column name", "\\t"),
    ("handle.csv", b"name,x\nA,@a\x07b\n", "line 2, column x", "\\x07"),
    ("nul.json", b'[{"name": "A"}, {"name": "A\\u0000B"}]', "item 2, column name", "\\x00"),
    ("esc.json", b'[{"name": "A", "notes": "\\u001b]0;owned\\u0007"}]', "item 1, column notes",
     "\\x1b"),
    ("surrogate.json", b'[{"name": "A\\ud800"}]', "item 1, column name", "\\ud800"),
    ("handle.json", b'[{"name": "A", "accounts": [{"platform": "x", "handle": "a\\u0000"}]}]',
     "item 1, column x", "\\x00"),
])
def test_a_control_character_in_any_field_is_refused_naming_the_row(
        invoke, starter_db, db_path, dump, tmp_path, name, data, where, shown):
    message = import_refused(invoke, dump, db_path, write(tmp_path / name, data))
    assert message.startswith(f"Error: {where}: ")
    assert "control character" in message and shown in message
    report = json.loads(ok(invoke("import", str(tmp_path / name), "--skip-invalid", "--dry-run",
                                  "--json")).stdout)
    assert [row["line"] for row in report["invalid"]] == [int(where.split()[1].rstrip(","))]


def test_line_breaks_and_tabs_stay_allowed_in_descriptions_and_notes(invoke, empty_db,
                                                                      tmp_path):
    source = write(tmp_path / "ok.csv",
                   b'name,description,notes\nA,"ligne 1\nligne 2","col\tcol"\n')
    ok(invoke("import", str(source)))
    [contact] = listed(invoke)
    assert (contact["description"], contact["notes"]) == ("ligne 1\nligne 2", "col\tcol")


# --- whatever import accepts, export writes and import reads back ---------------------------


def test_what_an_awkward_import_stored_exports_and_imports_back(invoke, empty_db, db_path,
                                                                tmp_path):
    awkward = [
        {"name": "=1+1", "description": "-x\n@y", "notes": "+\t'quoted'",
         "accounts": [{"platform": "x", "handle": "awk1"}]},
        {"name": "Sécurité « civile » ; partie, 2", "source": "'=HYPERLINK(\"a\")",
         "accounts": [{"platform": "website", "url": "https://exemple.qc.ca/a,b;c"}]},
        {"name": "\ufeffBOM\u00a0et espace", "topics": ["inondations", "Drones; civils"]},
        {"name": "Ligne\r\nCR?", "notes": "x"},  # refused: a name holds no line break
    ]
    source = write(tmp_path / "awk.json", json.dumps(awkward).encode())
    ok(invoke("import", str(source), "--skip-invalid"))
    original = listed(invoke)
    assert len(original) == 3
    exported = tmp_path / "out.csv"
    ok(invoke("export", "--format", "csv", "--output", str(exported)))
    other = tmp_path / "other.db"
    ok(invoke("--db", str(other), "init", "--empty"))
    ok(invoke("--db", str(other), "import", str(exported)))
    assert without_ids(listed(invoke, db=other)) == without_ids(original)
