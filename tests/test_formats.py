"""The file formats: export header, Excel safety, encodings, line numbers, Mastodon, JSON."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msgu_cli.domain.models import PLATFORMS, Account, Contact, RelationEvent
from msgu_cli.errors import InvalidInput
from msgu_cli.formats import detect_format
from msgu_cli.formats.json_records import (
    ACCOUNT_KEYS,
    contact_json,
    read_contacts_json,
    write_json,
)
from msgu_cli.formats.mastodon_list import (
    MASTODON_HEADER,
    read_mastodon_csv,
    write_mastodon_csv,
)
from msgu_cli.formats.records import CSV_COLUMNS, RawRow
from msgu_cli.formats.spreadsheet import (
    contact_row,
    neutralise,
    read_contacts_csv,
    unneutralise,
    write_contacts_csv,
)

REGIONS = {"04": "Mauricie", "16": "Montérégie", "17": "Centre-du-Québec"}
EXPORT_HEADER = (
    "id,name,kind,region,mrc,municipality,scope,languages,topics,status,x,bluesky,mastodon,"
    "facebook,instagram,threads,youtube,linkedin,tiktok,website,description,notes,source"
)


def _csv_text(contacts: list[Contact]) -> str:
    out = io.StringIO(newline="")
    write_contacts_csv(contacts, out, REGIONS)
    return out.getvalue()


def _fields(table_rows: list[RawRow]) -> list[dict[str, str | list[str]]]:
    return [row.fields for row in table_rows]


SAMPLE = Contact(
    id=7,
    name="Sécurité civile — Mauricie",
    kind="provincial",
    region="04",
    mrc="Les Chenaux",
    municipality="Trois-Rivières",
    scope="regional",
    languages=("fr", "en"),
    topics=("inondations", "geolocalisation"),
    description="=SUM(A1) « alertes », crues; routes",
    notes="ligne 1\nligne 2",
    source="https://quebec.ca",
    status="following",
    accounts=(
        Account("x", "SecCivMauricie", "https://x.com/SecCivMauricie"),
        Account("x", "-second"),
        Account("bluesky", "securite.bsky.social"),
        Account("mastodon", "alertes@mastodon.social"),
        Account("website", "quebec.ca/securite", "https://www.quebec.ca/securite"),
        Account("website", "example.org"),
    ),
    suggested_topics=("alerte",),
)


# --- header and neutralisation ------------------------------------------------------------


def test_export_header_is_the_contract_one() -> None:
    assert ",".join(CSV_COLUMNS) == EXPORT_HEADER
    assert _csv_text([]) == EXPORT_HEADER + "\r\n"


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@x", "'@x"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=already", "''=already"),
        ("'quoted", "'quoted"),
        ("plain = text", "plain = text"),
        ("", ""),
    ],
)
def test_neutralise_and_back(cell: str, guarded: str) -> None:
    assert neutralise(cell) == guarded
    assert unneutralise(guarded) == cell


def test_unneutralise_keeps_a_legit_apostrophe() -> None:
    assert unneutralise("'quoted") == "'quoted"
    assert unneutralise("'") == "'"
    assert unneutralise("l'=x") == "l'=x"


def test_contact_row() -> None:
    row = dict(zip(CSV_COLUMNS, contact_row(SAMPLE, REGIONS), strict=True))
    assert row["id"] == "7"
    assert row["region"] == "Mauricie"
    assert row["languages"] == "fr|en"
    assert row["topics"] == "inondations|geolocalisation"
    assert row["x"] == "SecCivMauricie|-second"
    assert row["website"] == "https://www.quebec.ca/securite|example.org"
    assert row["description"] == "'=SUM(A1) « alertes », crues; routes"
    assert row["instagram"] == "" and row["scope"] == "regional"


def test_contact_row_guards_a_leading_handle() -> None:
    contact = Contact(name="+Plus", accounts=(Account("x", "-dash"),))
    row = dict(zip(CSV_COLUMNS, contact_row(contact, {}), strict=True))
    assert (row["name"], row["x"], row["region"], row["id"]) == ("'+Plus", "'-dash", "", "")


def test_write_counts_rows_and_reads_back() -> None:
    out = io.StringIO(newline="")
    assert write_contacts_csv([SAMPLE, Contact(name="B")], out, REGIONS) == 2
    table = read_contacts_csv(out.getvalue().encode("utf-8-sig"))
    assert table.format == "csv" and table.columns == list(CSV_COLUMNS)
    assert table.ignored_columns == []
    first = table.rows[0].fields
    assert first["description"] == SAMPLE.description
    assert first["notes"] == "ligne 1\nligne 2"
    assert first["x"] == ["SecCivMauricie", "-second"]
    assert first["region"] == "Mauricie"
    assert table.rows[1].fields == {"name": "B", "kind": "other", "status": "none"}
    assert [row.line for row in table.rows] == [2, 4]


# --- decoding ------------------------------------------------------------------------------


def test_bom_is_not_part_of_the_first_header() -> None:
    for data in (b"\xef\xbb\xbfname,x\nA,@a\n", b"name,x\nA,@a\n"):
        table = read_contacts_csv(data)
        assert table.columns == ["name", "x"]
        assert _fields(table.rows) == [{"name": "A", "x": ["@a"]}]


def test_semicolon_windows_1252_with_accents() -> None:
    text = "Nom;Région;Thèmes\r\nCISSS de la Montérégie-Centre;Montérégie;inondations, météo\r\n"
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_contacts_csv(data)
    assert table.rows[0].fields == {
        "name": "CISSS de la Montérégie-Centre",
        "region": "Montérégie",
        "topics": ["inondations", "météo"],
    }


def test_utf16_unicode_text_from_excel() -> None:
    data = "Nom\tTwitter\nVille de Québec\t@VilledeQuebec\n".encode("utf-16")
    table = read_contacts_csv(data)
    assert _fields(table.rows) == [{"name": "Ville de Québec", "x": ["@VilledeQuebec"]}]


def test_excel_sep_hint_line() -> None:
    table = read_contacts_csv(b"sep=;\nname;topics\nA;verglas|alerte\n")
    assert table.rows == [RawRow(3, {"name": "A", "topics": ["verglas", "alerte"]})]


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\n \n"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(InvalidInput, match="The file is empty"):
        read_contacts_csv(data)


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x00\x00name,x",  # a zip (xlsx) file
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1name,x",  # an OLE file (xls, encrypted xlsx)
        b"\x81\x8d\x8f\x90\x9d" * 4,  # bytes that neither UTF-8 nor Windows-1252 can decode
        bytes(range(1, 32)) * 20,  # control characters only
    ],
)
def test_binary_junk(data: bytes) -> None:
    with pytest.raises(InvalidInput, match="does not look like a CSV file"):
        read_contacts_csv(data)
    with pytest.raises(InvalidInput, match="does not look like a CSV file"):
        read_mastodon_csv(data)


# --- headers -------------------------------------------------------------------------------


def test_french_headers_in_any_case_and_order() -> None:
    data = (
        "SITE WEB;remarques;Mots-clés;Compte X;NOM;Région;Municipalité;Portée;langue;"
        "catégorie;Statut;Référence;Courriel\n"
        "https://ville.qc.ca;à suivre;SIG;@Ville;Ville de Sorel;16;Sorel-Tracy;local;fr;"
        "municipalité;to-follow;annuaire;info@ville.qc.ca\n"
    ).encode()
    table = read_contacts_csv(data)
    assert table.ignored_columns == ["Courriel"]
    assert table.rows[0].fields == {
        "website": ["https://ville.qc.ca"],
        "notes": "à suivre",
        "topics": ["SIG"],
        "x": ["@Ville"],
        "name": "Ville de Sorel",
        "region": "16",
        "municipality": "Sorel-Tracy",
        "scope": "local",
        "languages": ["fr"],
        "kind": "municipalité",
        "status": "to-follow",
        "source": "annuaire",
    }


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Organisation", "name"),
        ("organization", "name"),
        ("Twitter handle", "x"),
        ("compte_x", "x"),
        ("BSKY", "bluesky"),
        ("Fediverse", "mastodon"),
        ("site internet", "website"),
        ("url", "website"),
        ("Sujets", "topics"),
        ("keywords", "topics"),
        ("region_name", "region_name"),
        ("Commentaires", "notes"),
        ("Ville", "municipality"),
        ("type", "kind"),
        ("langues", "languages"),
    ],
)
def test_header_synonyms(header: str, column: str) -> None:
    table = read_contacts_csv(f"name,{header}\nA,v\n".encode())
    assert table.columns == (["name"] if column == "name" else ["name", column])


def test_duplicate_columns_list_merges_scalar_keeps_first() -> None:
    table = read_contacts_csv(b"name,nom,x,twitter\nA,B,@a,@b\n")
    assert table.ignored_columns == ["nom"]
    assert table.rows[0].fields == {"name": "A", "x": ["@a", "@b"]}


def test_header_needs_name_or_platform() -> None:
    with pytest.raises(InvalidInput, match="no 'name' column nor any platform column"):
        read_contacts_csv(b"courriel,telephone\na@b.c,555\n")
    assert read_contacts_csv(b"bluesky\nspvm.bsky.social\n").rows[0].fields == {
        "bluesky": ["spvm.bsky.social"]
    }


def test_header_only_gives_no_rows() -> None:
    table = read_contacts_csv((EXPORT_HEADER + "\r\n").encode("utf-8-sig"))
    assert table.rows == [] and table.columns == list(CSV_COLUMNS)


# --- rows ----------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_multi_line_cells_and_start_lines(newline: str) -> None:
    text = newline.join(
        [
            "name,notes",
            'A,"one',
            "two",
            'three"',
            "B,x",
            "",
            ",",
            "C,y",
            "",
        ]
    )
    table = read_contacts_csv(text.encode())
    assert [row.line for row in table.rows] == [2, 5, 8]
    assert table.rows[0].fields["notes"] == newline.join(["one", "two", "three"])
    assert table.rows[2].fields == {"name": "C", "notes": "y"}


def test_leading_blank_lines_count() -> None:
    table = read_contacts_csv(b"\n\nname\nA\n")
    assert table.rows == [RawRow(4, {"name": "A"})]


def test_too_many_cells_names_the_line() -> None:
    with pytest.raises(InvalidInput, match=r"^line 3: 3 cells but the header has 2 columns"):
        read_contacts_csv(b'name,x\n"A, b",@a\nC,@c,oops\n')


def test_trailing_empty_cells_are_tolerated() -> None:
    assert read_contacts_csv(b"name,x\nA,@a,,\n").rows[0].fields == {"name": "A", "x": ["@a"]}


def test_empty_cells_are_left_out_and_values_stripped() -> None:
    table = read_contacts_csv(b"name,x,topics,notes\n  A  , | @a | ,, \nB,,,\n")
    assert _fields(table.rows) == [{"name": "A", "x": ["@a"]}, {"name": "B"}]


def test_row_with_only_ignored_cells_is_kept_for_the_caller_to_report() -> None:
    table = read_contacts_csv(b"name,email\n,a@b.c\n")
    assert table.rows == [RawRow(2, {})]


def test_cells_are_unneutralised() -> None:
    table = read_contacts_csv(b"name,notes,x\n'=HYPERLINK(1),'quoted,'@a|@b\n")
    assert table.rows[0].fields == {
        "name": "=HYPERLINK(1)",
        "notes": "'quoted",
        "x": ["@a", "@b"],
    }


def test_word_lists_accept_other_separators_but_handles_do_not() -> None:
    table = read_contacts_csv(
        b'name,topics,languages,website\nA,"inondations, SIG;meteo",fr;en,"https://a.ca/x,y"\n'
    )
    assert table.rows[0].fields == {
        "name": "A",
        "topics": ["inondations", "SIG", "meteo"],
        "languages": ["fr", "en"],
        "website": ["https://a.ca/x,y"],
    }


def test_tab_separated() -> None:
    table = read_contacts_csv(b"name\tx\nA, B; C\t@a\n")
    assert table.rows[0].fields == {"name": "A, B; C", "x": ["@a"]}


# --- Mastodon ------------------------------------------------------------------------------


def test_mastodon_writer_exact_output() -> None:
    out = io.StringIO(newline="")
    count = write_mastodon_csv(
        ["alice@mastodon.social", "@bob@fediverse.ca", "Alice@mastodon.social", " ", "c@d.e"], out
    )
    assert count == 3
    assert out.getvalue() == (
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "alice@mastodon.social,true,false,\n"
        "bob@fediverse.ca,true,false,\n"
        "c@d.e,true,false,\n"
    )
    assert ",".join(MASTODON_HEADER) == out.getvalue().splitlines()[0]


def test_mastodon_writer_without_header() -> None:
    out = io.StringIO(newline="")
    assert write_mastodon_csv(["a@b.c", "a@b.c", "d@e.f"], out, header=False) == 2
    assert out.getvalue() == "a@b.c\nd@e.f\n"


def test_mastodon_reader_own_export_and_import_file() -> None:
    exported = (
        b"Account address,Show boosts,Notify on new posts,Languages\n"
        b'alertes@mastodon.social,true,false,"fr, en"\n'
        b"\n"
        b"@urgence@fediverse.ca,false,true,\n"
    )
    table = read_mastodon_csv(exported)
    assert table.format == "mastodon" and table.columns == ["mastodon"]
    assert table.ignored_columns == []
    assert table.rows == [
        RawRow(2, {"mastodon": ["alertes@mastodon.social"]}),
        RawRow(4, {"mastodon": ["urgence@fediverse.ca"]}),
    ]


def test_mastodon_reader_headerless_and_round_trip() -> None:
    table = read_mastodon_csv(b"\xef\xbb\xbf@a@b.c\r\n\r\nd@e.f\r\n")
    assert table.rows == [RawRow(1, {"mastodon": ["a@b.c"]}), RawRow(3, {"mastodon": ["d@e.f"]})]
    for header in (True, False):
        out = io.StringIO(newline="")
        write_mastodon_csv(["x@y.z", "u@v.w"], out, header=header)
        rows = read_mastodon_csv(out.getvalue().encode()).rows
        assert _fields(rows) == [{"mastodon": ["x@y.z"]}, {"mastodon": ["u@v.w"]}]


def test_mastodon_reader_reports_foreign_columns_and_empty_files() -> None:
    table = read_mastodon_csv(b"Account address,Show boosts,Note\na@b.c,true,hi\n")
    assert table.ignored_columns == ["Note"]
    assert read_mastodon_csv(b"Account address,Show boosts\n").rows == []
    with pytest.raises(InvalidInput, match="empty"):
        read_mastodon_csv(b"\n")


# --- JSON ----------------------------------------------------------------------------------


def test_contact_json_shape() -> None:
    document = contact_json(SAMPLE, REGIONS)
    assert list(document) == [
        "id", "name", "kind", "region", "region_name", "mrc", "municipality", "scope",
        "languages", "topics", "suggested_topics", "description", "notes", "source", "status",
        "accounts",
    ]  # fmt: skip
    assert document["region"] == "04" and document["region_name"] == "Mauricie"
    assert document["topics"] == ["inondations", "geolocalisation"]
    assert all(list(account) == list(ACCOUNT_KEYS) for account in document["accounts"])
    assert document["accounts"][0]["followers_count"] is None
    bare = contact_json(Contact(name="A"), REGIONS)
    assert bare["region"] is None and bare["region_name"] is None and bare["accounts"] == []


def test_json_round_trip() -> None:
    out = io.StringIO()
    write_json([contact_json(SAMPLE, REGIONS), contact_json(Contact(name="B"), REGIONS)], out)
    text = out.getvalue()
    assert text.endswith("]\n") and "Sécurité" in text  # not \u-escaped
    table = read_contacts_json(text.encode())
    assert table.format == "json" and table.ignored_columns == []
    first = table.rows[0]
    assert first.line == 1
    assert first.fields == {
        "id": "7",
        "name": SAMPLE.name,
        "kind": "provincial",
        "region": "04",
        "region_name": "Mauricie",
        "mrc": "Les Chenaux",
        "municipality": "Trois-Rivières",
        "scope": "regional",
        "languages": ["fr", "en"],
        "topics": ["inondations", "geolocalisation"],
        "description": SAMPLE.description,
        "notes": "ligne 1\nligne 2",
        "source": "https://quebec.ca",
        "status": "following",
        "x": ["SecCivMauricie", "-second"],
        "bluesky": ["securite.bsky.social"],
        "mastodon": ["alertes@mastodon.social"],
        "website": ["https://www.quebec.ca/securite", "example.org"],
    }
    assert table.rows[1] == RawRow(2, {"name": "B", "kind": "other", "status": "none"})


def test_contact_json_with_history_reads_back_without_it() -> None:
    steps = [RelationEvent(7, "following", "2026-01-05", None),
             RelationEvent(7, "met", "2026-06-12", "Colloque « MSGU »")]
    document = contact_json(SAMPLE, REGIONS, steps)
    assert list(document)[-1] == "history"
    assert document["history"] == [
        {"status": "following", "date": "2026-01-05", "note": None},
        {"status": "met", "date": "2026-06-12", "note": "Colloque « MSGU »"}]
    assert contact_json(SAMPLE, REGIONS, [])["history"] == []
    table = read_contacts_json(json.dumps([document]).encode())
    assert "history" not in table.columns and table.ignored_columns == []
    assert table.rows[0].fields["status"] == "following"  # the contact's own status only


def test_json_single_object_and_unknown_keys() -> None:
    table = read_contacts_json(b'{"nom": "A", "email": "a@b.c", "topics": "verglas, alerte"}')
    assert table.rows == [RawRow(1, {"name": "A", "topics": ["verglas", "alerte"]})]
    assert table.columns == ["name", "topics"] and table.ignored_columns == ["email"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[{"name": "A",}]', r"not valid JSON: .*\(line 1, column 15\)"),
        (b'"hello"', "must be a list of contacts, not a string"),
        (b'[{"name": "A"}, 3]', "item 2: a contact must be an object, not a number"),
        (b'[{"name": ["A"]}]', "item 1: 'name' cannot be a list"),
        (b'[{"name": "A", "accounts": [{"platform": "myspace"}]}]', "unknown platform"),
        (b'[{"name": "A", "accounts": {"x": "a"}}]', "'accounts' must be a list"),
        (b"\x00\x01\x02", "does not look like a JSON file"),
    ],
)
def test_json_errors(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read_contacts_json(data)


# --- detection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("export.json", b"name,x\n", "json"),
        ("https://example.org/list.JSON?v=2", b"", "json"),
        ("data.txt", b'\xef\xbb\xbf \n [{"name": "A"}]', "json"),
        ("data", b'{"name": "A"}', "json"),
        ("following_accounts.csv", b"Account address,Show boosts\na@b.c,true\n", "mastodon"),
        ("list.csv", b"@alice@mastodon.social\n\nbob@fediverse.ca\n", "mastodon"),
        ("list.csv", b"alice@mastodon.social\nnot an address\n", "csv"),
        ("export.csv", EXPORT_HEADER.encode(), "csv"),
        ("contacts.csv", "Nom;Région\n".encode("cp1252"), "csv"),
        ("empty.csv", b"", "csv"),
        ("junk.csv", b"\x00\x01", "csv"),
    ],
)
def test_detect_format(name: str, data: bytes, expected: str) -> None:
    assert detect_format(name, data) == expected


# --- property: what export writes, import reads back -----------------------------------------

# Any text but controls and U+FEFF: a byte-order mark is never data (readers drop it).
_CHARS = st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
    st.sampled_from(list("\n\r\t,;\"'=+-@|éÉàçÔ«»")),
)


def _stripped(text: str) -> bool:
    return bool(text) and text == text.strip()


_TEXT = st.text(_CHARS, min_size=1, max_size=30).filter(_stripped)
_FORMULA = st.builds(lambda lead, rest: lead + rest, st.sampled_from("=+-@'"), _TEXT)
_CELL = st.one_of(_TEXT, _FORMULA)
_WORD = st.text(_CHARS, min_size=1, max_size=12).filter(
    lambda w: _stripped(w) and not any(sep in w for sep in "|;,")
)
_HANDLE = st.text(_CHARS, min_size=1, max_size=20).filter(lambda h: _stripped(h) and "|" not in h)


@st.composite
def _accounts(draw: st.DrawFn) -> tuple[Account, ...]:
    pairs = draw(st.lists(st.tuples(st.sampled_from(PLATFORMS), _HANDLE), max_size=6, unique=True))
    return tuple(
        Account(p, h, draw(st.none() | _HANDLE) if p == "website" else None) for p, h in pairs
    )


_CONTACTS = st.lists(
    st.builds(
        Contact,
        name=_CELL,
        id=st.none() | st.integers(1, 10**6),
        kind=_CELL,
        region=st.sampled_from([None, *REGIONS]),
        mrc=st.none() | _CELL,
        municipality=st.none() | _CELL,
        scope=st.none() | _CELL,
        languages=st.lists(_WORD, max_size=3).map(tuple),
        topics=st.lists(_WORD, max_size=4).map(tuple),
        description=st.none() | _CELL,
        notes=st.none() | _CELL,
        source=st.none() | _CELL,
        status=_CELL,
        accounts=_accounts(),
    ),
    max_size=5,
)


def _expected(contact: Contact, region: str | None) -> dict[str, str | list[str]]:
    """The fields a reader must give for `contact`, built from the contact, not from the code."""
    values: dict[str, str | list[str] | None] = {
        "id": None if contact.id is None else str(contact.id),
        "name": contact.name,
        "kind": contact.kind,
        "region": region,
        "mrc": contact.mrc,
        "municipality": contact.municipality,
        "scope": contact.scope,
        "languages": list(contact.languages),
        "topics": list(contact.topics),
        "status": contact.status,
        "description": contact.description,
        "notes": contact.notes,
        "source": contact.source,
    }
    for platform in PLATFORMS:
        mine = [a for a in contact.accounts if a.platform == platform]
        values[platform] = [
            (a.url or a.handle) if platform == "website" else a.handle for a in mine
        ]
    return {key: value for key, value in values.items() if value}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_CONTACTS)
def test_csv_round_trip(contacts: list[Contact]) -> None:
    data = _csv_text(contacts).encode("utf-8-sig")
    table = read_contacts_csv(data)
    assert table.columns == list(CSV_COLUMNS) and table.ignored_columns == []
    expected = [_expected(c, REGIONS.get(c.region or "")) for c in contacts]
    assert _fields(table.rows) == expected
    # the same, seen through what contact_row wrote
    for row, contact in zip(table.rows, contacts, strict=True):
        cells = [unneutralise(cell) for cell in contact_row(contact, REGIONS)]
        assert [c for c in cells if c] == [
            "|".join(v) if isinstance(v, list) else v for v in row.fields.values()
        ]


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_CONTACTS)
def test_json_round_trip_property(contacts: list[Contact]) -> None:
    out = io.StringIO()
    write_json([contact_json(c, REGIONS) for c in contacts], out)
    table = read_contacts_json(out.getvalue().encode())
    for row, contact in zip(table.rows, contacts, strict=True):
        expected = _expected(contact, contact.region)
        if contact.region:
            expected["region_name"] = REGIONS[contact.region]
        assert row.fields == expected
    assert json.loads(out.getvalue()) == [contact_json(c, REGIONS) for c in contacts]
