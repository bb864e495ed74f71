"""Excel workbooks and `;`-separated CSV through the real CLI: what `export --format xlsx` writes
(checked with openpyxl and in the sheet's XML), what `import` reads from colleagues' workbooks,
and every way a workbook can be unreadable."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from cli_results import refused
from hypothesis import given
from test_roundtrip import SETTINGS, directories, fresh_database, topic_codes
from transfer_checks import listed, ok, without_ids

from msgu_cli.formats.records import CSV_COLUMNS

AWKWARD = [
    {"name": "=SUM(A1:A9)", "kind": "ngo", "description": "+33 1 23\n-x", "notes": "@x",
     "topics": ["inondations", "geolocalisation"], "languages": ["fr", "en"],
     "accounts": [{"platform": "x", "handle": "formule"},
                  {"platform": "x", "handle": "formule2"},
                  {"platform": "bluesky", "handle": "formule.bsky.social"}]},
    {"name": "Sécurité civile — Québec « régionale »", "kind": "provincial", "region": "03",
     "source": "#N/A", "accounts": [{"platform": "website", "url": "https://quebec.ca/a"}]},
    # XML reads a CR as LF: Office's `_x000D_` escape keeps it, and text that looks like an
    # escape is escaped in turn
    {"name": "Retours de chariot", "notes": "a\r\nb\rc _x0041_ _x000D_"},
]


def import_json(invoke, path: Path, items: list[dict]) -> None:
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    ok(invoke("import", str(path)))


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def workbook(path: Path, rows: list[list], *, title: str = "Feuil1",
             others: dict[str, list[list]] | None = None) -> Path:
    """A workbook as a colleague's Excel would save it: typed cells, French sheet names."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, more in (others or {}).items():
        extra = book.create_sheet(name)
        for row in more:
            extra.append(row)
    book.save(path)
    return path


# --- export ------------------------------------------------------------------------------------


