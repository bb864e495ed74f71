"""Reference data in the database: regions, MRCs, municipalities, the topic taxonomy, hashtags."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..domain.geo import REGIONS, Geography, Municipalities
from ..domain.models import Mrc, Municipality, Topic
from . import seeds
from .connection import Database

if TYPE_CHECKING:  # the taxonomy module (and tomllib) load only when a command needs them
    import sqlite_utils

    from ..domain.taxonomy import Taxonomy

    # Reference data is written through msgu's connection, or through sqlite-utils' one when
    # the migration m002 syncs it.
    Writable = Database | sqlite_utils.Database


def reference_fingerprint() -> int:
    """A checksum of the bundled reference files (31 bits, to fit SQLite's `user_version`)."""
    checksum = 0
    for name in ("topics.toml", "mrcs.csv", "municipalities.csv", "hashtags.csv"):
        checksum = zlib.crc32(seeds.seed_file(name).read_bytes(), checksum)
    return checksum & 0x7FFF_FFFF


def sync_reference_data(db: Writable) -> None:
    """Upsert the bundled regions, MRCs, municipalities, taxonomy and hashtags; user-made topics
    are kept."""
    db.conn.executemany(
        "INSERT INTO regions (number, name) VALUES (?, ?) "
        "ON CONFLICT(number) DO UPDATE SET name = excluded.name",
        [(r.number, r.name) for r in REGIONS],
    )
    db.conn.executemany(
        "INSERT INTO mrcs (name, type, region, source) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(name, region) DO UPDATE SET type = excluded.type, source = excluded.source",
        [(m.name, kind, m.region, source) for m, kind, source in seeds.read_mrcs()],
    )
    if "municipalities" in db.table_names():  # from m006 on (m002 syncs before it)
        _sync_municipalities(db, seeds.read_municipalities())
    from ..domain.taxonomy import load_topics_toml

    topics = load_topics_toml(seeds.seed_file("topics.toml").read_text(encoding="utf-8"))
    save_topics(db, topics, origin="taxonomy")
    db.conn.executemany(
        "INSERT OR REPLACE INTO hashtags (tag, language, description, source) VALUES (?, ?, ?, ?)",
        [(h["tag"], h.get("language"), h.get("description"), h.get("source"))
         for h in seeds.read_hashtags()],
    )


def _sync_municipalities(db: Writable, towns: Sequence[Municipality]) -> None:
    """The répertoire as bundled: its entries upserted, the ones it no longer has deleted
    (no table refers to them: contacts store the name)."""
    db.conn.executemany(
        "INSERT INTO municipalities (code, name, designation, region, mrc, population, website) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
        "designation = excluded.designation, region = excluded.region, mrc = excluded.mrc, "
        "population = excluded.population, website = excluded.website",
        [(m.code, m.name, m.designation, m.region, m.mrc, m.population, m.website)
         for m in towns],
    )
    db.execute("DELETE FROM municipalities WHERE code NOT IN (SELECT value FROM json_each(?))",
               [json.dumps([m.code for m in towns])])


def save_topics(db: Writable, topics: Sequence[Topic], *, origin: str = "user") -> None:
    """Upsert topics, then their parent links (a parent may come later in the list).

    An upsert, not INSERT OR REPLACE: a replaced row would cascade-delete every contact's tag.
    """
    db.conn.executemany(
        "INSERT INTO topics (code, label_fr, label_en, synonyms, grp, origin) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET label_fr = excluded.label_fr, "
        "label_en = excluded.label_en, synonyms = excluded.synonyms, grp = excluded.grp",
        [(t.code, t.label_fr, t.label_en, json.dumps(list(t.synonyms), ensure_ascii=False),
          t.group, origin) for t in topics],
    )
    db.conn.executemany(
        "DELETE FROM topic_parents WHERE topic = ?", [(t.code,) for t in topics]
    )
    db.conn.executemany(
        "INSERT INTO topic_parents (topic, parent) VALUES (?, ?)",
        [(t.code, parent) for t in topics for parent in t.parents],
    )


def load_topics(db: Database) -> list[Topic]:
    parents: dict[str, list[str]] = {}
    for topic, parent in db.execute("SELECT topic, parent FROM topic_parents ORDER BY rowid"):
        parents.setdefault(topic, []).append(parent)
    return [
        Topic(code, fr, en, tuple(json.loads(synonyms)), tuple(parents.get(code, ())), group)
        for code, fr, en, synonyms, group in db.execute(
            "SELECT code, label_fr, label_en, synonyms, grp FROM topics ORDER BY rowid"
        )
    ]


def load_taxonomy(db: Database) -> Taxonomy:
    from ..domain.taxonomy import Taxonomy

    return Taxonomy(load_topics(db))


def load_geography(db: Database) -> Geography:
    rows = db.execute("SELECT name, region FROM mrcs ORDER BY region, name").fetchall()
    return Geography.from_mrcs(Mrc(name, region) for name, region in rows)


def load_municipalities(db: Database) -> Municipalities:
    return Municipalities.from_towns(Municipality(*row) for row in db.execute(
        "SELECT code, name, designation, region, mrc, population, website FROM municipalities "
        "ORDER BY code"))


def topic_contact_counts(db: Database) -> dict[str, int]:
    """How many contacts carry each topic (a person's tags only), for idf and `msgu topics`."""
    return dict(
        db.execute(
            "SELECT topic, count(*) FROM contact_topics WHERE suggested = 0 GROUP BY topic"
        ).fetchall()
    )


def load_hashtags(db: Database) -> list[dict]:
    cursor = db.execute("SELECT * FROM hashtags ORDER BY tag")
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor]
