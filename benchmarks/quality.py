"""Ranking quality of `msgu recommend` on the shipped starter directory, next to two baselines.

    python benchmarks/quality.py [--verbose] [--no-write]

Builds the starter directory with `msgu init` (seeds/contacts.csv, what users get), then runs
every persona of benchmarks/personas.toml on a fresh copy (its `profile set`, then its
`recommend` command line) and reports precision@5, nDCG@10 and recall@10 per persona and on
average for:

- msgu: `msgu recommend COMMAND --json`;
- baseline A: contacts having any asked tag, sorted by name (a plain tag filter);
- baseline B: the same contacts sorted by how many asked tags they carry, then by name.

Both baselines get the same asked topics (resolved by msgu's own query parser, the profile
included), the same --kind and --platform filters and the same status exclusions, so the
difference is the ranking alone. The table goes to stdout and into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE), str(HERE.parent / "tests")]

from metrics import mean  # noqa: E402
from personas import (  # noqa: E402
    Persona,
    Score,
    load_personas,
    msgu_ranking,
    persona_database,
    score,
)
from results_file import replace_section  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from msgu_cli.cli import app  # noqa: E402

EXCLUDED = {"unfollowed", "following", "follows-back", "met", "collaborating"}  # as recommend
SYSTEMS = ("msgu", "A: tag filter, by name", "B: tag count, then name")
PASS_NDCG, PASS_PRECISION = 0.8, 0.6  # issue 10: a persona passes at both


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
    parser.add_argument("--include-websites", action="store_true")
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
        request = RecommendRequest(interests=ns.interests, topics=ns.topic, region=ns.region,
                                   mrc=ns.mrc, kinds=ns.kind, platforms=ns.platform,
                                   lang=ns.lang)
        query = build_query(request, load_reference(database), profile)[0]
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


def rankings(template: Path, db: Path, persona: Persona) -> dict[str, list[str]]:
    """The top 10 of msgu and of both baselines for one persona, on a fresh directory."""
    persona_database(cli, template, db, persona)
    by_name, by_count = baselines(db, list(persona.command))
    return dict(zip(SYSTEMS, (msgu_ranking(cli, db, persona), by_name, by_count), strict=True))


def evaluate() -> list[tuple[Persona, dict[str, Score]]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "starter.db"
        cli(template, "init")
        for persona in load_personas():
            ranked = rankings(template, Path(tmp) / f"{persona.id}.db", persona)
            results.append((persona, {s: score(ranked[s], persona) for s in SYSTEMS}))
    return results


def report(results: list[tuple[Persona, dict[str, Score]]]) -> list[str]:
    """Markdown: the means per system, then msgu per persona with what is left unjudged."""
    lines = [f"Ranking quality on the shipped starter directory, {len(results)} personas "
             "(benchmarks/personas.toml; `python benchmarks/quality.py`). Mean over personas:",
             "", "| system | precision@5 | nDCG@10 | recall@10 |", "|---|--:|--:|--:|"]
    for system in SYSTEMS:
        scores = [by_system[system] for _, by_system in results]
        lines.append(f"| {system} | {mean([s.precision_at_5 for s in scores]):.2f} "
                     f"| {mean([s.ndcg_at_10 for s in scores]):.2f} "
                     f"| {mean([s.recall_at_10 for s in scores]):.2f} |")
    ceiling = mean([min(5, len(p.relevant)) / 5 for p, _ in results])
    mine = [by_system["msgu"] for _, by_system in results]
    passing = sum(s.ndcg_at_10 >= PASS_NDCG and s.precision_at_5 >= PASS_PRECISION for s in mine)
    lines += ["", f"(The best precision@5 the judgements allow is {ceiling:.2f}: some personas "
              "have fewer than five contacts graded 2 or 3.) msgu: "
              f"{passing} of {len(mine)} personas reach nDCG@10 {PASS_NDCG} and precision@5 "
              f"{PASS_PRECISION} (a persona passes the independent evaluation so); the lowest "
              f"nDCG@10 is {min(s.ndcg_at_10 for s in mine):.2f}.", "",
              "| persona | P@5 | nDCG@10 | R@10 | A: P@5 / nDCG | B: P@5 / nDCG | unjudged in "
              "the top 10 |", "|---|--:|--:|--:|--:|--:|---|"]
    for persona, by_system in results:
        m, a, b = (by_system[s] for s in SYSTEMS)
        lines.append(f"| {persona.id} | {m.precision_at_5:.2f} | {m.ndcg_at_10:.2f} "
                     f"| {m.recall_at_10:.2f} | {a.precision_at_5:.2f} / {a.ndcg_at_10:.2f} "
                     f"| {b.precision_at_5:.2f} / {b.ndcg_at_10:.2f} "
                     f"| {', '.join(m.unjudged) or '-'} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="Also print msgu's top 10 "
                        "of each persona with the grades.")
    parser.add_argument("--no-write", action="store_true", help="Leave RESULTS.md alone.")
    args = parser.parse_args()
    results = evaluate()
    lines = report(results)
    print("\n".join(lines))
    if args.verbose:
        _print_rankings()
    if not args.no_write:
        replace_section(HERE / "RESULTS.md", "quality", "\n".join(lines))


def _print_rankings() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "starter.db"
        cli(template, "init")
        for persona in load_personas():
            db = persona_database(cli, template, Path(tmp) / f"{persona.id}.db", persona)
            print(f"\n{persona.id}:")
            for rank, name in enumerate(msgu_ranking(cli, db, persona)[:10], 1):
                judged = persona.judged.get(name)
                grade = "unjudged" if judged is None else judged.grade
                print(f"  {rank:2}. [{grade}] {name}")


if __name__ == "__main__":
    main()
