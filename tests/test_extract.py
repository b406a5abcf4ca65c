"""The rule-based extractor on short sentences in the style of diplomatic news."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.articles import Article
from kg.extract.coreference import resolve_events
from kg.extract.model import Extraction
from kg.extract.rules import RuleExtractor


@pytest.fixture(scope="session")
def extractor() -> RuleExtractor:
    """Load the spaCy pipeline and matchers once for the whole session."""
    return RuleExtractor()


def article(text: str, published: dt.date | None = dt.date(2023, 5, 12), identifier: str = "t") -> Article:
    return Article(identifier=identifier, text=text, source=f"{identifier}.txt", published=published)


def keys(extraction: Extraction) -> set[str]:
    return {m.entity for m in extraction.mentions}


def assert_offsets(extraction: Extraction) -> None:
    text = extraction.article.text
    for item in [*extraction.events, *extraction.quotes, *extraction.relations]:
        assert text[item.evidence.start : item.evidence.end] == item.evidence.text
    for mention in extraction.mentions:
        assert text[mention.span.start : mention.span.end] == mention.span.text


def test_every_span_points_at_its_text(extractor):
    x = extractor(
        article(
            "Georgian Prime Minister Irakli Garibashvili met Ilham Aliyev in Baku on Tuesday.\n\n"
            "“We will keep working for peace,” Aliyev said. Tbilisi and Baku signed a transit deal in 2021."
        )
    )
    assert x.events and x.quotes
    assert_offsets(x)


def test_capital_as_government_and_as_place(extractor):
    x = extractor(article("Baku and Yerevan agreed to resume border talks. Pashinyan later arrived in Baku."))
    spans = {(m.span.text, m.span.start): m.entity for m in x.mentions}
    assert spans[("Baku", 0)] == "country/azerbaijan"
    assert spans[("Yerevan", 9)] == "country/armenia"
    later = [key for (text, start), key in spans.items() if text == "Baku" and start > 0]
    assert later == ["place/baku"]


def test_flights_between_cities_are_places(extractor):
    x = extractor(article("Airlines resumed flights between Istanbul and Yerevan after two years."))
    assert {"place/istanbul", "place/yerevan"} <= keys(x)
    assert "country/armenia" not in keys(x)


def test_surname_after_full_name_and_folded_spelling(extractor):
    x = extractor(article("Ambassador Serdar Kilic spoke first. Kilic then met the press."))
    assert [m.entity for m in x.mentions if m.span.text == "Kilic"] == ["person/serdar-kilic"]


def test_title_resolved_through_tenure_on_article_date(extractor):
    text = "Hakan Fidan received his Azerbaijani counterpart. The Turkish foreign minister spoke later."
    x = extractor(article(text, published=dt.date(2024, 8, 27)))
    titles = {m.span.text: m.entity for m in x.mentions}
    assert titles["his Azerbaijani counterpart"] == "person/jeyhun-bayramov"
    assert titles["The Turkish foreign minister"] == "person/hakan-fidan"
    earlier = extractor(article("The Turkish foreign minister spoke.", published=dt.date(2022, 3, 5)))
    assert "person/mevlut-cavusoglu" in keys(earlier)


def test_title_without_article_date_is_not_guessed(extractor):
    x = extractor(article("The Turkish foreign minister spoke.", published=None))
    assert not any(k.startswith("person/") for k in keys(x))


def test_unknown_titled_person_becomes_new_entity(extractor):
    x = extractor(article("Kazakh Foreign Minister Murat Nurtleu welcomed the talks. Nurtleu said more."))
    entity = x.entities["person/murat-nurtleu"]
    assert not entity.in_reference and "Foreign Minister" in entity.role
    assert sum(m.entity == "person/murat-nurtleu" for m in x.mentions) == 2


def test_demonyms_and_pronouns_make_no_entity_of_their_own(extractor):
    x = extractor(article("Turkish officials said they would help. He added that it was urgent."))
    assert set(x.entities) == {"country/turkey"}
    assert all(e.in_reference for e in x.entities.values())


@pytest.mark.parametrize(
    ("sentence", "published", "value"),
    [
        ("Erdogan met Ilham Aliyev on Tuesday.", dt.date(2024, 8, 29), "2024-08-27"),
        ("Erdogan met Ilham Aliyev last month.", dt.date(2024, 3, 10), "2024-02"),
        ("Erdogan met Ilham Aliyev in July.", dt.date(2024, 8, 29), "2024-07"),
        ("Erdogan met Ilham Aliyev last year.", dt.date(2024, 8, 29), "2023"),
        ("Erdogan met Ilham Aliyev in late February.", dt.date(2024, 8, 29), "2024-02"),
        ("Erdogan met Ilham Aliyev last week.", dt.date(2024, 8, 29), "2024-08"),
        ("Erdogan met Ilham Aliyev in the fall of 2020.", None, "2020"),
        ("Erdogan met Ilham Aliyev on Jan. 16, 2021.", None, "2021-01-16"),
        ("Erdogan met Ilham Aliyev in July.", None, None),
        ("Erdogan met Ilham Aliyev on Tuesday.", None, None),
    ],
)
def test_relative_dates_resolve_against_publication(extractor, sentence, published, value):
    x = extractor(article("Markets were calm. " + sentence, published=published))
    meetings = [e for e in x.events if e.kind == "Meeting"]
    assert len(meetings) == 1
    assert (meetings[0].date.value if meetings[0].date else None) == value


def test_planned_and_happened(extractor):
    x = extractor(article("Pashinyan will visit Tbilisi next month. Pashinyan visited Tehran in March."))
    status = {e.place: e.status for e in x.events if e.kind == "Visit"}
    assert status == {"place/tbilisi": "planned", "place/tehran": "happened"}
    planned = next(e for e in x.events if e.status == "planned")
    assert planned.date.value == "2023-06"


@pytest.mark.parametrize(
    "text",
    [
        "“The border must reopen without delay,” Pashinyan said.",
        "Pashinyan said: “The border must reopen without delay.”",
        "“The border must reopen without delay,” said Pashinyan.",
        "Pashinyan spoke in Yerevan. “The border must reopen without delay,” he said.",
    ],
)
def test_quote_attribution_forms(extractor, text):
    x = extractor(article(text))
    assert [q.speaker for q in x.quotes] == ["person/nikol-pashinyan"]
    assert x.quotes[0].text.startswith("The border must reopen without delay")
    assert_offsets(x)


def test_quote_over_two_paragraphs_and_said_at(extractor):
    text = (
        "Aliyev spoke at a joint news conference with Erdogan in Ankara on Monday.\n\n"
        "“We have opened a new page in our region.\n\n"
        "“Peace is now within reach,” Aliyev said at the news conference."
    )
    x = extractor(article(text))
    assert [q.speaker for q in x.quotes] == ["person/ilham-aliyev"] * 2
    assert x.quotes[1].text.startswith("Peace is now within reach")
    said_at = x.quotes[1].said_at
    assert said_at is not None and x.events[said_at].kind == "PressConference"


def test_scare_quotes_are_not_quotes(extractor):
    x = extractor(article("The so-called “peace dividend” never came, analysts noted."))
    assert x.quotes == []


def test_event_roles_and_relations(extractor):
    x = extractor(
        article(
            "Iranian Foreign Minister Abbas Araghchi arrived in Baku on Tuesday upon the invitation of "
            "Jeyhun Bayramov.\n\n"
            "Armenia and Türkiye have had no diplomatic relations since 1993."
        )
    )
    visit = next(e for e in x.events if e.kind == "Visit")
    assert visit.place == "place/baku" and "person/jeyhun-bayramov" in visit.hosts
    assert "person/abbas-araghchi" in visit.participants
    relation = next(r for r in x.relations if r.status == "no-diplomatic-relations")
    assert relation.parties == ("country/armenia", "country/turkey") and relation.since.value == "1993"


def test_named_war_is_one_node(extractor):
    x = extractor(article("Azerbaijan and Armenia fought the 44-day war in 2020."))
    war = next(e for e in x.events if e.kind == "War")
    assert war.key == "second-nagorno-karabakh-war" and war.date.value == "2020"


def test_coreference_merges_same_event_and_completes_date(extractor):
    dated = extractor(article("Erdogan met Ilham Aliyev in Ankara on Tuesday.", dt.date(2024, 8, 29), "a"))
    undated = extractor(
        article("Erdogan met Ilham Aliyev in Ankara on Tuesday. In July, Erdogan met Putin in Sochi.", None, "b")
    )
    other = extractor(article("Erdogan met Ilham Aliyev in Ankara on Friday.", dt.date(2024, 8, 29), "c"))
    resolve_events([dated, undated, other])
    first, second, third = dated.events[0], undated.events[0], other.events[0]
    assert first.key == second.key == "2024-08-27-meeting-ankara-aliyev-erdogan"
    assert second.date.value == "2024-08-27"
    assert third.key != first.key
    july = undated.events[1]
    assert july.date is not None and july.date.value == "2024-07"


def test_coreference_keeps_different_events_apart(extractor):
    a = extractor(article("Erdogan met Ilham Aliyev in Ankara in 2021.", None, "a"))
    b = extractor(article("Erdogan met Ilham Aliyev in Ankara in 2022.", None, "b"))
    c = extractor(article("Erdogan met Pashinyan in Ankara in 2021.", None, "c"))
    resolve_events([a, b, c])
    assert len({a.events[0].key, b.events[0].key, c.events[0].key}) == 3


def test_plural_title_subject_resolves_to_office_holders_the_article_names(extractor):
    text = (
        "Foreign ministers of Armenia and Russia held talks in Moscow on trade.\n\n"
        "Ararat Mirzoyan later thanked Sergey Lavrov for the hospitality."
    )
    x = extractor(article(text, published=None))
    talks = next(e for e in x.events if e.kind in ("Talks", "Meeting"))
    assert set(talks.participants) == {"person/ararat-mirzoyan", "person/sergey-lavrov"}


def test_group_word_subject_takes_antecedents_not_the_topics_named_after_the_verb(extractor):
    text = (
        "Ararat Mirzoyan received Sergey Lavrov on Monday. "
        "The two ministers held talks on the sticking issues between Baku and Yerevan."
    )
    x = extractor(article(text, published=dt.date(2023, 5, 12)))
    talks = next(e for e in x.events if e.kind in ("Talks", "Meeting"))
    assert set(talks.participants) == {"person/ararat-mirzoyan", "person/sergey-lavrov"}


def test_words_said_in_a_reported_call_make_no_statement_of_their_own(extractor):
    text = "Vladimir Putin and Ilham Aliyev reaffirmed their commitment to cooperation in a phone call on Friday."
    x = extractor(article(text))
    assert [e.kind for e in x.events] == ["PhoneCall"]


def test_trigger_events_fold_into_the_named_war_of_their_sentence(extractor):
    text = "Armenia lost most of the region when it was seized by Azerbaijan during the 2020 Karabakh war."
    x = extractor(article(text))
    armed = [e for e in x.events if e.kind in ("War", "MilitaryOperation")]
    assert [e.key for e in armed] == ["second-nagorno-karabakh-war"]
    assert "event/second-nagorno-karabakh-war" in keys(x)


def test_time_of_another_clause_does_not_date_an_armed_event(extractor):
    x = extractor(article("Both sides closed the border in 1995 after the rebels took control of the pass."))
    seized = [e for e in x.events if e.kind == "MilitaryOperation"]
    assert all(e.date is None for e in seized)


def test_statement_future_content_is_not_a_planned_event(extractor):
    x = extractor(article("Addressing the Milli Majlis on March 3, 2021, Aliyev said peace will benefit the region."))
    statement = next(e for e in x.events if e.kind == "Statement")
    assert statement.status == "happened"
    assert statement.date.value == "2021-03-03"
    assert "organization/national-assembly-of-azerbaijan" in statement.participants


def test_scare_quoted_operation_is_still_reported(extractor):
    x = extractor(article("Russia launched a “special military operation” in Ukraine in February 2022."))
    assert any(e.kind in ("MilitaryOperation", "War") for e in x.events)


def test_during_this_period_takes_the_year_of_the_sentence_before(extractor):
    text = "Georgia declared independence on April 9, 1991. During this period, Russian troops seized the port."
    x = extractor(article(text, published=None))
    seized = next(e for e in x.events if e.kind == "MilitaryOperation")
    assert seized.date.value == "1991"


def test_people_stand_for_their_states_across_reports(extractor):
    dated = extractor(
        article("Ararat Mirzoyan and Sergey Lavrov met in Moscow on Monday.", dt.date(2023, 5, 8), identifier="a")
    )
    undated = extractor(article("Armenia and Russia met in Moscow on Monday for talks.", None, identifier="b"))
    resolve_events([dated, undated])
    assert dated.events[0].key == undated.events[0].key


def test_undated_article_window_from_a_pinned_weekday_resolves_its_other_dates(extractor):
    dated = extractor(
        article("Ararat Mirzoyan and Sergey Lavrov held talks in Moscow.", dt.date(2023, 5, 8), identifier="a")
    )
    undated = extractor(
        article(
            "Ararat Mirzoyan and Sergey Lavrov held talks in Moscow on Monday.\n\n"
            "The two ministers last met in Minsk in March.",
            None,
            identifier="b",
        )
    )
    resolve_events([dated, undated])
    minsk = next(e for e in undated.events if e.place == "place/minsk")
    assert minsk.date.value == "2023-03"


def test_reference_dated_appointment_and_a_past_named_month_pin_an_undated_article_to_its_month(extractor):
    # "Last December" of a December-2021 appointment: 2022; the first meeting "last month" precedes the
    # second "in late February", and a named past month is over: the article is of March 2022.
    text = (
        "Mevlut Cavusoglu said Saturday that talks go on.\n\n"
        "Last December, Serdar Kilic was named Turkey's special envoy for Armenia.\n\n"
        "The first meeting of envoys from Turkey and Armenia was held in Moscow last month. "
        "The second meeting between Turkey and Armenia was held in Vienna in late February."
    )
    x = extractor(article(text, None, identifier="c"))
    resolve_events([x])
    dates = {e.place: e.date.value for e in x.events if e.date and e.place}
    assert dates["place/vienna"] == "2022-02"
    assert dates["place/moscow"] == "2022-02"
    said = next(e for e in x.events if e.kind == "Statement")
    assert said.date.value == "2022-03"


def test_a_window_of_several_months_leaves_a_weekday_at_the_year(extractor):
    text = (
        "Mevlut Cavusoglu said Saturday that talks go on.\n\n"
        "Last December, Serdar Kilic was named Turkey's special envoy for Armenia."
    )
    x = extractor(article(text, None, identifier="d"))
    resolve_events([x])
    said = next(e for e in x.events if e.kind == "Statement")
    assert said.date.value == "2022"


def test_the_latter_declaring_independence_is_the_second_of_the_pair(extractor):
    x = extractor(article("Russia and Ukraine have been at odds since the latter declared independence in 1991."))
    declared = next(e for e in x.events if "independence" in (e.wording or ""))
    assert declared.participants == ["country/ukraine"]
    assert declared.date.value == "1991"


def test_a_summit_is_of_the_organisation_it_is_named_for_not_of_the_talks_beside_it(extractor):
    x = extractor(
        article(
            "In July, Antony Blinken brought Armenia and Azerbaijan together for talks on the sidelines of a "
            "NATO summit in Washington.",
            dt.date(2024, 8, 27),
        )
    )
    summit = next(e for e in x.events if e.kind == "Summit")
    assert summit.participants == ["organization/nato"]
    assert summit.date.value == "2024-07"


def test_he_at_a_news_conference_is_the_person_named_before(extractor):
    x = extractor(
        article(
            "Mevlut Cavusoglu said on Saturday that ties are good.\n\n"
            '"Our goal is peace in the region," he said speaking at a joint news conference with Jeyhun Bayramov.',
            dt.date(2022, 3, 5),
        )
    )
    conference = next(e for e in x.events if e.kind == "PressConference")
    assert conference.participants[:1] == ["person/mevlut-cavusoglu"]
    assert "person/jeyhun-bayramov" in conference.participants


def test_independence_from_a_state_the_reference_dates_is_dated_by_its_end(extractor):
    x = extractor(
        article(
            "Turkey and Azerbaijan kept close ties since the latter declared independence from the "
            "Soviet Union in the 1990s."
        )
    )
    declared = next(e for e in x.events if "independence" in (e.wording or ""))
    assert declared.participants == ["country/azerbaijan"]
    assert declared.date.value == "1991"


def test_a_year_owned_by_another_trigger_does_not_date_a_declaration(extractor):
    x = extractor(
        article(
            "Their diplomatic relations were officially established in 1992, following Azerbaijan's "
            "declaration of independence from the Soviet Union."
        )
    )
    declared = next(e for e in x.events if "independence" in (e.wording or ""))
    assert declared.date.value == "1991"
    assert "country/soviet-union" not in declared.participants


def test_marking_an_anniversary_is_dated_by_the_count_not_by_the_year_it_counts_from(extractor):
    x = extractor(
        article(
            "Georgia and Ukraine are marking the 33rd anniversary of their diplomatic relations, which were "
            "officially established in 1992.",
            None,
        )
    )
    marking = next(e for e in x.events if "anniversary" in (e.wording or ""))
    assert marking.date.value == "2025"
    assert set(marking.participants) == {"country/georgia", "country/ukraine"}


def test_an_outlet_with_a_dotted_name_neither_ends_the_sentence_nor_takes_part(extractor):
    x = extractor(
        article(
            "On the same day in 1992, the Turkish consulate in Baku was elevated to an embassy, officially "
            "launching bilateral diplomatic ties, Caliber.Az reports."
        )
    )
    assert x.events
    assert all("organization/caliber-az" not in e.participants for e in x.events)


def test_what_a_dated_happening_led_to_takes_its_year(extractor):
    x = extractor(
        article(
            "Baku's 2023 victory over Nagorno-Karabakh changed the region. Azerbaijan recaptured the enclave in a "
            "one-day offensive that led to the exodus of its Armenian population."
        )
    )
    exodus = next(e for e in x.events if e.wording == "exodus")
    assert exodus.date.value == "2023"


def test_a_person_named_beside_the_appointee_is_an_appointment_of_his_own_dated_by_his_tenure(extractor):
    x = extractor(
        article(
            "Last December, Serdar Kilic was named Turkey's special envoy, with Ruben Rubinyan named as his "
            "counterpart days later.",
            dt.date(2022, 3, 5),
        )
    )
    appointed = {tuple(e.participants): e.date.value for e in x.events if e.kind == "Appointment"}
    assert appointed == {
        ("person/serdar-kilic", "country/turkey"): "2021-12",
        ("person/ruben-rubinyan", "country/armenia"): "2021-12",
    }


def test_a_named_happening_keeps_its_reference_name_and_no_place_from_elsewhere_in_the_sentence(extractor):
    x = extractor(
        article(
            "The Ankara talks come on the heels of Vladimir Putin's visit to Baku, his first since the Russian "
            "invasion of Ukraine in 2022.",
            dt.date(2024, 8, 27),
        )
    )
    resolve_events([x])
    invasion = next(e for e in x.events if e.key == "russian-invasion-of-ukraine")
    assert invasion.label is None
    assert invasion.place is None


def test_a_described_agreement_is_the_reference_one_signed_that_year_by_states_the_article_names(extractor):
    x = extractor(
        article(
            "Turkey and Armenia have no diplomatic ties. The talks were the first attempt to restore links since "
            "a 2009 peace accord that was never ratified."
        )
    )
    signing = next(e for e in x.events if e.kind == "AgreementSigning")
    assert signing.topics == ["agreement/zurich-protocols"]
    assert set(signing.participants) == {"country/armenia", "country/turkey"}
    assert signing.date.value == "2009"
    mention = next(m for m in x.mentions if m.entity == "agreement/zurich-protocols")
    assert mention.span.text == "a 2009 peace accord"


def test_an_agreement_description_of_another_year_or_other_states_links_nothing(extractor):
    x = extractor(
        article("Georgia and Ukraine have close ties. The talks were the first since a 2009 peace accord was signed.")
    )
    assert all(not e.topics for e in x.events)
    assert all(not m.entity.startswith("agreement/") for m in x.mentions)


def test_a_signing_of_a_named_agreement_has_its_reference_parties(extractor):
    x = extractor(
        article("The war ended after a Russian-brokered ceasefire was signed in November 2020 by the leaders.")
    )
    signing = next(e for e in x.events if e.kind == "AgreementSigning")
    assert signing.topics == ["agreement/2020-nagorno-karabakh-ceasefire-agreement"]
    assert {"country/armenia", "country/azerbaijan", "country/russia"} <= set(signing.participants)


def test_an_anniversary_of_a_happening_the_reference_dates_to_the_day_falls_on_that_day(extractor):
    x = extractor(
        article(
            "Turkey and Azerbaijan are marking the 33rd anniversary of their diplomatic relations, which were "
            "officially established in 1992.",
            None,
        )
    )
    established = next(e for e in x.events if e.kind == "DiplomaticRelationsEstablished")
    assert established.key == "azerbaijan-turkey-diplomatic-relations-established"
    assert established.date.value == "1992"
    marking = next(e for e in x.events if "anniversary" in (e.wording or ""))
    assert marking.date.value == "2025-01-14"


def test_a_quotation_opening_with_its_verb_is_said_by_the_group_before_it(extractor):
    x = extractor(
        article(
            "Serdar Kilic and Ruben Rubinyan are the envoys. The second meeting between Turkey and Armenia's special "
            'envoys was held in Vienna. The envoys have "confirmed that the ultimate goal of the negotiations is '
            'to achieve full normalization" between the two countries.',
            None,
        )
    )
    quote = next(q for q in x.quotes if q.text.startswith("confirmed"))
    assert {quote.speaker, *quote.co_speakers} == {"person/serdar-kilic", "person/ruben-rubinyan"}
    vienna = next(e for e in x.events if e.place == "place/vienna")
    assert {"person/serdar-kilic", "person/ruben-rubinyan"} <= set(vienna.participants)


def test_a_short_quotation_hailed_by_both_is_theirs(extractor):
    x = extractor(
        article(
            "The first meeting of envoys from Turkey and Armenia was held last month. The countries attended what "
            'both hailed as "positive and constructive" talks in Moscow.'
        )
    )
    quote = next(q for q in x.quotes if q.text == "positive and constructive")
    assert {quote.speaker, *quote.co_speakers} == {"country/turkey", "country/armenia"}


def test_an_articles_first_and_second_meetings_are_two_events(extractor):
    x = extractor(
        article(
            "The second meeting between Turkey and Armenia was held in Vienna. They confirmed the goal agreed on "
            "during their first meeting in Moscow."
        )
    )
    places = sorted(e.place for e in x.events if e.kind in ("Meeting", "Talks"))
    assert places == ["place/moscow", "place/vienna"]


def test_speakers_coordinated_before_a_verb_are_all_parties_however_long_their_titles(extractor):
    x = extractor(
        article(
            "Foreign Minister Hakan Fidan and his Azerbaijani counterpart Jeyhun Bayramov reiterated their "
            "dedication to permanent peace and stability in the South Caucasus region."
        )
    )
    said = next(e for e in x.events if e.kind == "Statement")
    assert said.participants == ["person/hakan-fidan", "person/jeyhun-bayramov"]
    assert said.place is None  # the region is what they spoke of, not where


def test_a_dateline_is_where_the_story_was_filed_not_where_it_happened(extractor):
    x = extractor(
        article(
            "ISTANBUL — Turkey and its regional ally Azerbaijan on Tuesday reaffirmed their commitment to peace.",
            dt.date(2024, 8, 27),
        )
    )
    said = next(e for e in x.events if e.kind == "Statement")
    assert said.participants == ["country/turkey", "country/azerbaijan"]
    assert said.place is None


def test_the_border_an_article_reports_closed_is_one_place_named_as_the_article_writes_its_states(extractor):
    x = extractor(
        article(
            "As for Türkiye and Armenia, ties were cut. They shut down borders in 1993 after Armenia took "
            "control of Karabakh. The border was briefly opened in February 2023 to deliver aid."
        )
    )
    border = x.entities["place/armenia-turkey-border"]
    assert (border.kind, border.label, border.in_reference) == ("Place", "Armenia–Turkey border", False)
    assert "Armenia–Türkiye border" in border.alt_labels
    assert {m.span.text for m in x.mentions if m.entity == border.key} == {"borders", "The border"}
    closing = next(e for e in x.events if e.kind == "BorderClosure")
    assert closing.place == border.key and closing.participants == ["country/armenia", "country/turkey"]
    took = next(e for e in x.events if e.kind == "MilitaryOperation")
    assert took.participants == ["country/armenia"]  # "they" shut the border; Armenia alone took Karabakh


def test_no_border_is_linked_where_none_is_reported_closed_or_opened(extractor):
    x = extractor(article("Turkish and Armenian officials met on the border for talks."))
    assert not any(k.endswith("-border") for k in x.entities)


def test_a_happening_described_by_its_event_noun_and_state_is_linked(extractor):
    x = extractor(
        article(
            "Armenia accuses Türkiye of “genocide” of hundreds of thousands of Armenians. The border was opened "
            "in February 2023 to deliver aid after the devastating earthquakes in Türkiye’s southeast."
        )
    )
    linked = {m.entity: m.span.text for m in x.mentions if m.entity.startswith("event/")}
    assert linked["event/armenian-genocide"] == "genocide"
    assert linked["event/2023-turkeysyria-earthquakes"] == "earthquakes"


def test_a_description_fitting_two_happenings_or_introducing_one_links_nothing(extractor):
    x = extractor(
        article(
            "Following the war over Karabakh, Armenia and Azerbaijan talked. Armenia engaged in a conflict with "
            "Azerbaijan. Airlines restarted charter flights between Turkey and Armenia."
        )
    )
    assert not [m for m in x.mentions if m.entity.startswith("event/") and m.span.text.lower() in ("war", "conflict")]
    assert "event/flight-of-nagorno-karabakh-armenians" not in {m.entity for m in x.mentions}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "Hakan Fidan and Jeyhun Bayramov held talks in Ankara on Tuesday.",
            "Talks of Hakan Fidan and Jeyhun Bayramov in Ankara (2023-05-09)",
        ),
        ("Turkey and Armenia signed a peace accord in 2009.", "Signing of the Zurich Protocols (2009)"),
        ("Russia hosted the inaugural meeting of the regional platform.", "Meeting hosted by Russia"),
        ("In 1991, Armenia declared independence.", "Declared independence: Armenia (1991)"),
    ],
)
def test_events_are_titled_for_a_reader(extractor, text, label):
    x = extractor(article(text))
    assert x.events[0].label == label


@pytest.mark.parametrize(
    ("text", "parties", "status"),
    [
        (
            "There is full coordination between Turkey and Azerbaijan amid the process for normalization of "
            "bilateral ties with Armenia.",
            ("country/armenia", "country/turkey"),
            "normalization-process",
        ),
        (
            "Blinken said Armenia and Azerbaijan were close to peace as he brought the arch-foes' ministers "
            "together in the United States.",
            ("country/armenia", "country/azerbaijan"),
            "hostile",
        ),
        (
            "The war ended after a Russian-brokered agreement between Armenia and Azerbaijan that opened the door "
            "to normalization.",
            ("country/armenia", "country/azerbaijan"),
            "normalization-process",
        ),
    ],
)
def test_relation_parties_are_the_states_the_cue_names(extractor, text, parties, status):
    x = extractor(article(text))
    assert (parties, status) in {(r.parties, r.status) for r in x.relations}


def test_a_hoped_for_relation_is_not_stated_and_states_of_the_past_are_no_parties(extractor):
    x = extractor(
        article(
            "Armenia accuses Turkey of genocide during the last years of the Ottoman Empire. The two countries "
            "have had no diplomatic ties since the 1990s. Talks raised hopes that diplomatic relations can be "
            "established."
        )
    )
    statuses = {(r.parties, r.status) for r in x.relations}
    assert (("country/armenia", "country/turkey"), "no-diplomatic-relations") in statuses
    assert all("country/ottoman-empire" not in r.parties for r in x.relations)
    assert all(r.status != "diplomatic-relations" for r in x.relations)


def test_an_alliance_an_agreement_upgraded_relations_to_holds_since_its_year(extractor):
    x = extractor(
        article(
            "The Shusha Declaration, signed in 2021 by Recep Tayyip Erdoğan and Ilham Aliyev, upgraded the "
            "relationship between Turkey and Azerbaijan to the level of alliance."
        )
    )
    alliance = next(r for r in x.relations if r.status == "alliance")
    assert alliance.since.value == "2021"


def test_relations_cut_off_are_between_the_states_of_the_story_not_of_a_subordinate_clause(extractor):
    x = extractor(
        article(
            "As for Türkiye and Armenia, the two countries had little ties in the past. Relations were entirely "
            "cut off in the aftermath of the dissolution of the Soviet Union as Armenia engaged in a conflict "
            "with Azerbaijan and occupied the territory of Karabakh."
        )
    )
    severed = next(e for e in x.events if e.kind == "RelationsSevered")
    assert set(severed.participants) == {"country/turkey", "country/armenia"}
    assert severed.place is None
    assert (("country/armenia", "country/turkey"), "severed") in {(r.parties, r.status) for r in x.relations}
    assert all(r.parties != ("country/armenia", "country/azerbaijan") or r.status != "severed" for r in x.relations)


def test_what_a_ministry_says_will_happen_is_planned_but_its_saying_is_not(extractor):
    x = extractor(
        article(
            "Azerbaijan and Türkiye will hold joint military exercises in Nakhchivan next month, the Azerbaijani "
            "Defence Ministry said on Friday.",
            dt.date(2023, 2, 10),
        )
    )
    drills = next(e for e in x.events if e.kind == "MilitaryExercise")
    said = next(e for e in x.events if e.kind == "Statement")
    assert (drills.status, drills.date.value) == ("planned", "2023-03")
    assert (said.status, said.date.value) == ("happened", "2023-02-10")


def test_an_expected_visit_is_planned_and_unnamed_officials_make_no_statement(extractor):
    x = extractor(
        article(
            "Georgian Prime Minister Irakli Garibashvili is expected to visit Baku in March. Azerbaijan invested "
            "$2 billion in Georgia "
            "last year, officials said.",
            dt.date(2023, 2, 10),
        )
    )
    visit = next(e for e in x.events if e.kind == "Visit")
    assert (visit.status, visit.date.value, visit.place) == ("planned", "2023-03", "place/baku")
    assert not [e for e in x.events if e.kind == "Statement"]


def test_a_new_persons_role_stays_within_its_sentence(extractor):
    x = extractor(article("The ministry spoke on Friday.\n\nGeorgian Prime Minister Irakli Kobakhidze arrived."))
    person = next(e for e in x.entities.values() if e.label == "Irakli Kobakhidze")
    assert person.role == "Georgian Prime Minister"


def test_he_after_a_quote_naming_others_is_the_speaker_not_the_people_named(extractor):
    x = extractor(
        article(
            "Kenya's Foreign Secretary Korir Sing'Oei said the talks were useful.\n\n"
            "“There will be a meeting between President Ruto and President Museveni tomorrow,” "
            "he said at a news conference."
        )
    )
    [briefing] = [e for e in x.events if e.kind == "PressConference"]
    assert "person/yoweri-museveni" not in briefing.participants
    assert any(k.startswith("person/korir") for k in briefing.participants)


@pytest.mark.parametrize(
    "sentence",
    [
        "Chile and Peru issued a joint statement on Monday.",
        "The Kenyan foreign ministry released a statement on the talks.",
        "Brazil's president commented on the agreement signed by Chile and Peru.",
    ],
)
def test_issuing_a_statement_or_commenting_is_a_statement(extractor, sentence):
    x = extractor(article(sentence))
    assert any(e.kind == "Statement" for e in x.events)


def test_leaving_for_a_capital_goes_to_the_city_not_its_government(extractor):
    x = extractor(article("“I am proud to leave for Washington next week,” the Kenyan president said."))
    assert "place/washington-dc" in keys(x) or any(k.startswith("place/washington") for k in keys(x))


def test_a_separate_meeting_is_not_the_one_told_before(extractor):
    x = extractor(
        article(
            "Foreign Minister Amara Kone met his Ghanaian counterpart in Accra on Friday. "
            "Kone separately met with the Nigerian foreign minister."
        )
    )
    assert len([e for e in x.events if e.kind in ("Meeting", "Talks", "Event")]) >= 2


def test_a_full_stop_that_lost_its_space_still_ends_the_sentence(extractor):
    doc = extractor.nlp("Leaders gathered for the Summit.In addition, the ministers met. Read more at Report.az today.")
    assert [s.text for s in doc.sents][:2] == ["Leaders gathered for the Summit.", "In addition, the ministers met."]
    assert "Report.az" in [t.text for t in doc]


def test_a_date_modifying_another_noun_does_not_date_the_trigger(extractor):
    x = extractor(
        article(
            "Chile and Peru are scheduled to sign the Aug. 13 fisheries agreement in Lima on Sept. 15.",
            published=dt.date(2020, 9, 9),
        )
    )
    [signing] = [e for e in x.events if e.kind == "AgreementSigning"]
    assert signing.date.value == "2020-09-15"
