"""msgu at province scale: the real `msgu` command timed against the plainest baseline.

For each size (1,000, 10,000 and 100,000 contacts, ten follow edges each) this generates a
realistic directory (benchmarks/datagen.py, in a child process, cached between runs), then times
repeated runs of the installed `msgu` console script, each in its own process, and reads the
child's peak memory with wait4. Beside each command: the floor of any Typer CLI (a one-command
Typer app with one option) for start-up and recommend, bare SQL through `sqlite3` for list and
search, `csv` + `executemany` for import and export (benchmarks/baseline.py), and the ratio.
Prints one table and writes it as Markdown to benchmarks/RESULTS.md.

    python benchmarks/run.py                     # the full run (several minutes)
    python benchmarks/run.py --sizes 1000 --runs 3
    python benchmarks/run.py --quick             # a tiny run that checks the harness works
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from datasets import DataSet, dataset
from results_file import replace_section
from targets import Target, shown, verdicts

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
BASELINE = HERE / "baseline.py"
SIZES = (1_000, 10_000, 20_000, 100_000)
TOPIC = "inondations"
FLOOR_APP = '''
import typer

app = typer.Typer()


@app.command()
def main(name: str = typer.Option("world", help="Who to greet.")) -> None:
    """Greet someone."""
    print(f"Hello {name}")


if __name__ == "__main__":
    app()
'''


@dataclass(frozen=True)
class Timing:
    """Wall times (s) of repeated runs of one command, and the largest peak memory (MB)."""

    times: tuple[float, ...]
    peak_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def worst(self) -> float:
        return max(self.times)


@dataclass(frozen=True)
class Row:
    group: str  # "start-up" or the number of contacts
    label: str
    timing: Timing | None  # None when a run failed: `failure` says how
    baseline_label: str
    baseline: Timing | None
    targets: tuple[Target, ...] = ()  # what the issues ask of this row
    failure: str = ""
    # Medians of each side's fixed cost (the same job on a header-only file), taken off both
    # before the ratio: "beyond start-up".
    startup: tuple[float, float] | None = None

    @property
    def ratio(self) -> float:
        if self.startup is None:
            return self.timing.median / self.baseline.median
        return ((self.timing.median - self.startup[0])
                / (self.baseline.median - self.startup[1]))

    def value(self, target: Target) -> float | None:
        """What `target` bounds: the ratio, or msgu's peak memory (None: the run failed)."""
        if self.timing is None or self.baseline is None:
            return None
        return self.timing.peak_mb if target.unit == "MB" else self.ratio

    def cells(self) -> str:
        if self.timing is None or self.baseline is None:
            failure = self.failure.replace("|", "/")
            return (f"FAILED: {failure} | | | {self.baseline_label} | | | | "
                    f"{shown(self.targets)}")
        mine, theirs = self.timing, self.baseline
        return (f"{mine.median:.3f} | {mine.worst:.3f} | {mine.peak_mb:.0f} "
                f"| {self.baseline_label} | {theirs.median:.3f} | {theirs.peak_mb:.0f} "
                f"| {self.ratio:.2f}x | {shown(self.targets)}")


class RunFailed(RuntimeError):
    """A timed command exited with an error: its row says so and the other rows go on."""


# benchmarks/baseline.py import: the rows msgu writes, as its bulk path writes them, unchecked.
_STORAGE_FLOOR = "csv + executemany into msgu's tables, no checks"


def msgu_command() -> list[str]:
    """The installed console script (beside this Python first), else the module."""
    beside = Path(sys.executable).parent / "msgu"
    script = str(beside) if beside.exists() else shutil.which("msgu")
    return [script] if script else [sys.executable, "-m", "msgu_cli"]


