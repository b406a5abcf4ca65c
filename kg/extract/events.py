"""Events: a trigger lexicon per event class, applied sentence by sentence outside quotations.

Each trigger gives the event class; the sentence gives participants (people, states, organisations,
with "the two countries" / "they" taken from the sentences before), hosts and mediators where the
wording says so, the place (a literal location), the date (the temporal expression nearest the
trigger, resolved against the article date) and the status (planned for announced future events).
A mention of a named war or operation of the reference data, or a trigger that matches one by its
parties and time, reports that named happening, so every article's report lands on one node.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc

from kg.extract import lexicon
from kg.extract.dates import TimeExpression, find_time_expressions, month_number, resolve
from kg.extract.entities import Found
from kg.extract.kinds import ARMED, BETWEEN_STATES, ENCOUNTER, KINDS, SPEECH, kind_of, of_family
from kg.extract.model import Event, Mention, Span, TimeValue
from kg.extract.roles import Roles, roles_of
from kg.extract.triggers import Trigger
from kg.reference import Gazetteer

_FUTURE = re.compile(
    r"(?<!political )(?<!good )(?<!the )\b(?:will(?! to\b)|shall|is to|are to|to be held|scheduled|"
    r"plans? to|planning to|set to|due to|upcoming|intends? to|agreed to|to meet|(?:is|are) expected to|"
    r"next (?:week|month|year))\b",
    re.I,
)
_HEDGE = re.compile(
    r"\b(?:idea of|could|would|might|hopes? (?:that|to|for)|raising hopes|proposal|ready to|willing to|"
    r"on the brink of|if|whether|wants? to|aim(?:s|ed)? to|calls? for|steps? (?:to|toward))\b",
    re.I,
)
_SPEECH = re.compile(
    r"\b(?:" + "|".join(lexicon.SPEECH_VERBS) + r"|floated the idea|expressed (?:\w+ )?"
    r"(?:intentions?|hopes?|readiness|support|concern))\b"
)
_UNNAMED_SPEAKER = re.compile(
    r"\b(?:officials|sources|analysts|experts|diplomats|observers|reports|media|residents|witnesses|people)\s+$", re.I
)
_PRONOUN_SUBJECT = re.compile(r"\b(?:he|she)\b", re.I)
_HOST = re.compile(r"\b(?:invitation of|hosted by|at the invitation of|guest of)\s+$", re.I)
_HOST_VERB = re.compile(r"\b(?:hosted|hosts|host|brought)\b")
_MEDIATOR = re.compile(r"(?:-brokered|-mediated|\bmediated by|\bbrokered by|\bmediation of)", re.I)


@dataclass
class Sentence:
    """A sentence of the article with its mentions and temporal expressions."""

    start: int
    end: int
    text: str
    mentions: list[Found] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    masked: str = ""  # the text with quotations blanked out
    found_triggers: list[Trigger] = field(default_factory=list)  # the event triggers of the sentence
    doc: Doc | None = None  # the parsed article the sentence belongs to
    triggers: list[tuple[int, int]] = field(default_factory=list)  # trigger offsets outside quotations

    def outside_quotes(self, trigger: Trigger) -> bool:
        """Return whether a trigger stands outside every quotation of the sentence."""
        return self.masked[trigger.start - self.start : trigger.end - self.start] == trigger.text


class TriggerMatch:
    """A trigger seen as a match within its sentence (offsets relative to the sentence start)."""

    def __init__(self, trigger: Trigger, sentence: Sentence):
        self.trigger = trigger
        self._start = trigger.start - sentence.start
        self._end = trigger.end - sentence.start

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def span(self) -> tuple[int, int]:
        return self._start, self._end

    def group(self, _: int = 0) -> str:
        return self.trigger.text


class EventFinder:
    """Find the events of an article's sentences."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.happenings = {k: e for k, e in gazetteer.entities.items() if k.startswith("event/")}
        self.past = frozenset(k for k, e in gazetteer.entities.items() if e.kind == "Country" and e.end)

    def __call__(self, sentences: list[Sentence], published: dt.date | None) -> list[Event]:
        """Return the events reported in `sentences`."""
        events: list[Event] = []
        where: dict[int, int] = {}  # id(event) → index of its sentence
        self._published = published
        self._people = {m.key for s in sentences for m in s.mentions if m.kind == "Person"}
        reported: list[tuple[Span, Event]] = []  # every trigger, with the event it ended up in
        for index, sentence in enumerate(sentences):
            for event in self._sentence_events(sentence, sentences[:index], published):
                twin = next((o for o in events if _same(event, o, index - where[id(o)])), None)
                if twin is None:
                    events.append(event)
                    where[id(event)] = index
                else:
                    _absorb(twin, event)
                    where[id(twin)] = index  # the story goes on from here
                if event.trigger is not None:
                    reported.append((event.trigger, twin or event))
        _date_consequences(reported)
        _carry_dates(events, where, published, self.gazetteer)
        for event in events:
            self._link_agreement(event, sentences)
            date_by_dispatch(event, published)
        return [_well_formed(e) for e in events if e.participants or e.hosts or e.key]

    def _link_agreement(self, event: Event, sentences: list[Sentence]) -> None:
        """Make a signing report the reference agreement its words describe ("a 2009 peace accord"; "in 2009,
        the two countries signed a peace accord"), its parties the signing's where the sentence names none."""
        if event.kind != "AgreementSigning" or event.date is None:
            return
        agreement = self.described_agreement(event, sentences)
        if agreement is not None:
            event.topics = _unique([*event.topics, agreement.key])
            # the reference knows the parties: "the two countries signed" or an unnamed signing is theirs
            people = [p for p in event.participants if p.startswith("person/")]
            event.participants = _unique([*agreement.participants, *people])
            event.label = event_label(event, self.gazetteer)

    def described_agreement(self, event: Event, sentences: list[Sentence]):
        """Return the reference agreement a signing report is of: the one its sentence names, else the one
        signed in the event's year by states the article names that the sentence describes ("a peace accord")."""
        countries = {m.key for s in sentences for m in s.mentions if m.kind == "Country"}
        sentence = next((s for s in sentences if s.start == event.evidence.start), None)
        if sentence is None:
            return None
        named = [self.gazetteer.entities.get(m.key) for m in sentence.mentions if m.kind == "Agreement"]
        named = [a for a in named if a is not None and (not a.signed or a.signed[:4] == event.date.value[:4])]
        if named:
            return named[0] if len({a.key for a in named}) == 1 else None  # the sentence names its agreement
        if not describe_agreement(sentence.masked):
            return None
        fits = [
            a
            for a in self.gazetteer.entities.values()
            if a.kind == "Agreement"
            and a.signed
            and a.signed[:4] == event.date.value[:4]
            and a.participants
            and set(a.participants) <= countries
        ]
        return fits[0] if len(fits) == 1 else None

    def _sentence_events(self, sentence: Sentence, before: list[Sentence], published) -> list[Event]:
        out: list[Event] = []
        kinds_done: set[str] = set()
        triggers = [t for t in sentence.found_triggers if sentence.outside_quotes(t)]
        sentence.triggers = sorted({(t.start - sentence.start, t.end - sentence.start) for t in triggers})
        for kind in KINDS.values():
            if kind.name == "Statement":
                continue
            for trigger in (t for t in triggers if t.kind == kind.name):
                match = TriggerMatch(trigger, sentence)
                if _hedged(sentence.masked, match.start()):
                    continue
                out.extend(self._events_at(kind.name, match, sentence, before, published))
                kinds_done.add(kind.name)
                if not kind.several_per_sentence:
                    break  # a generic trigger names a happening of its own; other classes report one per sentence
        out.extend(self._statement(sentence, before, published, kinds_done, out))
        self._date_anniversaries(out)
        named = self._named_happenings(sentence, before, published, out)
        return [e for e in out if not _part_of_named(e, named)] + named

    def _events_at(self, kind, match, sentence, before, published) -> list[Event]:
        times = _times_outside_quotes(sentence)
        plural = kind == "War" and re.search(r"\bwars\b", match.group(0))
        if plural and len(times) > 1:
            return [self._event(kind, match, sentence, before, published, [t]) for t in times]
        event = self._event(kind, match, sentence, before, published, times)
        return [event, *self._co_appointments(event, sentence)] if kind == "Appointment" else [event]

    def _date_anniversaries(self, events: list[Event]) -> None:
        """Put the marking of an anniversary on its day when the happening it counts from is one the reference
        dates to the day ("the 33rd anniversary of relations established in 1992": 2025-01-14)."""
        for event in events:
            counted = _ANNIVERSARY.search(event.wording or "")
            if counted is None or event.status != "happened":
                continue
            for other in events:
                origin = self.happenings.get(f"event/{other.key}") if other.key else None
                if origin is None or not origin.start or len(origin.start) != 10:
                    continue
                year = int(origin.start[:4]) + int(counted.group("nth"))
                if event.date is None or event.date.value == str(year):
                    event.date = TimeValue(f"{year}{origin.start[4:]}", "day", event.date.text if event.date else None)

    def _co_appointments(self, event: Event, sentence: Sentence) -> list[Event]:
        """Split off the people a sentence names as appointed beside the first ("…, with Ruben Rubinyan named
        as his counterpart days later"), each dated by the reference tenure that fits the first one's date."""
        out = []
        for mention in sentence.mentions:
            after = sentence.text[mention.end - sentence.start :]
            if mention.kind != "Person" or mention.start < event.trigger.end:
                continue
            if not (_WITH_NAME.search(_text_before(sentence, mention)) and _NAMED_AFTER.match(after)):
                continue
            states = sorted(self.gazetteer.states_of(mention.key))
            co = Event(
                kind="Appointment",
                evidence=event.evidence,
                status=event.status,
                wording=_NAMED_AFTER.match(after).group(0).strip(),
                trigger=Span(mention.start, mention.end, mention_text(sentence, mention)),
                participants=[mention.key, *states],
                date=self._tenure_start(mention.key, event),
            )
            co.label = event_label(co, self.gazetteer)
            event.participants = [p for p in event.participants if p != mention.key and p not in states]
            event.label = event_label(event, self.gazetteer)
            out.append(co)
        return out

    def _tenure_start(self, person: str, first: Event) -> TimeValue | None:
        """Return the start of the one tenure of `person` beginning in the month of the first appointment."""
        when = first.date.value[:7] if first.date else None
        month = None if when else _month_named(first.time_expression)
        starts = {
            h.start[:7]
            for h in self.gazetteer.offices_of(person)
            if h.start and len(h.start) >= 7 and (h.start[:7] == when or (month and int(h.start[5:7]) == month))
        }
        if len(starts) != 1:
            return None
        start = starts.pop()
        return TimeValue(start, "month", None)

    def _event(self, kind, match, sentence, before, published, times) -> Event:
        trigger_at = sentence.start + match.start()
        # What a speaker says will happen is the content of the statement, not its status ("X will hold
        # drills, the ministry said"): only a future right before the speech verb makes it planned.
        head = sentence.masked[max(0, match.start() - 20) : match.start()] if kind == "Statement" else sentence.masked
        future = bool(_FUTURE.search(head))
        if kind in _ARMED:
            times = [t for t in times if _owner(t, sentence) in (None, match.start())]
        time = _nearest(times, trigger_at, sentence.text, sentence.start)
        event = Event(
            kind=kind,
            evidence=_evidence(sentence),
            status="planned" if future else "happened",
            wording=_wording(sentence.text, match),
            trigger=Span(trigger_at, sentence.start + match.end(), match.group(0)),
        )
        left = self._state_left(sentence, match) if "independence" in event.wording else None
        if left is not None and time is not None and _owner(time, sentence) != match.start():
            time = None  # "relations established in 1992, following its declaration of independence"
        event.date = resolve(time, published, future) if time else None
        event.time_expression = time.text if time and event.date is None and time.relative else None
        if left is not None and event.date is None and (time is None or _within(_year_range(time), left.end)):
            event.date = TimeValue(left.end[:4], "year", time.text if time else None)
        elif _ANNIVERSARY.match(match.group(0)):
            event.date = _anniversary(match, sentence, published)
            event.time_expression = None
        self._roles(event, kind, sentence, before, trigger_at)
        years = years_of(event.date.value) if event.date else _year_range(time)
        self._link_happening(event, years or self._frame_years(sentence, kind))
        event.label = event_label(event, self.gazetteer)
        return event

    def _state_left(self, sentence: Sentence, match: re.Match):
        """Return the historical state a declaration of independence leaves, if the reference data knows
        when it ended ("declared independence from the Soviet Union in the 1990s": 1991)."""
        tail = re.match(r"[^.;]{0,12}?\bfrom\s+(?:the\s+)?", sentence.masked[match.end() :])
        if tail is None:
            return None
        at = sentence.start + match.end() + tail.end()
        for mention in sentence.mentions:
            state = self.gazetteer.entities.get(mention.key)
            if mention.start == at and state is not None and state.kind == "Country" and state.end:
                return state
        return None

    def _roles(self, event: Event, kind: str, sentence: Sentence, before: list[Sentence], trigger_at: int) -> None:
        trigger_end = event.trigger.end if event.trigger else trigger_at
        agents = [
            m
            for m in sentence.mentions
            if m.is_agent and not _inside_quote(sentence, m) and not _bystander(sentence, m)
        ]
        hosts = [m.key for m in agents if _HOST.search(sentence.text[: m.start - sentence.start])]
        mediators = [
            m.key
            for m in agents
            if _MEDIATOR.search(sentence.text[m.end - sentence.start :][:12])
            or re.search(r"(?:mediated|brokered) by\s+(?:the\s+)?$", sentence.text[: m.start - sentence.start])
        ]
        host_verb = _HOST_VERB.search(sentence.masked)
        if kind in ("Meeting", "Talks", "Summit") and host_verb:
            verb = host_verb.start() + sentence.start
            if re.match(r"\s+by\b", sentence.masked[host_verb.end() :]):  # "talks hosted by … Charles Michel"
                hosts += [m.key for m in agents if m.start > verb and m.start - verb <= 60][:1]
            else:
                hosts += [m.key for m in agents if m.end <= verb and m.start >= verb - 60][-1:]
        if kind in _ARMED:
            agents = _in_clause(sentence, agents, trigger_at) or agents
        if kind in _BETWEEN_STATES:
            agents = [m for m in _in_clause(sentence, agents, trigger_at) if m.key not in self.past]
            if len([m for m in agents if m.kind == "Country"]) < 2:
                # "Relations were entirely cut off …": between the states the story is about
                story = [
                    m for m in _antecedent_mentions(sentence, before, self.past) if m.key not in {a.key for a in agents}
                ]
                agents = agents + story[: 2 - len(agents)]
        if kind == "Summit":
            agents = [m for m in agents if m.key in _named_inside(sentence, trigger_at, trigger_end)] or agents
        participants = [m.key for m in agents if m.key not in hosts + mediators]
        group = self.subject_group(sentence, before, trigger_at, persons=kind in _ENCOUNTERS)
        if group:
            partners = [m.key for m in agents if m.start > trigger_at and _WITH.search(_text_before(sentence, m))]
            participants = group + partners
        elif _needs_antecedent(sentence, agents) and not _SUBCLAUSE.search(
            sentence.masked[: trigger_at - sentence.start]
        ):
            # "They shut down borders in 1993 after Armenia took control …": "they" did only the first
            participants += _antecedents(sentence, before, kind in _ENCOUNTERS, self.past)
        if kind in _ENCOUNTERS:
            participants = _unique(_pronoun_subject(sentence, before, agents, trigger_at) + participants)
            participants = _unique(self._titled_holders(sentence, trigger_end) + participants)
        declarer = _declarer(sentence, before, agents, trigger_at) if "independence" in event.wording else None
        if declarer:
            participants = [declarer]  # the state declaring independence, not the one it leaves
        if kind == "Visit":
            event.place = _place_after(sentence, trigger_at)
        within = kind_of(kind).placed_within
        if within is not None:
            # "the Ankara talks" is no battlefield, "peace in the South Caucasus" not where words were said
            event.place = _place_after(sentence, trigger_end, within=within)
        event.place = event.place or (None if within is not None else _place(sentence))
        event.participants = _unique(participants)
        event.hosts = _unique(hosts)
        event.mediators = _unique(mediators)
        if declarer is None:
            self._parsed_roles(event, kind, sentence, agents, trigger_at, trigger_end)

    def _parsed_roles(self, event: Event, kind: str, sentence: Sentence, agents, start: int, end: int) -> None:
        """Take participants, hosts, mediators and place from the parse where it names them."""
        if sentence.doc is None:
            return
        roles = roles_of(sentence.doc, start, end)
        participants = _named_in(agents, roles.participants)
        hosts, mediators = _named_in(agents, roles.hosts), _named_in(agents, roles.mediators)
        if roles.pronoun_subject and kind_of(kind).family != SPEECH:
            participants = _unique(event.participants + participants)  # "he met X": he from the sentences before
        countries = [k for k in participants if k.startswith("country/")]
        if kind in _BETWEEN_STATES and len(countries) < 2:
            return  # the story names the two states ("They shut down borders")
        if len(participants) < 2 and kind_of(kind).family != SPEECH:
            participants = _unique(participants + event.participants)  # the parse names one side: the sentence more
        if participants or hosts:
            event.participants = [k for k in participants if k not in hosts + mediators]
            event.hosts = _unique(hosts + [h for h in event.hosts if h not in participants])
            event.mediators = _unique(mediators + event.mediators)
        place = _place_in(sentence, roles, kind_of(kind).placed_within, end)
        event.place = place or event.place

    def _titled_holders(self, sentence: Sentence, after: int) -> list[str]:
        """Return the office holders a group title after a trigger names ("a meeting between Turkey and
        Armenia's special envoys": the two envoys), each state's holder as in `subject_group`."""
        for titled in _GROUP_TITLE.finditer(sentence.masked.lower(), after - sentence.start):
            at, end = sentence.start + titled.start(), sentence.start + titled.end()
            of = re.match(r"\s+(?:from|of)\s", sentence.masked[end - sentence.start :])
            countries = [
                m.key
                for m in sentence.mentions
                if m.kind == "Country"
                and (after <= m.end <= at and at - m.end <= 40 or (of and end <= m.start <= end + 40))
            ]
            holders = [self._holder_named(lexicon.GROUP_TITLES[titled.group("title")], c) for c in countries]
            if len(countries) >= 2 and all(holders):
                return _unique(holders)
        return []

    def subject_group(self, sentence: Sentence, before: list[Sentence], at: int, persons: bool) -> list[str]:
        """Return who a plural subject before `at` stands for ("the two ministers", "top diplomats from X and Y").

        A group word takes the people or states of the sentences before; a title with countries ("foreign
        ministers of X and Y", "X and Y's special envoys") takes each country's holder of that office: on the
        article's date if it is known, else the one holder of it the article names.
        """
        clause = re.split(
            r"[,;:—–]\s|\s(?:after|before|when|while|because|until)\s", sentence.masked[: at - sentence.start]
        )[-1]
        head = re.sub(r"^(?:but|and|while|as|though|although|yet|so)\s+", "", clause.strip().lower())
        if not head:
            return []
        titled = _GROUP_TITLE.search(head)
        if titled:
            countries = [m.key for m in sentence.mentions if m.kind == "Country" and at - len(clause) <= m.start < at]
            countries = countries or _titled_before(before, titled.group("title"))  # "… X and Y's envoys. The envoys
            holders = [self._holder_named(lexicon.GROUP_TITLES[titled.group("title")], c) for c in countries]
            if countries and all(holders):
                return _unique(holders)
            if countries:
                return _unique(countries)
        if any(re.match(rf"{re.escape(a)}\b", head) for a in lexicon.GROUP_ANAPHORA):
            if len([m for m in sentence.mentions if m.is_agent and m.end <= at]) >= 2:
                return []  # the group is named right there ("the two leaders, Aliyev and Pashinyan, met")
            group = _antecedents(sentence, before, persons, self.past)
            return group[:2] if re.match(r"(?:the two|both)\b", head) else group
        return []

    def _holder_named(self, office: str, country: str) -> str | None:
        """Return the holder of `office` for `country`: on the article date, else the one the article names."""
        holders: set[str] = set()
        for position in self.gazetteer.positions.values():
            if position.jurisdiction != country or not _office_matches(position.label, office):
                continue
            if self._published:
                holders |= set(self.gazetteer.holders(position.key, self._published))
            else:
                holders |= {h.holder for h in self.gazetteer.holdings if h.position == position.key} & self._people
        return holders.pop() if len(holders) == 1 else None

    def _statement(self, sentence, before, published, kinds_done, found: list[Event]) -> list[Event]:
        """Make a Statement of reported speech: a speech verb with a speaker, no full quotation.

        Words said in a meeting or call the same sentence reports ("they reiterated … in a phone call")
        are what happened there, not a statement of their own.
        """
        if "Statement" in kinds_done:
            return []
        said = next((t for t in sentence.found_triggers if t.kind == "Statement" and sentence.outside_quotes(t)), None)
        match = TriggerMatch(said, sentence) if said else None
        if not match or _hedged(sentence.masked, match.start()) or _attributes_quote(sentence, match):
            return []
        verb_at = sentence.start + match.start()
        speakers = self._parsed_speakers(sentence, match) or speaker_near(sentence, verb_at, before)
        speakers = speakers or self.subject_group(sentence, before, verb_at, False)
        if not speakers:
            return []
        addressed = [m.key for m in sentence.mentions if m.is_agent and _ADDRESSING.search(_text_before(sentence, m))]
        encounters = [e for e in found if e.kind in _ENCOUNTERS]
        if any(set(speakers) <= set(e.participants + e.hosts) for e in encounters):
            return []
        event = self._event("Statement", match, sentence, before, published, _times_of_saying(sentence, match))
        event.participants = _unique(speakers + addressed)
        event.hosts, event.mediators = [], []
        event.label = event_label(event, self.gazetteer)
        return [event]

    def _parsed_speakers(self, sentence: Sentence, match: TriggerMatch) -> list[str]:
        """Return the speakers the parse makes the subject of a speech verb ("India's Foreign Secretary said")."""
        if sentence.doc is None:
            return []
        roles = roles_of(sentence.doc, match.trigger.start, match.trigger.end)
        agents = [m for m in sentence.mentions if m.is_agent and not _inside_quote(sentence, m)]
        return [] if roles.pronoun_subject else _named_in(agents, roles.participants[:4])

    def _named_happenings(self, sentence, before, published, found: list[Event]) -> list[Event]:
        """Report each named war or operation a sentence speaks of, if it is dated or has parties there."""
        out = []
        for mention in sentence.mentions:
            entity = self.gazetteer.entities.get(mention.key)
            if entity is None or entity.kind not in ("War", "MilitaryOperation", "Summit"):
                continue
            slug = mention.key.partition("/")[2]
            if any(e.key == slug for e in found):
                continue
            others = {m.key for m in sentence.mentions if m.is_agent}
            if not sentence.times and not others & set(entity.participants):
                continue  # a bare name ("amid World War I") frames the time; it reports nothing
            match = re.search(
                re.escape(sentence.text[mention.start - sentence.start : mention.end - sentence.start]),
                sentence.masked,
            )
            if match is None:
                continue
            event = self._event(entity.kind, match, sentence, before, published, _times_outside_quotes(sentence))
            event.key = slug
            convener = _named_inside(sentence, mention.start, mention.end) if entity.kind == "Summit" else []
            # "talks on the sidelines of a NATO summit": the summit is NATO's, the sentence's parties are the talks'
            event.participants = _unique((convener or event.participants) + list(entity.participants))
            span = mention.end - mention.start
            event.place = _place_after(sentence, mention.start, within=span + 25) or entity.located_in
            event.label = None  # a named happening is called by its reference name
            out.append(event)
        return out

    def _frame_years(self, sentence: Sentence, kind: str) -> tuple[int, int] | None:
        """Return the years of a dated happening the sentence uses as a time frame ("after the fall of the
        Soviet Union"), the only time cue of an undated report."""
        for mention in sentence.mentions:
            entity = self.happenings.get(mention.key)
            if entity is None or entity.kind == kind or not entity.start:
                continue
            return int(entity.start[:4]), int((entity.end or entity.start)[:4])
        return None

    def _link_happening(self, event: Event, years: tuple[int, int] | None) -> None:
        link_happening(event, years, self.happenings)


