"""Embedded social-media posts: the signature line a captured post ends with, "— Name (@handle) Month D, YYYY".

News pages embed posts (X/Twitter, Threads, Bluesky) whose text the page keeps with the signature line of the
embed. The line names who posted and on which day; it dates the post's words, and an article without a date
of its own was published on or after its latest post.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kg.extract.dates import find_time_expressions, resolve
from kg.extract.kinds import SPEECH, kind_of
from kg.extract.model import Entity, Event, Span, TimeValue
from kg.reference import fold

_SIGNATURE = re.compile(
    r"^[ \t]*[—–-]{1,2}[ \t]*(?P<name>[^\n()@]{2,80}?)[ \t]*\(@(?P<handle>\w{1,30})\)"
    r"[ \t]*(?P<date>[^\n]{6,30}?)[ \t]*$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Post:
    """The signature line of an embedded post: who posted it (name and handle) and on which day."""

    span: Span  # the whole signature line
    name: Span
    handle: str
    day: dt.date


def find_posts(text: str) -> list[Post]:
    """Return the signature lines of the posts embedded in `text` whose date is written in full (with a year)."""
    out = []
    for line in _SIGNATURE.finditer(text):
        expressions = find_time_expressions(line.group("date"))
        if len(expressions) != 1 or expressions[0].text.strip() != line.group("date").strip():
            continue
        value = resolve(expressions[0], None)
        if value is None or value.precision != "day":
            continue
        out.append(
            Post(
                span=Span(line.start(), line.end(), line.group(0)),
                name=Span(line.start("name"), line.end("name"), line.group("name")),
                handle=line.group("handle"),
                day=dt.date.fromisoformat(value.value),
            )
        )
    return out


def window_after(posts: list[Post]) -> tuple[dt.date, dt.date] | None:
    """Return the publication window of an undated article that embeds `posts`: from the day of its latest post
    to the week after it, as for a report pinned to a day by another (see coreference._infer_anchors)."""
    if not posts:
        return None
    latest = max(p.day for p in posts)
    return latest, latest + dt.timedelta(days=6)


def date_by_posts(events: list[Event], posts: list[Post], entities: dict[str, Entity]) -> None:
    """Date the words of each embedded post by its signature line: the statements told between the post before
    and this one's signature, by the person who signed it, that have no date of their own words."""
    after = 0
    for post in sorted(posts, key=lambda p: p.span.start):
        signer = _signer(post, entities)
        for event in events:
            if not (after <= event.evidence.start < post.span.start) or kind_of(event.kind).family != SPEECH:
                continue
            own = event.date is not None and event.date_basis != "dispatch"
            if signer in event.participants and not own and not event.time_expression:
                event.date = TimeValue(post.day.isoformat(), "day", None)
                event.date_basis = "post"
        after = post.span.end


def _signer(post: Post, entities: dict[str, Entity]) -> str | None:
    """Return the person the signature names: the one whose name's words all appear in it, or whose surname
    is its last word ("Serdar KILIÇ" is Serdar Kilic)."""
    words = _words(post.name.text)
    for entity in entities.values():
        if entity.kind != "Person":
            continue
        name = _words(entity.label)
        if name and (set(name) <= set(words) or (len(words) >= 2 and name[-1] == words[-1] and name[0] == words[0])):
            return entity.key
    return None


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", fold(text).casefold()) if w]
