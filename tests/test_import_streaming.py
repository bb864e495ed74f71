"""The import works a chunk of rows at a time inside one transaction: files larger than a chunk
behave exactly as small ones (all or nothing, duplicates merged across chunks, every skipped
row listed, dry runs that write nothing), through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from cli_results import refused
from transfer_checks import listed, ok

from msgu_cli.services.import_plan import CHUNK_ROWS
from msgu_cli.services.row_checks import PARALLEL_FROM_ROWS

# Three chunks, the last one partial, read and checked in a child process (test_import_parallel)
ROWS = CHUNK_ROWS * 2 + 1500
assert PARALLEL_FROM_ROWS <= ROWS < CHUNK_ROWS * 3


def rows_csv(path: Path, lines: list[str], header: str = "name,x,topics") -> Path:
    path.write_text(header + "\n" + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def posts(count: int) -> list[str]:
    return [f"Poste {n},@poste_{n},inondations" for n in range(count)]


def test_a_bad_last_row_of_a_large_file_leaves_nothing_written(invoke, starter_db, db_path,
                                                              dump, tmp_path):
    source = rows_csv(tmp_path / "gros.csv", [*posts(ROWS), "Dernier,pas un handle!!,"])
    before = dump(db_path)
    message = refused(invoke("import", str(source)))
    assert message.startswith(f"Error: line {ROWS + 2}, column x:")
    assert dump(db_path) == before


def test_an_unclosed_quote_at_the_end_of_a_large_file_leaves_nothing(invoke, starter_db,
                                                                     db_path, dump, tmp_path):
    source = rows_csv(tmp_path / "gros.csv", [*posts(ROWS), 'Dernier,"@dernier'])
    before = dump(db_path)
    assert refused(invoke("import", str(source))).startswith(f"Error: line {ROWS + 2}: a quote")
    assert dump(db_path) == before


def test_skip_invalid_lists_every_skipped_row_of_every_chunk(invoke, empty_db, tmp_path):
    lines = posts(ROWS)
    bad = [10, CHUNK_ROWS - 1, CHUNK_ROWS, CHUNK_ROWS * 2 + 7, ROWS - 1]
    for number in bad:
        lines[number] = f"Mauvais {number},@{'x' * 40},"
    source = rows_csv(tmp_path / "gros.csv", lines)
    report = json.loads(ok(invoke("import", str(source), "--skip-invalid", "--json")).stdout)
    assert [r["line"] for r in report["invalid"]] == [n + 2 for n in bad]
    assert len(report["added"]) == ROWS - len(bad) == len(listed(invoke))
    assert len({r["id"] for r in report["added"]}) == len(report["added"])


def test_rows_repeating_each_other_across_chunks_merge_as_if_one_after_the_other(
        invoke, empty_db, tmp_path):
    lines = posts(ROWS)
    lines.append("Poste 3 (bis),@POSTE_3,verglas")  # the same handle as row 5, chunks apart
    lines.append("Sans compte,,")
    lines.append("Sans compte,,alerte")  # no handle: the same name (and no region)
    source = rows_csv(tmp_path / "gros.csv", lines)
    report = json.loads(ok(invoke("import", str(source), "--on-duplicate", "update",
                                  "--json")).stdout)
    assert len(report["added"]) == ROWS + 1
    updated = {r["line"]: r for r in report["updated"]}
    assert set(updated) == {ROWS + 2, ROWS + 4}
    poste = json.loads(ok(invoke("show", "@poste_3", "--json")).stdout)
    assert poste["name"] == "Poste 3 (bis)" and poste["id"] == updated[ROWS + 2]["id"]
    assert sorted(poste["topics"]) == ["inondations", "verglas"]
    sans = json.loads(ok(invoke("show", "Sans compte", "--json")).stdout)
    assert sans["topics"] == ["alerte"]
    # the full-text index was rebuilt whole and holds the rewritten row as it ends
    found = json.loads(ok(invoke("search", "bis", "--json")).stdout)
    assert [c["id"] for c in found] == [poste["id"]]
    ok(invoke("doctor"))


def test_skip_policy_across_chunks_names_the_earlier_line(invoke, empty_db, tmp_path):
    lines = [*posts(ROWS), "Doublon,@poste_1,"]
    report = json.loads(ok(invoke("import", str(rows_csv(tmp_path / "d.csv", lines)),
                                  "--json")).stdout)
    [skipped] = report["skipped"]
    assert skipped["line"] == ROWS + 2 and "line 3 of this file" in skipped["reason"]
    message = refused(invoke("import", str(rows_csv(tmp_path / "e.csv", ["Autre,@poste_2,"])),
                            "--on-duplicate", "error"))
    assert "#3 Poste 2" in message


def test_a_large_dry_run_reports_everything_and_writes_nothing(invoke, starter_db, db_path,
                                                              dump, tmp_path):
    source = rows_csv(tmp_path / "gros.csv", [*posts(ROWS), "Poste 0 encore,@poste_0,"])
    before = dump(db_path)
    report = json.loads(ok(invoke("import", str(source), "--dry-run", "--json")).stdout)
    assert dump(db_path) == before
    assert len(report["added"]) == ROWS and report["dry_run"] is True
    assert {r["id"] for r in report["added"]} == {None}
    assert [r["line"] for r in report["skipped"]] == [ROWS + 2]
    assert report["skipped"][0]["id"] is None  # its twin was never written either


def test_a_large_import_into_a_filled_directory_leaves_every_index_whole(invoke, starter_db,
                                                                        tmp_path):
    """More rows than the directory holds: the bulk path (search index and secondary indexes
    built again once) leaves old and new contacts found by search, by every filter, and
    `doctor` content."""
    old = listed(invoke)
    fires = listed(invoke, "--kind", "fire")
    lines = [f"Caserne {n},@caserne_{n},fire,inondations" for n in range(ROWS)]
    source = rows_csv(tmp_path / "gros.csv", lines, header="name,x,kind,topics")
    ok(invoke("import", str(source)))
    assert len(listed(invoke)) == len(old) + ROWS
    assert len(listed(invoke, "--kind", "fire")) == len(fires) + ROWS
    found = json.loads(ok(invoke("search", "caserne_4321", "--json")).stdout)
    assert [c["name"] for c in found] == ["Caserne 4321"]
    first = old[0]["name"]
    assert first in [c["name"] for c in json.loads(ok(invoke("search", first, "--json")).stdout)]
    ok(invoke("doctor"))