def date_by_dispatch(event: Event, dispatch: TimeValue | dt.date | None) -> None:
    """Date words said with no date of their own by the dispatch reporting them (day, or month of a window)."""
    if event.date is not None or event.time_expression or kind_of(event.kind).family != SPEECH or dispatch is None:
        return
    if isinstance(dispatch, dt.date):
        dispatch = TimeValue(dispatch.isoformat(), "day")
    event.date = dispatch
    event.date_basis = "dispatch"


def link_happening(event: Event, years: tuple[int, int] | None, happenings: dict) -> None:
    """Give an event the slug of the named happening it is, matched by class, parties and time."""
    if not kind_of(event.kind).linked_by_parties or event.key:
        return
    countries = {p for p in event.participants if p.startswith("country/")}
    candidates = []
    for key, entity in happenings.items():
        if entity.kind != event.kind or not entity.participants or not entity.start:
            continue
        inside = set(entity.participants) <= countries | set(event.hosts)
        if not inside and not (event.kind == "MilitaryOperation" and set(entity.participants) & countries):
            continue
        if not years or not _overlaps(years, entity):
            continue  # without a time cue the parties alone do not tell which happening it was
        candidates.append(key)
    if len(candidates) == 1:
        event.key = candidates[0].partition("/")[2]


def happening_mentions(events: list[Event], happenings: dict) -> list[Mention]:
    """Return a mention of each named happening an event was linked to by its words ("a 44-day war")."""
    out = []
    for event in events:
        key = f"event/{event.key}"
        if event.key and key in happenings and event.trigger is not None:
            out.append(Mention(key, event.trigger))
    return out


