"""Start-up time of the real `msgu` command next to the floor of any Typer CLI.

The floor is a one-command Typer app with one option: Typer itself (and pydantic, which Typer
imports when it parses a command) costs that much before msgu does anything. Prints the
start-up rows of benchmarks/run.py (medians, max, peak memory, ratios); targets: --version
<= 1.3x the app, --help <= 1.5x the app's --help, in English and in French (MSGU_LANG=fr reads
the catalogue at start-up), recommend (starter directory) <= 2.5x the app.

    python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Bench, child_env, startup_rows, table  # noqa: E402
from targets import verdicts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="msgu-startup-") as folder:
        env = child_env(MSGU_DB=str(Path(folder) / "unused.db"))
        rows = startup_rows(Bench(Path(folder), args.runs, args.runs, env))
    print("\n".join([*table(rows), "", *verdicts(rows)]))


if __name__ == "__main__":
    main()
