"""Ranking quality, measured: precision@5 and nDCG@10 of `msgu recommend` over the labelled
queries of tests/fixtures/eval_queries.json, on the evaluation directory, through the real CLI.

The floors sit a little under what the ranking reaches today (mean precision@5 0.78, of a
ceiling of 0.86 since some queries have fewer than five relevant contacts; mean nDCG@10 0.94;
the worst query 0.74), so a change that makes the ranking worse fails here.
`python benchmarks/quality.py` prints the same figures next to two baselines.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest
from evalset import DIRECTORY, build_eval_db, copy_database, load_queries
from typer.testing import CliRunner

from msgu_cli.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from metrics import dcg, mean, ndcg_at_k, precision_at_k  # noqa: E402

QUERIES = load_queries()
MEAN_PRECISION_AT_5 = 0.75
MEAN_NDCG_AT_10 = 0.90
QUERY_NDCG_AT_10 = 0.70
QUERY_PRECISION_SHARE = 0.6  # of the best precision@5 the query's relevant set allows


def _cli(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, f"msgu {' '.join(args)}: {result.output}"
    return result.stdout


@pytest.fixture(scope="module")
def rankings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Query name -> the names `msgu recommend ARGS --json` ranks, each on a fresh directory."""
    folder = tmp_path_factory.mktemp("quality")
    template = build_eval_db(folder / "template.db")
    ranked = {}
    for i, query in enumerate(QUERIES):
        db = folder / f"query{i}.db"
        copy_database(template, db)
        for step in query.get("setup", []):
            _cli(db, *step)
        rows = json.loads(_cli(db, "recommend", *query["args"], "--json"))
        ranked[query["name"]] = [r["name"] for r in rows]
    return ranked


def _best_precision(query: dict) -> float:
    return min(5, len(query["relevant"])) / 5


def test_the_evaluation_set_is_big_enough_and_labels_real_contacts():
    with DIRECTORY.open(encoding="utf-8-sig", newline="") as handle:
        contacts = {row["name"] for row in csv.DictReader(handle)}
    assert len(contacts) >= 40
    assert len(QUERIES) >= 15
    assert len({q["name"] for q in QUERIES}) == len(QUERIES)
    for query in QUERIES:
        assert query["relevant"], query["name"]
        assert set(query["relevant"]) <= contacts, query["name"]
        assert set(query["graded"]) <= contacts, query["name"]
        # The relevant contacts are the best graded ones.
        assert {q for q, g in query["graded"].items() if g == max(query["graded"].values())} \
            <= set(query["relevant"]) <= set(query["graded"]), query["name"]


@pytest.mark.parametrize("query", QUERIES, ids=[q["name"] for q in QUERIES])
def test_each_query_clears_its_floor(rankings, query):
    ranked = rankings[query["name"]]
    p5 = precision_at_k(ranked, query["relevant"], 5)
    n10 = ndcg_at_k(ranked, query["graded"], 10)
    assert p5 >= QUERY_PRECISION_SHARE * _best_precision(query), (p5, ranked[:5])
    assert n10 >= QUERY_NDCG_AT_10, (n10, ranked)


def test_mean_precision_and_ndcg_clear_the_floor(rankings):
    p5 = mean([precision_at_k(rankings[q["name"]], q["relevant"], 5) for q in QUERIES])
    n10 = mean([ndcg_at_k(rankings[q["name"]], q["graded"], 10) for q in QUERIES])
    assert p5 >= MEAN_PRECISION_AT_5, p5
    assert n10 >= MEAN_NDCG_AT_10, n10


def test_spelling_variants_rank_identically(rankings):
    assert rankings["topic code"] == rankings["topic with accents"] == \
        rankings["English synonym"]


# --- the metrics themselves, on literal lists ------------------------------------------------


def test_precision_at_k_counts_gaps_of_a_short_list():
    assert precision_at_k(["a", "x", "b"], {"a", "b", "c"}, 5) == 0.4
    assert precision_at_k(["a", "b", "c", "d", "e", "f"], {"f"}, 5) == 0.0
    assert precision_at_k([], {"a"}, 5) == 0.0
    with pytest.raises(ValueError):
        precision_at_k(["a"], {"a"}, 0)