def years_of(value: str) -> tuple[int, int]:
    """Return the years a date of any precision falls in."""
    return int(value[:4]), int(value[:4])


_ARMED = of_family(ARMED)
#: Event classes between two states, whose parties are those of the trigger's clause or of the story.
_BETWEEN_STATES = of_family(BETWEEN_STATES)
_ADDRESSING = re.compile(r"\b(?:addressing|addressed|told|in a speech to|in an address to)\s+(?:the\s+)?$", re.I)
_WITH = re.compile(r"\bwith\s+(?:(?:his|her|their|its|the)\s+)?(?:[\w’'-]+\s+){0,3}$", re.I)
_GROUP_TITLE = re.compile(r"\b(?P<title>" + "|".join(sorted(lexicon.GROUP_TITLES, key=len, reverse=True)) + r")\b")


def _office_matches(label: str, office: str) -> bool:
    return label.startswith(office + " of ") or label.endswith(" " + office)


def _declarer(sentence: Sentence, before: list[Sentence], agents: list[Found], at: int) -> str | None:
    """Return the subject or possessor right before a declaration ("Armenia's declaration", "the latter declared")."""
    head = sentence.text[: at - sentence.start]
    latter = re.search(r"\bthe (latter|former)(?:’s|'s)?\s+(?:\w+\s+)?$", head, re.I)
    if latter:
        for scope in (sentence, *reversed(before[-1:])):
            countries = [m.key for m in scope.mentions if m.kind == "Country" and m.end <= at]
            pair = list(dict.fromkeys(reversed(countries)))[:2][::-1]
            if len(pair) == 2:
                break
        if len(pair) == 2:
            return pair[1] if latter.group(1).lower() == "latter" else pair[0]
        return None
    right_before = [m for m in agents if m.kind == "Country" and 0 <= at - m.end <= 12]
    return right_before[-1].key if right_before else None


