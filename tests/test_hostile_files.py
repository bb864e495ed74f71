"""Hostile files, databases and terminals (issue 9): export targets that are links, devices or
pipes; empty, damaged and read-only databases; the write-ahead log a copy or Datasette reads;
one snapshot per export; ESC and BiDi on a real terminal; shell completion; the test switch
that lets no bug pass for a user error."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_results import ok_json, refused, rows

from msgu_cli.domain.text import UNSAFE_CHARACTERS

MSGU = str(Path(sys.executable).with_name("msgu"))  # the installed command


def run_msgu(*args: str, db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "MSGU_DB": str(db), "MSGU_LANG": "en", **env}
    environ.pop("MSGU_RAISE_ERRORS", None)  # the installed command, as a user runs it
    return subprocess.run([MSGU, *args], capture_output=True, text=True, env=environ,
                          timeout=120, check=False)


# --- export targets ----------------------------------------------------------------------

def test_export_writes_through_a_symlink_to_its_target(invoke, starter_db, tmp_path) -> None:
    target = tmp_path / "synced" / "suivre.csv"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "suivre.csv"
    link.symlink_to(target)
    result = invoke("export", "--format", "csv", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8-sig").startswith("id,name,kind")
    assert (target.stat().st_mode & 0o777) == 0o640  # the file keeps its permissions
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".partial")]


def test_export_to_dash_is_stdout(invoke, starter_db, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("export", "--format", "mastodon", "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("Account address,")
    assert not (tmp_path / "-").exists()


def test_export_through_a_dangling_symlink_creates_its_target(invoke, starter_db,
                                                              tmp_path) -> None:
    link = tmp_path / "liste.json"
    link.symlink_to(tmp_path / "vraie.json")
    assert invoke("export", "--format", "json", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and json.loads((tmp_path / "vraie.json").read_text())


@pytest.mark.parametrize("kind", ["fifo", "device", "link-to-device", "folder", "no-folder"])
def test_export_refuses_targets_that_are_not_regular_files(invoke, starter_db, tmp_path, kind,
                                                           dump, db_path) -> None:
    if kind == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    elif kind == "device":
        target = Path(os.devnull)
    elif kind == "link-to-device":
        target = tmp_path / "null-link"
        target.symlink_to(os.devnull)
    elif kind == "folder":
        target = tmp_path
    else:
        target = tmp_path / "missing" / "x.csv"
    before = dump(db_path)
    refused(invoke("export", "--format", "csv", "-o", str(target)))
    refused(invoke("recommend", "--topic", "inondations", "-o", str(target)))
    assert dump(db_path) == before
    if kind in ("device", "link-to-device"):
        assert Path(os.devnull).is_char_device()
    if kind == "fifo":
        assert target.is_fifo()


@pytest.mark.parametrize("suffix", ["", "-wal", "-link"])
def test_export_never_overwrites_the_database_itself(invoke, starter_db, db_path, dump,
                                                     suffix) -> None:
    target = Path(f"{db_path}{suffix}")
    if suffix == "-link":
        target.symlink_to(db_path)
    before = dump(db_path)
    refused(invoke("export", "--format", "json", "-o", str(target)), "the database itself")
    refused(invoke("recommend", "--topic", "inondations", "-o", str(target)))
    refused(invoke("backup", str(target), "--force"), "the database itself")
    assert dump(db_path) == before


def test_backup_refuses_a_device_and_writes_through_a_link(invoke, starter_db, tmp_path) -> None:
    refused(invoke("backup", os.devnull, "--force"), "not a regular file")
    assert Path(os.devnull).is_char_device()
    copy = tmp_path / "copie.db"
    link = tmp_path / "lien.db"
    link.symlink_to(copy)
    assert invoke("backup", str(link)).exit_code == 0
    assert link.is_symlink() and rows(copy, "SELECT count(*) FROM contacts")[0][0] > 100


# --- the database file --------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"\x00" * 10, b"SQLite format 3"])
def test_an_empty_or_foreign_file_is_refused_and_left_untouched(invoke, tmp_path,
                                                                content) -> None:
    path = tmp_path / "vide.db"
    path.write_bytes(content)
    for args in (("list",), ("add", "X"), ("init",), ("doctor",)):
        refused(invoke("--db", str(path), *args))
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vide.db"]


def test_a_fifo_or_a_device_as_db_is_refused_without_hanging(invoke, tmp_path) -> None:
    pipe = tmp_path / "pipe.db"
    os.mkfifo(pipe)
    refused(invoke("--db", str(pipe), "list"), "not a regular file")
    refused(invoke("--db", os.devnull, "list"), "not a regular file")


def _corrupt(path: Path, table: str) -> None:
    """Overwrite the first bytes of `table`'s root page, as a failing disk would."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root[0] - 1) * page_size)
        handle.write(b"\xff" * 64)