def test_ndcg_is_one_for_the_ideal_order_and_falls_with_swaps():
    graded = {"a": 2, "b": 1, "c": 1}
    assert ndcg_at_k(["a", "b", "c"], graded, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["c", "b", "a"], graded, 10) < ndcg_at_k(["a", "c", "b"], graded, 10)
    assert ndcg_at_k(["x", "a"], graded, 10) < ndcg_at_k(["a", "x"], graded, 10)
    assert ndcg_at_k(["x", "y"], graded, 10) == 0.0
    # The textbook value: gains 3 then 0 against the ideal 3, 1 (exponential gain).
    assert dcg([2, 0]) == pytest.approx(3.0)
    assert ndcg_at_k(["a", "x"], {"a": 2, "b": 1}, 2) == pytest.approx(3 / (3 + 1 / 1.584962),
                                                                        rel=1e-6)
    with pytest.raises(ValueError):
        ndcg_at_k(["a"], {"a": 0}, 10)


# --- the persona evaluation on the shipped starter directory ----------------------------------
# benchmarks/personas.toml judges the top 10 of coordinators' own queries on seeds/contacts.csv
# (what users get). The floors are issue 10's targets, met: mean P@5 0.70 or more (0.81 today,
# of a 0.92 ceiling), mean nDCG@10 0.80 or more (0.89), no persona below nDCG@10 0.6 (the lowest
# 0.67), and at least 80% of the personas passing the hidden set's criterion (nDCG@10 0.8 and
# P@5 0.6: 28 of 34 today); the means sit a little under today's figures so that a change that
# makes the ranking worse fails here. `benchmarks/quality.py` prints each persona's figures and
# the contacts in its top 10 that nobody has judged yet.

from personas import RELEVANT_GRADE, load_personas, msgu_ranking, persona_database  # noqa: E402
from personas import score as persona_score  # noqa: E402

PERSONAS = load_personas()
PERSONA_MEAN_PRECISION_AT_5 = 0.78
PERSONA_MEAN_NDCG_AT_10 = 0.86
PERSONA_NDCG_AT_10 = 0.6
PERSONA_PASSING_SHARE = 0.8  # of the personas reach nDCG@10 0.8 and P@5 0.6


@pytest.fixture(scope="module")
def persona_scores(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("personas")
    template = folder / "starter.db"
    _cli(template, "init")
    scores = {}
    for persona in PERSONAS:
        db = persona_database(_cli, template, folder / f"{persona.id}.db", persona)
        scores[persona.id] = persona_score(msgu_ranking(_cli, db, persona), persona)
    return scores


def test_the_personas_judge_real_starter_contacts():
    from msgu_cli.storage.seeds import seed_file

    with seed_file("contacts.csv").open(encoding="utf-8-sig", newline="") as handle:
        starter = {row["name"] for row in csv.DictReader(handle)}
    assert len(PERSONAS) >= 32  # the 26 of round 1 re-judged, and new ones on the new data
    for persona in PERSONAS:
        assert set(persona.judged) <= starter, (persona.id, set(persona.judged) - starter)
        assert any(j.grade >= RELEVANT_GRADE for j in persona.judged.values()), persona.id
        assert all(j.why for j in persona.judged.values()), persona.id
        assert persona.profile or persona.command, persona.id


def test_the_personas_clear_their_floors(persona_scores):
    scores = persona_scores.values()
    ndcg = [s.ndcg_at_10 for s in scores]
    assert mean([s.precision_at_5 for s in scores]) >= PERSONA_MEAN_PRECISION_AT_5
    assert mean(ndcg) >= PERSONA_MEAN_NDCG_AT_10
    assert min(ndcg) >= PERSONA_NDCG_AT_10, persona_scores
    passing = [s.ndcg_at_10 >= 0.8 and s.precision_at_5 >= 0.6 for s in scores]
    assert sum(passing) >= PERSONA_PASSING_SHARE * len(passing), persona_scores


def test_an_unjudged_contact_counts_zero_and_is_named():
    persona = PERSONAS[0]
    judged = sorted(persona.judged, key=lambda n: -persona.judged[n].grade)
    with_stranger = ["Nobody judged this one", *judged[:9]]
    got = persona_score(with_stranger, persona)
    assert got.unjudged == ("Nobody judged this one",)
    assert got.ndcg_at_10 < persona_score(judged[:10], persona).ndcg_at_10
