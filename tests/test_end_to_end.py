"""The installed `msgu` command, run as a user runs it: a separate process, a fresh database,
several processes writing at once."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

MSGU = shutil.which("msgu", path=str(Path(sys.executable).parent)) or shutil.which("msgu")
pytestmark = pytest.mark.skipif(MSGU is None, reason="the msgu console script is not installed")


def run(*args: str, db: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MSGU_DB": str(db)}
    env.pop("MSGU_DEBUG", None)
    result = subprocess.run([MSGU, *args], env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_quick_start_recommends_on_a_fresh_machine(db_path):
    ranked = json.loads(run("recommend", "--topic", "geolocalisation", "--json", db=db_path).stdout)
    assert len(ranked) == 10
    assert [r["rank"] for r in ranked] == list(range(1, 11))
    scores = [r["score"] for r in ranked]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    table = run("recommend", "--topic", "géolocalisation", db=db_path).stdout
    assert ranked[0]["name"].split()[0] in table


def test_version_and_module_entry_point(db_path):
    from msgu_cli import __version__

    assert run("--version", db=db_path).stdout.strip() == f"msgu {__version__}"
    module = subprocess.run([sys.executable, "-m", "msgu_cli", "--version"],
                            capture_output=True, text=True, timeout=60)
    assert module.stdout.strip() == f"msgu {__version__}"
    assert not db_path.exists()  # --version touches no database


def test_user_error_is_one_line_without_traceback(db_path):
    run("init", "--empty", db=db_path)
    result = run("show", "@personne", db=db_path, check=False)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: No contact matches '@personne'")
    assert len(result.stderr.splitlines()) == 1


def test_four_processes_adding_at_once_lose_nothing(tmp_path, starter_contact_count):
    """Four writers start together on a database that does not exist yet: one creates and seeds
    it, the others wait; every contact lands and nobody sees `database is locked`."""
    db = tmp_path / "partage.db"
    per_worker = 6
    script = "\n".join(
        f'"{MSGU}" add "Poste {{w}}-{i}" --x "poste{{w}}_{i}" --kind municipalite --region 17 '
        "|| exit 1" for i in range(per_worker))
    env = {**os.environ, "MSGU_DB": str(db)}
    workers = [subprocess.Popen(["bash", "-c", script.replace("{w}", str(w))], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for w in range(4)]
    outcomes = [w.communicate(timeout=300) for w in workers]
    for worker, (_, err) in zip(workers, outcomes, strict=True):
        assert worker.returncode == 0, err
        assert "locked" not in err
    conn = sqlite3.connect(db)
    def one(sql: str) -> int:
        return conn.execute(sql).fetchone()[0]

    added = one("SELECT count(*) FROM contacts WHERE name LIKE 'Poste %'")
    handles = one("SELECT count(*) FROM accounts WHERE handle LIKE 'poste%'")
    seeded = one("SELECT count(*) FROM contacts WHERE name NOT LIKE 'Poste %'")
    conn.close()
    assert added == handles == 4 * per_worker
    assert seeded == starter_contact_count  # seeded exactly once
    assert "all checks passed" in " ".join(run("doctor", db=db).stdout.split())


@pytest.mark.parametrize("zone, hours", [("QCT+12", -12), ("KIT-14", 14)])
def test_a_follow_is_dated_on_the_users_calendar_not_utcs(db_path, zone, hours):
    """Twelve hours behind UTC or fourteen ahead, one of the two is another day than UTC's
    at any hour: the relationship's date is the day on the user's clock."""
    from datetime import UTC, datetime, timedelta

    env = {**os.environ, "MSGU_DB": str(db_path), "TZ": zone}  # POSIX TZ: QCT+12 is UTC-12
    added = subprocess.run([MSGU, "add", "Caserne du test", "--account", "x:@caserne_tz",
                            "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    followed = subprocess.run([MSGU, "follow", "@caserne_tz"], env=env, capture_output=True,
                              text=True, timeout=120)
    assert followed.returncode == 0, followed.stderr
    local_day = (datetime.now(UTC) + timedelta(hours=hours)).date().isoformat()
    with sqlite3.connect(db_path) as conn:
        [(day,)] = conn.execute("SELECT r.date FROM relations r JOIN contacts c "
                                "ON c.id = r.contact_id WHERE c.name = 'Caserne du test'")
    assert day == local_day


@pytest.mark.skipif(not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
                    reason="a large import checks rows in a second process on Linux only")
def test_ctrl_c_during_a_large_import_stops_both_processes_and_writes_nothing(tmp_path):
    """Ctrl-C reaches the terminal's whole process group: the import says so, exits 130,
    leaves no process behind (the child that checks rows included) and no row written."""
    import signal
    import time

    db = tmp_path / "msgu.db"
    run("init", "--empty", db=db)
    source = tmp_path / "gros.csv"
    source.write_text("name,x,topics\n" + "".join(
        f"Poste {n},@poste_{n},inondations\n" for n in range(60_000)), encoding="utf-8")
    env = {**os.environ, "MSGU_DB": str(db)}
    importing = subprocess.Popen([MSGU, "import", str(source)], env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 start_new_session=True,  # its own group, as a terminal's job
                                 # and Ctrl-C heard, even when this suite runs in the background
                                 # (a shell starts background jobs with SIGINT ignored)
                                 preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    tasks = Path(f"/proc/{importing.pid}/task")
    deadline = time.monotonic() + 60
    while not any((task / "children").read_text().split() for task in tasks.iterdir()):
        assert importing.poll() is None and time.monotonic() < deadline, importing.stderr
        time.sleep(0.02)
    time.sleep(0.3)  # the child reads and checks, this process writes
    os.killpg(importing.pid, signal.SIGINT)
    _out, err = importing.communicate(timeout=60)
    assert importing.returncode == 130, err
    assert "Interrupted" in err and "Traceback" not in err
    with pytest.raises(ProcessLookupError):
        os.killpg(importing.pid, 0)  # nobody left in the group
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM contacts").fetchone() == (0,)