@pytest.mark.parametrize("table", ["accounts", "contacts", "relations"])
def test_doctor_reports_a_corrupted_page(invoke, starter_db, db_path, table) -> None:
    _corrupt(db_path, table)
    result = invoke("doctor")
    assert result.exit_code == 1, result.output
    assert "FAIL integrity" in " ".join(result.stdout.split())
    assert result.stderr.startswith("Error: the database has problems")
    report = invoke("doctor", "--json")
    checks = {c["check"]: c for c in json.loads(report.stdout)}
    assert report.exit_code == 1 and checks["integrity"]["ok"] is False


def test_commands_on_a_damaged_file_say_so_on_one_line(invoke, starter_db, db_path) -> None:
    _corrupt(db_path, "accounts")
    for args in (("list",), ("show", "1"), ("export", "--format", "json")):
        result = invoke(*args)
        if result.exit_code == 0:
            continue  # a command that never reads the damaged page still works
        assert "damaged" in refused(result) or "malformed" in result.stderr


def test_a_damaged_header_is_reported_by_doctor(invoke, starter_db, db_path) -> None:
    with db_path.open("r+b") as handle:  # page 1 after the 100-byte header: the schema
        handle.seek(100)
        handle.write(b"\xff" * 200)
    result = invoke("doctor")
    assert result.exit_code == 1 and "FAIL" in result.stdout


def _read_only_mount_works() -> bool:
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return shutil.which("unshare") is not None and probe.returncode == 0


@pytest.mark.skipif(not (sys.platform == "linux" and _read_only_mount_works()),
                    reason="needs a private mount namespace (unshare -m)")
def test_a_database_in_a_read_only_folder_can_be_read_but_not_written(starter_db,
                                                                      tmp_path) -> None:
    """A read-only mount (what even root cannot write): read commands work, writes say why."""
    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    database = folder / "msgu.db"
    shutil.copyfile(starter_db, database)
    script = f"""
        mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} {folder} || exit 99
        {MSGU} list --json > {tmp_path}/list.json; echo "list $?"
        {MSGU} show '#1' --json > /dev/null; echo "show $?"
        {MSGU} doctor > /dev/null; echo "doctor $?"
        {MSGU} export --format csv > {tmp_path}/out.csv; echo "export $?"
        {MSGU} add Nouveau 2> {tmp_path}/add.err; echo "add $?"
    """
    before = database.read_bytes()
    environ = {**os.environ, "MSGU_DB": str(database)}
    environ.pop("MSGU_RAISE_ERRORS", None)
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                          text=True, env=environ, timeout=300, check=False)
    if "99" in done.stdout or done.returncode == 99:
        pytest.skip("mounting is not permitted here")
    assert done.stdout.split() == ["list", "0", "show", "0", "doctor", "0", "export", "0",
                                   "add", "1"], done.stdout + done.stderr
    assert len(json.loads((tmp_path / "list.json").read_text())) > 100
    error = (tmp_path / "add.err").read_text()
    assert error.startswith("Error: ") and "read-only" in error and error.count("\n") == 1
    assert database.read_bytes() == before and sorted(os.listdir(folder)) == ["msgu.db"]


