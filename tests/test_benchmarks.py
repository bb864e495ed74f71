"""The benchmark harness runs, and the data it generates is a real, valid msgu directory.

No timing is asserted here: benchmarks/run.py prints the figures.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from msgu_cli.domain.handles import parse_account
from msgu_cli.domain.models import FOLLOWED_STATUSES

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import datagen  # noqa: E402


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return datagen.generate(tmp_path_factory.mktemp("gen") / "bench.db", 300, 8, seed=3)


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_generated_directory_passes_doctor_and_holds_what_was_asked(generated, invoke):
    result = invoke("--db", str(generated), "doctor")
    assert result.exit_code == 0, result.output
    assert _rows(generated, "SELECT count(*) FROM contacts") == [(300,)]
    edges = _rows(generated, "SELECT count(*) FROM follows")[0][0]
    assert 300 * 8 * 0.7 < edges < 300 * 8 * 1.3
    assert _rows(generated, "SELECT count(*) FROM contacts WHERE id NOT IN "
                            "(SELECT contact_id FROM accounts)") == [(0,)]


def test_generated_contacts_are_in_the_full_text_index(generated, invoke):
    [(tagged,)] = _rows(generated,
                        "SELECT count(*) FROM contact_topics WHERE topic = 'inondations'")
    result = invoke("--db", str(generated), "search", "inondations", "--limit", "1000", "--json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) >= tagged > 0


def test_generated_handles_are_normalised_and_topics_regions_are_real(generated):
    for platform, handle, url in _rows(generated, "SELECT platform, handle, url FROM accounts"):
        account = parse_account(platform, url if platform == "website" else handle)
        assert (account.handle, account.url) == (handle, url)
    assert _rows(generated, "SELECT count(*) FROM contact_topics WHERE topic NOT IN "
                            "(SELECT code FROM topics)") == [(0,)]
    assert _rows(generated, "SELECT count(*) FROM contacts WHERE mrc IS NOT NULL AND NOT EXISTS "
                            "(SELECT 1 FROM mrcs m WHERE m.name = contacts.mrc "
                            "AND m.region = contacts.region)") == [(0,)]
    assert any("é" in name for (name,) in _rows(generated, "SELECT name FROM contacts"))


def test_follow_graph_is_power_law_with_a_circle_of_trust(generated):
    followers = [n for (n,) in _rows(generated, "SELECT count(*) FROM follows "
                                                "GROUP BY followee_id ORDER BY 1 DESC")]
    assert followers[0] > 10 * followers[len(followers) // 2]  # a few accounts draw most
    statuses = ", ".join(f"'{s}'" for s in FOLLOWED_STATUSES)
    trusted = _rows(generated, f"SELECT count(DISTINCT c.id) FROM contacts c JOIN accounts a "
                               f"ON a.contact_id = c.id JOIN follows f ON f.follower_id = a.id "
                               f"WHERE c.status IN ({statuses})")[0][0]
    assert trusted == datagen.trusted_count(300)
    assert _rows(generated, "SELECT count(*) FROM profile") == [(1,)]


def test_generated_circle_of_trust_feeds_recommend_network_signal(generated, invoke):
    statuses = ", ".join(f"'{s}'" for s in FOLLOWED_STATUSES)
    [(contact_id, topic)] = _rows(generated, f"""
        SELECT followee.contact_id, min(t.topic) FROM contacts truster
        JOIN accounts mine ON mine.contact_id = truster.id
        JOIN follows f ON f.follower_id = mine.id
        JOIN accounts followee ON followee.id = f.followee_id
        JOIN contacts c ON c.id = followee.contact_id AND c.status = 'none'
        JOIN contact_topics t ON t.contact_id = c.id
        WHERE truster.status IN ({statuses})
        GROUP BY followee.contact_id ORDER BY followee.contact_id LIMIT 1""")
    result = invoke("--db", str(generated), "recommend", "--topic", topic, "--json",
                    "--limit", "300")
    assert result.exit_code == 0, result.output
    [found] = [r for r in json.loads(result.output) if r["id"] == contact_id]
    assert "network" in {reason["signal"] for reason in found["reasons"]}


def test_import_csv_round_trips_into_an_empty_directory(tmp_path, invoke, empty_db):
    csv_path = datagen.write_import_csv(tmp_path / "contacts.csv", 120, seed=3)
    result = invoke("import", str(csv_path))
    assert result.exit_code == 0, result.output
    assert _rows(empty_db, "SELECT count(*) FROM contacts") == [(120,)]
    assert _rows(empty_db, "SELECT count(*) FROM accounts") == \
        _rows(datagen.generate(tmp_path / "same.db", 120, 0, seed=3),
              "SELECT count(*) FROM accounts")


def test_generate_refuses_to_touch_an_existing_file(tmp_path):
    existing = tmp_path / "mine.db"
    existing.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        datagen.generate(existing, 10)
    assert existing.read_bytes() == b"keep me"


def test_quick_benchmark_run_prints_and_writes_the_table(tmp_path):
    output = tmp_path / "RESULTS.md"
    done = subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--output",
                           str(output)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    written = output.read_text(encoding="utf-8")
    for label in ("msgu --version", "msgu --help", "list --limit 20", "search", "recommend",
                  "import", "export"):
        assert label in done.stdout and label in written
    assert written.count("\n| ") >= 10  # header + a row per command
    assert "FAILED" not in written, done.stderr
