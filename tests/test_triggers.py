"""Event triggers: lemma patterns from data, matched in any case and inflection; weak ones need a verb of happening."""

from __future__ import annotations

import pytest

from kg.errors import ConfigError
from kg.extract.triggers import PATTERNS_FILE, TriggerMatcher, parse_patterns


def triggers(extractor, text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in extractor.triggers(extractor.nlp(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GULF LEADERS OPEN SUMMIT IN DOHA", ("Summit", "SUMMIT")),
        ("Gulf Leaders Attend Summit In Doha", ("Summit", "Summit")),
        ("The bloc has held two summits this year.", ("Summit", "summits")),
        ("The Chilean president met his Peruvian counterpart.", ("Meeting", "met")),
        ("The Kenyan president meets the Somali leader today.", ("Meeting", "meets")),
        ("The two presidents spoke by phone on Sunday.", ("PhoneCall", "spoke by phone")),
        ("Oman and Iran staged naval drills.", ("MilitaryExercise", "drills")),
    ],
)
def test_a_lemma_pattern_matches_any_case_and_inflection(extractor, text, expected):
    assert expected in triggers(extractor, text)


@pytest.mark.parametrize(
    "text",
    [
        "Kenya and Somalia met on Monday, and the talks were useful.",
        "Talks between Kenya and Somalia were held in Nairobi.",
        "The envoys will gather in Nairobi for talks.",
    ],
)
def test_a_weak_trigger_counts_beside_a_verb_of_happening(extractor, text):
    assert "Talks" in {kind for kind, _ in triggers(extractor, text)}


@pytest.mark.parametrize(
    "text",
    [
        "Officials said talks on trade were useful.",
        "Kenya and Somalia met. Talks were useful.",  # the verb of happening is in the sentence before
    ],
)
def test_a_weak_trigger_alone_reports_nothing(extractor, text):
    assert "Talks" not in {kind for kind, _ in triggers(extractor, text)}


def test_a_weak_match_inside_a_strong_one_of_its_kind_is_one_trigger(extractor):
    assert triggers(extractor, "Kenya and Somalia held talks.") == [("Talks", "held talks")]


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        ("Peru launched diplomatic ties with Fiji.", "DiplomaticRelationsEstablished", "Event"),
        ("The island declared independence in 1975.", "Event", "Statement"),
    ],
)
def test_overlapping_triggers_of_different_kinds_keep_the_longer(extractor, text, kept, dropped):
    kinds = {kind for kind, _ in triggers(extractor, text)}
    assert kept in kinds and dropped not in kinds


def test_a_shorter_trigger_alone_keeps_its_kind(extractor):
    assert triggers(extractor, "Peru launched a satellite.") == [("Event", "launched")]


def test_triggers_come_in_text_order_with_offsets_into_the_text(extractor):
    text = "After the summit, the two ministers met and signed a trade deal."
    found = extractor.triggers(extractor.nlp(text))
    assert [t.kind for t in found] == ["Summit", "Meeting", "AgreementSigning"]
    assert all(text[t.start : t.end] == t.text for t in found)


def test_the_packaged_patterns_load_into_a_matcher(extractor):
    assert len(TriggerMatcher(extractor.nlp.vocab).matcher) > 0


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (['{"label": "Meeting", "pattern": [{"LEMMA": "meet"}]}', '{"label": "Meeting", '], 2, "not JSON"),
        (['{"label": "Parade", "pattern": [{"LEMMA": "march"}]}'], 1, "unknown event kind 'Parade'"),
        (["", '{"label": "Summit"}'], 2, "expected"),
        (['{"label": "Summit", "pattern": []}'], 1, "expected"),
        (['{"label": "Summit", "pattern": [{"LEMA": "summit"}]}'], 1, "LEMA"),
        (['{"label": "Summit", "pattern": [{"LEMMA": {"IN": "summit"}}]}'], 1, "not a spaCy Matcher pattern"),
    ],
)
def test_a_bad_patterns_line_is_named_by_file_and_line(lines, line, message):
    with pytest.raises(ConfigError, match=f"^{PATTERNS_FILE}:{line}: .*{message}"):
        parse_patterns("\n".join(lines), PATTERNS_FILE)


def test_blank_lines_are_skipped():
    lines = ["", '{"label": "Summit", "pattern": [{"LEMMA": "summit"}]}', "", '{"label": "HAPPENING", "pattern": [{}]}']
    text = "\n".join(lines)
    assert [row["label"] for row in parse_patterns(text, "x.jsonl")] == ["Summit", "HAPPENING"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The border between Chile and Bolivia was reopened on Monday.",
            ("BorderOpening", "border between Chile and Bolivia was reopened"),
        ),
        ("Kenya closed its long border with Somalia in 2011.", ("BorderClosure", "closed its long border")),
        (
            "The frontier that divides the two states will be opened next week.",
            ("BorderOpening", "frontier that divides the two states will be opened"),
        ),
        (
            "Diplomatic ties between Ghana and Togo, which date back to 1960, were severed in 1998.",
            ("RelationsSevered", "ties between Ghana and Togo, which date back to 1960, were severed"),
        ),
        ("Peru cut diplomatic ties with Mexico last year.", ("RelationsSevered", "cut diplomatic ties")),
    ],
)
def test_a_dependency_pattern_finds_a_trigger_whatever_stands_between(extractor, text, expected):
    assert expected in triggers(extractor, text)


def test_a_bad_dependency_pattern_is_refused_with_its_line():
    line = '{"label": "BorderOpening", "dependency": true, "pattern": [{"RIGHT_ID": "v"}, {"LEFT_ID": "v"}]}'
    with pytest.raises(ConfigError, match=r"x\.jsonl:1: not a spaCy DependencyMatcher pattern"):
        parse_patterns(line, "x.jsonl")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Lula moved quickly to re-establish relations with Caracas.",
            ("DiplomaticRelationsEstablished", "establish relations"),
        ),
        (
            "Chile and Bolivia resumed full diplomatic relations in 2024.",
            ("DiplomaticRelationsEstablished", "resumed full diplomatic relations"),
        ),
        ("said Ruto in a statement released by his office.", ("Statement", "in a statement released")),
        ("according to a statement by the Kenyan Foreign Ministry.", ("Statement", "statement by")),
    ],
)
def test_relations_restored_and_statements_released_or_by_a_body(extractor, text, expected):
    assert expected in triggers(extractor, text)


def test_a_statement_released_is_not_also_a_generic_release(extractor):
    assert ("Event", "released") not in triggers(extractor, "said Ruto in a statement released by his office.")
