"""The persona evaluation: benchmarks/personas.toml, run through the real CLI on the shipped
starter directory, scored with precision@5, nDCG@10 and recall@10.

Used by `benchmarks/quality.py` (the report) and `tests/test_quality.py` (the floors). A contact
that a top 10 holds but no judgement names is "unjudged": it counts 0 and is listed, so a
directory that grows shows what is left to judge instead of hiding it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evalset import copy_database  # tests/: one consistent copy of a database, WAL included
from metrics import ndcg_at_k, precision_at_k

HERE = Path(__file__).resolve().parent
PERSONAS = HERE / "personas.toml"
RELEVANT_GRADE = 2  # precision@5 counts contacts graded 2 or 3
MUST_GRADE = 3

# cli(db, *args) -> stdout of `msgu --db DB ARGS` (raises on a non-zero exit).
Cli = Callable[..., str]


@dataclass(frozen=True)
class Judgement:
    grade: int
    why: str
    handle: str | None = None


@dataclass(frozen=True)
class Persona:
    id: str
    who: str
    profile: tuple[str, ...]
    command: tuple[str, ...]
    judged: Mapping[str, Judgement]

    @property
    def graded(self) -> dict[str, int]:
        return {name: j.grade for name, j in self.judged.items()}

    @property
    def relevant(self) -> set[str]:
        return {name for name, j in self.judged.items() if j.grade >= RELEVANT_GRADE}

    @property
    def must(self) -> set[str]:
        """The must-follow contacts; the relevant ones when none is graded 3."""
        must = {name for name, j in self.judged.items() if j.grade >= MUST_GRADE}
        return must or self.relevant


@dataclass(frozen=True)
class Score:
    precision_at_5: float
    ndcg_at_10: float
    recall_at_10: float
    unjudged: tuple[str, ...] = field(default=())


def load_personas(path: Path = PERSONAS) -> list[Persona]:
    """Every persona of the file, checked: a mistake in a judgement is named, not skipped."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    personas = [_persona(entry) for entry in data["persona"]]
    ids = [p.id for p in personas]
    if len(set(ids)) != len(ids):
        raise ValueError("persona ids must be unique")
    return personas


def _persona(entry: dict) -> Persona:
    judged = {}
    for name, value in entry["judged"].items():
        grade, why = value["grade"], value.get("why", "").strip()
        if grade not in (0, 1, 2, 3) or not why:
            raise ValueError(f"{entry['id']}: {name!r} needs a grade 0-3 and a reason")
        judged[name] = Judgement(grade, why, value.get("handle"))
    if not any(j.grade > 0 for j in judged.values()):
        raise ValueError(f"{entry['id']}: no contact graded above 0")
    return Persona(entry["id"], entry["who"], tuple(entry.get("profile", ())),
                   tuple(entry.get("command", ())), judged)


def score(ranked: Sequence[str], persona: Persona) -> Score:
    top = list(ranked[:10])
    must = persona.must
    return Score(
        precision_at_k(top, persona.relevant, 5),
        ndcg_at_k(top, persona.graded, 10),
        len(must.intersection(top)) / len(must),
        tuple(name for name in top if name not in persona.judged),
    )


def persona_database(cli: Cli, template: Path, db: Path, persona: Persona) -> Path:
    """A fresh copy of the starter directory, at `db` (a new file), with the persona's
    profile set."""
    copy_database(template, db)
    if persona.profile:
        cli(db, "profile", "set", *persona.profile)
    return db


def msgu_ranking(cli: Cli, db: Path, persona: Persona) -> list[str]:
    """The names `msgu recommend COMMAND --json` ranks, best first."""
    import json

    return [row["name"] for row in json.loads(cli(db, "recommend", *persona.command, "--json"))]
