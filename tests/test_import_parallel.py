"""A large CSV is read and checked in a forked child while the import writes: the same rows,
the same order and the same verdicts as checking them here, and the child never outlives the
import, whatever stops it."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from cli_results import refused

from msgu_cli.formats.spreadsheet import stream_contacts_csv
from msgu_cli.i18n import Message
from msgu_cli.services.fields import FieldError
from msgu_cli.services.import_plan import CHUNK_ROWS, memoised
from msgu_cli.services.reference import load_reference
from msgu_cli.services.row_checks import PARALLEL_FROM_ROWS, can_fork, checked_chunks
from msgu_cli.services.session import open_directory

pytestmark = pytest.mark.skipif(not can_fork(), reason="checks rows in a child on Linux only")

HEADER = "name,kind,region,mrc,topics,x,bluesky,mastodon,website,description\n"


def varied_rows(count: int) -> list[str]:
    """Rows of every shape an import meets: accents, lists, multi-line cells, bad values."""
    rows = []
    for n in range(count):
        shape = n % 7
        if shape == 0:
            rows.append(f"Ville n° {n},municipality,04,Maskinongé,inondations|verglas,"
                        f"@ville_{n},ville{n}.bsky.social,,https://ville{n}.qc.ca,"
                        f'"Sécurité civile\nligne 2"')
        elif shape == 1:
            rows.append(f"Police {n},police,Montréal,,alerte,,,police{n}@mastodon.social,,")
        elif shape == 2:
            rows.append(f"Mauvais {n},fire,,,,pas un handle!!,,,,")  # column x refused
        elif shape == 3:
            rows.append(f"Trop {n},,,,,,,,,,une cellule de trop")  # the row's own problem
        elif shape == 4:
            rows.append(f"Région {n},,99,,,@region_{n},,,,")  # no region 99
        elif shape == 5:
            rows.append(f"Sujet neuf {n},,,,sujet inventé {n % 3},@neuf_{n},,,,")
        else:
            rows.append(f",,,,,,anonyme{n}.bsky.social,,,")  # named after its account
    return rows


def written(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def comparable(checked):
    """A verdict as values (an exception compares by identity): its kind first."""
    if isinstance(checked, FieldError):
        return ("field error", checked.column, checked.message)
    if isinstance(checked, Message):
        return ("problem", checked)
    return ("contact", *checked)


@contextmanager
def reference_data(db_path: Path):
    """The import's memoised reference data, read from the test's database."""
    db = open_directory(db_path, seed=False)
    try:
        yield memoised(load_reference(db))
    finally:
        db.close()


def chunks_of(path: Path, db_path: Path, *, parallel: bool, keep_fields: bool = True):
    with reference_data(db_path) as ref:
        stream = stream_contacts_csv(lambda: path.open("rb"))
        return [[(row.line, row.fields, comparable(checked)) for row, checked in chunk]
                for chunk in checked_chunks(stream.rows, ref, size=CHUNK_ROWS,
                                            parallel=parallel, keep_fields=keep_fields)]


def drained(rows, db_path: Path, *, size: int) -> None:
    """Every chunk checked in the child, read and let go: what the caller expects is raised."""
    with reference_data(db_path) as ref:
        for _chunk in checked_chunks(rows, ref, size=size, parallel=True):
            pass


def child_processes() -> list[str]:
    """The pids of this process's children that are still alive (or not yet waited for)."""
    return [pid for task in Path("/proc/self/task").iterdir()
            for pid in (task / "children").read_text().split()]