def test_xlsx_export_is_a_real_workbook_of_text_cells(invoke, empty_db, tmp_path):
    import_json(invoke, tmp_path / "in.json", AWKWARD)
    out = tmp_path / "annuaire.xlsx"
    result = ok(invoke("export", "--format", "xlsx", "--output", str(out)))
    assert f"Wrote 3 rows to {out}" in result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["contacts"]
    sheet = book["contacts"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == list(CSV_COLUMNS)
    assert len(rows) == 4
    assert all(c.data_type == "s" for row in rows for c in row if c.value is not None)
    values = {c.value for row in rows for c in row}
    assert {"=SUM(A1:A9)", "@x", "#N/A", "formule|formule2", "geolocalisation|inondations",
            "+33 1 23\n-x"} <= values  # as they are: no guard, never a formula or an error
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:W4"
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    assert widths["B"] > widths["A"] and widths["U"] >= widths["B"]  # name, id, description
    xml = sheet_xml(out)
    assert "<f>" not in xml and 't="e"' not in xml and 't="str"' not in xml


def test_xlsx_needs_an_output_file(invoke, starter_db, tmp_path):
    message = refused(invoke("export", "--format", "xlsx"))
    assert "--output" in message
    assert "--output" in refused(invoke("recommend", "--topic", "inondations", "--format",
                                       "xlsx"))


def test_recommend_writes_a_workbook_when_the_file_says_so(invoke, starter_db, tmp_path):
    out = tmp_path / "a-suivre.xlsx"
    result = ok(invoke("recommend", "--topic", "inondations", "--output", str(out)))
    assert "(xlsx)" in result.stderr
    ranked = json.loads(ok(invoke("recommend", "--topic", "inondations", "--json")).stdout)
    rows = list(openpyxl.load_workbook(out)["contacts"].values)
    assert [r[1] for r in rows[1:]] == [r["name"] for r in ranked]


def test_existing_file_is_replaced_atomically_and_a_failure_leaves_it(invoke, starter_db,
                                                                       tmp_path):
    out = tmp_path / "a.xlsx"
    out.write_bytes(b"old")
    ok(invoke("export", "--format", "xlsx", "--output", str(out)))
    assert zipfile.is_zipfile(out)
    assert not list(tmp_path.glob("*.partial"))


# --- round trips -------------------------------------------------------------------------------


def test_xlsx_export_imports_back_into_an_equal_directory(invoke, starter_db, tmp_path):
    out = tmp_path / "annuaire.xlsx"
    ok(invoke("export", "--format", "xlsx", "--output", str(out)))
    other = tmp_path / "other.db"
    ok(invoke("--db", str(other), "init", "--empty"))
    result = ok(invoke("--db", str(other), "import", str(out)))
    original = listed(invoke)
    assert f"Added {len(original)}," in result.stdout and "(xlsx)" in result.stdout
    assert without_ids(listed(invoke, db=other)) == without_ids(original)
    again = ok(invoke("--db", str(other), "import", str(out)))
    assert again.stdout.startswith("Added 0, updated 0,")


def test_awkward_cells_survive_the_round_trip(invoke, empty_db, tmp_path):
    import_json(invoke, tmp_path / "in.json", AWKWARD)
    out = tmp_path / "a.xlsx"
    ok(invoke("export", "--format", "xlsx", "--output", str(out)))
    other = tmp_path / "other.db"
    ok(invoke("--db", str(other), "init", "--empty"))
    ok(invoke("--db", str(other), "import", str(out)))
    assert without_ids(listed(invoke, db=other)) == without_ids(listed(invoke))


@SETTINGS
@given(directory=directories())
def test_any_directory_exported_to_xlsx_imports_back_the_same(invoke, directory):
    with tempfile.TemporaryDirectory() as folder:
        source = fresh_database(invoke, Path(folder), "source.db", directory)
        exported = Path(folder) / "annuaire.xlsx"
        ok(invoke("--db", str(source), "export", "--format", "xlsx", "--output", str(exported)))
        target = fresh_database(invoke, Path(folder), "target.db")
        ok(invoke("--db", str(target), "import", str(exported)))
        assert without_ids(listed(invoke, db=target)) == without_ids(listed(invoke, db=source))
        assert topic_codes(invoke, target) == topic_codes(invoke, source)


@pytest.mark.parametrize(("option", "separator"), [(";", ";"), ("tab", "\t"), ("\\t", "\t"),
                                                    (",", ",")])
def test_csv_with_another_delimiter_imports_back(invoke, starter_db, tmp_path, option,
                                                 separator):
    out = tmp_path / "annuaire.csv"
    ok(invoke("export", "--format", "csv", "--delimiter", option, "--output", str(out)))
    text = out.read_bytes().decode("utf-8-sig")
    assert text.split("\r\n")[0] == separator.join(CSV_COLUMNS)
    other = tmp_path / "other.db"
    ok(invoke("--db", str(other), "init", "--empty"))
    ok(invoke("--db", str(other), "import", str(out)))
    assert without_ids(listed(invoke, db=other)) == without_ids(listed(invoke))


def test_semicolon_csv_on_stdout(invoke, starter_db):
    out = ok(invoke("export", "--format", "csv", "--delimiter", ";", "--status", "none")).stdout
    assert out.startswith("id;name;kind;region;")


@pytest.mark.parametrize("args", [["--delimiter", "|"], ["--delimiter", "::"],
                                  ["--format", "json", "--delimiter", ";"],
                                  ["--format", "xlsx", "--delimiter", ";", "-o", "x.xlsx"]])
def test_other_delimiters_are_refused(invoke, starter_db, tmp_path, args):
    full = ["--format", "csv", *args] if "--format" not in args else args
    assert "--delimiter" in refused(invoke("export", *full))
    assert not (Path.cwd() / "x.xlsx").exists()


# --- colleagues' workbooks --------------------------------------------------------------------


def test_a_french_excel_workbook_with_typed_cells(invoke, empty_db, tmp_path):
    source = workbook(tmp_path / "contacts régionaux.xlsx", [
        [],  # a blank first row, as people leave them
        ["Nom", "Région", "Type", "Sujets", "Compte X", "Site Web", "Remarques", "Courriel"],
        ["Ville de Bécancour", 17, "municipalité", "inondations; géolocalisation",
         "@VilleBecancour", "https://www.becancour.net", datetime.datetime(2026, 6, 12), "a@b"],
        ["Sûreté du Québec", 3.0, "police", "sécurité publique", None, None, 8195551234, None],
        ["Mauricie", 4, None, None, None, None, True, None],
        [None, None, None, None, None, None, None, None],
    ])
    report = json.loads(ok(invoke("import", str(source), "--json")).stdout)
    assert [(r["line"], r["name"]) for r in report["added"]] == [
        (3, "Ville de Bécancour"), (4, "Sûreté du Québec"), (5, "Mauricie")]
    assert report["format"] == "xlsx" and report["ignored_columns"] == ["Courriel"]
    contacts = {c["name"]: c for c in listed(invoke)}
    becancour = contacts["Ville de Bécancour"]
    assert (becancour["region"], becancour["kind"]) == ("17", "municipality")
    assert sorted(becancour["topics"]) == ["geolocalisation", "inondations"]
    assert contacts["Sûreté du Québec"]["region"] == "03"
    assert contacts["Mauricie"]["region"] == "04"
    shown = {c["name"]: json.loads(ok(invoke("show", c["name"], "--json")).stdout)
             for c in contacts.values()}
    assert shown["Ville de Bécancour"]["notes"] == "2026-06-12"
    assert shown["Sûreté du Québec"]["notes"] == "8195551234"
    assert shown["Mauricie"]["notes"] == "TRUE"


def test_sheet_option_picks_a_sheet_and_names_the_others_when_wrong(invoke, empty_db, db_path,
                                                                    dump, tmp_path):
    source = workbook(tmp_path / "classeur.xlsx", [["Notes"], ["rien"]],
                      others={"Contacts 2026": [["nom", "bluesky"], ["Urgence", "u.bsky.social"]]})
    ok(invoke("import", str(source), "--sheet", "Contacts 2026"))
    assert [c["name"] for c in listed(invoke)] == ["Urgence"]
    before = dump(db_path)
    message = refused(invoke("import", str(source), "--sheet", "Contactz"))
    assert "no sheet named 'Contactz'" in message and "Feuil1, Contacts 2026" in message
    assert "no 'name' column" in refused(invoke("import", str(source)))  # the first sheet
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("name\nA\n", encoding="utf-8")
    assert "--sheet" in refused(invoke("import", str(csv_file), "--sheet", "Feuil1"))
    assert dump(db_path) == before


def test_a_bad_row_in_a_workbook_names_its_line_and_nothing_is_written(invoke, starter_db,
                                                                       db_path, dump, tmp_path):
    source = workbook(tmp_path / "bad.xlsx", [["name", "kind"], ["Bon", "ngo"], [None, None],
                                              ["Mauvais", "pas-un-type"], ["Fin", "ngo"]])
    before = dump(db_path)
    message = refused(invoke("import", str(source)))
    assert message.startswith("Error: line 4, column kind:") and "pas-un-type" in message
    assert dump(db_path) == before
    report = json.loads(ok(invoke("import", str(source), "--skip-invalid", "--json")).stdout)
    assert [r["line"] for r in report["invalid"]] == [4]
    assert [r["name"] for r in report["added"]] == ["Bon", "Fin"]


def test_a_control_character_in_a_workbook_cell_is_refused(invoke, starter_db, db_path, dump,
                                                           tmp_path):
    source = workbook(tmp_path / "c.xlsx", [["name", "notes"], ["A\u202eB", "ok"]])
    before = dump(db_path)
    message = refused(invoke("import", str(source)))
    assert message.startswith("Error: line 2, column name:") and "\\u202e" in message
    assert dump(db_path) == before


# --- unreadable workbooks ---------------------------------------------------------------------


def ole_file(path: Path, *, encrypted: bool) -> Path:
    """An OLE compound file's header and directory names, as Office writes them."""
    streams = ("EncryptionInfo", "EncryptedPackage") if encrypted else ("Workbook",)
    body = b"".join(name.encode("utf-16-le").ljust(64, b"\0") for name in streams)
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + body)
    return path