_SUBCLAUSE = re.compile(r"(?:,\s+|\s)(?:after|before|when|while|because|until)\s|[;—–]")
_CLAUSE = re.compile(
    r",\s+(?:but|while|after|which|as|though)\b|\bthat\b|;|\s[—–]\s"
    r"|\s(?:as|after|when|while|because|before|until)\s(?=[A-Z])"  # "… cut off as Armenia engaged in …"
)


def _in_clause(sentence: Sentence, agents: list[Found], at: int) -> list[Found]:
    """Return the agents of the clause holding offset `at` ("…, but Baku won a victory in seizing …")."""
    cuts = [0, *(m.start() for m in _CLAUSE.finditer(sentence.masked)), len(sentence.masked)]
    offset = at - sentence.start
    start = max(c for c in cuts if c <= offset)
    end = min((c for c in cuts if c > offset), default=len(sentence.masked))
    return [m for m in agents if start <= m.start - sentence.start < end]


_LEFT_STATE = re.compile(r"\bindependence from (?:the )?$")
_SOURCE = re.compile(r"\s+(?:reports|reported|reporting)\b")


def _bystander(sentence: Sentence, mention: Found) -> bool:
    """Return whether a name only frames the sentence: the state independence is declared from, or the
    outlet it cites ("Caliber.Az reports")."""
    return bool(
        _LEFT_STATE.search(_text_before(sentence, mention))
        or _SOURCE.match(sentence.text, mention.end - sentence.start)
    )


