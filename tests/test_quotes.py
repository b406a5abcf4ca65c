"""Quotations and their speakers, one form of news writing per row, on sentences written for these tests."""

from __future__ import annotations

import re

import pytest

from kg import config
from kg.extract.entities import Found
from kg.extract.model import Event, Span
from kg.extract.pipeline import load_pipeline
from kg.extract.quotes import find_quotes, quote_regions, speech_patterns

MARSH, BERG, QUILL = "person/elena-marsh", "person/tomas-berg", "person/peter-quill"
NORLAND, VESMARK, MINISTRY = "country/norland", "country/vesmark", "organization/norland-foreign-ministry"

#: Names the tests' mentions are made of (longest first): what a resolver would hand the quote finder.
NAMES = {
    "the Norland Foreign Ministry": (MINISTRY, "Organization"),
    "Norland Foreign Ministry": (MINISTRY, "Organization"),
    "Elena Marsh": (MARSH, "Person"),
    "Tomas Berg": (BERG, "Person"),
    "Peter Quill": (QUILL, "Person"),
    "Marsh": (MARSH, "Person"),
    "Berg": (BERG, "Person"),
    "Norland": (NORLAND, "Country"),
    "Vesmark": (VESMARK, "Country"),
}
PLEDGE = "We will sign the treaty next week"


@pytest.fixture(scope="module")
def nlp():
    """Load the trained pipeline once for the module."""
    return load_pipeline(config.load()["SPACY_MODEL"])


def mentions(text: str) -> list[Found]:
    found, taken = [], set()
    for name, (key, kind) in NAMES.items():
        for match in re.finditer(rf"\b{re.escape(name)}\b", text):
            if not taken & set(range(*match.span())):
                found.append(Found(match.start(), match.end(), key, kind, "name"))
                taken |= set(range(*match.span()))
    return sorted(found, key=lambda m: m.start)


def quotes_of(nlp, text: str, events: list[Event] | None = None):
    doc = nlp(text)
    quotes = find_quotes(doc, mentions(text), events or [])
    for quote in quotes:
        assert text[quote.evidence.start : quote.evidence.end] == quote.evidence.text
        assert quote.text in text
    return quotes


@pytest.mark.parametrize(
    "text",
    [
        f'"{PLEDGE}," Marsh said.',
        f"“{PLEDGE},” said Marsh.",
        f'"{PLEDGE},” Marsh said.',
        f"“{PLEDGE}," + '" Marsh said.',
        f"“{PLEDGE},“ Marsh said.",
        f"”{PLEDGE},” Marsh said.",
        f"Marsh said: «{PLEDGE}.»",
        f"Marsh said: « {PLEDGE}. »",
        f"»{PLEDGE}«, Marsh said.",
        f"Marsh said: ‹{PLEDGE}.›",
        f"Marsh said: „{PLEDGE}.“",
        f"Marsh said: ‘{PLEDGE}.’",
        f"Marsh said: „{PLEDGE}.”",
        f'Marsh said, "{PLEDGE}."',
        f'Elena Marsh said: "{PLEDGE}."',
        f'"{PLEDGE}," Marsh told reporters in the capital on Monday.',
        f'"{PLEDGE}," Marsh tweeted.',
        f'"{PLEDGE}," Marsh went on to say.',
    ],
    ids=[
        "straight",
        "curly-inverted",
        "straight-open-curly-close",
        "curly-open-straight-close",
        "curly-opening-mark-as-closing",
        "curly-closing-mark-as-opening",
        "angle",
        "angle-spaced",
        "angle-reversed",
        "single-angle",
        "low-nine-high-six",
        "single-curly",
        "low-nine-high-nine",
        "verb-before-comma",
        "verb-before-colon",
        "told-reporters",
        "tweeted",
        "went-on-to-say",
    ],
)
def test_every_mark_and_verb_place_gives_the_speaker(nlp, text):
    quotes = quotes_of(nlp, text)
    assert [(q.speaker, q.text.rstrip(".")) for q in quotes] == [(MARSH, PLEDGE)]