@pytest.mark.skipif(not (sys.platform == "linux" and _read_only_mount_works()),
                    reason="needs a private mount namespace (unshare -m)")
def test_a_full_disk_is_a_clean_error_that_changes_nothing(tmp_path) -> None:
    """Tiny file systems: the starter directory does not fit in 300 kB, nor a large import in
    2 MB; each fails on one line, and leaves nothing half-made."""
    disk, tiny = tmp_path / "petit-disque", tmp_path / "minuscule"
    disk.mkdir()
    tiny.mkdir()
    rows_file = tmp_path / "gros.csv"
    rows_file.write_text("name,description\n" + "".join(
        f"Contact {n},{'a' * 500}\n" for n in range(2500)), encoding="utf-8")
    script = f"""
        mount -t tmpfs -o size=2m tmpfs {disk} || exit 99
        mount -t tmpfs -o size=300k tmpfs {tiny} || exit 99
        {MSGU} --db {tiny}/seed.db init > /dev/null 2> {tmp_path}/init.err; echo "init $?"
        ls {tiny}; echo "listed"
        {MSGU} --db {disk}/m.db init --empty > /dev/null; echo "empty $?"
        {MSGU} --db {disk}/m.db import {rows_file} 2> {tmp_path}/import.err; echo "import $?"
        {MSGU} --db {disk}/m.db doctor > /dev/null; echo "doctor $?"
        {MSGU} --db {disk}/m.db list --json > {tmp_path}/after.json; echo "list $?"
    """
    environ = {**os.environ}
    environ.pop("MSGU_RAISE_ERRORS", None)
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True,
                          text=True, env=environ, timeout=300, check=False)
    if done.returncode == 99:
        pytest.skip("mounting is not permitted here")
    assert done.stdout.split() == ["init", "1", "listed", "empty", "0", "import", "1",
                                   "doctor", "0", "list", "0"], done.stdout + done.stderr
    for name in ("init.err", "import.err"):
        error = (tmp_path / name).read_text()
        assert error.startswith("Error: ") and error.count("\n") == 1 and "full" in error
    assert json.loads((tmp_path / "after.json").read_text()) == []


def test_a_read_only_file_is_opened_read_only(starter_db, tmp_path) -> None:
    """Without write permission on the file (a non-root user): reads work, writes are refused.
    As root, permissions do not stop writes: the read-only mount test above covers that."""
    if os.geteuid() == 0:
        pytest.skip("root may write any file")
    starter_db.chmod(0o444)
    assert run_msgu("list", "--json", db=starter_db).returncode == 0
    result = run_msgu("add", "X", db=starter_db)
    assert result.returncode == 1 and "read-only" in result.stderr


# --- Datasette and copies: the write-ahead log is checkpointed after each write -----------

def test_a_copy_of_the_file_alone_has_every_write_while_a_reader_holds_it(invoke, starter_db,
                                                                          db_path,
                                                                          tmp_path) -> None:
    reader = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)  # as Datasette keeps one
    reader.execute("SELECT count(*) FROM contacts").fetchone()
    try:
        assert invoke("add", "Nouvelle organisation", "--topic", "verglas").exit_code == 0
        copy = tmp_path / "copie.db"
        shutil.copyfile(db_path, copy)  # the main file only, without msgu.db-wal
        assert rows(copy, "SELECT count(*) FROM contacts WHERE name = ?",
                    ["Nouvelle organisation"]) == [(1,)]
        log = Path(f"{db_path}-wal")  # emptied, since the reader was between two reads
        assert not log.exists() or log.stat().st_size == 0
    finally:
        reader.close()


