"""The database commands through the real CLI: first use, init, doctor, backup, stats, the files
that msgu must refuse without touching them, and the help of every command."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from msgu_cli.cli import app


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def count(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- first use and init ------------------------------------------------------------------------


def test_first_use_creates_the_starter_directory(invoke, db_path, starter_contact_count):
    assert not db_path.exists()
    contacts = json.loads(ok(invoke("list", "--json")).stdout)
    assert db_path.exists()
    assert len(contacts) == starter_contact_count >= 100
    assert count(db_path, "SELECT count(*) FROM accounts") >= len(contacts)


def test_default_location_is_the_user_data_folder(invoke, tmp_path, monkeypatch):
    monkeypatch.delenv("MSGU_DB")
    ok(invoke("init", "--empty"))
    assert (tmp_path / "data" / "msgu" / "msgu.db").exists()


def test_db_option_beats_the_environment(invoke, tmp_path, db_path):
    other = tmp_path / "autre.db"
    ok(invoke("--db", str(other), "init", "--empty"))
    assert other.exists() and not db_path.exists()


def test_db_option_expands_the_home_folder(invoke, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    ok(invoke("--db", "~/equipe.db", "init", "--empty"))
    assert (tmp_path / "equipe.db").exists()


def test_init_empty_has_reference_data_but_no_contacts(invoke, db_path):
    ok(invoke("init", "--empty"))
    assert count(db_path, "SELECT count(*) FROM contacts") == 0
    assert count(db_path, "SELECT count(*) FROM regions") == 17
    assert count(db_path, "SELECT count(*) FROM mrcs") == 104
    assert count(db_path, "SELECT count(*) FROM topics") >= 40


def test_init_refuses_an_existing_database_without_force(invoke, dump, db_path):
    ok(invoke("init", "--empty"))
    ok(invoke("add", "Gardé"))
    before = dump(db_path)
    result = invoke("init")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "--force" in result.stderr
    assert dump(db_path) == before


def test_init_force_asks_and_no_keeps_everything(invoke, dump, db_path):
    ok(invoke("init", "--empty"))
    ok(invoke("add", "Gardé"))
    before = dump(db_path)
    result = invoke("init", "--force", input="n\n")
    assert result.exit_code == 1
    assert dump(db_path) == before


@pytest.mark.parametrize("how", [["--yes"], ["-y"], []])
def test_init_force_recreates(invoke, db_path, how):
    ok(invoke("init", "--empty"))
    ok(invoke("add", "Perdu"))
    ok(invoke("init", "--empty", "--force", *how, input="y\n"))
    assert count(db_path, "SELECT count(*) FROM contacts") == 0


def test_init_force_never_deletes_a_file_that_is_not_a_database(invoke, db_path):
    db_path.write_text("mes notes importantes\n", encoding="utf-8")
    result = invoke("init", "--force", "--yes")
    assert result.exit_code == 1
    assert "not an msgu database" in result.stderr
    assert db_path.read_text(encoding="utf-8") == "mes notes importantes\n"


# -- files msgu must refuse, untouched ---------------------------------------------------------


def _newer_database(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('msgu', 'm999_from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()


def _foreign_database(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE recettes (nom TEXT)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_bytes(b"\x00\xffjunk" * 100), "not an msgu database"),
    (lambda p: p.write_text("id,name\n1,SPVM\n", encoding="utf-8"), "not an msgu database"),
    (_foreign_database, "not an msgu one"),
    (lambda p: p.mkdir(), "is a folder"),
])
@pytest.mark.parametrize("command", [["list"], ["add", "X"], ["recommend", "--topic", "alerte"],
                                     ["doctor"], ["backup", "copie.db"]])
def test_refuses_files_that_are_not_msgu_databases(invoke, db_path, tmp_path, monkeypatch,
                                                   make, message, command):
    monkeypatch.chdir(tmp_path)
    make(db_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    fingerprint = digest(db_path) if db_path.is_file() else None
    result = invoke(*command)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert "left untouched" in result.stderr or "folder" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if fingerprint:
        assert digest(db_path) == fingerprint


def test_refuses_a_database_from_a_newer_msgu_byte_for_byte(invoke, db_path, empty_db):
    _newer_database(db_path)
    fingerprint = digest(db_path)
    for command in (["list"], ["add", "X"], ["doctor"]):
        result = invoke(*command)
        assert result.exit_code == 1
        assert "newer version of msgu" in result.stderr and "m999_from_the_future" in result.stderr
        assert digest(db_path) == fingerprint


# -- doctor ------------------------------------------------------------------------------------


def test_doctor_passes_on_the_starter_directory(invoke, starter_db):
    result = ok(invoke("doctor"))
    assert "all checks passed" in " ".join(result.stdout.split())
    for check in ("integrity", "schema", "foreign keys", "search index", "journal"):
        assert check in result.stdout


def test_doctor_on_a_missing_database_says_to_init(invoke, db_path):
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "msgu init" in result.stderr
    assert not db_path.exists()


def test_doctor_finds_a_broken_search_index(invoke, starter_db):
    conn = sqlite3.connect(starter_db)
    conn.execute("DELETE FROM contacts_fts WHERE rowid IN (SELECT min(id) FROM contacts)")
    conn.commit()
    conn.close()
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "search index" in result.stdout
    assert result.stderr.startswith("Error: ")


def test_doctor_finds_dangling_references(invoke, starter_db):
    conn = sqlite3.connect(starter_db)  # foreign keys off in this connection, as a careless tool
    conn.execute("INSERT INTO accounts (contact_id, platform, handle) "
                 "VALUES (99999, 'x', 'orphan')")
    conn.commit()
    conn.close()
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "foreign keys: 1 broken reference" in result.stdout


# -- backup ------------------------------------------------------------------------------------


def test_backup_is_a_complete_copy(invoke, starter_db, tmp_path):
    target = tmp_path / "copie.db"
    ok(invoke("backup", str(target)))
    assert target.exists() and not Path(f"{target}.partial").exists()
    for table in ("contacts", "accounts", "contact_topics", "topics", "mrcs"):
        sql = f"SELECT count(*) FROM {table}"
        assert count(target, sql) == count(starter_db, sql) > 0
    ok(invoke("--db", str(target), "doctor"))


def test_backup_refuses_an_existing_file_unless_force(invoke, starter_db, tmp_path):
    target = tmp_path / "copie.db"
    target.write_text("ancienne copie", encoding="utf-8")
    result = invoke("backup", str(target))
    assert result.exit_code == 1 and "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == "ancienne copie"
    ok(invoke("backup", str(target), "--force"))
    assert count(target, "SELECT count(*) FROM contacts") > 0


def test_backup_refuses_the_database_itself(invoke, starter_db, dump):
    before = dump(starter_db)
    result = invoke("backup", str(starter_db), "--force")
    assert result.exit_code == 1 and "the database itself" in result.stderr
    assert dump(starter_db) == before


@pytest.mark.parametrize("where", ["missing-folder/copie.db", "."])
def test_backup_refuses_impossible_targets(invoke, starter_db, tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    result = invoke("backup", where, "--force")
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")


# -- stats -------------------------------------------------------------------------------------


def test_stats_json_counts_match_the_tables(invoke, starter_db):
    stats = json.loads(ok(invoke("stats", "--json")).stdout)
    assert stats["contacts"] == count(starter_db, "SELECT count(*) FROM contacts")
    assert stats["accounts"] == count(starter_db, "SELECT count(*) FROM accounts")
    assert sum(stats["by_kind"].values()) == stats["contacts"]
    assert sum(stats["by_platform"].values()) == stats["accounts"]
    assert sum(stats["by_status"].values()) == stats["contacts"]
    assert stats["by_kind"]["police"] == count(
        starter_db, "SELECT count(*) FROM contacts WHERE kind = 'police'")


def test_stats_draws_bars(invoke, starter_db):
    out = ok(invoke("stats")).stdout
    for heading in ("by kind", "by region", "by topic", "by platform", "by status"):
        assert heading in out
    assert "█" in out


# -- help --------------------------------------------------------------------------------------


def _commands():
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            for sub in command.commands:
                yield [name, sub]
        yield [name]


@pytest.mark.parametrize("command", list(_commands()), ids=" ".join)
def test_every_command_has_a_summary_and_an_example(invoke, command):
    result = ok(invoke(*command, "--help"))
    assert "Usage:" in result.stdout
    if len(command) == 1 and command[0] == "profile":
        return
    assert "Example: msgu" in result.stdout, command


def test_version_and_root_help(invoke):
    from msgu_cli import __version__

    assert ok(invoke("--version")).stdout.strip() == f"msgu {__version__}"
    out = ok(invoke("--help")).stdout
    for command in ("recommend", "add", "list", "search", "follow", "network", "export",
                    "import", "refresh", "discover", "doctor", "backup", "stats"):
        assert command in out


@pytest.mark.parametrize("where", [
    ["--db", "{db}", "add", "Ici"], ["add", "Ici", "--db", "{db}"], ["add", "--db={db}", "Ici"],
    ["profile", "set", "--name", "Ici", "--db", "{db}"],
])
def test_db_option_before_or_after_the_command(invoke, tmp_path, db_path, where):
    other = tmp_path / "equipe.db"
    ok(invoke(*[w.replace("{db}", str(other)) for w in where]))
    assert other.exists() and not db_path.exists()


def test_db_option_after_double_dash_is_an_argument(invoke, tmp_path, empty_db):
    result = ok(invoke("search", "--json", "--", "--db"))
    assert json.loads(result.stdout) == []
    assert not (tmp_path / "--db").exists()


def test_db_option_without_a_value_is_a_usage_error(invoke, empty_db):
    assert invoke("list", "--db").exit_code == 2


def test_doctor_json_lists_every_check(invoke, starter_db):
    checks = json.loads(ok(invoke("doctor", "--json")).stdout)
    assert {c["check"] for c in checks} >= {"integrity", "schema", "foreign keys", "search index"}
    assert all(c["ok"] is True and c["detail"] for c in checks)


def test_doctor_json_still_fails_with_status_1(invoke, starter_db):
    conn = sqlite3.connect(starter_db)
    conn.execute("DELETE FROM contacts_fts WHERE rowid IN (SELECT min(id) FROM contacts)")
    conn.commit()
    conn.close()
    result = invoke("doctor", "--json")
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    failed = [c["check"] for c in json.loads(result.stdout) if not c["ok"]]
    assert failed == ["search index"]
