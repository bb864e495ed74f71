"""Reading what a command left: its JSON output, and rows of the SQLite file it wrote."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any


def ok_json(result) -> Any:
    """The --json output of a command that must have succeeded."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def rows(db_path: Path, sql: str, args: tuple | list = ()) -> list[tuple]:
    """The rows of `sql` on the file itself, through a connection of the test's own."""
    conn = sqlite3.connect(db_path)
    try:
        return list(conn.execute(sql, args))
    finally:
        conn.close()


def refused(result, *fragments: str) -> str:
    """The one check of a failed command: exit 1, nothing on stdout, one `Error:` line on
    stderr holding every fragment, no traceback, and no bug disguised as a user error
    ("This is unexpected"). Returns the line. (That the database is unchanged, compare
    `dump` before and after.)"""
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "", result.stdout
    assert "Traceback" not in result.output, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    assert lines[0].startswith("Error: "), result.stderr
    assert "This is unexpected" not in lines[0], result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def names_of(rows: list[dict]) -> list[str]:
    """The names of `recommend --json` rows (or any list of contacts), in order."""
    return [r["name"] for r in rows]


def points_by_signal(row: dict) -> dict[str, float]:
    """A `recommend --json` row's points summed per signal."""
    found: dict[str, float] = {}
    for reason in row["reasons"]:
        found[reason["signal"]] = round(found.get(reason["signal"], 0) + reason["points"], 2)
    return found