def test_reading_commands_checkpoint_nothing(invoke, starter_db, db_path) -> None:
    writer = sqlite3.connect(db_path)  # another program, whose last write is still in the log
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE contacts SET notes = 'dans le journal' WHERE id = 1")
        writer.commit()
        log = Path(f"{db_path}-wal")
        before = (db_path.read_bytes(), log.read_bytes())
        for args in (("list",), ("show", "#1"), ("export", "--format", "csv"), ("stats",),
                     ("search", "police"), ("doctor",)):
            assert invoke(*args).exit_code == 0, args
        assert (db_path.read_bytes(), log.read_bytes()) == before
    finally:
        writer.close()


def test_the_view_gives_topic_codes_as_a_json_array(invoke, starter_db, db_path) -> None:
    contact = ok_json(invoke("add", "Vue", "--topic", "verglas", "--topic", "alerte", "--json"))
    [(topics,)] = rows(db_path, "SELECT topics FROM contacts_with_accounts WHERE id = ?",
                       [contact["id"]])
    assert json.loads(topics) == ["alerte", "verglas"] == sorted(contact["topics"])
    [(empty,)] = rows(db_path, "SELECT topics FROM contacts_with_accounts WHERE id = ?",
                      [ok_json(invoke("add", "Sans sujet", "--json"))["id"]])
    assert json.loads(empty) == []


# --- one snapshot per export ---------------------------------------------------------------

def test_an_export_never_mixes_rows_from_before_and_after_a_concurrent_write(
        invoke, empty_db, db_path, tmp_path) -> None:
    """The export is held mid-way (its stdout pipe is full) while another process edits the
    last contact; what it writes after that is still the directory as it was."""
    source = tmp_path / "big.csv"
    source.write_text("name,description\n" + "".join(
        f"Contact {n:05d},{'x' * 150}\n" for n in range(6000)), encoding="utf-8")
    assert invoke("import", str(source)).exit_code == 0
    environ = {**os.environ, "MSGU_DB": str(db_path)}
    export = subprocess.Popen([MSGU, "export", "--format", "csv"], stdout=subprocess.PIPE,
                              env=environ)
    assert export.stdout is not None
    head = export.stdout.read(4096)  # the export has begun, and blocks on the full pipe
    edit = run_msgu("edit", "Contact 05999", "--description", "CHANGED", db=db_path)
    assert edit.returncode == 0, edit.stderr
    rest = export.stdout.read()
    assert export.wait(timeout=120) == 0
    text = (head + rest).decode("utf-8")
    assert text.count("\n") == 6001 and "CHANGED" not in text


# --- the terminal: data never drives it ----------------------------------------------------

def _on_a_terminal(args: list[str], db: Path) -> bytes:
    """What the installed msgu writes to a real terminal (a pseudo-terminal), colours on."""
    import pty

    main, secondary = pty.openpty()
    environ = {**os.environ, "MSGU_DB": str(db), "TERM": "xterm-256color", "COLUMNS": "200"}
    environ.pop("MSGU_RAISE_ERRORS", None)
    process = subprocess.Popen([MSGU, *args], stdout=secondary, stderr=secondary, env=environ)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(main)
    return b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("args", [["list"], ["show", "#1"], ["search", "rouge"],
                                  ["recommend", "--topic", "inondations", "--explain"]])
def test_escape_sequences_and_bidi_in_data_never_reach_the_terminal(invoke, empty_db, db_path,
                                                                    args) -> None:
    assert invoke("add", "Ville rouge", "--topic", "inondations", "--kind", "police",
                  "--bluesky", "rouge.bsky.social", "--description", "x").exit_code == 0
    conn = sqlite3.connect(db_path)
    with conn:  # what another program, or an older msgu, may have stored
        conn.execute("UPDATE contacts SET name = ?, description = ? WHERE id = 1",
                     ["Ville rouge \x1b]0;PWNED\x07\x1b[2J \u202eetirW \x9b31m",
                      "\x1b[5mclignote"])
    output = _on_a_terminal(args, db_path).decode("utf-8", errors="replace")
    assert "\x1b]0;PWNED" not in output and "\x1b[2J" not in output and "\x1b[5m" not in output
    assert "\u202e" not in output and "\x9b" not in output and "\x07" not in output
    if args[0] in ("list", "show", "search"):
        assert "\\x1b]0;PWNED" in output and "\\u202e" in output


