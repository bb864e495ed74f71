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


def names_of(rows: list[dict]) -> list[str]:
    """The names of `recommend --json` rows (or any list of contacts), in order."""
    return [r["name"] for r in rows]


def points_by_signal(row: dict) -> dict[str, float]:
    """A `recommend --json` row's points summed per signal."""
    found: dict[str, float] = {}
    for reason in row["reasons"]:
        found[reason["signal"]] = round(found.get(reason["signal"], 0) + reason["points"], 2)
    return found