_DESCRIPTION = re.compile(
    r"\b(?:an?|the|their|its)\s+(?:(?:19|20)\d\d\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:accords?|agreements?|protocols?|memorandum(?: of (?:agreement|understanding))?|treaty|deal)\b"
)


def describe_agreement(text: str) -> re.Match | None:
    """Return the first words of `text` that describe an agreement without naming it ("a 2009 peace accord")."""
    return _DESCRIPTION.search(text)


_WITH_NAME = re.compile(r",?\s+with\s+$")
_NAMED_AFTER = re.compile(r"\s+(?:was\s+|being\s+)?(?:named|appointed|nominated|designated)\b[^,;.]*")


def mention_text(sentence: Sentence, mention: Found) -> str:
    """Return the words of a mention."""
    return sentence.text[mention.start - sentence.start : mention.end - sentence.start]


def _month_named(expression: str | None) -> int | None:
    """Return the month an unresolved expression names ("Last December": 12), if any."""
    found = [e for e in find_time_expressions(expression or "") if e.get("month")]
    return month_number(found[0].get("month")) if found else None


def _titled_before(before: list[Sentence], title: str) -> list[str]:
    """Return the states named with a group title in the sentences just before ("Turkey and Armenia's envoys")."""
    for sentence in reversed(before[-2:]):
        for found in re.finditer(rf"\b{re.escape(title)}\b", sentence.masked.lower()):
            at = sentence.start + found.start()
            countries = [m.key for m in sentence.mentions if m.kind == "Country" and 0 <= at - m.end <= 40]
            if len(countries) >= 2:
                return countries
    return []


def _named_inside(sentence: Sentence, start: int, end: int) -> list[str]:
    """Return the states and organisations named inside a span ("a NATO summit", "the EU–Turkey summit")."""
    return [m.key for m in sentence.mentions if m.is_agent and start <= m.start and m.end <= end]


def _text_before(sentence: Sentence, mention: Found) -> str:
    return sentence.text[: mention.start - sentence.start]


_ENCOUNTERS = of_family(ENCOUNTER)


def _owner(time: TimeExpression, sentence: Sentence) -> int | None:
    """Return the start of the trigger nearest a temporal expression: the event that expression dates."""
    at = time.start - sentence.start
    inside = [s for s in sentence.triggers if s[0] <= at < s[1]]
    if inside:
        return inside[0][0]  # "a 2023 victory over …"
    spans = sentence.triggers
    if not spans:
        return None
    return min(spans, key=lambda s: min(abs(at - s[1]), abs(s[0] - at)))[0]


def _part_of_named(event: Event, named: list[Event]) -> bool:
    """Return whether a trigger event is a named happening the same sentence names ("a 44-day war in 2020")."""
    if event.key in {n.key for n in named}:
        return False
    family = {"War": "armed", "MilitaryOperation": "armed", "Summit": "Summit"}
    kind = family.get(event.kind)
    return kind is not None and any(family.get(n.kind) == kind for n in named)


