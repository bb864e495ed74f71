"""Synthetic, realistic msgu directories for benchmarks: province-scale data on demand.

`generate(db_path, contacts)` builds a real msgu database through the project's own storage
layer (migrations, FTS triggers, reference data): French names and descriptions with accents,
the bundled taxonomy, the 17 regions and their MRCs, every kind, scope and platform, normalised
handles, a power-law follow graph in `follows` (about `edges_per_contact` edges per contact),
a profile and a circle of trust (contacts with a followed status and their relation history).
`write_import_csv` writes the same contacts as a CSV in the `msgu export --format csv` format.

Every handle lives under a reserved example domain or carries a `bench` number: the data is
synthetic and says so in each contact's `source`. Same seed, same data.

    python benchmarks/datagen.py out.db --contacts 10000 [--edges 10] [--seed 0] [--csv out.csv]
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from msgu_cli.domain.geo import REGIONS, Geography
from msgu_cli.domain.handles import parse_account
from msgu_cli.domain.models import Account, Contact, Profile, RelationEvent
from msgu_cli.domain.taxonomy import Taxonomy, load_topics_toml
from msgu_cli.domain.text import slug
from msgu_cli.domain.vocabulary import KINDS
from msgu_cli.formats.spreadsheet import write_contacts_csv
from msgu_cli.services.session import open_directory
from msgu_cli.storage import contacts as contact_store
from msgu_cli.storage import graph, relations, seeds
from msgu_cli.storage.database import transaction

SOURCE = "benchmark: données synthétiques générées par benchmarks/datagen.py (graine {seed})"
NOW = "2026-01-15T12:00:00+00:00"
GRAPH_PLATFORMS = ("bluesky", "mastodon")  # the platforms `discover` gathers follows from
# Share of contacts with an account on each platform (a contact has at least one account).
PLATFORM_SHARE = {
    "x": 0.55, "facebook": 0.6, "bluesky": 0.45, "mastodon": 0.3, "website": 0.5,
    "instagram": 0.2, "youtube": 0.1, "linkedin": 0.15, "threads": 0.05, "tiktok": 0.03,
}
MASTODON_INSTANCES = ("mastodon.example", "social.bench.example", "urgence.bench.example")
KIND_WEIGHTS = {
    "municipality": 22, "fire": 10, "police": 5, "health": 8, "ngo": 10, "expert": 12,
    "media": 6, "volunteer": 5, "research": 4, "provincial": 4, "federal": 3, "mrc": 4,
    "weather": 2, "utility": 2, "transport": 2, "other": 1,
}
KIND_SCOPES = {
    "municipality": "local", "fire": "local", "police": "local", "mrc": "regional",
    "health": "regional", "ngo": "regional", "media": "regional", "volunteer": "regional",
    "provincial": "provincial", "utility": "provincial", "transport": "provincial",
    "federal": "national", "weather": "national", "research": "provincial",
    "expert": "provincial", "other": "international",
}
NAME_PATTERNS = {
    "municipality": ("Ville de {place}", "Municipalité de {place}", "Sécurité civile — {place}"),
    "mrc": ("MRC {mrc}", "Coordination régionale de sécurité civile — {mrc}"),
    "fire": ("Service de sécurité incendie de {place}", "Régie incendie {mrc}"),
    "police": ("Service de police de {place}", "Sûreté du Québec — poste {mrc}"),
    "health": ("CISSS — {region}", "Direction de santé publique — {region}"),
    "ngo": ("Croix-Rouge canadienne — {region}", "Centre d'action bénévole de {place}"),
    "volunteer": ("VOST {region}", "Bénévoles en recherche et sauvetage — {mrc}"),
    "media": ("Radio communautaire de {place}", "L'Écho de {place}"),
    "research": ("Laboratoire de géomatique — {place}", "Chaire en gestion des risques — {place}"),
    "provincial": ("Direction régionale de la sécurité civile — {region}",),
    "federal": ("Bureau régional fédéral — {region}",),
    "weather": ("Veille météo {region}",),
    "utility": ("Réseau électrique — secteur {region}",),
    "transport": ("Centre de gestion de la circulation — {region}",),
    "expert": ("{person}",),
    "other": ("Réseau francophone de gestion d'urgence — {place}",),
}
FIRST_NAMES = ("Émilie", "Hélène", "Geneviève", "Zoé", "Chloé", "Noémie", "Maëlle", "Anaïs",
               "Sébastien", "François", "Jérôme", "Benoît", "Frédéric", "Loïc", "Gaël", "André")
LAST_NAMES = ("Gagnon", "Côté", "Bélanger", "Lévesque", "Bérubé", "Pelletier", "Thériault",
              "Séguin", "Ménard", "Gélinas", "Brisson", "Désilets", "Lépine", "Boucher")
ROLES = ("conseillère en sécurité civile", "coordonnateur des mesures d'urgence",
         "chargée de communication de crise", "analyste en géomatique",
         "chercheuse en gestion des risques", "officier aux opérations")
PHRASES = ("Relaie les consignes officielles avant, pendant et après un sinistre.",
           "Présence active lors des crues printanières et des épisodes de verglas.",
           "Publie des mises à jour en français, parfois en anglais, pour la population.",
           "Partage des cartes et des données ouvertes sur les zones à risque.",
           "Réseau d'entraide entre organisations de sécurité civile du Québec.")
PROFILE = Profile(
    name="Organisation de sécurité civile — banc d'essai", kind="municipality", region="04",
    topics=("inondations", "alerte", "communication-de-crise"), languages=("fr",),
    platforms=GRAPH_PLATFORMS,
)
FOLLOWED_MIX = ("following", "following", "following", "follows-back", "met", "collaborating")


@dataclass(frozen=True)
class BundledReference:
    """The bundled reference data the generator draws from (read from seeds/, not invented)."""

    taxonomy: Taxonomy
    geography: Geography

    @classmethod
    def load(cls) -> BundledReference:
        topics = load_topics_toml(seeds.seed_file("topics.toml").read_text(encoding="utf-8"))
        return cls(Taxonomy(topics), Geography.from_mrcs(m for m, _, _ in seeds.read_mrcs()))


def trusted_count(contacts: int) -> int:
    """How many contacts the organisation follows: its circle of trust."""
    return max(5, min(500, contacts // 200))


def make_contacts(count: int, seed: int = 0) -> list[Contact]:
    """`count` contacts, the same for the same seed (ids are None: not saved yet)."""
    rng = random.Random(seed)
    ref = BundledReference.load()
    codes = [t.code for t in ref.taxonomy.topics]
    topic_weights = list(itertools.accumulate(1 / (i + 1) ** 0.7 for i in range(len(codes))))
    rng.shuffle(codes)
    kinds, kind_weights = zip(*KIND_WEIGHTS.items(), strict=True)
    made = []
    for number in range(count):
        kind = rng.choices(kinds, kind_weights)[0]
        topics = tuple(dict.fromkeys(rng.choices(codes, cum_weights=topic_weights,
                                                 k=rng.randint(1, 5))))
        made.append(_contact(rng, ref, number, kind, topics, _other_status(rng), seed))
    return _with_circle_of_trust(rng, made)


def _with_circle_of_trust(rng: random.Random, made: list[Contact]) -> list[Contact]:
    """Give a followed status to some contacts on a graph platform: the network signal's roots."""
    on_graph = [i for i, c in enumerate(made)
                if any(a.platform in GRAPH_PLATFORMS for a in c.accounts)]
    for index in rng.sample(on_graph, min(len(on_graph), trusted_count(len(made)))):
        made[index] = replace(made[index], status=rng.choice(FOLLOWED_MIX))
    return made


