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

from kg.extract import lexicon
from kg.extract.dates import resolve
from kg.extract.dating import (
    ANNIVERSARY,
    after_anchor,
    anniversary_date,
    attributive,
    carry_dates,
    date_by_dispatch,
    date_consequences,
    month_named,
    nearest_time,
    owner_trigger,
    relative,
    times_of_saying,
    times_outside_quotes,
    within_years,
    year_range,
    years_of,
)
from kg.extract.kinds import ARMED, BETWEEN_STATES, ENCOUNTER, KINDS, OTHER, SPEECH, kind_of, of_family
from kg.extract.labels import event_label, wording_of
from kg.extract.links import describe_agreement, link_happening
from kg.extract.merging import absorb, part_of_named, same_event, well_formed
from kg.extract.model import Event, Span, TimeValue
from kg.extract.roles import negated, reports, roles_of, setting_only
from kg.extract.sentences import (
    ADDRESSING,
    FUTURE,
    HOST,
    HOST_VERB,
    MEDIATOR,
    SUBCLAUSE,
    WITH,
    ArticleContext,
    Sentence,
    TriggerMatch,
    attributes_quote,
    bystander,
    hedged,
    in_clause,
    inside_quote,
    mention_text,
    named_in,
    named_inside,
    office_matches,
    place_after,
    place_in_phrases,
    sentence_evidence,
    sentence_place,
    text_before,
    unique,
)
from kg.extract.story import (
    GROUP_SUBJECT,
    GROUP_TITLE,
    antecedent_mentions,
    declaring_state,
    needs_antecedent,
    pronoun_subject,
    speaker_near,
    story_antecedents,
    titled_before,
)
from kg.reference import Gazetteer


