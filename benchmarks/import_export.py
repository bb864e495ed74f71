"""Import and export speed of the real `msgu` command next to a csv + executemany baseline.

The baseline does the least any importer must: read the same CSV with the csv module and
`executemany` its contacts, accounts and tags into the same schema (FTS triggers, indexes and
foreign keys included, the same words in the full-text columns) in one transaction, with no
validation, no normalised handles and no duplicate check; the export baseline selects the same
rows and writes them with csv.writer. msgu runs as a user runs it (a subprocess, start-up
included). Prints rows per second and the msgu/baseline ratio (target: at most 2x).

    python benchmarks/import_export.py [--rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import datagen  # noqa: E402  (the benchmarks' one data generator)

from msgu_cli.domain.geo import REGIONS  # noqa: E402
from msgu_cli.domain.models import PLATFORMS  # noqa: E402
from msgu_cli.domain.text import fold  # noqa: E402
from msgu_cli.services.session import open_directory  # noqa: E402
from msgu_cli.storage.contacts import topic_words  # noqa: E402
from msgu_cli.storage.database import transaction  # noqa: E402

NOW = "2026-01-15T12:00:00+00:00"
CONTACT_COLUMNS = ("id", "name", "name_key", "kind", "region", "mrc", "municipality", "scope",
                   "languages", "description", "notes", "source", "status", "topics_text",
                   "handles_text", "created_at", "updated_at")


def msgu(db: Path, *args: str) -> None:
    """Run the installed CLI like a user; a failure stops the benchmark with its message."""
    command = [sys.executable, "-m", "msgu_cli", "--db", str(db), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")


def empty_database(folder: Path, name: str) -> Path:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    open_directory(path, seed=False).close()
    return path


def baseline_import(csv_path: Path, db_path: Path) -> None:
    """csv.reader + executemany of the same rows, no checks: the floor of any CSV import."""
    regions = {region.name: region.number for region in REGIONS}
    db = open_directory(db_path, seed=False)
    words = topic_words(db)  # the same full-text words msgu indexes for a contact's tags
    contacts, accounts, tags = [], [], []
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), 1):
            mine = [(number, platform, handle) for platform in PLATFORMS
                    for handle in row[platform].split("|") if handle]
            topics = [topic for topic in row["topics"].split("|") if topic]
            contacts.append((
                number, row["name"], fold(row["name"]), row["kind"], regions.get(row["region"]),
                row["mrc"] or None, row["municipality"] or None, row["scope"] or None,
                json.dumps(row["languages"].split("|")), row["description"] or None,
                row["notes"] or None, row["source"] or None, row["status"],
                " ".join(words.get(t, t) for t in topics), " ".join(h for _, _, h in mine),
                NOW, NOW))
            accounts += mine
            tags += [(number, topic) for topic in topics]
    with transaction(db):
        db.conn.executemany(f"INSERT INTO contacts ({', '.join(CONTACT_COLUMNS)}) VALUES "
                            f"({', '.join('?' * len(CONTACT_COLUMNS))})", contacts)
        db.conn.executemany(
            "INSERT INTO accounts (contact_id, platform, handle) VALUES (?, ?, ?)", accounts)
        db.conn.executemany(
            "INSERT INTO contact_topics (contact_id, topic) VALUES (?, ?)", tags)
    db.close()


def baseline_export(db_path: Path, out: Path) -> None:
    """One SELECT per table and csv.writer: the floor of any CSV export."""
    db = open_directory(db_path, seed=False)
    handles: dict[int, dict[str, list[str]]] = {}
    for contact_id, platform, handle in db.execute(
            "SELECT contact_id, platform, handle FROM accounts ORDER BY contact_id, handle"):
        handles.setdefault(contact_id, {}).setdefault(platform, []).append(handle)
    topics: dict[int, list[str]] = {}
    for contact_id, topic in db.execute("SELECT contact_id, topic FROM contact_topics"):
        topics.setdefault(contact_id, []).append(topic)
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        for row in db.execute("SELECT id, name, kind, region, mrc, municipality, scope, "
                              "languages, status, description, notes, source FROM contacts "
                              "ORDER BY name_key, id"):
            mine = handles.get(row[0], {})
            writer.writerow([*row[:9], "|".join(topics.get(row[0], [])),
                             *("|".join(mine.get(p, [])) for p in PLATFORMS), *row[9:]])
    db.close()


def paired(runs: int, *cases: tuple[Callable[[], None], Callable[[], None]]) -> list[float]:
    """Median wall time of each case's work (after its fresh preparation), the cases taking
    turns within each run so that a busy machine slows them alike."""
    times: list[list[float]] = [[] for _ in cases]
    for _ in range(runs):
        for (prepare, work), spent in zip(cases, times, strict=True):
            prepare()
            start = time.perf_counter()
            work()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="msgu-bench-"))
    source = datagen.write_import_csv(folder / "directory.csv", args.rows)
    print(f"{args.rows:,} rows, {source.stat().st_size / 1e6:.1f} MB CSV, "
          f"median of {args.runs} paired runs, {os.cpu_count()} CPUs", file=sys.stderr)
    paths = {name: folder / f"{name}.db" for name in ("base", "msgu")}
    results = {
        "import csv": paired(
            args.runs,
            (lambda: empty_database(folder, "base.db"),
             lambda: baseline_import(source, paths["base"])),
            (lambda: empty_database(folder, "msgu.db"),
             lambda: msgu(paths["msgu"], "import", str(source))),
        ),
        "export csv": paired(
            args.runs,
            (lambda: None, lambda: baseline_export(paths["base"], folder / "base-out.csv")),
            (lambda: None, lambda: msgu(paths["msgu"], "export", "--format", "csv", "--output",
                                        str(folder / "msgu-out.csv"))),
        ),
    }
    for name, path in paths.items():  # both really hold the whole file
        db = open_directory(path, seed=False)
        counted = db.execute("SELECT count(*) FROM contacts").fetchone()[0]
        db.close()
        if counted != args.rows:
            raise SystemExit(f"{name} holds {counted} contacts, not {args.rows}")
    print(f"{'direction':<12} {'baseline s':>10} {'msgu s':>8} {'baseline rows/s':>16} "
          f"{'msgu rows/s':>12} {'msgu/base':>9}")
    for name, (base, ours) in results.items():
        print(f"{name:<12} {base:>10.2f} {ours:>8.2f} {args.rows / base:>16,.0f} "
              f"{args.rows / ours:>12,.0f} {ours / base:>8.2f}x")


if __name__ == "__main__":
    main()
