"""Every test gets its own database file in a temporary folder; nothing touches the network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

# The suite reads English whatever the machine's locale. The language is chosen once per process
# and help texts are translated when msgu_cli.cli is imported, so this comes before that import;
# a test that wants French asks the `interface_language` fixture (or runs a subprocess).
os.environ["MSGU_LANG"] = "en"

from msgu_cli import i18n  # noqa: E402
from msgu_cli.cli import app  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSGU_DB", str(tmp_path / "msgu.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("MSGU_DEBUG", raising=False)
    # An unexpected exception fails the test with its traceback instead of passing for a
    # user error (`Error: …This is unexpected`, exit 1), as llm does under pytest.
    monkeypatch.setenv("MSGU_RAISE_ERRORS", "1")
    monkeypatch.delenv("MSGU_BLUESKY_API", raising=False)
    monkeypatch.delenv("MSGU_MASTODON_INSTANCES", raising=False)
    monkeypatch.delenv("MSGU_HTTP_TIMEOUT", raising=False)


@pytest.fixture
def interface_language(monkeypatch: pytest.MonkeyPatch):
    """interface_language("fr"): what the CLI says at run time in that language, for this test
    (help texts keep the language they were imported in: a subprocess reads French help)."""

    def switch(code: str) -> None:
        monkeypatch.setenv("MSGU_LANG", code)
        i18n.reset()

    yield switch
    monkeypatch.setenv("MSGU_LANG", "en")
    i18n.reset()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "msgu.db"


@pytest.fixture
def invoke():
    """Run the real CLI in-process: invoke("list", "--json") -> click Result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def _starter_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter directory, built once through the real CLI and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "starter.db"
    result = CliRunner().invoke(app, ["--db", str(path), "init"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def starter_contact_count() -> int:
    """How many contacts the bundled seeds/contacts.csv holds (one row each)."""
    import csv

    from msgu_cli.storage.seeds import seed_file

    with seed_file("contacts.csv").open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.fixture
def starter_db(db_path: Path, _starter_template: Path) -> Path:
    from evalset import copy_database

    copy_database(_starter_template, db_path)
    return db_path


@pytest.fixture
def empty_db(db_path: Path, invoke) -> Path:
    result = invoke("init", "--empty")
    assert result.exit_code == 0, result.output
    return db_path


@pytest.fixture
def dump():
    """dump(path) -> the database's content as SQL text: equal before and after a failed command."""
    import sqlite3

    def run(path: Path) -> str:
        conn = sqlite3.connect(path)
        try:
            return "\n".join(conn.iterdump())
        finally:
            conn.close()

    return run