class EventFinder:
    """Find the events of an article's sentences."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.happenings = {k: e for k, e in gazetteer.entities.items() if k.startswith("event/")}
        self.past = frozenset(k for k, e in gazetteer.entities.items() if e.kind == "Country" and e.end)

    def __call__(self, sentences: list[Sentence]) -> list[Event]:
        """Return the events reported in `sentences`."""
        events: list[Event] = []
        where: dict[int, int] = {}  # id(event) → index of its sentence
        published = sentences[0].context.published if sentences else None
        reported: list[tuple[Span, Event]] = []  # every trigger, with the event it ended up in
        for index, sentence in enumerate(sentences):
            for event in self._sentence_events(sentence, sentences[:index], published):
                twin = next((o for o in events if same_event(event, o, index - where[id(o)])), None)
                if twin is None:
                    events.append(event)
                    where[id(event)] = index
                else:
                    absorb(twin, event)
                    where[id(twin)] = index  # the story goes on from here
                if event.trigger is not None:
                    reported.append((event.trigger, twin or event))
        date_consequences(reported)
        carry_dates(events, where, published, self.gazetteer)
        for event in events:
            self._link_agreement(event, sentences)
            if (
                event.status == "happened"
                and event.date
                and after_anchor(event.date, published)
                and relative(event.date)
            ):
                event.date = None  # a date carried from what is still to come does not date what happened
            date_by_dispatch(event, published)
        return [well_formed(e) for e in events if e.participants or e.hosts or e.key]

    def _link_agreement(self, event: Event, sentences: list[Sentence]) -> None:
        """Make a signing report the reference agreement its words describe ("a 2009 peace accord"; "in 2009,
        the two countries signed a peace accord"), its parties the signing's where the sentence names none."""
        if event.kind != "AgreementSigning" or event.date is None:
            return
        agreement = self.described_agreement(event, sentences)
        if agreement is not None:
            event.topics = unique([*event.topics, agreement.key])
            # the reference knows the parties: "the two countries signed" or an unnamed signing is theirs
            people = [p for p in event.participants if p.startswith("person/")]
            event.participants = unique([*agreement.participants, *people])
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
                if hedged(sentence.masked, match.start()):
                    continue
                out.extend(self._factual(self._events_at(kind.name, match, sentence, before, published), sentence))
                kinds_done.add(kind.name)
                if not kind.several_per_sentence:
                    break  # a generic trigger names a happening of its own; other classes report one per sentence
        out.extend(self._quoted_events(sentence, before, published, kinds_done))
        out.extend(self._statement(sentence, before, published, kinds_done, out))
        self._date_anniversaries(out)
        named = self._named_happenings(sentence, before, published, out)
        return [e for e in out if not part_of_named(e, named)] + named

    def _factual(self, events: list[Event], sentence: Sentence, quoted: bool = False) -> list[Event]:
        """Give events the factuality their words give them: denied if negated; announced if only quoted."""
        for event in events:
            if (
                sentence.doc is not None
                and event.trigger
                and negated(sentence.doc, event.trigger.start, event.trigger.end)
            ):
                event.status = "denied"
            elif quoted and event.status == "happened":
                event.status = "announced"
        return events

    def _quoted_events(self, sentence: Sentence, before, published, kinds_done: set[str]) -> list[Event]:
        """Return the events a quotation in the sentence names with their parties ("“We met Lavrov in Baku”")."""
        out = []
        for trigger in sentence.found_triggers:
            kind = kind_of(trigger.kind)
            if sentence.outside_quotes(trigger) or kind.name in kinds_done or kind.family in (SPEECH, OTHER):
                continue
            match = TriggerMatch(trigger, sentence)
            events = self._events_at(kind.name, match, sentence, before, published)
            quoted = [e for e in events if self._named_by_parse(e, sentence)]
            out.extend(self._factual(quoted, sentence, quoted=True))
            kinds_done.add(kind.name)
        return out

    def _named_by_parse(self, event: Event, sentence: Sentence) -> bool:
        """Return whether the parse names a party of the event inside its own clause (not a pronoun)."""
        if sentence.doc is None or event.trigger is None:
            return False
        roles = roles_of(sentence.doc, event.trigger.start, event.trigger.end)
        agents = [m for m in sentence.mentions if m.is_agent]
        return not roles.pronoun_subject and bool(named_in(agents, roles.participants))

    def _events_at(self, kind, match, sentence, before, published) -> list[Event]:
        times = times_outside_quotes(sentence)
        plural = kind == "War" and re.search(r"\bwars\b", match.group(0))
        if plural and len(times) > 1:
            return [self._event(kind, match, sentence, before, published, [t]) for t in times]
        event = self._event(kind, match, sentence, before, published, times)
        return [event, *self._co_appointments(event, sentence)] if kind == "Appointment" else [event]

    def _date_anniversaries(self, events: list[Event]) -> None:
        """Put the marking of an anniversary on its day when the happening it counts from is one the reference
        dates to the day ("the 33rd anniversary of relations established in 1992": 2025-01-14)."""
        for event in events:
            counted = ANNIVERSARY.search(event.wording or "")
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
            if not (_WITH_NAME.search(text_before(sentence, mention)) and _NAMED_AFTER.match(after)):
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
        month = None if when else month_named(first.time_expression)
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
        future = bool(FUTURE.search(head))
        if kind in _ARMED:
            times = [t for t in times if owner_trigger(t, sentence) in (None, match.start())]
        own = [t for t in times if not attributive(t, sentence, trigger_at, sentence.start + match.end())]
        time = nearest_time(own or times, trigger_at, sentence.text, sentence.start)
        event = Event(
            kind=kind,
            evidence=sentence_evidence(sentence),
            status="planned" if future else "happened",
            wording=wording_of(sentence.text, match),
            trigger=Span(trigger_at, sentence.start + match.end(), match.group(0)),
        )
        left = self._state_left(sentence, match) if "independence" in event.wording else None
        if left is not None and time is not None and owner_trigger(time, sentence) != match.start():
            time = None  # "relations established in 1992, following its declaration of independence"
        event.date = resolve(time, published, future) if time else None
        if event.date and not future and after_anchor(event.date, published) and time.relative and kind != "Statement":
            event.date = None  # a past happening is not dated by a time the sentence gives something still to come
        event.time_expression = time.text if time and event.date is None and time.relative else None
        if left is not None and event.date is None and (time is None or within_years(year_range(time), left.end)):
            event.date = TimeValue(left.end[:4], "year", time.text if time else None)
        elif ANNIVERSARY.match(match.group(0)):
            event.date = anniversary_date(match, sentence, published)
            event.time_expression = None
        self._roles(event, kind, sentence, before, trigger_at)
        years = years_of(event.date.value) if event.date else year_range(time)
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
            m for m in sentence.mentions if m.is_agent and not inside_quote(sentence, m) and not bystander(sentence, m)
        ]
        hosts = [m.key for m in agents if HOST.search(sentence.text[: m.start - sentence.start])]
        mediators = [
            m.key
            for m in agents
            if MEDIATOR.search(sentence.text[m.end - sentence.start :][:12])
            or re.search(r"(?:mediated|brokered) by\s+(?:the\s+)?$", sentence.text[: m.start - sentence.start])
        ]
        host_verb = HOST_VERB.search(sentence.masked)
        if kind in ("Meeting", "Talks", "Summit") and host_verb:
            verb = host_verb.start() + sentence.start
            if re.match(r"\s+by\b", sentence.masked[host_verb.end() :]):  # "talks hosted by … Charles Michel"
                hosts += [m.key for m in agents if m.start > verb and m.start - verb <= 60][:1]
            else:
                hosts += [m.key for m in agents if m.end <= verb and m.start >= verb - 60][-1:]
        if kind in _ARMED:
            agents = in_clause(sentence, agents, trigger_at) or agents
        if kind in _BETWEEN_STATES:
            agents = [m for m in in_clause(sentence, agents, trigger_at) if m.key not in self.past]
            if len([m for m in agents if m.kind == "Country"]) < 2:
                # "Relations were entirely cut off …": between the states the story is about
                story = [
                    m for m in antecedent_mentions(sentence, before, self.past) if m.key not in {a.key for a in agents}
                ]
                agents = agents + story[: 2 - len(agents)]
        if kind == "Summit":
            inside = [m for m in agents if m.key in named_inside(sentence, trigger_at, trigger_end)]
            # "a meeting on the sidelines of the BRICS Summit": the summit is where the meeting is, not whose
            agents = inside or ([] if setting_only(sentence.doc, trigger_at, trigger_end) else agents)
        participants = [m.key for m in agents if m.key not in hosts + mediators]
        group = self.subject_group(sentence, before, trigger_at, persons=kind in _ENCOUNTERS)
        if group:
            partners = [m.key for m in agents if m.start > trigger_at and WITH.search(text_before(sentence, m))]
            participants = group + partners
        elif needs_antecedent(sentence, agents) and not SUBCLAUSE.search(
            sentence.masked[: trigger_at - sentence.start]
        ):
            # "They shut down borders in 1993 after Armenia took control …": "they" did only the first
            participants += story_antecedents(sentence, before, kind in _ENCOUNTERS, self.past)
        if kind in _ENCOUNTERS:
            participants = unique(pronoun_subject(sentence, before, agents, trigger_at) + participants)
            participants = unique(self._titled_holders(sentence, trigger_end) + participants)
        declarer = declaring_state(sentence, before, agents, trigger_at) if "independence" in event.wording else None
        if declarer:
            participants = [declarer]  # the state declaring independence, not the one it leaves
        if kind == "Visit":
            event.place = place_after(sentence, trigger_at)
        within = kind_of(kind).placed_within
        if within is not None:
            # "the Ankara talks" is no battlefield, "peace in the South Caucasus" not where words were said
            event.place = place_after(sentence, trigger_end, within=within)
        event.place = event.place or (None if within is not None else sentence_place(sentence))
        event.participants = unique(participants)
        event.hosts = unique(hosts)
        event.mediators = unique(mediators)
        if declarer is None:
            self._parsed_roles(event, kind, sentence, before, agents, trigger_at, trigger_end)

    def _parsed_roles(self, event: Event, kind: str, sentence: Sentence, before, agents, start: int, end: int) -> None:
        """Take participants, hosts, mediators and place from the parse where it names them."""
        if sentence.doc is None:
            return
        roles = roles_of(sentence.doc, start, end)
        participants = named_in(agents, roles.participants)
        hosts, mediators = named_in(agents, roles.hosts), named_in(agents, roles.mediators)
        # Who reports what happened ("…, India's Foreign Secretary said") took no part in it.
        reporters = [k for k in self._reporters(sentence, start, end) if k not in participants]
        sentence_agents = [k for k in event.participants if k not in reporters]
        if roles.pronoun_subject and kind_of(kind).family != SPEECH:
            participants = unique(sentence_agents + participants)  # "he met X": he from the sentences before
        countries = [k for k in participants if k.startswith("country/")]
        if kind in _BETWEEN_STATES and len(countries) < 2:
            return  # the story names the two states ("They shut down borders")
        if len(participants) < 2 and kind_of(kind).family != SPEECH:
            participants = unique(sentence_agents + participants)  # the parse names one side: the sentence more
        elif not any(k.startswith("person/") for k in participants):
            # "a meeting between Turkey and Armenia's special envoys": the people standing for the states
            participants = unique(participants + [k for k in event.participants if k.startswith("person/")])
        if participants or hosts:
            event.participants = [k for k in participants if k not in hosts + mediators]
            event.hosts = unique(hosts + [h for h in event.hosts if h not in participants])
            event.mediators = unique(mediators + event.mediators)
        place = place_in_phrases(sentence, roles, kind_of(kind).placed_within, end)
        event.place = place or event.place

    def _reporters(self, sentence: Sentence, start: int, end: int) -> list[str]:
        """Return the subjects of the reporting verbs whose reported clause holds the trigger at `start`–`end`
        ("X and Y will meet, the minister said": the minister)."""
        out = []
        for trigger in sentence.found_triggers:
            if trigger.kind == "Statement" and reports(sentence.doc, trigger.start, trigger.end, start, end):
                roles = roles_of(sentence.doc, trigger.start, trigger.end)
                out += [m.key for m in sentence.mentions if any(m.start <= s and e <= m.end for s, e in roles.heads)]
        return out

    def _titled_holders(self, sentence: Sentence, after: int) -> list[str]:
        """Return the office holders a group title after a trigger names ("a meeting between Turkey and
        Armenia's special envoys": the two envoys), each state's holder as in `subject_group`."""
        for titled in GROUP_TITLE.finditer(sentence.masked.lower(), after - sentence.start):
            at, end = sentence.start + titled.start(), sentence.start + titled.end()
            of = re.match(r"\s+(?:from|of)\s", sentence.masked[end - sentence.start :])
            countries = [
                m.key
                for m in sentence.mentions
                if m.kind == "Country"
                and (after <= m.end <= at and at - m.end <= 40 or (of and end <= m.start <= end + 40))
            ]
            holders = [
                self._holder_named(lexicon.GROUP_TITLES[titled.group("title")], c, sentence.context) for c in countries
            ]
            if len(countries) >= 2 and all(holders):
                return unique(holders)
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
        titled = GROUP_TITLE.search(head)
        if titled:
            countries = [m.key for m in sentence.mentions if m.kind == "Country" and at - len(clause) <= m.start < at]
            countries = countries or titled_before(before, titled.group("title"))  # "… X and Y's envoys. The envoys
            holders = [
                self._holder_named(lexicon.GROUP_TITLES[titled.group("title")], c, sentence.context) for c in countries
            ]
            if countries and all(holders):
                return unique(holders)
            if countries:
                return unique(countries)
        if GROUP_SUBJECT.match(head):
            if len([m for m in sentence.mentions if m.is_agent and m.end <= at]) >= 2:
                return []  # the group is named right there ("the two leaders, Aliyev and Pashinyan, met")
            group = story_antecedents(sentence, before, persons, self.past)
            return group[:2] if re.match(r"(?:the two|both)\b", head) else group
        return []

    def _holder_named(self, office: str, country: str, context: ArticleContext) -> str | None:
        """Return the holder of `office` for `country`: on the article date, else the one the article names."""
        holders: set[str] = set()
        for position in self.gazetteer.positions.values():
            if position.jurisdiction != country or not office_matches(position.label, office):
                continue
            if isinstance(context.published, dt.date):
                holders |= set(self.gazetteer.holders(position.key, context.published))
            else:
                holders |= {h.holder for h in self.gazetteer.holdings if h.position == position.key} & context.people
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
        if not match or hedged(sentence.masked, match.start()) or attributes_quote(sentence, match):
            return []
        verb_at = sentence.start + match.start()
        speakers = self._parsed_speakers(sentence, match) or speaker_near(sentence, verb_at, before)
        speakers = speakers or self.subject_group(sentence, before, verb_at, False)
        if not speakers:
            return []
        addressed = [m.key for m in sentence.mentions if m.is_agent and ADDRESSING.search(text_before(sentence, m))]
        encounters = [e for e in found if e.kind in _ENCOUNTERS]
        if any(set(speakers) <= set(e.participants + e.hosts) for e in encounters):
            return []
        event = self._event("Statement", match, sentence, before, published, times_of_saying(sentence, match))
        event.participants = unique(speakers + addressed)
        event.hosts, event.mediators = [], []
        event.label = event_label(event, self.gazetteer)
        return [event]

    def _parsed_speakers(self, sentence: Sentence, match: TriggerMatch) -> list[str]:
        """Return the speakers the parse makes the subject of a speech verb ("India's Foreign Secretary said")."""
        if sentence.doc is None:
            return []
        roles = roles_of(sentence.doc, match.trigger.start, match.trigger.end)
        agents = [m for m in sentence.mentions if m.is_agent and not inside_quote(sentence, m)]
        if roles.pronoun_subject:
            return []
        heads = [m.key for m in agents if any(m.start <= s and e <= m.end for s, e in roles.heads)]
        return unique(heads) or named_in(agents, roles.participants[:4])

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
            event = self._event(entity.kind, match, sentence, before, published, times_outside_quotes(sentence))
            event.key = slug
            convener = named_inside(sentence, mention.start, mention.end) if entity.kind == "Summit" else []
            # "talks on the sidelines of a NATO summit": the summit is NATO's, the sentence's parties are the talks'
            event.participants = unique((convener or event.participants) + list(entity.participants))
            span = mention.end - mention.start
            event.place = place_after(sentence, mention.start, within=span + 25) or entity.located_in
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


_ARMED = of_family(ARMED)
#: Event classes between two states, whose parties are those of the trigger's clause or of the story.
_BETWEEN_STATES = of_family(BETWEEN_STATES)


_WITH_NAME = re.compile(r",?\s+with\s+$")
_NAMED_AFTER = re.compile(r"\s+(?:was\s+|being\s+)?(?:named|appointed|nominated|designated)\b[^,;.]*")


_ENCOUNTERS = of_family(ENCOUNTER)