def test_json_escapes_c1_and_bidi_so_jq_and_terminals_get_plain_text(invoke, empty_db,
                                                                     db_path) -> None:
    assert invoke("add", "Ville").exit_code == 0
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE contacts SET name = ? WHERE id = 1", ["A\x9bB\u202eC\x1bD\x7f"])
    result = run_msgu("show", "#1", "--json", db=db_path)
    assert result.returncode == 0 and not set(result.stdout) & UNSAFE_CHARACTERS - {"\n"}
    assert json.loads(result.stdout)["name"] == "A\x9bB\u202eC\x1bD\x7f"


# --- shell completion ---------------------------------------------------------------------

def test_bash_completion_protocol_completes_commands_and_options(tmp_path) -> None:
    def complete(words: str, index: int) -> list[str]:
        done = run_msgu(db=tmp_path / "none.db", COMP_WORDS=words, COMP_CWORD=str(index),
                        _MSGU_COMPLETE="complete_bash")
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert complete("msgu li", 1) == ["list"]
    assert sorted(complete("msgu re", 1)) == ["recommend", "refresh", "regions", "remove"]
    assert "--status" in complete("msgu list --st", 2)
    assert complete("msgu --db x.db se", 3) == ["search"]
    assert not (tmp_path / "none.db").exists()  # completing never creates a database


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_completion_script_runs_in_bash(tmp_path) -> None:
    script = f"""
        eval "$({MSGU} --show-completion)"
        COMP_WORDS=(msgu exp); COMP_CWORD=1; _msgu_completion msgu
        echo "${{COMPREPLY[@]}}"
        COMP_WORDS=(msgu import --on); COMP_CWORD=2; _msgu_completion msgu
        echo "${{COMPREPLY[@]}}"
    """
    environ = {**os.environ, "MSGU_DB": str(tmp_path / "none.db"),
               "PATH": f"{Path(MSGU).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    environ.pop("MSGU_RAISE_ERRORS", None)
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=environ,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["export", "--on-duplicate"], done.stdout + done.stderr


def test_completion_options_are_offered(invoke) -> None:
    result = invoke("--help")
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


# --- bugs are never passed off as user errors under the tests ------------------------------

def _crashing() -> None:
    raise RuntimeError("boom\nsecond line")


def test_an_unexpected_exception_reaches_the_tests(monkeypatch, capsys) -> None:
    import typer

    from msgu_cli.cli._shared import guarded

    with pytest.raises(RuntimeError, match="boom"):
        guarded(_crashing)()
    monkeypatch.delenv("MSGU_RAISE_ERRORS")
    with pytest.raises(typer.Exit) as stopped:  # a user sees one line, and exit 1
        guarded(_crashing)()
    assert stopped.value.exit_code == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "boom\\nsecond line" in error
    assert error.startswith("Error: RuntimeError:") and "This is unexpected" in error


def test_a_terminal_that_cannot_encode_accents_gets_escapes_not_a_crash(tmp_path) -> None:
    db = tmp_path / "ascii.db"
    added = run_msgu("add", "Sécurité civile ✓", db=db, PYTHONIOENCODING="ascii")
    assert added.returncode == 0, added.stderr
    assert "S\\xe9curit\\xe9 civile \\u2713" in added.stdout
    refused_line = run_msgu("show", "Québec inconnu", db=db, PYTHONIOENCODING="ascii")
    assert refused_line.returncode == 1 and refused_line.stderr.startswith("Error: ")