@pytest.mark.parametrize(
    ("text", "speaker", "words"),
    [
        ('Marsh said the deal was "a historic step".', MARSH, "a historic step"),
        ('Berg called the talks "frank and useful".', BERG, "frank and useful"),
        ('Berg, who called the plan "a dead end", left early.', BERG, "a dead end"),
        ('The region, Marsh said, faces "new realities".', MARSH, "new realities"),
        ('Marsh said he hopes to keep "working for a lasting settlement on the border".', MARSH, "working for"),
        ('The slogan "peace through open borders and trade" was coined by Marsh.', MARSH, "peace through"),
        ('According to Berg, "the border will reopen before the summer."', BERG, "the border will reopen"),
        ('Berg was quoted as saying "the border will open soon".', BERG, "the border will open soon"),
        ('The agency quoted Berg as saying "the border will open soon".', BERG, "the border will open soon"),
        ('"We will not give up," Tomas Berg, Vesmark\'s foreign minister, said.', BERG, "We will not give up"),
        ('Vesmark\'s foreign minister, Tomas Berg, said: "We will not give up."', BERG, "We will not give up"),
        ('"The talks were useful," the Norland Foreign Ministry said in a statement.', MINISTRY, "The talks were"),
        (
            'The Norland Foreign Ministry issued a note on Monday. "The talks were useful," the ministry said.',
            MINISTRY,
            "The talks were",
        ),
        ('Norland issued a statement. "The talks were useful and frank," the statement said.', NORLAND, "The talks"),
        ('"The talks were useful and frank," it said in a statement.', None, "The talks"),
        ('Marsh: "The border will open in the spring"\n\nMarsh spoke in Oslo.', MARSH, "The border will"),
        ('"The talks were useful and frank," Norland\'s foreign ministry said.', None, "The talks"),
        ('"The talks were useful and frank," the Vesmark Trade Council said.', None, "The talks"),
        (
            'Vesmark issued a statement. Jorge Alvarado\'s message reads:\n\n"We welcome the agreement signed today."',
            None,
            "We welcome",
        ),
        (
            'Vesmark acted after a statement by the Council of Norland. "The talks were useful and frank," it said.',
            None,
            "The talks",
        ),
    ],
    ids=[
        "partial-quote-in-reported-speech",
        "naming-verb",
        "relative-clause-subject",
        "parenthetical-said",
        "he-in-reported-speech-before-quote",
        "passive-agent",
        "according-to",
        "quoted-as-saying",
        "agency-quoted-someone-as-saying",
        "apposition-after-name",
        "apposition-before-name",
        "ministry",
        "the-ministry-named-before",
        "the-statement-by-its-issuer",
        "it-with-nobody-before",
        "headline-name-and-colon",
        "a-state-owning-the-speaker-is-not-the-speaker",
        "a-state-naming-the-speaker-is-not-the-speaker",
        "a-statement-of-someone-nobody-knows",
        "it-after-a-statement-of-someone-nobody-knows",
    ],
)
def test_speaker_from_the_frame(nlp, text, speaker, words):
    quotes = quotes_of(nlp, text)
    if speaker is None:
        assert quotes == []
    else:
        assert [q.speaker for q in quotes] == [speaker]
        assert quotes[0].text.startswith(words)


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        (
            'Marsh met Berg in Geneva. "We agreed on a great deal today," Marsh said. Berg flew home on Tuesday. '
            '"The visit was useful for both sides," he said.',
            [{MARSH}, {BERG}],
        ),
        (
            'Berg wrote that Marsh would visit Vesmark in May. "The visit will be a milestone for us," he wrote.',
            [{BERG}],
        ),
        (
            "Marsh met Berg on Monday. Norland's trade envoy Jorge Alvarado said the talks went well. "
            '"We are close to a deal on tariffs," he said.',
            [],
        ),
        ('Marsh and Berg met in Geneva. The two ministers said the meeting was "open and honest".', [{MARSH, BERG}]),
        ('Marsh met Berg on Monday. Both ministers said the talks had been "frank and useful".', [{MARSH, BERG}]),
        ('Marsh and Berg said: "The border will open for trade in the spring."', [{MARSH, BERG}]),
        ('"We are ready," Berg said, "but the other side must move too."', [{BERG}, {BERG}]),
        ('"The door stays open," Berg said of the talks, adding: "We want a settlement."', [{BERG}, {BERG}]),
        ('"We are ready for talks," Berg said. "We have always been ready for them."', [{BERG}, {BERG}]),
        ('Berg said the talks were over. "We have always been ready for them, but not now."', [{BERG}]),
        ('"The talks went well," Berg said on Friday.\n\n"We agreed to meet again in the spring."', [{BERG}, {BERG}]),
        (
            "The statement of the Norland Foreign Ministry reads:\n\n“Norland welcomes the agreement signed today.”",
            [{MINISTRY}],
        ),
    ],
    ids=[
        "he-is-the-last-subject-person-not-the-last-speaker",
        "he-is-not-a-subject-inside-reported-speech",
        "he-after-a-person-nobody-knows-is-nobody",
        "group-word-for-people-named-together",
        "group-word-for-people-who-met",
        "coordinated-subjects",
        "verb-between-two-parts",
        "adding-colon",
        "quoted-sentence-after-a-quote",
        "quoted-sentence-after-reported-speech",
        "quote-paragraph-after-a-named-speaker",
        "quote-paragraph-after-a-colon",
    ],
)
def test_who_says_each_quotation(nlp, text, speakers):
    assert [{q.speaker, *q.co_speakers} for q in quotes_of(nlp, text)] == speakers