def speaker_near(sentence: Sentence, verb_at: int, before: list[Sentence]) -> list[str]:
    """Return the speaker of a speech verb: the agent just before or after it, or a pronoun's antecedent."""
    agents = [m for m in sentence.mentions if m.is_agent and not _inside_quote(sentence, m)]
    left = [m for m in agents if m.end <= verb_at and verb_at - m.end <= 40]
    left_text = sentence.text[: verb_at - sentence.start]
    if _UNNAMED_SPEAKER.search(left_text):
        return []  # "…, officials said": the speakers are not named
    pronoun = _PRONOUN_SUBJECT.search(left_text[-25:])
    if left and not (pronoun and pronoun.start() + len(left_text) - 25 > left[-1].end - sentence.start):
        last = left[-1]
        persons = [m for m in left if m.kind == "Person"]
        if persons and verb_at - persons[-1].end <= 60:
            last = persons[-1]
        return _coordination_chain(sentence, [m for m in agents if m.end <= last.end], last)
    right = [m for m in agents if m.start >= verb_at and m.start - verb_at <= 45]
    people = [m for m in right if m.kind == "Person"]
    if people or (right and right[0].start - verb_at <= 20):
        return [(people or right)[0].key]
    if pronoun:
        return last_person(sentence, before, verb_at)
    return []


def _pronoun_subject(sentence: Sentence, before: list[Sentence], agents: list[Found], at: int) -> list[str]:
    """Return who "he" or "she" is when the pronoun is the subject of an encounter ("he said at a news
    conference with …"): the person named last before it, unless a name stands between pronoun and trigger."""
    clause = sentence.masked[: at - sentence.start]
    pronoun = list(_PRONOUN_SUBJECT.finditer(clause))
    if not pronoun:
        return []
    if _HOST_VERB.match(clause, pronoun[-1].end() + 1):
        return []  # "as he brought the ministers together": the one who convenes is not a party
    said_at = sentence.start + pronoun[-1].start()
    if any(said_at <= m.start < at for m in agents if m.kind == "Person"):
        return []
    return last_person(sentence, before, said_at)


def last_person(sentence: Sentence, before: list[Sentence], at: int) -> list[str]:
    """Return the most recent person mentioned before `at` (the antecedent of "he" or "she")."""
    for s in [sentence, *reversed(before[-3:])]:
        people = [m for m in s.mentions if m.kind == "Person" and m.end <= at]
        if people:
            return [people[-1].key]
    return []


def _coordination_chain(sentence: Sentence, agents: list[Found], last: Found) -> list[str]:
    """Return the keys of `last` and the agents of its kind coordinated before it ("Hakan Fidan and his
    Azerbaijani counterpart Jeyhun Bayramov", "Turkey, Russia and Iran"), first to last."""
    chain = [last]
    for mention in reversed([m for m in agents if m.end <= last.start and m.kind == last.kind]):
        if (
            mention.key == chain[0].key
            and not sentence.text[mention.end - sentence.start : chain[0].start - sentence.start].strip()
        ):
            chain[0] = mention  # "his Azerbaijani counterpart" + "Jeyhun Bayramov": one mention
        elif _coordinated(sentence, mention, chain[0]):
            chain.insert(0, mention)
        else:
            break
    return _unique([m.key for m in chain])


def _coordinated(sentence: Sentence, a: Found, b: Found) -> bool:
    if a is b:
        return True
    between = sentence.text[a.end - sentence.start : b.start - sentence.start]
    return bool(re.fullmatch(r"\s*(?:,|and|,\s*and|&)\s*(?:(?:his|her|its|their)\s+(?:[\w-]+\s+){0,4})?", between))


def _needs_antecedent(sentence: Sentence, agents: list[Found]) -> bool:
    head = sentence.masked.lstrip().lower()
    return len(agents) < 2 and any(re.match(rf"{re.escape(a)}\b", head) for a in lexicon.GROUP_ANAPHORA)


def _antecedents(sentence: Sentence, before: list[Sentence], persons: bool, past: frozenset = frozenset()) -> list[str]:
    """Return who "the two countries" or "they" stands for: the people or states the nearest of the three
    sentences before names, a pair named together there first ("Türkiye and Armenia"), states of the past
    (`past`: the Ottoman Empire of a history clause) left out."""
    for s in reversed(before[-3:]):
        agents = [m for m in s.mentions if m.is_agent and m.key not in past]
        pair = _coordinated_pair(agents, s, "Person" if persons else "Country")
        if pair:
            return [m.key for m in pair]
        chosen = [m.key for m in agents if m.kind == "Person"] if persons else []
        chosen = chosen or [m.key for m in agents if m.kind == "Country"]
        if len(set(chosen)) >= 2:
            return _unique(chosen)[:4]
    return []


def _antecedent_mentions(sentence: Sentence, before: list[Sentence], past: frozenset) -> list[Found]:
    """Return the mentions of the pair of states the sentences before name together, nearest first."""
    for s in reversed(before[-3:]):
        countries = [m for m in s.mentions if m.kind == "Country" and m.key not in past]
        pair = _coordinated_pair(countries, s, "Country")
        if pair:
            return pair
    return []


def _coordinated_pair(mentions: list[Found], sentence: Sentence, kind: str) -> list[Found] | None:
    """Return the mentions of two agents of one kind a sentence names together ("Türkiye and Armenia")."""
    agents = [m for m in mentions if m.kind == kind and not _inside_quote(sentence, m)]
    for a, b in zip(agents, agents[1:], strict=False):
        between = sentence.text[a.end - sentence.start : b.start - sentence.start]
        if a.key != b.key and re.fullmatch(r"\s*(?:and|&)\s+(?:(?:[A-Z][\w’'-]*|his|her|its|their)\s+){0,4}", between):
            return [a, b]  # "Ilham Aliyev and Armenian Prime Minister Nikol Pashinyan"
    return None


def _hedged(text: str, at: int) -> bool:
    window = text[max(0, at - 45) : at]
    return bool(_HEDGE.search(window))


def _attributes_quote(sentence: Sentence, verb: re.Match) -> bool:
    """Return whether the speech verb introduces or closes a quotation of four words or more."""
    for match in re.finditer(r"[“\"]([^”\"]*)[”\"]?", sentence.text):
        if len(match.group(1).split()) <= 3:
            continue
        before = sentence.text[match.end() : verb.start()]
        after = sentence.text[verb.end() : match.start()]
        if match.end() <= verb.start() and len(before) <= 40 and "." not in before:
            return True
        if verb.end() <= match.start() and re.fullmatch(r"\s*(?:[:,]|that)?\s*", after):
            return True  # "he said: “…”"; a quoted object ("reaffirmed their commitment to “…”") is said of it
    return False