def a_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_unreadable_workbooks_are_clear_errors(invoke, starter_db, db_path, dump, tmp_path):
    good = workbook(tmp_path / "good.xlsx", [["name"], ["A"]])
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    noise = tmp_path / "noise.xlsx"
    noise.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    cases = {
        ole_file(tmp_path / "secret.xlsx", encrypted=True): "protected by a password",
        ole_file(tmp_path / "old.xls", encrypted=False): "Excel 97-2003",
        truncated: "damaged, truncated",
        noise: "damaged, truncated",
        a_zip(tmp_path / "photos.xlsx", {"a.jpg": b"x"}): "without a workbook",
        a_zip(tmp_path / "calc.xlsx", {"mimetype": b"application/vnd.oasis.opendocument"
                                       b".spreadsheet", "content.xml": b"<x/>"}): "(.ods)",
        a_zip(tmp_path / "broken.xlsx", {"xl/workbook.xml": b"<not xml", "[Content_Types].xml":
                                         b"<Types/>"}): "damaged",
    }
    before = dump(db_path)
    for path, expected in cases.items():
        message = refused(invoke("import", str(path)))
        assert message.startswith("Error: ") and expected in message, (path, message)
    assert dump(db_path) == before


def test_a_zip_bomb_is_refused_before_it_is_unpacked(invoke, starter_db, db_path, dump,
                                                     tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    good = workbook(tmp_path / "good.xlsx", [["name"], ["A"]])
    with zipfile.ZipFile(good) as original, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for item in original.infolist():
            archive.writestr(item, original.read(item))
        with archive.open("xl/sharedStrings2.xml", "w", force_zip64=True) as entry:
            block = b"\0" * (1 << 20)
            for _megabyte in range(520):  # 520 MB once unpacked, about 0.5 MB packed
                entry.write(block)
    assert bomb.stat().st_size < 5 * 2**20
    before = dump(db_path)
    message = refused(invoke("import", str(bomb)))
    assert "would unpack to" in message and "MB" in message
    assert dump(db_path) == before


def test_a_sheet_claiming_millions_of_rows_or_far_columns_is_bounded(invoke, starter_db,
                                                                     db_path, dump, tmp_path):
    good = workbook(tmp_path / "good.xlsx", [["name"], ["A"]])
    huge = tmp_path / "huge.xlsx"
    with zipfile.ZipFile(good) as original, zipfile.ZipFile(huge, "w",
                                                            zipfile.ZIP_DEFLATED) as archive:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048577"><c r="A1048577" '
                                    b't="inlineStr"><is><t>B</t></is></c></row></sheetData>')
            archive.writestr(item, data)
    before = dump(db_path)
    message = refused(invoke("import", str(huge)))
    assert "1,048,576 rows" in message
    assert dump(db_path) == before


def test_reading_and_writing_csv_never_loads_openpyxl(starter_db, tmp_path):
    probe = (
        "import sys\n"
        f"sys.argv = ['msgu', '--db', {str(starter_db)!r}, 'export', '--format', 'csv', "
        f"'--output', {str(tmp_path / 'a.csv')!r}]\n"
        "from msgu_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('LOADED' if 'openpyxl' in sys.modules else 'CLEAN')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert done.stderr.endswith("CLEAN"), done.stderr
