"""The evaluation directory (tests/fixtures/eval_directory.csv, 51 fictional but realistic
contacts) and its labelled queries, shared by test_cli_recommend.py and test_quality.py."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from msgu_cli.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
DIRECTORY = FIXTURES / "eval_directory.csv"
QUERIES = FIXTURES / "eval_queries.json"


def load_queries() -> list[dict]:
    return json.loads(QUERIES.read_text(encoding="utf-8"))


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy, WAL included (the in-process CLI may keep its connection open)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def build_eval_db(path: Path) -> Path:
    """The evaluation directory, imported through the real CLI into a new database."""
    runner = CliRunner()
    for args in (["init", "--empty"], ["import", str(DIRECTORY)]):
        result = runner.invoke(app, ["--db", str(path), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return path
