"""Checks shared by the import, export and round-trip tests (all through the real CLI)."""

from __future__ import annotations

import json
from pathlib import Path


def ok(result):
    """A successful command: exit 0 and no traceback; returns the result."""
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.output
    return result




def listed(invoke, *filters: str, db: Path | None = None) -> list[dict]:
    """`list --json FILTERS` as data, from the test's database or `db`."""
    where = ("--db", str(db)) if db is not None else ()
    return json.loads(ok(invoke(*where, "list", "--json", *filters)).stdout)


def without_ids(contacts: list[dict]) -> list[dict]:
    """Contacts compared across databases: ids differ, and machine suggestions are not data."""
    return sorted(({k: v for k, v in c.items() if k not in ("id", "suggested_topics")}
                   for c in contacts), key=json.dumps)
