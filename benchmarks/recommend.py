"""`msgu recommend` at province scale: with and without the network signal, at each size.

Target (issue 10): at 100,000 contacts and 1,000,000 follow edges, at most 1.5x the
one-command Typer app's start-up measured in the same run. Each size gets two measures: the
whole `msgu` process (start-up included, as people feel it) and the `recommend` service
alone, in-process, after the database is open (what the ranking costs).

    python benchmarks/recommend.py [--sizes 1000,10000,100000] [--runs 7] [--topic inondations]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402
from datasets import DataSet, dataset  # noqa: E402
from run import Bench, child_env, recommend_rows, table  # noqa: E402
from targets import verdicts  # noqa: E402


def service_seconds(db_path: Path, topic: str, runs: int) -> tuple[float, int]:
    """Median seconds of the recommend service alone, and how many contacts it returned.

    Imported here, after every child process is timed: what the harness holds at fork time
    counts in a child's peak memory.
    """
    from msgu_cli.services.recommend import RecommendRequest, recommend
    from msgu_cli.services.session import open_directory

    db = open_directory(db_path, seed=False)
    request = RecommendRequest(topics=[topic], limit=10)
    times, found = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        found = len(recommend(db, request, today=date(2026, 1, 15)).recommendations)
        times.append(time.perf_counter() - start)
    db.close()
    return statistics.median(times), found


def candidate_count(data: DataSet, topic: str) -> int:
    """Contacts tagged with the topic: the size of the pool recommend must score, roughly."""
    import sqlite3

    with sqlite3.connect(data.db) as conn:
        return conn.execute("SELECT count(*) FROM contact_topics WHERE topic = ?",
                            [topic]).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--edges", type=int, default=10)
    parser.add_argument("--topic", default="inondations")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    run.TOPIC = args.topic
    rows, service = [], []
    with tempfile.TemporaryDirectory(prefix="msgu-recommend-") as folder:
        bench = Bench(Path(folder), args.runs, args.runs, child_env(COLUMNS="120"))
        data = {size: dataset(size, args.edges) for size in sizes}
        for size in sizes:
            rows += recommend_rows(bench, data[size])
    for size in sizes:
        for label, db in (("no network", data[size].plain_db), ("profile + network",
                                                                 data[size].db)):
            seconds, found = service_seconds(db, args.topic, args.runs)
            service.append(f"| {size:,} | {label} | {candidate_count(data[size], args.topic):,} "
                           f"| {seconds * 1000:.1f} | {found} |")
    print("\n".join([*table(rows), "", *verdicts(rows)]))
    print("\n| contacts | signal | contacts tagged with the topic | service median ms "
          "| returned |\n|---|---|--:|--:|--:|")
    print("\n".join(service))


if __name__ == "__main__":
    main()
