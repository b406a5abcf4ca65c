"""Open-world names: what the NER proposes outside the reference becomes entities of its own, typed and keyed."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.tokens import Span

from kg.extract import names
from kg.extract.model import Entity


def find(extractor, text: str) -> tuple[dict[str, str], dict[str, Entity]]:
    """Return the key of each mention by its words, and the entities found."""
    found, entities = extractor.entities(extractor.nlp(text), dt.date(2025, 3, 4))
    return {text[m.start : m.end]: m.key for m in found}, entities


def new_keys(entities: dict[str, Entity]) -> set[str]:
    return {key for key, entity in entities.items() if not entity.in_reference and not key.startswith("country/")}


def test_unknown_people_organisations_and_places_become_entities(extractor):
    mentions, entities = find(extractor, "Kofi Mensah met officials of the Ghana Cocoa Board in Kumasi.")
    assert new_keys(entities) == {"person/kofi-mensah", "organization/ghana-cocoa-board", "place/kumasi"}
    assert [entities[k].kind for k in ("person/kofi-mensah", "organization/ghana-cocoa-board", "place/kumasi")] == [
        "Person",
        "Organization",
        "Place",
    ]
    assert mentions["Ghana"] == "country/ghana"


def test_a_name_has_the_same_key_in_differently_worded_articles(extractor):
    _, first = find(extractor, "Kofi Mensah met officials of the Ghana Cocoa Board in Kumasi.")
    _, second = find(extractor, "The Ghana Cocoa Board said on Friday that Kofi Mensah would resign.")
    assert {"person/kofi-mensah", "organization/ghana-cocoa-board"} <= new_keys(first) & new_keys(second)


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Foreign Minister Amara Kone arrived on Monday.", "Amara Kone", "Foreign Minister"),
        ("Ambassador Lerato Dlamini presented her credentials.", "Lerato Dlamini", "Ambassador"),
        ("Defence Minister Tomas Varga met the press in Budapest.", "Tomas Varga", "Defence Minister"),
    ],
)
def test_a_title_before_a_name_makes_a_person_with_that_role(extractor, text, name, role):
    mentions, entities = find(extractor, text)
    person = entities[mentions[name]]
    assert (person.kind, person.label, person.role) == ("Person", name, role)


def test_a_title_makes_a_person_whatever_the_ner_label(extractor):
    doc = extractor.nlp("President Tolani Adeyemi opened the session.")
    doc.ents = [Span(doc, 1, 3, label="ORG")]
    [proposal] = names.propose(doc, [])
    assert (proposal.text, proposal.kind, proposal.role) == ("Tolani Adeyemi", "Person", "President")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sheikh Tamim Rashid spoke to reporters.", "Tamim Rashid"),
        ("Datuk Seri Hamid Rahman received the envoys.", "Hamid Rahman"),
    ],
)
def test_honorifics_are_dropped_from_a_persons_name(extractor, text, name):
    mentions, entities = find(extractor, text)
    assert entities[mentions[name]].label == name
    assert not any(word in mentions for word in ("Sheikh", "Datuk", "Seri"))


def test_a_name_with_its_acronym_in_brackets_is_one_entity_known_by_both(extractor):
    text = "The Patriotic Union of Kurdistan (PUK) met on Monday. The PUK later left the talks."
    found, entities = extractor.entities(extractor.nlp(text), dt.date(2025, 3, 4))
    assert {m.key for m in found} == {"organization/patriotic-union-of-kurdistan"}
    assert entities["organization/patriotic-union-of-kurdistan"].alt_labels == ("PUK",)


@pytest.mark.parametrize(
    ("text", "short", "key"),
    [
        ("Kofi Mensah travelled to Lome. Mensah said the visit went well.", "Mensah", "person/kofi-mensah"),
        (
            "The Southern African Development Community met. The SADC agreed to send observers.",
            "SADC",
            "organization/southern-african-development-community",
        ),
        (
            "The Kenya Ports Authority signed a deal. The Authority said it was pleased.",
            "Authority",
            "organization/kenya-ports-authority",
        ),
    ],
)
def test_a_surname_acronym_or_head_word_stands_for_the_full_name(extractor, text, short, key):
    mentions, _ = find(extractor, text)
    assert mentions[short] == key


def test_a_lone_surname_with_no_full_name_is_no_entity(extractor):
    mentions, entities = find(extractor, "Boateng was appointed ambassador. Later, Boateng resigned.")
    assert "Boateng" not in mentions and not new_keys(entities)


@pytest.mark.parametrize("text", ["The State will pay for the new road.", "Envoys of the Embassy arrived."])
def test_a_capitalised_common_noun_is_no_organisation(extractor, text):
    _, entities = find(extractor, text)
    assert not new_keys(entities)


def test_a_one_word_acronym_is_an_organisation_of_its_own(extractor):
    mentions, entities = find(extractor, "Leaders of the AES met in Niamey.")
    assert entities[mentions["AES"]].kind == "Organization"


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "kind"),
    [
        ("The Lake Victoria Basin Commission met.", 1, 5, "GPE", "Organization"),
        ("Officials praised the Kisumu Accords on Monday.", 3, 5, "ORG", "Agreement"),
        ("Officials praised the Kisumu Accords on Monday.", 3, 5, "GPE", "Agreement"),
        ("The Nairobi Ministry of Roads opened a depot.", 1, 5, "PERSON", "Organization"),
    ],
)
def test_a_name_is_typed_by_its_head_word(extractor, text, start, end, label, kind):
    doc = extractor.nlp(text)
    doc.ents = [Span(doc, start, end, label=label)]
    [proposal] = names.propose(doc, [])
    assert proposal.kind == kind


def test_a_state_named_before_an_organisations_head_joins_its_name(extractor):
    mentions, entities = find(extractor, "The Kenya Ports Authority signed a deal.")
    assert entities[mentions["Kenya Ports Authority"]].label == "Kenya Ports Authority"
    assert mentions["Kenya"] == "country/kenya"


def test_a_title_is_no_organisation(extractor):
    doc = extractor.nlp("The Head of Mission left Juba.")
    doc.ents = [Span(doc, 1, 4, label="ORG")]
    assert names.propose(doc, []) == []


def test_the_name_of_a_gathering_names_no_entity_of_its_own(extractor):
    doc = extractor.nlp("Leaders arrived for the Nile Basin Summit.")
    doc.ents = [Span(doc, 4, 7, label="ORG")]
    assert [(p.text, p.kind) for p in names.propose(doc, [])] == [("Nile Basin", "Organization")]


@pytest.mark.parametrize(
    ("text", "written", "key", "label"),
    [
        ("The Kenyan government agreed.", "Kenyan government", "government-of-kenya", "Government of Kenya"),
        ("Uganda's parliament voted.", "Uganda's parliament", "parliament-of-uganda", "Parliament of Uganda"),
        (
            "The Kenyan defense ministry denied it.",
            "Kenyan defense ministry",
            "ministry-of-defence-of-kenya",
            "Ministry of Defence of Kenya",
        ),
        (
            "The Ministry of Foreign Affairs of Peru summoned the envoy.",
            "Ministry of Foreign Affairs of Peru",
            "ministry-of-foreign-affairs-of-peru",
            "Ministry of Foreign Affairs of Peru",
        ),
        ("The government of Chad said so.", "government of Chad", "government-of-chad", "Government of Chad"),
        (
            "Kenya's foreign affairs ministry summoned the envoy.",
            "Kenya's foreign affairs ministry",
            "ministry-of-foreign-affairs-of-kenya",
            "Ministry of Foreign Affairs of Kenya",
        ),
    ],
)
def test_a_body_of_a_state_named_by_the_state_is_an_organisation_of_its_own(extractor, text, written, key, label):
    mentions, entities = find(extractor, text)
    body = entities[mentions[written]]
    assert (body.key, body.kind, body.label, body.in_reference) == (f"organization/{key}", "Organization", label, False)
    assert written in (body.label, *body.alt_labels)


def test_every_way_of_naming_a_states_ministry_is_one_entity(extractor):
    text = (
        "Kenya's foreign ministry summoned the envoy. The Kenyan Foreign Ministry said on Monday that "
        "the Kenyan foreign ministry would reply, and the Ministry of Foreign Affairs of Kenya agreed."
    )
    found, _ = extractor.entities(extractor.nlp(text), dt.date(2025, 3, 4))
    bodies = [(text[m.start : m.end], m.key) for m in found if m.kind == "Organization"]
    assert {key for _, key in bodies} == {"organization/ministry-of-foreign-affairs-of-kenya"}
    assert len(bodies) == 4


def test_a_state_body_still_mentions_its_state(extractor):
    mentions, _ = find(extractor, "The Kenyan government agreed.")
    assert mentions["Kenyan"] == "country/kenya"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Officials of the Joint Commission on Water Resources between Kenya and Uganda met on Monday.",
            "Joint Commission on Water Resources between Kenya and Uganda",
        ),
        (
            "The Standing Committee on Fisheries of the Indian Ocean Rim said the quotas would stay.",
            "Standing Committee on Fisheries of the Indian Ocean Rim",
        ),
    ],
)
def test_a_body_s_long_name_runs_over_its_capitalised_phrases(extractor, text, name):
    mentions, entities = find(extractor, text)
    assert entities[mentions[name]].kind == "Organization"


def test_a_body_s_name_stops_where_the_next_body_begins(extractor):
    text = "The Western Regional Group of the Standing Committee on Fisheries elected its chair."
    mentions, _ = find(extractor, text)
    assert "Western Regional Group of the Standing Committee on Fisheries" not in mentions


def test_a_title_word_opening_a_body_s_name_is_kept(extractor):
    mentions, entities = find(extractor, "Laos will host a General Planning Committee session on May 4.")
    assert entities[mentions["General Planning Committee"]].kind == "Organization"