def run_once(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one child process; fails loudly if it fails."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(list(argv), env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-2000:]
            raise RunFailed(f"{' '.join(argv[-4:])} exited {child.returncode}: "
                            f"{message.strip().splitlines()[-1] if message.strip() else ''}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def measure(commands: Sequence[Sequence[str]], runs: int, env: dict[str, str],
            before: Callable[[], None] | None = None) -> list[Timing]:
    """`runs` rounds, each running every command once in turn, so that load from elsewhere
    on the machine falls on a command and its baseline alike; `before` (untimed) resets
    state before each run, e.g. a fresh database for import."""
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for argv, sample in zip(commands, samples, strict=True):
            if before is not None:
                before()
            sample.append(run_once(argv, env))
    return [Timing(tuple(t for t, _ in sample), max(m for _, m in sample))
            for sample in samples]


@dataclass(frozen=True)
class Bench:
    """Where a run works, what it runs, how often."""

    folder: Path
    runs: int
    heavy_runs: int  # for import and export, which take seconds at 100,000 rows
    env: dict[str, str]

    @property
    def msgu(self) -> list[str]:
        return msgu_command()

    def floor_app(self) -> list[str]:
        path = self.folder / "floor_app.py"
        if not path.exists():
            path.write_text(FLOOR_APP, encoding="utf-8")
        return [sys.executable, str(path)]

    def baseline(self, job: str, *args: str) -> list[str]:
        return [sys.executable, str(BASELINE), job, *args]

    def compare(self, group: str, label: str, argv: Sequence[str], baseline_label: str,
                baseline: Sequence[str], targets: tuple[Target, ...] = (), *,
                heavy: bool = False, before: Callable[[], None] | None = None) -> Row:
        """One row: the command and its baseline, timed in alternation after a warm-up run
        of each (bytecode and disk caches; skipped for the slow heavy commands)."""
        try:
            if not heavy:
                run_once(argv, self.env)
                run_once(baseline, self.env)
            runs = self.heavy_runs if heavy else self.runs
            mine, theirs = measure([argv, baseline], runs, self.env, before)
        except RunFailed as error:
            print(f"{label}: {error}", file=sys.stderr)
            return Row(group, label, None, baseline_label, None, targets, str(error))
        return Row(group, label, mine, baseline_label, theirs, targets)


def child_env(**extra: str) -> dict[str, str]:
    """The environment of timed children: bytecode caching on, as in any installed package
    (pip compiles .pyc files at install; PYTHONDONTWRITEBYTECODE would recompile every run)."""
    env = {**os.environ, **extra}
    for name in ("PYTHONDONTWRITEBYTECODE", "MSGU_DEBUG"):
        env.pop(name, None)
    return env


def startup_rows(bench: Bench) -> list[Row]:
    """--version, --help and recommend on the starter directory against the Typer floor, in
    English; --version and --help in French too (the French catalogue is read at start-up)."""
    starter = bench.folder / "starter.db"
    if not starter.exists():
        run_once([*bench.msgu, "--db", str(starter), "init"], bench.env)
    floor, msgu = bench.floor_app(), bench.msgu
    english = replace(bench, env={**bench.env, "MSGU_LANG": "en"})
    french = replace(bench, env={**bench.env, "MSGU_LANG": "fr"})
    return [
        english.compare("start-up", "msgu --version", [*msgu, "--version"],
                        "typer app --name x", [*floor, "--name", "x"],
                        (Target(1.3, what="msgu --version vs the Typer app (issue 12)"),)),
        english.compare("start-up", "msgu --help", [*msgu, "--help"],
                        "typer app --help", [*floor, "--help"],
                        (Target(1.5, what="msgu --help vs the Typer app's (issue 12)"),)),
        french.compare("start-up", "msgu --version (MSGU_LANG=fr)", [*msgu, "--version"],
                       "typer app --name x", [*floor, "--name", "x"],
                       (Target(1.3, what="msgu --version in French (issue 12)"),)),
        french.compare("start-up", "msgu --help (MSGU_LANG=fr)", [*msgu, "--help"],
                       "typer app --help", [*floor, "--help"],
                       (Target(1.5, what="msgu --help in French (issue 12)"),)),
        english.compare("start-up", "msgu recommend --topic geolocalisation (starter)",
                        [*msgu, "--db", str(starter), "recommend", "--topic", "geolocalisation"],
                        "typer app --name x", [*floor, "--name", "x"], (Target(2.5),)),
    ]


def size_rows(bench: Bench, data: DataSet) -> list[Row]:
    """--version and --help (they must not slow down with the directory), list, search,
    recommend (both ways), import and export at one size."""
    group, msgu, db = f"{data.contacts:,}", bench.msgu, str(data.db)
    floor = bench.floor_app()
    return [
        bench.compare(group, "--version", [*msgu, "--db", db, "--version"],
                      "typer app --name x", [*floor, "--name", "x"], (Target(1.3),)),
        bench.compare(group, "--help", [*msgu, "--db", db, "--help"],
                      "typer app --help", [*floor, "--help"], (Target(1.5),)),
        bench.compare(group, "list --limit 20", [*msgu, "--db", db, "list", "--limit", "20"],
                      "sqlite3 SELECT", bench.baseline("list", db)),
        bench.compare(group, f"search {TOPIC}", [*msgu, "--db", db, "search", TOPIC],
                      "sqlite3 FTS MATCH", bench.baseline("search", db, TOPIC)),
        *recommend_rows(bench, data),
        *transfer_rows(bench, data),
    ]


RECOMMEND_AT_SCALE = Target(1.5, what="recommend at 100,000 contacts and 1,000,000 follow "
                            "edges, profile + network, vs the Typer app (issue 10)")


def recommend_rows(bench: Bench, data: DataSet) -> list[Row]:
    """recommend --topic, without then with the profile and the network signal."""
    group, floor = f"{data.contacts:,}", [*bench.floor_app(), "--name", "x"]
    at_scale = data.contacts == 100_000
    return [
        bench.compare(group, f"recommend --topic {TOPIC} ({label})",
                      [*bench.msgu, "--db", str(db), "recommend", "--topic", TOPIC],
                      "typer app --name x", floor,
                      (RECOMMEND_AT_SCALE if network and at_scale else Target(1.5),))
        for label, db, network in (("no profile, no network", data.plain_db, False),
                                   ("profile + network", data.db, True))
    ]


def transfer_rows(bench: Bench, data: DataSet) -> list[Row]:
    """Import the whole CSV into a fresh empty database, timed once in alternation with its
    three baselines: the three-table csv + executemany, the plain one-table one (beyond
    start-up: both sides also import a header-only file) and `sqlite-utils insert --csv`;
    export the whole directory."""
    group, msgu, size = f"{data.contacts:,}", bench.msgu, data.contacts
    target, out = bench.folder / "import.db", bench.folder / "export.csv"
    one_table = bench.folder / "one-table.db"
    header_only = bench.folder / "header-only.csv"
    with data.csv.open(encoding="utf-8-sig") as handle:
        header_only.write_text(handle.readline(), encoding="utf-8")
    sqlite_utils = str(Path(sys.executable).parent / "sqlite-utils")

    def fresh_database() -> None:
        for leftover in [*bench.folder.glob("import.db*"), *bench.folder.glob("one-table.db*")]:
            leftover.unlink()
        run_once([*msgu, "--db", str(target), "init", "--empty"], bench.env)

    def importing(source: Path) -> list[str]:
        return [*msgu, "--db", str(target), "import", str(source)]

    label = "import (whole CSV)"
    try:
        mine, three, flat, utils, mine_empty, flat_empty = measure([
            importing(data.csv), bench.baseline("import", str(target), str(data.csv)),
            bench.baseline("one-table", str(one_table), str(data.csv)),
            [sqlite_utils, "insert", str(one_table), "rows", str(data.csv), "--csv"],
            importing(header_only), bench.baseline("one-table", str(one_table),
                                                   str(header_only)),
        ], bench.heavy_runs, bench.env, fresh_database)
    except RunFailed as error:
        print(f"{label}: {error}", file=sys.stderr)
        imports = [Row(group, label, None, _STORAGE_FLOOR, None, failure=str(error))]
    else:
        startup = (mine_empty.median, flat_empty.median)
        imports = [
            Row(group, label, mine, _STORAGE_FLOOR, three, (Target(2),)),
            Row(group, label, mine, f"csv + executemany, one table (beyond start-up: "
                f"{startup[0]:.2f} s / {startup[1]:.2f} s)", flat, _one_table_targets(size),
                startup=startup),
            Row(group, label, mine, "sqlite-utils insert --csv", utils, (Target(
                0.5, strict=True, what="import at 100,000 rows vs sqlite-utils insert --csv "
                "(issue 15)"),) if size == 100_000 else ()),
        ]
    return [*imports, bench.compare(
        group, "export --format csv (whole directory)",
        [*msgu, "--db", str(data.db), "export", "--format", "csv", "--output", str(out)],
        "sqlite3 + csv.writer", bench.baseline("export", str(data.db), str(out)),
        (Target(2),), heavy=True)]


def _one_table_targets(size: int) -> tuple[Target, ...]:
    """Issue 15: at most 6x the one-table import at 20,000 rows, beyond start-up; under
    150 MB at 100,000 rows."""
    if size == 20_000:
        return (Target(6, what="import at 20,000 rows vs a one-table csv + executemany, "
                       "beyond start-up (issue 15)"),)
    if size == 100_000:
        return (Target(150, unit="MB", strict=True, what="import's peak memory at 100,000 rows "
                       "(issue 15)"),)
    return ()


def table(rows: Sequence[Row]) -> list[str]:
    """The results as Markdown table lines (also readable as plain text)."""
    lines = ["| contacts | command | median s | max s | peak MB | baseline | baseline median s "
             "| baseline peak MB | ratio | target |",
             "|---|---|--:|--:|--:|---|--:|--:|--:|---|"]
    return lines + [f"| {r.group} | {r.label} | {r.cells()} |" for r in rows]


def report(rows: Sequence[Row], bench: Bench, sizes: Sequence[int], edges: int,
           loads: tuple[float, float]) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        f"`python benchmarks/run.py` on {now}: Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; sizes "
        f"{', '.join(f'{s:,}' for s in sizes)} contacts with {edges} follow edges each; "
        f"{bench.runs} runs per command ({bench.heavy_runs} for import and export). "
        "Every time is the wall time of a whole child process (interpreter start-up "
        "included), every peak its maximum resident memory (wait4: an import of 5,000 rows "
        "or more checks rows in a second process, and the peak is the larger of the two). "
        "`ratio` = msgu's median "
        "/ the baseline's median; each command and its baseline run in alternation, so load "
        f"from elsewhere falls on both (load average {loads[0]:.1f} at the start, "
        f"{loads[1]:.1f} at the end).", "",
        *table(rows), "", "The issues' targets in this run:", "", *verdicts(rows), "",
    ])


