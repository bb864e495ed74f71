"""Ranking quality of `msgu recommend` on the labelled evaluation set, next to two baselines.

    python benchmarks/quality.py [--verbose]

Builds a database from tests/fixtures/eval_directory.csv through the real CLI, runs every query of
tests/fixtures/eval_queries.json (after its setup commands, on a fresh copy), and prints mean
precision@5 and nDCG@10 for:

- msgu: `msgu recommend ARGS --json`;
- baseline A: contacts having any asked tag, sorted by name (a plain tag filter);
- baseline B: the same contacts sorted by how many asked tags they carry, then by name.

Both baselines get the same asked topics (resolved by msgu's own query parser), the same --kind
and --platform filters and the same status exclusions, so the difference is the ranking alone.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(Path(__file__).resolve().parent), str(ROOT / "tests")]

from evalset import build_eval_db, copy_database, load_queries  # noqa: E402
from metrics import mean, ndcg_at_k, precision_at_k  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from msgu_cli.cli import app  # noqa: E402

EXCLUDED = {"unfollowed", "following", "follows-back", "met", "collaborating"}  # as recommend


def cli(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    if result.exit_code != 0:
        raise SystemExit(f"msgu {' '.join(args)} failed: {result.output}")
    return result.stdout


def _parse(args: list[str]) -> argparse.Namespace:
    """The recommend options that matter to the baselines."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("interests", nargs="?")
    parser.add_argument("--topic", action="append", default=[])
    parser.add_argument("--kind", action="append", default=[])
    parser.add_argument("--platform", action="append", default=[])
    parser.add_argument("--region")
    parser.add_argument("--mrc")
    parser.add_argument("--lang")
    return parser.parse_args(args)


def asked(db: Path, args: list[str]) -> tuple[set[str], set[str], set[str]]:
    """(topic codes, kinds, platforms) of a query, resolved as recommend resolves them."""
    from sqlite_utils import Database

    from msgu_cli.domain.vocabulary import parse_kind, parse_platform
    from msgu_cli.services.recommend import RecommendRequest, build_query
    from msgu_cli.services.reference import load_reference
    from msgu_cli.storage.relations import load_profile

    ns = _parse(args)
    database = Database(db)
    try:
        profile = load_profile(database)
        request = RecommendRequest(ns.interests, ns.topic, ns.region, ns.mrc, ns.kind,
                                   ns.platform, ns.lang)
        query, _ = build_query(request, load_reference(database), profile)
    finally:
        database.close()
    platforms = {parse_platform(p) for p in ns.platform} or set(profile.platforms)
    return set(query.topics), {parse_kind(k) for k in ns.kind}, platforms


def baselines(db: Path, args: list[str], limit: int = 10) -> tuple[list[str], list[str]]:
    """Baseline A (tag filter by name) and B (tag count, then name)."""
    topics, kinds, platforms = asked(db, args)
    contacts = json.loads(cli(db, "list", "--json"))  # sorted by name
    pool = [
        c for c in contacts
        if topics & set(c["topics"]) and c["status"] not in EXCLUDED
        and (not kinds or c["kind"] in kinds)
        and (not platforms or platforms & {a["platform"] for a in c["accounts"]})
    ]
    by_name = [c["name"] for c in pool]
    by_count = [c["name"] for c in sorted(pool, key=lambda c: -len(topics & set(c["topics"])))]
    return by_name[:limit], by_count[:limit]


def run_query(template: Path, db: Path, query: dict) -> dict[str, list[str]]:
    """The top 10 of msgu and of both baselines for one query, on a fresh copy of the directory."""
    copy_database(template, db)
    for step in query.get("setup", []):
        cli(db, *step)
    ranked = [r["name"] for r in json.loads(cli(db, "recommend", *query["args"], "--json"))]
    name_order, count_order = baselines(db, query["args"])
    return {"msgu": ranked, "A: tag filter, by name": name_order,
            "B: tag count, then name": count_order}


def evaluate(verbose: bool = False) -> dict[str, tuple[float, float]]:
    queries = load_queries()
    scores: dict[str, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = build_eval_db(folder / "template.db")
        for i, query in enumerate(queries):
            for system, ranked in run_query(template, folder / f"q{i}.db", query).items():
                p5 = precision_at_k(ranked, query["relevant"], 5)
                n10 = ndcg_at_k(ranked, query["graded"], 10)
                scores.setdefault(system, ([], []))[0].append(p5)
                scores[system][1].append(n10)
                if verbose:
                    print(f"{query['name'][:34]:34} {system[:24]:24} "
                          f"P@5 {p5:.2f} nDCG@10 {n10:.2f}")
        ideal = [precision_at_k(list(q["relevant"]), q["relevant"], 5) for q in queries]
    table = {system: (mean(p), mean(n)) for system, (p, n) in scores.items()}
    table["(ceiling: relevant set first)"] = (mean(ideal), 1.0)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="Print every query's figures.")
    verbose = parser.parse_args().verbose
    table = evaluate(verbose)
    count = len(load_queries())
    print(f"\nRanking quality over {count} labelled queries (mean):\n")
    print(f"| {'system':32} | precision@5 | nDCG@10 |")
    print(f"| {'-' * 32} | ----------- | ------- |")
    for system, (p5, n10) in table.items():
        print(f"| {system:32} | {p5:11.3f} | {n10:7.3f} |")


if __name__ == "__main__":
    main()
