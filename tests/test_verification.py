"""Verified accounts: the evidence rules (pure), what `refresh` records through the real CLI,
✓ in tables, `recommend`'s trust reason, and `doctor`'s check of handles on others' domains.

HTTP answers are shaped like the lexicons (app.bsky.actor.defs#verificationState) and Mastodon's
Account entity (`fields[].verified_at`)."""

from __future__ import annotations

import json

import pytest
from cli_results import rows
from fakenet import accounts, add, bsky_view, install, masto_account, ok

from msgu_cli.domain.verification import (
    Sites,
    bluesky_evidence,
    domain_owners,
    mastodon_evidence,
    misplaced_handles,
    sites_of,
    web_domain,
)

VILLE = Sites(own=("ville.exemple.qc.ca",))


def verification(*issuers: tuple[str, bool], status: str = "valid") -> dict:
    """A verificationState as the AppView returns it in a profileView(Detailed)."""
    return {
        "verifications": [
            {"issuer": "did:plc:z72i7hdynmk6r22z27h6tvur", "issuerHandle": handle,
             "issuerDisplayName": "Bluesky", "isValid": valid,
             "uri": "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.graph.verification/3lndp",
             "createdAt": "2025-04-21T10:00:00.000Z"}
            for handle, valid in issuers],
        "verifiedStatus": status,
        "trustedVerifierStatus": "none",
    }


def link_field(url: str, verified_at: str | None) -> dict:
    """A Mastodon profile field holding a link, as the server renders it (HTML)."""
    shown_url = url.removeprefix("https://")
    return {"name": "Site web", "verified_at": verified_at,
            "value": f'<a href="{url}" target="_blank" rel="nofollow noopener me" '
                     f'translate="no"><span class="invisible">https://</span>'
                     f'<span class="">{shown_url}</span><span class="invisible"></span></a>'}


@pytest.mark.parametrize(("url", "domain"), [
    ("https://www.Ville.Exemple.qc.ca/securite", "ville.exemple.qc.ca"),
    ("ville.exemple.qc.ca", "ville.exemple.qc.ca"),
    ("http://gatineau.ca:8080/", "gatineau.ca"),
    ("https://localhost/", None),
    ("", None),
])
def test_web_domain(url, domain) -> None:
    assert web_domain(url) == domain


@pytest.mark.parametrize(("handle", "sites", "evidence"), [
    ("ville.exemple.qc.ca", VILLE, "handle ville.exemple.qc.ca is the organisation's web domain"),
    ("alertes.ville.exemple.qc.ca", VILLE,
     "handle alertes.ville.exemple.qc.ca is under the organisation's web domain "
     "ville.exemple.qc.ca"),
    ("msp.gouv.qc.ca", Sites(), "handle msp.gouv.qc.ca is under gouv.qc.ca "
                               "(Gouvernement du Québec)"),
    ("meteo.gc.ca", Sites(), "handle meteo.gc.ca is under gc.ca (Government of Canada)"),
    ("securite.gatineau.ca", Sites(municipal={"gatineau.ca": "Gatineau"}),
     "handle securite.gatineau.ca is under gatineau.ca, the website of Gatineau "
     "(Répertoire des municipalités)"),
    ("exemple.qc.ca", VILLE,
     "handle exemple.qc.ca is the parent domain of the organisation's website "
     "ville.exemple.qc.ca"),
    ("ville-exemple.bsky.social", VILLE, None),  # a Bluesky-hosted handle proves nothing
    ("exemple.qc.ca.evil.com", VILLE, None),
    ("notgouv.qc.ca", Sites(), None),
])
def test_bluesky_domain_handles(handle, sites, evidence) -> None:
    assert bluesky_evidence(handle, sites) == evidence


def test_shared_hosts_and_suffixes_are_no_organisations_web_domain() -> None:
    sites = sites_of(["https://bsky.app/profile/x", "https://gouv.qc.ca", "https://ex.qc.ca"])
    assert sites.own == ("ex.qc.ca",)
    assert bluesky_evidence("someone.bsky.social", sites_of(["https://bsky.social"])) is None


def test_bluesky_verification_records() -> None:
    assert bluesky_evidence("someone.bsky.social", Sites(), verified_status="valid",
                            verifiers=["bsky.app"]) == "valid Bluesky verification by bsky.app"
    assert bluesky_evidence("did:plc:abc", Sites(), verified_status="valid") == (
        "valid Bluesky verification")
    assert bluesky_evidence("someone.bsky.social", Sites(), verified_status="none") is None


def test_mastodon_verified_links() -> None:
    assert mastodon_evidence(["https://www.ville.exemple.qc.ca/"], VILLE) == (
        "verified profile link to ville.exemple.qc.ca is the organisation's web domain")
    assert mastodon_evidence(["https://example.org"], VILLE) is None
    assert mastodon_evidence([], VILLE) is None


