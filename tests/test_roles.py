"""Who took part in an event, who hosted or mediated it, and where, read from the dependency parse."""

from __future__ import annotations

import pytest

from kg.extract.roles import negated, reports, roles_of


def roles(extractor, text: str, trigger: str) -> dict:
    """Return the words of each role the parse gives the event reported by `trigger`'s first occurrence."""
    start = text.index(trigger)
    found = roles_of(extractor.nlp(text), start, start + len(trigger))

    def words(spans):
        return [text[s:e] for s, e in spans]

    return {
        "participants": words(found.participants),
        "hosts": words(found.hosts),
        "mediators": words(found.mediators),
        "places": words(found.places),
        "pronoun": found.pronoun_subject,
    }


@pytest.mark.parametrize(
    ("text", "trigger", "participants"),
    [
        ("Gabriel Boric met Dina Boluarte in Santiago.", "met", ["Gabriel Boric", "Dina Boluarte"]),
        ("Chile and Peru held talks in Lima.", "held talks", ["Chile", "Peru"]),
        ("Kenya held talks with Somalia and Ethiopia.", "held talks", ["Kenya", "Somalia", "Ethiopia"]),
        ("Talks between Kenya and Somalia resumed in Nairobi.", "Talks", ["Kenya", "Somalia"]),
        (
            "His Swedish counterpart, Maria Lind, met Espen Eide in Oslo.",
            "met",
            ["His Swedish counterpart", "Maria Lind", "Espen Eide"],
        ),
        ("Chile and Peru agreed to meet in Lima.", "meet", ["Chile", "Peru"]),
    ],
)
def test_participants_are_subjects_objects_partners_coordinated_and_appositive_names(
    extractor, text, trigger, participants
):
    assert roles(extractor, text, trigger)["participants"] == participants


@pytest.mark.parametrize(
    ("text", "trigger", "participants", "place"),
    [
        ("Talks between Kenya and Somalia were held in Nairobi.", "Talks", ["Kenya", "Somalia"], "Nairobi"),
        ("The meeting was attended by Chile and Peru.", "meeting", ["Chile", "Peru"], None),
        ("The meeting between Israel and Hamas took place in Cairo.", "meeting", ["Israel", "Hamas"], "Cairo"),
    ],
)
def test_a_noun_trigger_that_is_its_clauses_subject_takes_the_verbs_phrases_and_is_no_party(
    extractor, text, trigger, participants, place
):
    found = roles(extractor, text, trigger)
    assert found["participants"] == participants
    assert found["places"] == ([place] if place else [])


def test_the_speaker_reporting_an_event_takes_no_part_in_it(extractor):
    text = "Norway's minister said Chile and Peru had met in Oslo."
    assert roles(extractor, text, "met")["participants"] == ["Chile", "Peru"]


@pytest.mark.parametrize(
    ("text", "trigger", "hosts", "participants"),
    [
        ("The summit, hosted by Egypt, ended on Sunday.", "summit", ["Egypt"], []),
        ("Qatar hosted the meeting between Israel and Hamas.", "meeting", ["Qatar"], ["Israel", "Hamas"]),
        ("Peru and Bolivia met at the invitation of Brazil.", "met", ["Brazil"], ["Peru", "Bolivia"]),
        ("The summit was hosted by Egypt.", "summit", ["Egypt"], []),
    ],
)
def test_hosts_are_named_by_hosted_by_by_hosting_and_by_an_invitation(extractor, text, trigger, hosts, participants):
    found = roles(extractor, text, trigger)
    assert found["hosts"] == hosts
    assert [p for p in found["participants"] if p[:1].isupper()] == participants


def test_a_mediator_is_named_by_brokered_by(extractor):
    found = roles(extractor, "The talks, brokered by Qatar, were held in Doha.", "talks")
    assert found["mediators"] == ["Qatar"] and "Qatar" not in found["participants"]


@pytest.mark.parametrize(
    ("text", "trigger", "place"),
    [
        ("Gabriel Boric met Dina Boluarte in Santiago.", "met", "Santiago"),
        ("Chile and Peru held talks in Lima.", "held talks", "Lima"),
        ("The ministers met at the Hilton hotel.", "met", "the Hilton hotel"),
    ],
)
def test_in_and_at_phrases_give_the_place(extractor, text, trigger, place):
    assert place in roles(extractor, text, trigger)["places"]


@pytest.mark.parametrize(
    ("text", "trigger"),
    [("He met the Kenyan president in Nairobi.", "met"), ("They visited Lima last week.", "visited")],
)
def test_a_pronoun_subject_leaves_the_participants_to_the_story(extractor, text, trigger):
    assert roles(extractor, text, trigger)["pronoun"] is True


def test_a_named_subject_is_no_pronoun(extractor):
    assert roles(extractor, "Kenya met Somalia in Nairobi.", "met")["pronoun"] is False


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("Sudan did not meet Chad's envoys.", "meet", True),
        ("No talks were held between Sudan and Chad.", "talks", True),
        ("The two leaders never signed the accord.", "signed", True),
        ("Sudan met Chad's envoys.", "met", False),
        ("Talks were held between Sudan and Chad.", "Talks", False),
    ],
)
def test_a_negated_clause_is_told_from_an_affirmed_one(extractor, text, trigger, expected):
    start = text.index(trigger)
    assert negated(extractor.nlp(text), start, start + len(trigger)) is expected


@pytest.mark.parametrize(
    ("text", "verb", "words", "expected"),
    [
        ("Kenya and Somalia will meet next week, the minister said.", "said", "meet", True),
        ("The minister said Kenya and Somalia would meet.", "said", "meet", True),
        ("The ministers reiterated their support in a phone call.", "reiterated", "phone call", False),
        ("The minister said nothing after Kenya and Somalia met.", "said", "met", False),
    ],
)
def test_a_reporting_verb_reports_the_clause_it_governs_not_the_words_beside_it(extractor, text, verb, words, expected):
    v, w = text.index(verb), text.index(words)
    assert reports(extractor.nlp(text), v, v + len(verb), w, w + len(words)) is expected