def _other_status(rng: random.Random) -> str:
    roll = rng.random()
    return "candidate" if roll < 0.1 else "to-follow" if roll < 0.15 else \
        "unfollowed" if roll < 0.16 else "none"


def _contact(rng: random.Random, ref: BundledReference, number: int, kind: str,
             topics: tuple[str, ...], status: str, seed: int) -> Contact:
    region = rng.choice(REGIONS)
    mrc = rng.choice(ref.geography.mrcs_of(region.number))
    person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    place = mrc.name.removeprefix("La ").removeprefix("Le ").removeprefix("Les ")
    name = rng.choice(NAME_PATTERNS[kind]).format(
        place=place, mrc=mrc.name, region=region.name, person=person)
    scope = KIND_SCOPES[kind]
    labels = [ref.taxonomy.get(code).label_fr.lower() for code in topics]
    what = f"{ROLES[number % len(ROLES)]}, " if kind == "expert" else ""
    description = (f"{what}{KINDS[kind][0]} ({region.name}) : {', '.join(labels)}. "
                   f"{rng.choice(PHRASES)}")
    local = scope in ("local", "regional")
    return Contact(
        name=name, kind=kind, region=region.number if local else None,
        mrc=mrc.name if scope == "local" else None, scope=scope,
        languages=rng.choice((("fr",), ("fr",), ("fr",), ("fr", "en"), ("en",))),
        topics=topics, description=description, source=SOURCE.format(seed=seed),
        status=status, accounts=_accounts(rng, slug(name)[:40].strip("-"), number),
    )


