"""Regions, MRCs and borders: every spelling people use, and precise errors."""

from __future__ import annotations

import csv

import pytest

from msgu_cli.domain.geo import REGIONS, Geography, Municipalities, same_municipality
from msgu_cli.domain.models import Municipality
from msgu_cli.errors import InvalidInput
from msgu_cli.storage.seeds import read_mrcs, read_municipalities, seed_file


@pytest.fixture(scope="module")
def geo() -> Geography:
    return Geography.from_mrcs(m for m, *_ in read_mrcs())


@pytest.mark.parametrize(("text", "number"), [
    ("4", "04"), ("04", "04"), ("Mauricie", "04"), ("MAURICIE", "04"), ("04 Mauricie", "04"),
    ("saguenay-lac-saint-jean", "02"), ("Saguenay–Lac-Saint-Jean", "02"),
    ("Saguenay - Lac-Saint-Jean", "02"), ("montreal", "06"), ("Montréal", "06"),
    ("Gaspésie–Îles-de-la-Madeleine", "11"), ("gaspesie iles de la madeleine", "11"),
    ("Abitibi-Temiscamingue", "08"), ("centre du quebec", "17"), ("17", "17"),
    ("  Laval ", "13"), ("Capitale Nationale", "03"),
])
def test_parse_region(geo, text, number):
    assert geo.parse_region(text) == number


@pytest.mark.parametrize(("text", "hint"), [
    ("0", None), ("18", None), ("99", None), ("Atlantide", "Laurentides"), ("Mauricy", "Mauricie"),
])
def test_unknown_region(geo, text, hint):
    with pytest.raises(InvalidInput) as error:
        geo.parse_region(text)
    assert f"Unknown region '{text}'" in str(error.value)
    if hint:
        assert f"Did you mean {hint}" in str(error.value)


def test_17_regions_and_104_mrcs_each_region_with_its_own(geo):
    with seed_file("mrcs.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(geo.mrcs) == 104
    assert [r.number for r in REGIONS] == [f"{n:02d}" for n in range(1, 18)]
    assert all(geo.mrcs_of(r.number) for r in REGIONS)


@pytest.mark.parametrize(("text", "name", "region"), [
    ("Nicolet-Yamaska", "Nicolet-Yamaska", "17"),
    ("MRC de Nicolet-Yamaska", "Nicolet-Yamaska", "17"),
    ("nicolet yamaska", "Nicolet-Yamaska", "17"), ("La Matanie", "La Matanie", "01"),
    ("MRC de la Matanie", "La Matanie", "01"), ("matanie", "La Matanie", "01"),
    ("Les Sources", "Les Sources", "05"), ("Kativik", "Kativik", "10"),
])
def test_parse_mrc(geo, text, name, region):
    mrc = geo.parse_mrc(text)
    assert (mrc.name, mrc.region) == (name, region)
    assert geo.parse_mrc(text, region) == mrc


def test_mrc_in_the_wrong_region(geo):
    with pytest.raises(InvalidInput, match="is in region 17 Centre-du-Québec, not 04 Mauricie"):
        geo.parse_mrc("Nicolet-Yamaska", "04")


def test_unknown_mrc_suggests_close_names(geo):
    with pytest.raises(InvalidInput, match="Unknown MRC 'Nicolet-Yamska'.*Nicolet-Yamaska"):
        geo.parse_mrc("Nicolet-Yamska")


def test_borders_are_symmetric_and_never_reflexive(geo):
    for region in REGIONS:
        assert region.number not in geo.neighbours(region.number)
        for other in geo.neighbours(region.number):
            assert geo.are_neighbours(other, region.number)
    assert all(geo.neighbours(r.number) for r in REGIONS)  # no region is an island


@pytest.mark.parametrize(("a", "b", "touch"), [
    ("17", "04", True), ("17", "16", True), ("06", "13", True), ("07", "08", True),
    ("17", "07", False), ("06", "11", False), ("10", "05", False), ("04", None, False),
])
def test_known_borders(geo, a, b, touch):
    assert geo.are_neighbours(a, b) is touch


# --- municipalities (the Répertoire des municipalités) -----------------------------------------


@pytest.fixture(scope="module")
def towns() -> Municipalities:
    return Municipalities.from_towns(read_municipalities())


@pytest.mark.parametrize(("website", "domain"), [
    ("www.v3r.net", "v3r.net"), ("https://beloeil.ca/", "beloeil.ca"),
    ("HTTP://WWW.Ville.Quebec.QC.CA/citoyens", "ville.quebec.qc.ca"),
    ("www.msvalere.qc,ca", None), (None, None), ("", None),
])
def test_web_domain_is_the_host_without_www(website, domain):
    assert Municipality("00001", "X", "Ville", "04", None, 0, website).web_domain == domain


def test_same_municipality_is_accent_case_and_hyphen_blind():
    assert same_municipality("Trois-Rivières", "trois rivieres")
    assert same_municipality("Ste-Julie", "Sainte-Julie")
    assert not same_municipality("Hatley (Canton)", "Hatley (Municipalité)")
    assert not same_municipality(None, "Québec") and not same_municipality("", "")


def test_find_returns_only_the_one_a_stored_name_names(towns):
    assert towns.find("Saint-Lambert", "16").mrc == "Longueuil"
    assert towns.find("Saint-Lambert", "08").mrc == "Abitibi-Ouest"
    assert towns.find("Saint-Lambert") is None  # two regions: the name alone is not enough
    assert towns.find("Bedford (Canton)").code == "46040"
    assert towns.find("Nowhere") is None and towns.find(None) is None


def test_every_stored_name_names_exactly_its_municipality(towns):
    for town in towns.towns:
        assert towns.find(towns.stored_name(town), town.region, town.mrc) == town, town