def test_misplaced_handles() -> None:
    owners = domain_owners([(1, "Ville de Gatineau", "https://www.gatineau.ca"),
                            (2, "SPVM", "https://spvm.qc.ca"),
                            (3, "MSP", "https://www.quebec.ca/securite"),
                            (4, "Urgence Québec", "https://www.quebec.ca/urgence")])
    assert "quebec.ca" not in owners  # two organisations give it: a shared portal
    claims = misplaced_handles([
        (2, "SPVM", "SPVM", "spvm.gatineau.ca"),                   # flagged
        (5, "Service de police de la Ville de Gatineau", None, "police.gatineau.ca"),
        (1, "Ville de Gatineau", None, "gatineau.ca"),             # its own domain
        (6, "Ville de Lévis", "Ville de Lévis", "levis.gatineau.ca"),  # flagged
        (7, "Quelqu'un", None, "quelquun.bsky.social"),
    ], owners, {2: ["spvm.qc.ca"], 1: ["gatineau.ca"]})
    assert [(c.contact_id, c.handle, c.owner.name) for c in claims] == [
        (2, "spvm.gatineau.ca", "Ville de Gatineau"), (6, "levis.gatineau.ca", "Ville de Gatineau")]


# -- through the CLI -------------------------------------------------------------------------

@pytest.fixture
def net(monkeypatch: pytest.MonkeyPatch):
    fake = install(monkeypatch)
    fake.add_bsky(bsky_view("ville.exemple.qc.ca", "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa",
                            displayName="Ville d'Exemple"))
    fake.add_bsky(bsky_view("info-meteo.bsky.social", "did:plc:bbbbbbbbbbbbbbbbbbbbbbbb",
                            verification=verification(("bsky.app", True))))
    fake.add_bsky(bsky_view("faux-meteo.bsky.social", "did:plc:cccccccccccccccccccccccc",
                            verification=verification(("bsky.app", False), status="invalid")))
    fake.add_masto("mastodon.quebec", masto_account(
        "VilleExemple", "1001", fields=[link_field("https://www.ville.exemple.qc.ca", "2024-"
                                                   "05-01T12:00:00.000+00:00")]))
    fake.add_masto("mastodon.quebec", masto_account(
        "Pretendue", "1002", fields=[link_field("https://www.ville.exemple.qc.ca", None)]))
    yield fake
    assert fake.unexpected == []


@pytest.fixture
def directory(empty_db, invoke):
    add(invoke, "Ville d'Exemple", "--bluesky", "ville.exemple.qc.ca", "--mastodon",
        "VilleExemple@mastodon.quebec", "--website", "https://www.ville.exemple.qc.ca",
        "--topic", "inondations")
    add(invoke, "Info-Météo", "--bluesky", "info-meteo.bsky.social", "--topic", "inondations")
    add(invoke, "Faux Météo", "--bluesky", "faux-meteo.bsky.social", "--topic", "inondations")
    add(invoke, "Prétendue Ville", "--mastodon", "Pretendue@mastodon.quebec",
        "--website", "https://www.ville.exemple.qc.ca/urgence", "--topic", "inondations")
    return empty_db


def test_refresh_records_verified_and_its_evidence(net, directory, invoke) -> None:
    ok(invoke("refresh", "--json"))
    stored = accounts(directory)
    verdicts = {key: (row["verified"], row["verified_by"]) for key, row in stored.items()
                if key[0] != "website"}
    assert verdicts == {
        ("bluesky", "ville.exemple.qc.ca"):
            (1, "handle ville.exemple.qc.ca is the organisation's web domain"),
        ("mastodon", "villeexemple@mastodon.quebec"):
            (1, "verified profile link to ville.exemple.qc.ca is the organisation's web domain"),
        ("bluesky", "info-meteo.bsky.social"): (1, "valid Bluesky verification by bsky.app"),
        ("bluesky", "faux-meteo.bsky.social"): (0, None),
        ("mastodon", "pretendue@mastodon.quebec"): (0, None),  # the link is not verified_at
    }
    shown = ok(invoke("show", "Ville d'Exemple", "--json"))
    by_platform = {a["platform"]: a for a in shown["accounts"]}
    assert by_platform["bluesky"]["verified"] is True
    assert by_platform["bluesky"]["verified_by"].startswith("handle ville.exemple.qc.ca")
    assert by_platform["website"]["verified"] is False
    assert by_platform["website"]["verified_by"] is None


def test_a_lost_verification_is_cleared_at_the_next_refresh(net, directory, invoke) -> None:
    ok(invoke("refresh", "--json"))
    net.bsky["info-meteo.bsky.social"]["verification"] = verification(status="none")
    ok(invoke("refresh", "--json"))
    row = accounts(directory)[("bluesky", "info-meteo.bsky.social")]
    assert (row["verified"], row["verified_by"]) == (0, None)


