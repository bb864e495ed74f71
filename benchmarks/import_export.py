"""Import and export speed of the real `msgu` command next to csv + executemany baselines.

The three-table baseline (benchmarks/baseline.py import) is the floor of msgu's storage: the
rows msgu writes for the file, written as msgu's bulk path writes them (full-text index and
secondary indexes built once), with no validation, no normalised handles and no duplicate
check; the export baseline (baseline.py export) selects the same rows and writes them with
csv.writer. Both sides run as child processes (interpreter start-up included), msgu as a user
runs it, and take turns in each run so that a busy machine slows them alike. Prints rows per
second and the msgu/baseline ratio (target: at most 2x).

Two more import baselines, timed in the same alternation: the plain csv + executemany of the
raw cells into one table (benchmarks/baseline.py one-table), compared beyond start-up (each
side's time on a header-only file taken off; target: at most 6x at 20,000 rows), and
`sqlite-utils insert --csv`, the tool a user would reach for (target: under 0.5x at 100,000).

    python benchmarks/import_export.py [--rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


# --- the parent: data, runs, table --------------------------------------------------------------


PEAKS: dict[str, float] = {}  # the largest resident memory (MB) of each kind of child


def run(*args: str, peak: str = "") -> None:
    """One child process; a failure stops the benchmark with its message. With `peak`, its
    maximum resident memory is kept under that name (the largest of its runs)."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen([sys.executable, *args], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=errors)
        _pid, status, usage = os.wait4(child.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(args)} failed: {errors.read().decode().strip()}")
    if peak:
        PEAKS[peak] = max(PEAKS.get(peak, 0.0), usage.ru_maxrss / 1024)  # KiB on Linux


def msgu(db: Path, *args: str, peak: str = "") -> Callable[[], None]:
    return lambda: run("-m", "msgu_cli", "--db", str(db), *args, peak=peak)


def baseline(job: str, db: Path, csv_path: Path) -> Callable[[], None]:
    return lambda: run(str(HERE / "baseline.py"), job, str(db), str(csv_path))


def one_table(db: Path, csv_path: Path) -> Callable[[], None]:
    return lambda: run(str(HERE / "baseline.py"), "one-table", str(db), str(csv_path))


def sqlite_utils_insert(db: Path, csv_path: Path) -> Callable[[], None]:
    tool = str(Path(sys.executable).parent / "sqlite-utils")

    def insert() -> None:
        done = subprocess.run([tool, "insert", str(db), "rows", str(csv_path), "--csv"],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"sqlite-utils insert failed: {done.stderr.strip()}")

    return insert


def removed(*paths: Path) -> Callable[[], None]:
    def remove() -> None:
        for path in paths:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    return remove


def empty_database(path: Path) -> Callable[[], None]:
    def make() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        run("-m", "msgu_cli", "--db", str(path), "init", "--empty")

    return make


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


def contact_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM contacts").fetchone()[0]


def verdict(figure: float, limit: float, *, strict: bool = False) -> str:
    return "met" if (figure < limit if strict else figure <= limit) else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--import-only", action="store_true",
                        help="only the issue 15 import targets (no three-table baseline, no "
                        "export)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    folder = Path(tempfile.mkdtemp(prefix="msgu-bench-"))
    source = folder / "directory.csv"
    # The data is made in a child process: a child forked from a parent that held 100,000
    # contacts would start with the parent's memory, and its measured peak with it.
    run("-c", "import sys; sys.path.insert(0, sys.argv[1]); import datagen; "
        "datagen.write_import_csv(sys.argv[2], int(sys.argv[3]))",
        str(HERE), str(source), str(args.rows))
    print(f"{args.rows:,} rows, {source.stat().st_size / 1e6:.1f} MB CSV, "
          f"median of {args.runs} paired runs, {os.cpu_count()} CPUs, "
          f"load average {load_before:.1f}", file=sys.stderr)
    ours, bare, plain = folder / "msgu.db", folder / "msgu-header-only.db", folder / "plain.db"
    header_only = folder / "header-only.csv"
    with source.open(encoding="utf-8-sig") as handle:
        header_only.write_text(handle.readline(), encoding="utf-8")
    full, mine_empty, flat, flat_empty, tool = paired(
        args.runs, (empty_database(ours), msgu(ours, "import", str(source), peak="import")),
        (empty_database(bare), msgu(bare, "import", str(header_only))),
        (removed(plain), one_table(plain, source)),
        (removed(plain), one_table(plain, header_only)),
        (removed(plain), sqlite_utils_insert(plain, source)))
    if contact_count(ours) != args.rows:
        raise SystemExit(f"msgu holds {contact_count(ours)} contacts, not {args.rows}")
    beyond = (full - mine_empty) / (flat - flat_empty)
    print(f"import vs csv + executemany into one table, beyond start-up: msgu {full:.2f} s "
          f"({full - mine_empty:.2f} s beyond start-up), baseline {flat:.2f} s "
          f"({flat - flat_empty:.2f} s): {beyond:.1f}x (target <= 6x at 20,000 rows: "
          f"{verdict(beyond, 6)})")
    print(f"import vs sqlite-utils insert --csv: msgu {full:.2f} s, sqlite-utils {tool:.2f} s: "
          f"{full / tool:.2f}x (target < 0.5x at 100,000 rows: "
          f"{verdict(full / tool, 0.5, strict=True)})")
    print(f"import peak memory: {PEAKS['import']:.0f} MB (target < 150 MB at 100,000 rows: "
          f"{verdict(PEAKS['import'], 150, strict=True)})")
    if not args.import_only:
        transfers(args.rows, args.runs, folder, source)
    print(f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
          file=sys.stderr)


def transfers(rows: int, runs: int, folder: Path, source: Path) -> None:
    """The three-table csv + executemany baseline against msgu, import and export."""
    base, ours = folder / "base.db", folder / "msgu.db"
    results = {
        "import csv": paired(runs, (empty_database(base), baseline("import", base, source)),
                             (empty_database(ours), msgu(ours, "import", str(source)))),
        "export csv": paired(runs,
                             (lambda: None, baseline("export", base, folder / "base-out.csv")),
                             (lambda: None, msgu(ours, "export", "--format", "csv", "--output",
                                                 str(folder / "msgu-out.csv")))),
    }
    for name, path in (("baseline", base), ("msgu", ours)):  # both hold the whole file
        if contact_count(path) != rows:
            raise SystemExit(f"{name} holds {contact_count(path)} contacts, not {rows}")
    print(f"{'direction':<12} {'baseline s':>10} {'msgu s':>8} {'baseline rows/s':>16} "
          f"{'msgu rows/s':>12} {'msgu/base':>9}")
    for name, (base_s, ours_s) in results.items():
        print(f"{name:<12} {base_s:>10.2f} {ours_s:>8.2f} {rows / base_s:>16,.0f} "
              f"{rows / ours_s:>12,.0f} {ours_s / base_s:>8.2f}x")


if __name__ == "__main__":
    main()