def _inside_quote(sentence: Sentence, mention: Found) -> bool:
    offset = mention.start - sentence.start
    return sentence.masked[offset : offset + 1] == " " and sentence.text[offset : offset + 1] != " "


def _times_of_saying(sentence: Sentence, verb: re.Match) -> list[TimeExpression]:
    """Return the times that may date a speech act: not those of what it says will happen ("… agreed to
    meet again in June, he said": June dates the meeting, not the saying)."""
    out = []
    for time in _times_outside_quotes(sentence):
        at = time.start - sentence.start
        adjacent = 0 <= at - verb.end() <= 4 or 0 <= verb.start() - (time.end - sentence.start) <= 2
        if adjacent or not _FUTURE.search(sentence.masked[max(0, at - 60) : at]):
            out.append(time)  # "… next month, the ministry said on Friday": Friday dates the saying
    return out


def _times_outside_quotes(sentence: Sentence) -> list[TimeExpression]:
    return [t for t in sentence.times if sentence.masked[t.start - sentence.start] != " " or t.text[0] == " "]


def _nearest(times: list[TimeExpression], at: int, text: str = "", offset: int = 0) -> TimeExpression | None:
    dated = [t for t in times if t.kind != "decade"] or times
    dated = [t for t in dated if not re.search(r"\b(?:since|until)\s+$", text[: t.start - offset])] or (
        [] if text else dated
    )
    return min(dated, key=lambda t: abs(t.start - at), default=None)


def _year_range(time: TimeExpression | None) -> tuple[int, int] | None:
    if time is None:
        return None
    if time.kind == "decade":
        decade = int(time.get("decade"))
        return decade, decade + 9
    year = time.get("year")
    return (int(year), int(year)) if year else None


_ANNIVERSARY = re.compile(r"mark(?:ing|ed|s)? the (?P<nth>\d+)(?:st|nd|rd|th) anniversary")


def _anniversary(match: re.Match, sentence: Sentence, published: dt.date | None) -> TimeValue | None:
    """Date the marking of an anniversary: the publication date, else the year the count reaches from the
    year the sentence gives the happening ("the 33rd anniversary of relations established in 1992": 2025)."""
    if published is not None:
        return TimeValue(published.isoformat(), "day", None)
    years = [int(t.get("year")) for t in sentence.times if t.kind == "year" and t.start - sentence.start > match.end()]
    nth = int(_ANNIVERSARY.match(match.group(0)).group("nth"))
    return TimeValue(str(years[0] + nth), "year", match.group(0)) if years else None


def _within(years: tuple[int, int] | None, value: str) -> bool:
    return years is not None and years[0] <= int(value[:4]) <= years[1]


def _overlaps(years: tuple[int, int], entity) -> bool:
    start = int(entity.start[:4])
    end = int(entity.end[:4]) if entity.end else 9999
    return years[0] <= end and start <= years[1]


def _place_after(sentence: Sentence, at: int, within: int | None = None) -> str | None:
    places = [m for m in sentence.mentions if m.kind == "Place" and m.start >= at and m.literal]
    places = [m for m in places if within is None or m.start - at <= within]
    return places[0].key if places else None


_DATELINE = re.compile(r"\s*(?:\([A-Za-z .]+\)\s*)?[—–-]\s")


def _place(sentence: Sentence) -> str | None:
    places = [
        m
        for m in sentence.mentions
        if m.kind == "Place" and m.literal and not _inside_quote(sentence, m) and not _dateline(sentence, m)
    ]
    return places[0].key if places else None


def _dateline(sentence: Sentence, mention: Found) -> bool:
    """Return whether a place opens the sentence as the dateline it was filed from ("ISTANBUL —")."""
    words = sentence.text[mention.start - sentence.start : mention.end - sentence.start]
    opens = not sentence.text[: mention.start - sentence.start].strip()
    return opens and words.isupper() and bool(_DATELINE.match(sentence.text, mention.end - sentence.start))


def _named_in(agents: list[Found], spans: list[tuple[int, int]]) -> list[str]:
    """Return the keys of the agents named inside the character spans, in text order."""
    return _unique([m.key for m in agents if any(s <= m.start and m.end <= e for s, e in spans)])


def _place_in(sentence: Sentence, roles: Roles, within: int | None, trigger_end: int) -> str | None:
    """Return the literal place of the event's "in"/"at" phrases (close after the trigger if its kind says so)."""
    for mention in sentence.mentions:
        if mention.kind != "Place" or not mention.literal or _dateline(sentence, mention):
            continue
        if within is not None and not 0 <= mention.start - trigger_end <= within:
            continue
        if any(s <= mention.start and mention.end <= e for s, e in roles.places):
            return mention.key
    return None


def _evidence(sentence: Sentence) -> Span:
    return Span(sentence.start, sentence.end, sentence.text)


def _wording(text: str, match: re.Match) -> str:
    """Return the trigger with the words that frame it ("liberating Karabakh", "one-day offensive")."""
    words = match.group(0).strip()
    if re.match(r"(?i)liberat|seiz|recaptur|retak|retook|invaded|took control", words):
        tail = re.match(
            r"\s*((?:the |its |of )?(?:[\w’'-]+ ){0,3}?[\w’'-]+?)(?=[,.;—–]|\s+(?:in|from|during|after|"
            r"which|that|and)\b|$)",
            text[match.end() :],
        )
        if tail:
            words = f"{words} {tail.group(1)}"
    return words


def event_label(event: Event, gazetteer: Gazetteer, place_label: str | None = None) -> str:
    """Return a readable title: "Meeting of Hakan Fidan and Jeyhun Bayramov in Ankara (2024-08-27)",
    "Signing of the Zurich Protocols (2009)", "Declared independence: Azerbaijan (1991)"."""

    def name(key: str) -> str:
        entity = gazetteer.entities.get(key)
        return entity.label if entity else key.partition("/")[2].replace("-", " ").title()

    place = place_label or (name(event.place) if event.place in gazetteer.entities else None)
    border = place is not None and place.endswith(" border")
    people = [k for k in event.participants if k.startswith("person/")]
    names = [] if border else [name(k) for k in (people or event.participants)[:4]]  # their states go unsaid
    agreements = [k for k in event.topics if k.startswith("agreement/")]
    if event.kind == "AgreementSigning" and agreements:
        label = f"Signing of the {name(agreements[0])}"
    elif event.kind == "Event" and event.wording:
        label = f"{event.wording[:1].upper()}{event.wording[1:]}: {' and '.join(names)}" if names else event.wording
    else:
        title = re.sub(r"(?<!^)([A-Z])", r" \1", event.kind)
        label = f"{title} of {' and '.join(names)}" if names else title
    if event.hosts:
        label += f" hosted by {' and '.join(name(k) for k in event.hosts[:2])}"
    if place:
        label += f" at the {place}" if border else f" in {place}"
    if event.date:
        label += f" ({event.date.value})"
    return label


