"""`msgu export` and `msgu recommend --output` through the real CLI, reading the files back."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from cli_results import refused
from transfer_checks import listed, ok

BOM = b"\xef\xbb\xbf"
HEADER = (
    "id,name,kind,region,mrc,municipality,scope,languages,topics,status,x,bluesky,mastodon,"
    "facebook,instagram,threads,youtube,linkedin,tiktok,website,description,notes,source"
)
PLATFORMS = ("x", "bluesky", "mastodon", "facebook", "instagram", "threads", "youtube",
             "linkedin", "tiktok", "website")
MASTODON_HEADER = "Account address,Show boosts,Notify on new posts,Languages"


def csv_records(path: Path) -> list[dict[str, str]]:
    """A file we wrote, read as Excel would: BOM off, quoted multi-line cells kept whole."""
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def handles(contact: dict, platform: str) -> list[str]:
    return [a["url"] if platform == "website" else a["handle"]
            for a in contact["accounts"] if a["platform"] == platform]


# --- csv ---------------------------------------------------------------------------------------


def test_csv_file_has_bom_exact_header_and_one_row_per_contact(invoke, starter_db, tmp_path):
    out = tmp_path / "annuaire.csv"
    result = ok(invoke("export", "--format", "csv", "--output", str(out)))
    contacts = listed(invoke)
    data = out.read_bytes()
    assert data.startswith(BOM + HEADER.encode() + b"\r\n")
    assert data.count(BOM) == 1
    assert f"Wrote {len(contacts)} rows" in result.stderr
    assert result.stdout == ""
    rows = csv_records(out)
    assert [r["name"] for r in rows] == [c["name"] for c in contacts]
    for row, contact in zip(rows, contacts, strict=True):
        assert row["id"] == str(contact["id"])
        assert row["kind"] == contact["kind"]
        assert row["region"] == (contact["region_name"] or "")
        assert row["status"] == contact["status"]
        assert row["topics"] == "|".join(contact["topics"])
        assert row["languages"] == "|".join(contact["languages"])
        for platform in PLATFORMS:
            cell = row[platform].removeprefix("'")  # youtube's @handle is guarded
            assert cell == "|".join(handles(contact, platform)), (contact["name"], platform)


def test_csv_joins_lists_with_pipes(invoke, empty_db, tmp_path):
    ok(invoke("add", "Centre régional", "--region", "04", "--lang", "fr", "--lang", "en",
              "--topic", "inondations", "--topic", "verglas", "--x", "@CentreA",
              "--account", "x:centre_b", "--website", "https://centre.example.org/urgence"))
    out = tmp_path / "c.csv"
    ok(invoke("export", "--format", "csv", "--output", str(out)))
    [row] = csv_records(out)
    assert row["languages"] == "fr|en"
    assert sorted(row["topics"].split("|")) == ["inondations", "verglas"]
    assert sorted(row["x"].split("|")) == ["centre_b", "centrea"]
    assert row["website"] == "https://centre.example.org/urgence"
    assert row["region"] == "Mauricie"


def test_csv_on_stdout_has_no_bom(invoke, starter_db):
    result = ok(invoke("export", "--format", "csv"))
    raw = result.stdout_bytes
    assert not raw.startswith(BOM)
    assert raw.startswith(HEADER.encode() + b"\r\n")
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert len(rows) == len(listed(invoke))


def test_formula_like_cells_are_neutralised_and_import_takes_the_guard_off(
    invoke, empty_db, db_path, tmp_path
):
    ok(invoke("add", "=HYPERLINK(\"http://evil\",\"clic\")", "--description", "+1 514 555-0000",
              "--note", "-5 degrés", "--source", "@SUM(A1:A9)",
              "--account", "youtube:@VilleDeQuebec", "--region", "03"))
    ok(invoke("add", "Tab et retour", "--description", "ordinaire", "--source", "'=déjà",
              "--region", "03"))
    conn = sqlite3.connect(db_path)  # tab and CR can only come from outside: put them there
    with conn:
        conn.execute("UPDATE contacts SET description = ?, notes = ? WHERE name = ?",
                     ["\tcmd|' /C calc'!A0", "\r=1+1", "Tab et retour"])
    conn.close()
    out = tmp_path / "guard.csv"
    ok(invoke("export", "--format", "csv", "--output", str(out)))
    by_name = {r["name"]: r for r in csv_records(out)}
    evil = by_name["'=HYPERLINK(\"http://evil\",\"clic\")"]
    assert evil["description"] == "'+1 514 555-0000"
    assert evil["notes"] == "'-5 degrés"
    assert evil["source"] == "'@SUM(A1:A9)"
    assert evil["youtube"] == "'@villedequebec"
    tab = by_name["Tab et retour"]
    assert tab["description"] == "'\tcmd|' /C calc'!A0"
    assert tab["notes"] == "'\r=1+1"
    assert tab["source"] == "''=déjà"  # an apostrophe before = is guarded again
    for row in by_name.values():  # no cell left that a spreadsheet would run
        for cell in row.values():
            assert not cell or cell[0] not in "=+-@\t\r", cell

    other = tmp_path / "other.db"
    ok(invoke("--db", str(other), "init", "--empty"))
    ok(invoke("--db", str(other), "import", str(out)))
    [back] = [c for c in listed(invoke) if c["name"].startswith("=")]
    [imported] = [c for c in json.loads(ok(invoke("--db", str(other), "list", "--json")).stdout)
                  if c["name"].startswith("=")]
    for key in ("name", "description", "notes", "source"):
        assert imported[key] == back[key]
    assert handles(imported, "youtube") == ["@villedequebec"]


# --- filters -----------------------------------------------------------------------------------


def test_status_filter_after_follow(invoke, starter_db, tmp_path):
    ok(invoke("follow", "@urgencequebec", "Hydro-Québec", "--status", "to-follow"))
    out = tmp_path / "suivre.csv"
    ok(invoke("export", "--status", "to-follow", "--format", "csv", "--output", str(out)))
    rows = csv_records(out)
    assert sorted(r["name"] for r in rows) == ["Hydro-Québec", "Urgence Québec"]
    assert {r["status"] for r in rows} == {"to-follow"}


@pytest.mark.parametrize(
    ("export_args", "list_args"),
    [
        (["--topic", "floods"], ["--topic", "inondations"]),
        (["--region", "Montreal"], ["--region", "06"]),
        (["--kind", "municipalité"], ["--kind", "municipality"]),
        (["--kind", "police", "--kind", "fire"], ["--kind", "police", "--kind", "fire"]),
        (["--kind", "municipality", "--region", "mauricie"],
         ["--kind", "municipality", "--region", "04"]),
        (["--mrc", "montreal"], ["--mrc", "Montréal"]),
        (["--mrc", "Gatineau", "--mrc", "quebec"], ["--mrc", "gatineau", "--mrc", "Québec"]),
    ],
)
def test_directory_filters_pick_what_list_picks(invoke, starter_db, export_args, list_args):
    expected = listed(invoke, *list_args)
    assert expected  # the starter directory has some of each
    result = ok(invoke("export", "--format", "json", *export_args))
    assert [c["id"] for c in json.loads(result.stdout)] == [c["id"] for c in expected]
    assert len(expected) < len(listed(invoke))


def test_platform_filter_keeps_only_that_platforms_accounts(invoke, starter_db, tmp_path):
    with_mastodon = listed(invoke, "--platform", "mastodon")
    assert 0 < len(with_mastodon) < len(listed(invoke))
    out = tmp_path / "m.csv"
    ok(invoke("export", "--format", "csv", "--platform", "mastodon", "--output", str(out)))
    rows = csv_records(out)
    assert [r["id"] for r in rows] == [str(c["id"]) for c in with_mastodon]
    for row, contact in zip(rows, with_mastodon, strict=True):
        assert row["mastodon"] == "|".join(handles(contact, "mastodon"))
        assert all(row[p] == "" for p in PLATFORMS if p != "mastodon")


def test_filter_with_no_match_writes_just_the_header(invoke, empty_db, tmp_path):
    out = tmp_path / "none.csv"
    ok(invoke("export", "--format", "csv", "--status", "met", "--output", str(out)))
    assert out.read_bytes() == BOM + HEADER.encode() + b"\r\n"


def test_bad_filter_value_is_a_clean_error(invoke, starter_db, tmp_path):
    out = tmp_path / "x.csv"
    message = refused(invoke("export", "--format", "csv", "--region", "Atlantide",
                            "--output", str(out)))
    assert "Atlantide" in message
    assert not out.exists()


# --- mastodon ----------------------------------------------------------------------------------


def mastodon_addresses(contacts: list[dict]) -> list[str]:
    return [h for c in contacts for h in handles(c, "mastodon")]


def test_mastodon_file_has_exactly_the_mastodon_accounts(invoke, starter_db, tmp_path):
    out = tmp_path / "follows.csv"
    ok(invoke("export", "--format", "mastodon", "--output", str(out)))
    data = out.read_bytes()
    assert not data.startswith(BOM)
    lines = data.decode("utf-8").split("\n")
    assert lines[0] == MASTODON_HEADER
    assert lines[-1] == ""  # a final newline, LF like Mastodon's own file
    expected = mastodon_addresses(listed(invoke))
    assert expected
    assert lines[1:-1] == [f"{address},true,false," for address in expected]
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert all(len(r) == 4 and "@" in r[0] and not r[0].startswith("@") for r in rows[1:])


def test_mastodon_no_header_is_the_bare_list(invoke, starter_db):
    result = ok(invoke("export", "--format", "mastodon", "--no-header"))
    assert result.stdout.splitlines() == mastodon_addresses(listed(invoke))


def test_mastodon_with_platform_mastodon_and_filters(invoke, starter_db):
    both = ok(invoke("export", "--format", "mastodon", "--platform", "mastodon",
                     "--kind", "weather"))
    lines = both.stdout.splitlines()
    assert lines[0] == MASTODON_HEADER
    assert lines[1:] == [f"{a},true,false," for a in
                         mastodon_addresses(listed(invoke, "--kind", "weather"))]


def test_mastodon_with_another_platform_is_refused(invoke, starter_db):
    assert "mastodon" in refused(invoke("export", "--format", "mastodon", "--platform", "x"))


# --- json --------------------------------------------------------------------------------------


def test_json_is_a_list_of_what_show_prints(invoke, starter_db, tmp_path):
    ok(invoke("follow", "@urgencequebec", "--status", "following"))
    out = tmp_path / "annuaire.json"
    ok(invoke("export", "--format", "json", "--output", str(out)))
    raw = out.read_bytes()
    assert not raw.startswith(BOM)
    items = json.loads(raw.decode("utf-8"))
    assert [c["id"] for c in items] == [c["id"] for c in listed(invoke)]
    for item in items[:20] + [i for i in items if i["status"] == "following"]:
        shown = json.loads(ok(invoke("show", str(item["id"]), "--json")).stdout)
        assert item == shown  # history included: the followed one has its step
    assert [e["status"] for i in items if i["status"] == "following" for e in i["history"]] == [
        "following"]


def test_format_guessed_from_nothing_is_required_and_unknown_is_refused(invoke, starter_db,
                                                                          tmp_path):
    out = tmp_path / "a.xml"
    assert "xml" in refused(invoke("export", "--format", "xml", "--output", str(out)))
    assert not out.exists()
    assert "xml" in refused(invoke("export", "--format", "xml"))
    assert ok(invoke("export", "--format", "csv")).stdout  # still works afterwards
    result = invoke("export")
    assert result.exit_code == 2  # --format is required: a usage error


def test_output_into_a_missing_folder_or_onto_a_folder(invoke, starter_db, tmp_path):
    assert "does not exist" in refused(invoke("export", "--format", "csv", "--output",
                                             str(tmp_path / "nope" / "a.csv")))
    assert "folder" in refused(invoke("export", "--format", "csv", "--output", str(tmp_path)))


def test_existing_file_is_replaced_whole(invoke, starter_db, tmp_path):
    out = tmp_path / "a.csv"
    out.write_text("old content that is much longer than a header line\n" * 1000)
    ok(invoke("export", "--format", "csv", "--status", "met", "--output", str(out)))
    assert out.read_bytes() == BOM + HEADER.encode() + b"\r\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


# --- recommend --output ------------------------------------------------------------------------


def recommended(invoke) -> list[dict]:
    return json.loads(ok(invoke("recommend", "--topic", "geolocalisation", "--json")).stdout)


def test_recommend_output_csv(invoke, starter_db, tmp_path):
    ranked = recommended(invoke)
    assert len(ranked) >= 2
    out = tmp_path / "reco.csv"
    ok(invoke("recommend", "--topic", "geolocalisation", "--output", str(out),
              "--format", "csv"))
    assert out.read_bytes().startswith(BOM + HEADER.encode() + b"\r\n")
    assert [r["id"] for r in csv_records(out)] == [str(r["id"]) for r in ranked]


def test_recommend_output_mastodon_in_rank_order(invoke, starter_db, tmp_path):
    ranked = recommended(invoke)
    expected = [a["handle"] for r in ranked for a in r["accounts"] if a["platform"] == "mastodon"]
    assert expected, "the starter directory should rank some Mastodon accounts for geomatics"
    out = tmp_path / "reco.txt"
    ok(invoke("recommend", "--topic", "geolocalisation", "--output", str(out),
              "--format", "mastodon"))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == [MASTODON_HEADER, *(f"{a},true,false," for a in expected)]


def test_recommend_output_json(invoke, starter_db, tmp_path):
    ranked = recommended(invoke)
    out = tmp_path / "reco.json"
    ok(invoke("recommend", "--topic", "geolocalisation", "--output", str(out),
              "--format", "json"))
    items = json.loads(out.read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == [r["id"] for r in ranked]
    assert [i["name"] for i in items] == [r["name"] for r in ranked]
    # guessed from the .json suffix without --format
    guessed = tmp_path / "guess.json"
    ok(invoke("recommend", "--topic", "geolocalisation", "--output", str(guessed)))
    assert json.loads(guessed.read_text(encoding="utf-8")) == items


def test_recommend_output_unknown_format(invoke, starter_db, tmp_path):
    out = tmp_path / "reco.xml"
    assert "xml" in refused(invoke("recommend", "--topic", "geolocalisation", "--output",
                                  str(out), "--format", "xml"))
    assert not out.exists()


def test_no_header_is_only_for_the_mastodon_list(invoke, starter_db, tmp_path):
    out = tmp_path / "a.csv"
    assert "--no-header" in refused(invoke("export", "--format", "csv", "--no-header",
                                          "--output", str(out)))
    assert not out.exists()
    result = invoke("export", "--format", "json", "--no-header")
    assert "--no-header" in refused(result) and result.stdout == ""


def test_unknown_platform_is_a_clean_error(invoke, starter_db):
    result = invoke("export", "--format", "csv", "--platform", "myspace")
    assert "myspace" in refused(result) and result.stdout == ""


def test_recommend_format_without_output_prints_the_list_instead_of_the_table(invoke,
                                                                              starter_db):
    ranked = recommended(invoke)
    printed = ok(invoke("recommend", "--topic", "geolocalisation", "--format", "mastodon"))
    expected = [a["handle"] for r in ranked for a in r["accounts"] if a["platform"] == "mastodon"]
    assert printed.stdout.splitlines() == [MASTODON_HEADER, *(f"{a},true,false," for a in expected)]
    as_csv = ok(invoke("recommend", "--topic", "geolocalisation", "--format", "csv")).stdout
    assert as_csv.startswith(HEADER)  # no BOM on stdout
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert [r["id"] for r in rows] == [str(r["id"]) for r in ranked]


def test_recommend_format_and_json_without_output_conflict(invoke, starter_db):
    assert "--json and --format" in refused(invoke("recommend", "--topic", "geolocalisation",
                                                  "--format", "csv", "--json"))
