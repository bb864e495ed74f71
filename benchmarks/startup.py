"""Start-up time of the real `msgu` command next to the floor of any Typer CLI.

The floor is a one-command Typer app with one option: Typer itself (and pydantic, which Typer
imports when it parses a command) costs that much before msgu does anything. Prints a table of
medians and ratios; targets: --version <= 1.3x the app, --help <= 1.5x the app's --help,
recommend (starter directory) <= 2.5x the app.

    python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def msgu_command() -> list[str]:
    """The installed console script when there is one, else the module."""
    script = shutil.which("msgu")
    return [script] if script else [sys.executable, "-m", "msgu_cli"]


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "MSGU_DB": str(Path(folder) / "msgu.db")}
        floor = Path(folder) / "floor_app.py"
        floor.write_text(FLOOR_APP, encoding="utf-8")
        msgu = msgu_command()
        subprocess.run([*msgu, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        app_run = median_seconds([sys.executable, str(floor), "--name", "x"], args.runs, env)
        app_help = median_seconds([sys.executable, str(floor), "--help"], args.runs, env)
        rows = [
            ("msgu --version", [*msgu, "--version"], app_run, 1.3),
            ("msgu --help", [*msgu, "--help"], app_help, 1.5),
            ("msgu recommend --topic geolocalisation",
             [*msgu, "recommend", "--topic", "geolocalisation"], app_run, 2.5),
        ]
        print(f"{'command':<42} {'median ms':>9} {'max ms':>7} {'floor ms':>8} {'ratio':>6} "
              f"{'target':>6}")
        print(f"{'typer app --name x (floor)':<42} {app_run[0] * 1000:>9.0f} "
              f"{app_run[1] * 1000:>7.0f}")
        print(f"{'typer app --help (floor)':<42} {app_help[0] * 1000:>9.0f} "
              f"{app_help[1] * 1000:>7.0f}")
        for label, command, baseline, target in rows:
            median, worst = median_seconds(command, args.runs, env)
            ratio = median / baseline[0]
            mark = "ok" if ratio <= target else "OVER"
            print(f"{label:<42} {median * 1000:>9.0f} {worst * 1000:>7.0f} "
                  f"{baseline[0] * 1000:>8.0f} {ratio:>5.2f}x {target:>5.1f}x {mark}")


if __name__ == "__main__":
    main()