def _same(a: Event, b: Event, distance: int) -> bool:
    """Return whether `a` repeats `b`: the same named happening, or the same kind of event with the
    same parties in the same or the next sentence ("… in their fifth meeting. Officials met …")."""
    if a.key or b.key:
        keyed, other = (a, b) if a.key else (b, a)
        agree = other.date is None or (keyed.date is not None and other.date.value == keyed.date.value)
        if other.key or not agree or other.time_expression or other.kind != keyed.kind or distance > 1:
            return a.key == b.key
        return bool(set(a.participants) & set(b.participants))  # "… the 2023 offensive. Baku recaptured …"
    family = {"Talks": "Meeting"}
    if family.get(a.kind, a.kind) != family.get(b.kind, b.kind):
        return False
    if a.kind in _ENCOUNTERS and _ordinal(a) and _ordinal(b):
        # one article's "first meeting" is one meeting, and never its "second meeting"
        return _ordinal(a) == _ordinal(b) and not (a.place and b.place and a.place != b.place)
    if distance > 1 or a.kind == "War":
        return False
    if a.kind == "Event" and (a.wording or "").lower() != (b.wording or "").lower():
        return False  # generic happenings are one only when worded alike ("was elevated to" is no anniversary)
    if a.date and b.date and a.date.value != b.date.value:
        return False
    if a.time_expression and b.time_expression and a.time_expression.lower() != b.time_expression.lower():
        return False
    people_a, people_b = ({k for k in e.participants + e.hosts if k.startswith("person/")} for e in (a, b))
    if people_a and people_b and people_a != people_b and len(people_a & people_b) < 2:
        return False
    agents_a, agents_b = set(a.participants + a.hosts), set(b.participants + b.hosts)
    return bool(agents_a & agents_b)


def _ordinal(event: Event) -> str | None:
    """Return the ordinal an encounter is numbered by in its article ("the second meeting"), if any."""
    found = re.match(
        rf"(?:the |their )?({'|'.join(lexicon.ORDINALS)}|inaugural)\b",
        (event.wording or "").lower(),
    )
    return found.group(1) if found else None


def _absorb(kept: Event, repeat: Event) -> None:
    """Complete an event with what a repeated report of it adds (date, parties, place)."""
    if repeat.date and (kept.date is None or len(repeat.date.value) > len(kept.date.value)):
        kept.date = repeat.date
    kept.time_expression = kept.time_expression or (None if kept.date else repeat.time_expression)
    kept.participants = _unique(kept.participants + repeat.participants)
    kept.place = kept.place or repeat.place
    kept.key = kept.key or repeat.key


_CONSEQUENCE = re.compile(
    r"\b(?:that|which)\s+(?:led to|resulted in|triggered|sparked|prompted|caused)\s+(?:the\s+|an?\s+)?$"
)


def _date_consequences(reported: list[tuple[Span, Event]]) -> None:
    """Date an undated happening by the year of the one the sentence says led to it ("a one-day offensive
    that led to the exodus of …"): what a happening causes begins once it has happened."""
    for trigger, event in reported:
        if event.date is not None or event.time_expression or event.kind in _STORY_KINDS:
            continue
        text = event.evidence.text
        for cause_trigger, cause in reported:
            if cause is event or cause.date is None or not event.evidence.start <= cause_trigger.start < trigger.start:
                continue
            between = text[cause_trigger.end - event.evidence.start : trigger.start - event.evidence.start]
            if len(between) <= 100 and _CONSEQUENCE.search(between[-30:]):
                event.date = TimeValue(cause.date.value[:4], "year", None)
                break


_SAME_TIME = re.compile(
    r"(?i)(?:during|in|at|around) (?:this|that|the same) (?:period|time|year|month)\b|at the time\b"
)
_STORY_KINDS = {k.name for k in KINDS.values() if k.story}


def _carry_dates(events: list[Event], where: dict[int, int], published, gazetteer: Gazetteer) -> None:
    """Date undated diplomatic events from the story they belong to.

    News leads report the day's events without a date (the publication date is theirs), and the
    sentences that follow a dated event about the same people continue its story.
    """
    previous: Event | None = None
    dated: Event | None = None
    for event in sorted(events, key=lambda e: where[id(e)]):
        index = where[id(event)]
        if event.date is None and dated is not None and _SAME_TIME.match(event.evidence.text):
            # "During this period, …" is the time of the sentence before, a period: its year
            event.date = TimeValue(dated.date.value[:4], "year", event.evidence.text[:20].split(",")[0])
        dated = event if event.date else dated
        if (
            event.kind in _STORY_KINDS
            and event.date is None
            and not event.time_expression
            and event.status == "happened"
        ):
            if index < 2 and published is not None and not event.key:
                event.date = TimeValue(published.isoformat(), "day", None)
            elif (
                previous is not None and index - where[id(previous)] <= 2 and _shares_agents(event, previous, gazetteer)
            ):
                event.date, event.time_expression = previous.date, previous.time_expression
        if event.kind in _STORY_KINDS and (event.date or event.time_expression):
            previous = event


def _well_formed(event: Event) -> Event:
    """Keep a meeting with a single known party as a generic event: a meeting takes two."""
    if event.kind in ("Meeting", "Talks") and len(set(event.participants + event.hosts)) < 2:
        event.kind = "Event"
    if not event.participants and event.hosts:
        event.participants, event.hosts = event.hosts, []
    return event


def _shares_agents(a: Event, b: Event, gazetteer: Gazetteer) -> bool:
    """Return whether two events share a party, a person counting also as the state whose office he holds."""

    def parties(event: Event) -> set[str]:
        keys = set(event.participants + event.hosts)
        return keys | {c for k in keys if k.startswith("person/") for c in gazetteer.states_of(k)}

    return bool(parties(a) & parties(b))


def _unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))