def test_the_child_checks_every_row_as_this_process_would(empty_db, db_path, tmp_path):
    count = PARALLEL_FROM_ROWS + 123
    source = written(tmp_path / "varied.csv", varied_rows(count))
    here = chunks_of(source, db_path, parallel=False)
    there = chunks_of(source, db_path, parallel=True)
    assert {len(chunk) for chunk in here[:-1]} == {CHUNK_ROWS}
    assert [len(chunk) for chunk in there[:4]] == [CHUNK_ROWS // 8, CHUNK_ROWS // 4,
                                                   CHUNK_ROWS // 2, CHUNK_ROWS]
    here, there = [row for chunk in here for row in chunk], [row for chunk in there
                                                            for row in chunk]
    assert there == here
    kinds = [checked[0] for _line, _fields, checked in here]
    shapes = [n % 7 for n in range(count)]  # varied_rows: 2 and 4 are bad values, 3 broken
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "contact": sum(shape in (0, 1, 5, 6) for shape in shapes),
        "field error": sum(shape in (2, 4) for shape in shapes),
        "problem": shapes.count(3)}
    assert not child_processes()


def test_rows_come_without_their_fields_unless_an_update_needs_them(empty_db, db_path,
                                                                   tmp_path):
    source = written(tmp_path / "varied.csv", varied_rows(300))
    lean = chunks_of(source, db_path, parallel=True, keep_fields=False)
    full = chunks_of(source, db_path, parallel=False)
    assert [(line, {}, checked) for chunk in full for line, _fields, checked in chunk] == [
        row for chunk in lean for row in chunk]


def test_a_bad_row_early_in_a_large_file_stops_the_child(invoke, empty_db, db_path, dump,
                                                        tmp_path):
    rows = [f"Poste {n},,,,,@poste_{n},,,," for n in range(PARALLEL_FROM_ROWS * 2)]
    rows[2] = "Mauvais,,,,,pas un handle!!,,,,"
    before = dump(db_path)
    message = refused(invoke("import", str(written(tmp_path / "gros.csv", rows))))
    assert message.startswith("Error: line 4, column x:")
    assert dump(db_path) == before
    assert not child_processes()


def test_a_large_import_through_the_child_equals_a_small_one(invoke, empty_db, tmp_path):
    """The same rows imported as one large file (checked in the child) and as the files of
    fewer rows than the child is used for (checked here) make the same directory."""
    rows = [row for row in varied_rows(PARALLEL_FROM_ROWS + 700)
            if not row.startswith(("Mauvais", "Trop", "Région"))]
    large = json.loads(invoke("import", str(written(tmp_path / "gros.csv", rows)),
                              "--json").stdout)
    whole = json.loads(invoke("list", "--json").stdout)
    ids = [item["id"] for item in large["added"]]
    assert len(ids) == len(rows) and not large["invalid"]
    other = tmp_path / "other.db"
    invoke("--db", str(other), "init", "--empty")
    step = PARALLEL_FROM_ROWS - 1
    for start in range(0, len(rows), step):
        part = written(tmp_path / f"part{start}.csv", rows[start:start + step])
        invoke("--db", str(other), "import", str(part), "--json")
    assert json.loads(invoke("--db", str(other), "list", "--json").stdout) == whole


class _Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("a bug while reading")
        self.handle = lambda: None  # pickle cannot send this


def test_a_bug_in_the_child_fails_loudly_not_as_a_user_error(empty_db, db_path, tmp_path):
    source = written(tmp_path / "rows.csv", varied_rows(10))

    def rows():
        yield from stream_contacts_csv(lambda: source.open("rb")).rows
        raise _Unpicklable

    with pytest.raises(RuntimeError, match="a bug while reading"):
        drained(rows(), db_path, size=4)
    assert not child_processes()


def test_a_child_killed_mid_file_fails_the_import_loudly(empty_db, db_path, tmp_path):
    """Killed by the system (out of memory) it cannot say why: the import fails as a bug
    would, rolled back by the caller, and the dead child is reaped."""
    import signal

    source = written(tmp_path / "rows.csv", varied_rows(50))

    def rows():
        for number, row in enumerate(stream_contacts_csv(lambda: source.open("rb")).rows):
            if number == 30:  # this runs in the child, which reads the file
                os.kill(os.getpid(), signal.SIGKILL)
            yield row

    with pytest.raises(RuntimeError, match="stopped without a word"):
        drained(rows(), db_path, size=8)
    assert not child_processes()