def _accounts(rng: random.Random, base: str, number: int) -> tuple[Account, ...]:
    """Valid, normalised handles, unique by their `number`; at least one per contact."""
    platforms = [p for p, share in PLATFORM_SHARE.items() if rng.random() < share] or ["website"]
    dotted, joined = base.replace("-", "."), base.replace("-", "")
    spelled = {
        "x": f"bench{number}",
        "facebook": f"{dotted}.{number}",
        "bluesky": f"{base}-{number}.bench.example",
        "mastodon": f"{base.replace('-', '_')}_{number}@{rng.choice(MASTODON_INSTANCES)}",
        "website": f"https://{base}-{number}.example.org",
        "instagram": f"{joined[:20]}_{number}",
        "youtube": f"@{joined[:20]}{number}",
        "linkedin": f"company/{base}-{number}",
        "threads": f"{joined[:20]}_{number}",
        "tiktok": f"{joined[:15]}_{number}",
    }
    return tuple(parse_account(p, spelled[p]) for p in platforms)


def generate(db_path: Path | str, contacts: int, edges_per_contact: int = 10,
             seed: int = 0) -> Path:
    """Create `db_path` (it must not exist) holding `contacts` contacts and their follow graph."""
    path = Path(db_path)
    if path.exists():
        raise FileExistsError(f"{path} exists: datagen only creates new databases")
    made = make_contacts(contacts, seed)
    db = open_directory(path, seed=False)
    try:
        words = contact_store.topic_words(db)
        for chunk in _chunks(made, 5000):
            with transaction(db):
                ids = contact_store.save_contacts(db, chunk, now=NOW, words=words)
                _record_relations(db, ids, chunk)
        with transaction(db):
            relations.save_profile(db, PROFILE)
            _save_graph(db, random.Random(seed + 1), contacts * edges_per_contact)
        db.execute("ANALYZE")
    finally:
        db.close()
    return path


def _chunks(items: Sequence[Contact], size: int) -> Iterator[Sequence[Contact]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _record_relations(db, ids: Sequence[int], chunk: Sequence[Contact]) -> None:
    """The history `msgu follow` would have left for contacts with a status."""
    for contact_id, contact in zip(ids, chunk, strict=True):
        if contact.status not in ("none", "candidate"):
            event = RelationEvent(contact_id, contact.status, NOW[:10], None)
            relations.add_relation(db, event, now=NOW)


def _save_graph(db, rng: random.Random, edges: int) -> int:
    """Power-law follows within each graph platform: a few accounts draw most followers."""
    nodes = {p: [] for p in GRAPH_PLATFORMS}
    for account_id, platform in db.execute(
        "SELECT id, platform FROM accounts WHERE platform IN (?, ?) ORDER BY id", GRAPH_PLATFORMS
    ):
        nodes[platform].append(account_id)
    total_nodes = sum(len(v) for v in nodes.values()) or 1
    saved = 0
    for platform in GRAPH_PLATFORMS:
        share = round(edges * len(nodes[platform]) / total_nodes)
        for follower, followees in _power_law_edges(rng, nodes[platform], share):
            saved += graph.save_follows(db, follower, followees, source=f"{platform}:bench",
                                        seen_at=NOW)
    return saved


def _power_law_edges(rng: random.Random, nodes: list[int],
                     edges: int) -> Iterator[tuple[int, list[int]]]:
    """Followees drawn by Zipf-like popularity; out-degrees heavy-tailed with the right mean."""
    if len(nodes) < 2 or edges <= 0:
        return
    popular = nodes[:]
    rng.shuffle(popular)
    cumulative = list(itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(popular))))
    mean = edges / len(nodes)
    for follower in nodes:
        wanted = min(len(nodes) - 1, round(mean * rng.paretovariate(2.0) / 2))
        chosen: set[int] = set()
        while len(chosen) < wanted:
            pick = popular[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]
            if pick != follower:
                chosen.add(pick)
        yield follower, sorted(chosen)


def write_import_csv(csv_path: Path | str, contacts: int, seed: int = 0) -> Path:
    """The same contacts as `generate` makes, as `msgu export --format csv` writes them."""
    path = Path(csv_path)
    names = {r.number: r.name for r in REGIONS}
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        write_contacts_csv(make_contacts(contacts, seed), out, names)
    return path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="database file to create")
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--edges", type=int, default=10, help="follow edges per contact")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv", type=Path, help="also write the contacts as an import CSV")
    args = parser.parse_args(argv)
    generate(args.db, args.contacts, args.edges, args.seed)
    if args.csv:
        write_import_csv(args.csv, args.contacts, args.seed)
    print(f"{args.db}: {args.contacts} contacts", file=sys.stderr)


if __name__ == "__main__":
    main()