def test_tables_mark_verified_accounts(net, directory, invoke, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # room for whole handles
    before = invoke("list", "--topic", "inondations").stdout
    assert "✓" not in before
    ok(invoke("refresh", "--json"))
    listed = invoke("list", "--topic", "inondations").stdout
    lines = {line.split("│")[2].strip(): line for line in listed.splitlines()
             if line.count("│") > 3 and line.split("│")[1].strip().isdigit()}
    assert "bluesky:@ville.exemple.qc.ca ✓" in lines["Ville d'Exemple"]
    assert "✓" not in lines["Faux Météo"]
    panel = invoke("show", "Info-Météo").stdout
    assert "info-meteo.bsky.social ✓" in panel


def test_recommend_gives_verified_accounts_a_trust_reason(net, directory, invoke) -> None:
    ok(invoke("refresh", "--json"))
    items = {i["name"]: i for i in ok(invoke("recommend", "--topic", "inondations", "--json"))}
    for name in ("Ville d'Exemple", "Info-Météo"):
        assert items[name]["verified"] is True
        trust = [r for r in items[name]["reasons"] if r["signal"] == "trust"]
        assert len(trust) == 1 and trust[0]["points"] > 0
        assert round(sum(r["points"] for r in items[name]["reasons"]), 2) == items[name]["score"]
    for name in ("Faux Météo", "Prétendue Ville"):
        assert items[name]["verified"] is False
        assert all(r["signal"] != "trust" for r in items[name]["reasons"])
    order = [i["name"] for i in ok(invoke("recommend", "--topic", "inondations", "--json"))]
    assert order.index("Info-Météo") < order.index("Faux Météo")  # otherwise alike


def test_doctor_flags_a_handle_on_another_organisations_domain(empty_db, invoke) -> None:
    add(invoke, "Ville de Gatineau", "--website", "https://www.gatineau.ca")
    add(invoke, "SPVM", "--bluesky", "spvm.gatineau.ca", "--website", "https://spvm.qc.ca")
    add(invoke, "Service de police de la Ville de Gatineau", "--bluesky", "police.gatineau.ca")
    result = invoke("doctor", "--json")
    assert result.exit_code == 1
    checks = {c["check"]: c for c in json.loads(result.stdout)}
    assert checks["impersonation"]["ok"] is False
    detail = checks["impersonation"]["detail"]
    assert "spvm.gatineau.ca" in detail and "Ville de Gatineau" in detail
    assert "police.gatineau.ca" not in detail
    assert result.stderr.startswith("Error:")
    invoke("edit", "SPVM", "--remove-account", "bluesky:spvm.gatineau.ca")
    assert invoke("doctor").exit_code == 0


def test_doctor_reads_municipal_domains_from_the_repertoire(empty_db, invoke) -> None:
    """The shipped Répertoire des municipalités says whose gatineau.ca is: Ville de Lévis
    cannot hold a handle under it, while a municipality's own handle is fine."""
    assert rows(empty_db, "SELECT website FROM municipalities WHERE name = 'Gatineau'") == [
        ("www.gatineau.ca",)]
    add(invoke, "Ville de Lévis", "--bluesky", "levis.gatineau.ca")
    result = invoke("doctor", "--json")
    assert result.exit_code == 1
    [check] = [c for c in json.loads(result.stdout) if c["check"] == "impersonation"]
    assert "levis.gatineau.ca" in check["detail"] and "Gatineau" in check["detail"]
    assert rows(empty_db, "SELECT count(*) FROM accounts WHERE verified = 1") == [(0,)]
    invoke("edit", "Ville de Lévis", "--remove-account", "bluesky:levis.gatineau.ca")
    add(invoke, "Ville de Gatineau", "--bluesky", "ville.gatineau.ca")
    assert invoke("doctor").exit_code == 0


def test_migration_adds_verification_columns_and_pack_tables() -> None:
    from sqlite_utils import Database

    from msgu_cli.storage.migrations import migrations

    db = Database(memory=True)
    migrations.apply(db)
    assert {"verified", "verified_by"} <= set(db["accounts"].columns_dict)
    assert {"name", "url", "etag", "last_modified", "last_pulled"} <= set(
        db["subscriptions"].columns_dict)
    assert {"subscription_id", "contact_id", "snapshot", "left_at"} <= set(
        db["pack_members"].columns_dict)


def test_score_trust_is_a_separate_signal() -> None:
    from msgu_cli.domain.signals import TRUST_POINTS, Candidate, score_trust

    plain = Candidate(1, "A", "other", None, None, None, (), ())
    assert score_trust(plain) == []
    [reason] = score_trust(Candidate(2, "B", "other", None, None, None, (), (), verified=True))
    assert (reason.signal, reason.points) == ("trust", TRUST_POINTS)
