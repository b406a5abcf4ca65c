"""The table of event kinds: it is the ontology's event classes, every kind has patterns, and merging reads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import RDFS, Graph

from kg.articles import Article
from kg.extract.coreference import resolve_events
from kg.extract.kinds import KINDS, kind_of
from kg.extract.model import Event, Extraction, Span, TimeValue
from kg.extract.triggers import HAPPENING, load_patterns
from kg.ids import DIP

ONTOLOGY_FILE = Path(__file__).resolve().parent.parent / "ontology" / "diplomacy.ttl"


def ontology_event_classes() -> set[str]:
    graph = Graph().parse(ONTOLOGY_FILE)
    subclasses = {str(c) for c in graph.subjects(RDFS.subClassOf, DIP.Event) if str(c).startswith(str(DIP))}
    return {name[len(str(DIP)) :] for name in subclasses} | {"Event"}


def test_the_kinds_are_exactly_the_ontologys_event_classes():
    assert set(KINDS) == ontology_event_classes()


def test_every_kind_is_named_as_its_class():
    assert all(name == kind.name for name, kind in KINDS.items())


def test_every_kind_has_trigger_patterns():
    labelled = {row["label"] for row in load_patterns()}
    assert set(KINDS) - labelled == set()


def test_every_pattern_label_is_a_kind_or_a_verb_of_happening():
    assert {row["label"] for row in load_patterns()} <= {*KINDS, HAPPENING}


def test_every_merge_class_is_a_kind_that_merges_as_itself():
    for kind in KINDS.values():
        assert kind_of(kind.merge_class).merge_class == kind.merge_class, kind.name


def test_talks_merge_as_meetings():
    assert kind_of("Talks").merge_class == "Meeting"
    assert kind_of("Meeting").merge_class == "Meeting"


# Reports built by hand: coreference decides from the table alone, with no parse involved.


def extraction(identifier: str, *events: Event) -> Extraction:
    article = Article(identifier=identifier, text="x", source=f"{identifier}.txt", published=dt.date(2025, 3, 4))
    return Extraction(article=article, events=list(events))


def report(kind: str, participants: list[str], date: str | None = None, place: str | None = None) -> Event:
    time = TimeValue(date, "day" if len(date) == 10 else "year") if date else None
    return Event(kind=kind, evidence=Span(0, 1, "x"), participants=participants, date=time, place=place)


PAIR = ["country/chile", "country/peru"]


@pytest.mark.parametrize("kind", [k.name for k in KINDS.values() if k.once_per_pair])
def test_undated_reports_of_a_once_per_pair_kind_between_the_same_states_are_one_event(kind):
    a, b = extraction("a", report(kind, PAIR)), extraction("b", report(kind, PAIR))
    resolve_events([a, b])
    assert a.events[0].key == b.events[0].key


@pytest.mark.parametrize("kind", [k.name for k in KINDS.values() if not k.once_per_pair])
def test_undated_reports_of_a_repeatable_kind_stay_apart(kind):
    a, b = extraction("a", report(kind, PAIR)), extraction("b", report(kind, PAIR))
    resolve_events([a, b])
    assert a.events[0].key != b.events[0].key


def test_a_dated_report_of_a_once_per_pair_kind_takes_in_an_undated_one():
    dated = extraction("a", report("RelationsSevered", PAIR, "2024-06-02"))
    undated = extraction("b", report("RelationsSevered", PAIR))
    resolve_events([dated, undated])
    assert undated.events[0].key == dated.events[0].key
    assert undated.events[0].date == dated.events[0].date


def test_talks_and_a_meeting_of_the_same_day_are_one_meeting_node():
    talks = extraction("a", report("Talks", PAIR, "2025-03-03", "place/lima"))
    meeting = extraction("b", report("Meeting", PAIR, "2025-03-03", "place/lima"))
    resolve_events([talks, meeting])
    assert talks.events[0].key == meeting.events[0].key
    assert "meeting" in talks.events[0].key


def test_kinds_of_different_merge_classes_never_merge():
    visit = extraction("a", report("Visit", PAIR, "2025-03-03"))
    call = extraction("b", report("PhoneCall", PAIR, "2025-03-03"))
    resolve_events([visit, call])
    assert visit.events[0].key != call.events[0].key