@pytest.mark.parametrize(
    "text",
    [
        'The so-called "frozen conflict" drags on.',
        "Both states signed the “Treaty on Good Neighbourly Relations” in 1998.",
        'The route, known as the "green corridor", was opened, Marsh said.',
        "Marsh welcomed the “Agreement on Trade and Transit between Norland and Vesmark”.",
    ],
    ids=["scare-quotes", "title-without-frame", "name-given-by-a-noun-modifier", "title-inside-a-frame"],
)
def test_words_in_marks_that_nobody_says_are_not_quotes(nlp, text):
    assert quotes_of(nlp, text) == []


def test_a_quote_over_two_sentences_is_one_quote(nlp):
    quotes = quotes_of(nlp, '"The border will open. Trade will follow soon," Marsh said.')
    assert [(q.speaker, q.text) for q in quotes] == [(MARSH, "The border will open. Trade will follow soon")]


@pytest.mark.parametrize(
    "text",
    [
        '"The border will open in the spring.\n\n"Trade will follow soon after that," Marsh said.',
        '"The border will open in the spring.\n\nTrade will follow soon after that," Marsh said.',
    ],
    ids=["next-paragraph-opens-with-a-mark", "next-paragraph-only-closes"],
)
def test_a_quote_over_two_paragraphs_is_one_quote_per_paragraph(nlp, text):
    quotes = quotes_of(nlp, text)
    assert [q.speaker for q in quotes] == [MARSH, MARSH]
    assert [q.text[:14] for q in quotes] == ["The border wil", "Trade will fol"]


@pytest.mark.parametrize(
    ("signature", "speakers"),
    [("— Tomas BERG (@tberg) March 3, 2024", [BERG]), ("— Tomas Berg (@tberg), Vesmark correspondent", [])],
    ids=["dated-signature", "byline-is-no-signature"],
)
def test_an_embedded_post_is_its_account_holders(nlp, signature, speakers):
    post = "Thank you all for your tireless work through the night."
    text = f"Berg thanked the rescue teams.\n{post}\n{signature}\nThe teams left on Sunday."
    assert [(q.speaker, q.text) for q in quotes_of(nlp, text)] == [(s, post) for s in speakers]


def test_said_at_is_the_event_the_frame_places_the_words_at(nlp):
    text = f'"{PLEDGE}," Marsh said at a news conference in Oslo.'
    at = text.index("news conference")
    trigger = Span(at, at + len("news conference"), "news conference")
    event = Event(kind="PressConference", evidence=Span(0, len(text), text), trigger=trigger)
    assert [q.said_at for q in quotes_of(nlp, text, [event])] == [0]


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("He said: “One. Two.” Then “three, four.”", ["One. Two.", "three, four."]),
        ("It ended there.” The next day came.", ["It ended there."]),
        ("“Left open at the end\n\nA new paragraph.", ["Left open at the end"]),
        ("«Un» and «deux»", ["Un", "deux"]),
        ("“One.” Then two.” The end.", ["One."]),
        ("The ministers’ plan for Vesmark’s ‘new start’ and the envoys’ talks", ["new start"]),
        ("“She told me ‘no’ at the door,” he said.", ["She told me ‘no’ at the door"]),
    ],
    ids=[
        "two-quotations",
        "closing-mark-alone-starts-at-the-paragraph",
        "open-at-the-end",
        "angle-pairs",
        "stray-closing-mark-after-a-quotation",
        "single-marks-beside-apostrophes",
        "single-marks-inside-a-quotation",
    ],
)
def test_quote_regions(text, inner):
    assert [region.inner(text) for region in quote_regions(text)] == inner


def test_every_speech_pattern_row_has_a_label_and_lemma_patterns():
    labels = {row["label"] for row in speech_patterns()}
    assert labels == {"SPEECH", "NAMING", "QUOTING", "DOCUMENT", "PEOPLE", "STATES"}
    assert all(
        token.get("LEMMA", "").islower() or "LOWER" in token for row in speech_patterns() for token in row["pattern"]
    )
