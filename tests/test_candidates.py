"""Candidate generation for `recommend`: its SQL reads indexes (EXPLAIN QUERY PLAN), its bounds
are upper bounds of what ranking gives, and the shortlist changes no recommendation."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date
from itertools import product
from pathlib import Path

import pytest
from evalset import DIRECTORY, build_eval_db, copy_database

from msgu_cli.domain.geo import Geography
from msgu_cli.domain.models import Mrc
from msgu_cli.domain.ranking import (
    Candidate,
    Query,
    TopicContext,
    score_geography,
    score_kind,
    score_language,
    score_topic,
)
from msgu_cli.domain.shortlist import Bounds, score_bounds
from msgu_cli.services.recommend import SHORTLIST, RecommendRequest, recommend
from msgu_cli.storage import candidates as pool
from msgu_cli.storage.database import open_db

BOUNDS = Bounds(
    tags={("inondations", False): (10.0, 1), ("inondations", True): (5.0, 1),
          ("alerte", False): (8.0, 1)},
    asked=2, coverage=2.0, regions={"17": 4.0, "04": 2.0}, mrc=("Nicolet-Yamaska", 6.0),
    scopes={"provincial": 1.5, "national": 0.75}, kinds={"mrc": 2.0, "weather": 3.0},
)
FILTERS = pool.Filters(excluded_statuses=("unfollowed", "following"), kinds=("mrc", "municipality"),
                       platforms=("x", "facebook"))
FULL_SCAN = re.compile(r"\bSCAN (c|ct|a|contacts|contact_topics|accounts)\b")


@pytest.fixture(scope="module")
def eval_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_eval_db(tmp_path_factory.mktemp("eval") / "eval.db")


@pytest.fixture
def db(db_path: Path, eval_template: Path):
    copy_database(eval_template, db_path)
    database = open_db(db_path)
    yield database
    database.close()


def plan(db, sql: str, args: list) -> str:
    return "\n".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", args))


# --- the SQL reads indexes -------------------------------------------------------------------


@pytest.mark.parametrize("read_ahead", [1200, -1])
def test_tagged_candidates_come_from_the_topic_index(db, read_ahead):
    sql, args = pool.tagged_sql(BOUNDS, FILTERS, keep=300, read_ahead=read_ahead)
    steps = plan(db, sql, args)
    assert "COVERING INDEX contact_topics_topic (topic=?)" in steps
    assert "SEARCH c USING COVERING INDEX contacts_ranked (id=?)" in steps
    assert "COVERING INDEX accounts_contact_platform (contact_id=? AND platform=?)" in steps
    assert not FULL_SCAN.search(steps), steps


@pytest.mark.parametrize("tagged", [(), ("inondations", "risques-naturels")])
def test_the_network_walk_starts_from_the_circle_of_trust(db, tagged):
    from msgu_cli.storage.graph import trusted_followers_sql

    steps = plan(db, *trusted_followers_sql(tagged)).splitlines()
    searches = [step for step in steps if step.startswith(("SEARCH", "SCAN"))]
    assert re.match(r"SEARCH truster USING (COVERING )?INDEX contacts_status \(status=\?\)",
                    searches[0]), steps
    assert any(step.startswith("SEARCH f USING PRIMARY KEY (follower_id=?)") for step in steps)
    assert not any(re.match(r"SCAN (followee|mine|f)\b", step) for step in steps), steps


def test_nearby_candidates_come_from_the_region_index(db):
    """From the index alone (contacts_nearby covers the bound's columns): no wide row read."""
    sql, args = pool.nearby_sql(BOUNDS, pool.Filters(("unfollowed",)), column="region",
                                values=["17", "04"], keep=300)
    steps = plan(db, sql, args)
    assert "USING COVERING INDEX contacts_nearby (region=?)" in steps
    assert not FULL_SCAN.search(steps), steps


def test_rows_text_and_id_look_ups_use_keys(db):
    traced: list[tuple[str, list]] = []
    execute = db.execute

    def capture(sql, args=()):
        traced.append((sql, list(args)))
        return execute(sql, args)

    db.execute = capture  # records the statements; they still run
    rows = pool.candidate_rows(db, [1, 2, 3, 4], ["inondations"], FILTERS)
    hits = pool.text_hits(db, ["inond", "cartograph"], limit=50)
    assert [r.contact_id for r in rows] == [1, 2]  # 3 is a fire service, 4 has no x/facebook
    assert rows[0].topics == ("inondations",) and rows[1].topics == ("inondations",)
    assert hits and all(rank < 0 for _, rank in hits)
    db.execute = execute
    assert len(traced) == 2
    for sql, args in traced:
        steps = plan(db, sql, args)
        assert not FULL_SCAN.search(steps), (sql, steps)
    assert "VIRTUAL TABLE INDEX" in plan(db, *traced[-1])


def test_bounds_are_computed_in_sql_as_the_tables_say(db):
    got = dict(pool.best_tagged(db, BOUNDS, pool.Filters(("unfollowed",)), keep=100))
    deux_rives = db.execute("SELECT id FROM contacts WHERE name LIKE 'Sécurité civile de la MRC "
                            "des Deux-Rives'").fetchone()[0]
    # inondations 10 + alerte 8 + coverage 2 + same MRC 6 + kind mrc 2 (languages left out)
    assert got[deux_rives] == 28.0
    ordered = pool.best_tagged(db, BOUNDS, pool.Filters(("unfollowed",)), keep=5)
    assert [b for _, b in ordered] == sorted((b for _, b in ordered), reverse=True)
    assert ordered[0] == (deux_rives, 28.0)


def _passes_platforms(db, contact_id: int, platforms: tuple[str, ...]) -> bool:
    """The --platform rule, contact by contact: an account on one of them, or websites only."""
    mine = {row[0] for row in db.execute("SELECT platform FROM accounts WHERE contact_id = ?",
                                         [contact_id])}
    return bool(mine & set(platforms)) or not mine - {"website"}


@pytest.mark.parametrize("platforms", [("x",), ("tiktok",), ("mastodon", "bluesky"), ("website",)])
def test_candidate_rows_keep_the_contacts_the_sql_platform_filter_keeps(db, platforms):
    """candidate_rows checks --platform on each row's platforms: the same contacts as the SQL
    predicate the bound queries apply (`_PLATFORM_FILTER`), every contact of the directory."""
    everyone = [row[0] for row in db.execute("SELECT id FROM contacts ORDER BY id")]
    where = pool._PLATFORM_FILTER.format(alias="c", marks=", ".join("?" * len(platforms)))
    kept_by_sql = [row[0] for row in db.execute(
        f"SELECT id FROM contacts c WHERE {where} ORDER BY id", list(platforms))]
    rows = pool.candidate_rows(db, everyone, ["inondations"], pool.Filters(platforms=platforms))
    assert [r.contact_id for r in rows] == kept_by_sql
    assert len(kept_by_sql) < len(everyone)  # the filter leaves some out


@pytest.mark.parametrize("platforms", [("x",), ("tiktok",), ("mastodon", "bluesky")])
@pytest.mark.parametrize("keep", [1, 2, 5, 40])
def test_the_platform_filter_on_the_best_first_keeps_the_same_contacts(db, platforms, keep):
    """--platform is applied to the best PLATFORM_READ_AHEAD x keep contacts, then to all when
    too few of those pass: either way, the first `keep` contacts that pass it, in order."""
    unfiltered = pool.Filters(("unfollowed",))
    filtered = pool.Filters(("unfollowed",), platforms=platforms)
    everyone = pool.best_tagged(db, BOUNDS, unfiltered, keep=100_000)
    expected = [row for row in everyone if _passes_platforms(db, row[0], platforms)][:keep]
    assert pool.best_tagged(db, BOUNDS, filtered, keep=keep) == expected
    nearby = pool.best_nearby(db, BOUNDS, unfiltered, column="region", values=["17", "06"],
                              keep=100_000)
    assert pool.best_nearby(db, BOUNDS, filtered, column="region", values=["17", "06"],
                            keep=keep) == [row for row in nearby if _passes_platforms(
                                db, row[0], platforms)][:keep]


def test_the_read_ahead_is_both_enough_and_too_short_in_those_cases(db):
    """The cases above take both ways: the best contacts are enough for x, too few for tiktok."""
    everyone = pool.best_tagged(db, BOUNDS, pool.Filters(("unfollowed",)), keep=100_000)
    ahead = everyone[:pool.PLATFORM_READ_AHEAD * 2]
    assert sum(_passes_platforms(db, i, ("x",)) for i, _bound in ahead) >= 2
    assert sum(_passes_platforms(db, i, ("tiktok",)) for i, _bound in ahead) < 2


# --- the bounds are upper bounds -------------------------------------------------------------

GEO = Geography.from_mrcs([Mrc("Nicolet-Yamaska", "17"), Mrc("Drummond", "17"),
                           Mrc("Montréal", "06")])
CTX = TopicContext(
    related={"geolocalisation": {"geomatique": "parent"},
             "geomatique": {"geolocalisation": "child", "cartographie": "child"},
             "inondations": {}},
    weights={"geolocalisation": 1.2, "geomatique": 0.8, "inondations": 1.5},
)
CODES = ["geolocalisation", "geomatique", "cartographie", "inondations"]


LANGUAGE_MAX = 1.0  # the most a language reason gives: the bound leaves languages out


def _bound(b: Bounds, c: Candidate, mrc_matches: bool) -> float:
    """The bound as Bounds' docstring (and the SQL) defines it, plus the language's most."""
    tags = [*((t, False) for t in c.topics), *((t, True) for t in c.suggested_topics)]
    points = sum(b.tags.get(t, (0.0, 0))[0] for t in tags)
    served = sum(b.tags.get(t, (0.0, 0))[1] for t in tags)
    topic = points + b.coverage * max(0, min(served, b.asked) - 1)
    place = max(b.regions.get(c.region or "", 0.0), b.mrc[1] if b.mrc and mrc_matches else 0.0,
                b.scopes.get(c.scope or "", 0.0))
    return topic + place + b.kinds.get(c.kind, 0.0) + LANGUAGE_MAX


@pytest.mark.parametrize("query", [
    Query(("geolocalisation",)),
    Query(("geolocalisation", "geomatique", "inondations"), region="17", mrc="Nicolet-Yamaska",
          org_kind="mrc", languages=("fr",)),
    Query(("geomatique", "inondations"), region="06", org_kind="police", languages=("en", "fr")),
    Query(("inondations",), region="06", org_kind="police", languages=("en",)),
])
def test_score_bounds_never_undercount(query):
    b = score_bounds(query, CTX, GEO, CODES, ["mrc", "police", "weather", "ngo"])
    tag_sets = [(), ("geolocalisation",), ("geomatique",), ("geolocalisation", "geomatique"),
                ("cartographie", "inondations"), ("geomatique", "inondations", "cartographie")]
    places = [(None, None, None), ("17", "Nicolet-Yamaska", "local"), ("17", "Drummond", None),
              ("04", None, "regional"), ("06", "Montréal", "local"), (None, None, "provincial"),
              (None, None, "international")]
    checked = 0
    for topics, suggested, (region, mrc, scope), kind, languages in product(
        tag_sets, tag_sets[:3], places, ["mrc", "police", "weather", "other"],
        [(), ("fr",), ("en",), ("de",)],
    ):
        c = Candidate(1, "C", kind, region, mrc, scope, languages, topics,
                      tuple(t for t in suggested if t not in topics))
        # A French-only police service of Quebec earns the first language's point for an
        # English query: the bound must hold it too.
        actual = sum(r.points for r in (*score_topic(c, query, CTX),
                                        *score_geography(c, query, GEO),
                                        *score_kind(c, query, GEO), *score_language(c, query)))
        assert _bound(b, c, mrc_matches=mrc == query.mrc) >= actual - 1e-9, (c, query)
        checked += 1
    assert checked > 2000


# --- the shortlist changes no recommendation -------------------------------------------------


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The evaluation directory copied 20 times over (1,020 contacts, many of them tied), so
    that the tagged candidates outnumber the shortlist."""
    with DIRECTORY.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    platforms = ("x", "bluesky", "mastodon", "facebook", "instagram", "threads", "youtube",
                 "linkedin", "tiktok")
    for copy in range(20):
        for number, row in enumerate(rows):
            clone = {**row, "name": f"{row['name']} {copy:02d}"}
            for platform in platforms:
                clone[platform] = ""
            clone["website"] = f"https://c{copy}-{number}.eval.example.org"
            writer.writerow(clone)
    folder = tmp_path_factory.mktemp("crowded")
    source = folder / "crowded.csv"
    source.write_text(out.getvalue(), encoding="utf-8")
    path = folder / "crowded.db"
    build_eval_db(path)
    from typer.testing import CliRunner

    from msgu_cli.cli import app

    result = CliRunner().invoke(app, ["--db", str(path), "import", str(source)])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("request_", [
    RecommendRequest(topics=["inondations"]),
    RecommendRequest(topics=["inondations", "alerte"], region="17", lang="fr"),
    RecommendRequest(topics=["geolocalisation"], mrc="Nicolet-Yamaska", lang="en", limit=25),
    RecommendRequest(interests="cartographie des zones inondables"),
    RecommendRequest(region="06"),
    RecommendRequest(topics=["alerte"], kinds=["municipality", "weather"]),
], ids=["one topic", "two topics region lang", "mrc english", "free text", "region alone",
        "kinds"])
@pytest.mark.parametrize("websites", [True, False], ids=["with websites", "followable"])
def test_the_shortlist_changes_no_recommendation(crowded, request_, websites):
    # The copies have websites only: with --include-websites they crowd the shortlist.
    request_ = replace(request_, include_websites=websites)
    db = open_db(crowded)
    try:
        assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] > 1000
        today = date(2026, 1, 15)
        short = recommend(db, request_, today=today)
        whole = recommend(db, request_, today=today, shortlist=False)
    finally:
        db.close()
    for got, expected in ((short.recommendations, whole.recommendations),
                          (short.references, whole.references)):
        assert [(r.contact.id, r.score, r.reasons) for r in got] == \
            [(r.contact.id, r.score, r.reasons) for r in expected]
    if websites:
        assert len(short.recommendations) == request_.limit
    else:
        assert short.recommendations and all(r.followable for r in short.recommendations)


def test_the_crowded_directory_really_needs_the_shortlist(crowded):
    db = open_db(crowded)
    try:
        tagged = db.execute("SELECT count(DISTINCT contact_id) FROM contact_topics "
                            "WHERE topic = 'inondations'").fetchone()[0]
    finally:
        db.close()
    assert tagged > SHORTLIST


def test_the_shortlist_reads_the_province_wide_counterparts(crowded, tmp_path):
    """A police service's counterpart (a province-wide police) matches none of its interests
    and has no region: the shortlist reads it by kind, and still changes nothing."""
    from typer.testing import CliRunner

    from msgu_cli.cli import app

    db_path = tmp_path / "police.db"
    copy_database(crowded, db_path)
    for args in (("add", "Police provinciale d'essai", "--kind", "police", "--scope",
                  "provincial", "--lang", "fr", "--x", "police_essai"),
                 ("profile", "set", "--kind", "police", "--region", "06", "--mrc", "Montréal",
                  "--lang", "fr")):
        result = CliRunner().invoke(app, ["--db", str(db_path), *args])
        assert result.exit_code == 0, result.output
    db = open_db(db_path)
    try:
        request = RecommendRequest(topics=["communication-de-crise"], limit=15)
        short = recommend(db, request, today=date(2026, 1, 15))
        whole = recommend(db, request, today=date(2026, 1, 15), shortlist=False)
    finally:
        db.close()
    got = [(r.contact.id, r.score, r.reasons) for r in short.recommendations]
    assert got == [(r.contact.id, r.score, r.reasons) for r in whole.recommendations]
    assert "Police provinciale d'essai" in [r.contact.name for r in short.recommendations]


def test_candidate_rows_name_each_platform_once(db):
    """Two accounts on one platform (a town's two Facebook pages) are one platform."""
    contact_id, platform = db.execute("SELECT contact_id, platform FROM accounts "
                                      "ORDER BY id LIMIT 1").fetchone()
    db.execute("INSERT INTO accounts (contact_id, platform, handle) VALUES (?, ?, ?)",
               [contact_id, platform, "second-page-of-the-same-contact"])
    [row] = pool.candidate_rows(db, [contact_id], [], pool.Filters())
    assert row.platforms.count(platform) == 1
    assert list(row.platforms) == sorted({r[0] for r in db.execute(
        "SELECT platform FROM accounts WHERE contact_id = ?", [contact_id])})