def run(sizes: Sequence[int], *, runs: int, heavy_runs: int, edges: int,
        output: Path | None) -> list[Row]:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="msgu-bench-") as folder:
        env = child_env(MSGU_DB=str(Path(folder) / "unused.db"), COLUMNS="120")
        bench = Bench(Path(folder), runs, heavy_runs, env)
        rows = startup_rows(bench)
        for size in sizes:
            rows += size_rows(bench, dataset(size, edges))
    text = report(rows, bench, sizes, edges, (load_before, os.getloadavg()[0]))
    print("\n".join([*table(rows), "", *verdicts(rows)]))
    if output is not None:
        replace_section(output, "speed", text)
        print(f"\nWrote {output}", file=sys.stderr)
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="200 contacts, one run each, no RESULTS.md unless --output")
    parser.add_argument("--sizes", help="comma-separated contact counts (default 1000,10000,"
                        "100000)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--heavy-runs", type=int, default=3, help="runs of import and export")
    parser.add_argument("--edges", type=int, default=10, help="follow edges per contact")
    parser.add_argument("--output", type=Path, help=f"Markdown file (default {RESULTS})")
    args = parser.parse_args(argv)
    if args.quick:
        sizes, runs, heavy, output = [200], 1, 1, args.output
    else:
        sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(SIZES)
        runs, heavy, output = args.runs, args.heavy_runs, args.output or RESULTS
    run(sizes, runs=runs, heavy_runs=heavy, edges=args.edges, output=output)


if __name__ == "__main__":
    main()
