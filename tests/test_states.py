"""Every UN member and observer state is known by its names and demonyms; only curated ones carry links."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import OWL, RDF, Graph

from kg.articles import Article
from kg.ids import DIP
from kg.mapping import Mapper
from kg.reference import Gazetteer, ReferenceEntity, load_reference, load_states

BASE = "https://example.org/kg/"
#: The two observer states of the UN General Assembly.
OBSERVERS = {"PSE", "VAT"}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_graph(load_reference(BASE), BASE)


def test_the_dataset_holds_the_193_members_and_the_2_observers_once_each():
    states = load_states()
    codes = [s["code"] for s in states]
    assert len(states) == 195 and len(set(codes)) == 195
    assert set(codes) >= OBSERVERS


def test_every_state_has_a_name_and_a_demonym():
    assert all(s["name"] and s["demonyms"] for s in load_states())


def test_every_state_is_one_country_by_each_of_its_names(gazetteer):
    forms = gazetteer.surface_forms()
    misfits = []
    for state in load_states():
        keys = {k for name in (state["name"], *state["names"]) for k in forms[name] if k.startswith("country/")}
        if len(keys) != 1:
            misfits.append((state["name"], keys))
    assert misfits == []


def test_every_demonym_names_the_state_it_belongs_to_unless_two_states_share_it(gazetteer):
    demonyms = gazetteer.demonyms()
    forms = gazetteer.surface_forms()
    owners: dict[str, set[str]] = {}
    for state in load_states():
        for demonym in state["demonyms"]:
            owners.setdefault(demonym, set()).update(forms[state["name"]])
    for demonym, keys in owners.items():
        assert demonyms.get(demonym) == (next(iter(keys)) if len(keys) == 1 else None), demonym


@pytest.mark.parametrize("demonym", ["Congolese", "Dominican"])
def test_a_demonym_two_states_share_names_neither(gazetteer, demonym):
    assert demonym not in gazetteer.demonyms()


def test_a_curated_country_keeps_its_key_and_gains_the_datasets_names(gazetteer):
    turkey = gazetteer.entities["country/turkey"]
    assert turkey.curated and turkey.label == "Turkey"
    assert {"Türkiye", "Republic of Türkiye", "Türkiye Cumhuriyeti"} <= set(turkey.names)
    assert not any(key != "country/turkey" for key in gazetteer.surface_forms()["Türkiye Cumhuriyeti"])


def test_a_state_outside_the_curated_table_is_known_but_has_no_reference_node(gazetteer):
    colombia = gazetteer.entities["country/colombia"]
    assert not colombia.curated and "Colombian" in colombia.demonyms
    assert (Mapper(BASE).entity_iri("country/colombia"), None, None) not in load_reference(BASE)


def test_add_states_merges_by_any_name_and_adds_the_rest():
    gazetteer = Gazetteer()
    gazetteer.entities["country/freedonia"] = ReferenceEntity(
        "country/freedonia", "Country", "Freedonia", ("Freedonia",), ("Freedonian",)
    )
    gazetteer.add_states(
        [
            {"name": "Republic of Freedonia", "names": ["Freedonia"], "demonyms": ["Freedonian"]},
            {"name": "Sylvania", "names": ["Kingdom of Sylvania"], "demonyms": ["Sylvanian"]},
        ]
    )
    freedonia, sylvania = gazetteer.entities["country/freedonia"], gazetteer.entities["country/sylvania"]
    assert freedonia.curated and freedonia.names == ("Freedonia", "Republic of Freedonia")
    assert freedonia.demonyms == ("Freedonian", "Freedonians")
    assert not sylvania.curated and sylvania.names == ("Sylvania", "Kingdom of Sylvania")
    assert sylvania.demonyms == ("Sylvanian", "Sylvanians")


def test_an_article_naming_an_uncurated_state_maps_it_with_names_and_no_same_as(extractor):
    text = "Colombian officials met Bolivian envoys in La Paz on Monday."
    article = Article(identifier="states", text=text, source="states.txt", published=dt.date(2025, 3, 4))
    extraction = extractor(article)
    colombia = extraction.entities["country/colombia"]
    assert not colombia.in_reference and "Republic of Colombia" in colombia.alt_labels
    graph = Graph()
    mapper = Mapper(BASE)
    mapper.add_extraction(graph, extraction)
    iri = mapper.entity_iri("country/colombia")
    assert (iri, RDF.type, DIP.Country) in graph
    assert not list(graph.objects(iri, OWL.sameAs))
