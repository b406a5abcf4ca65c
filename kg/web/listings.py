"""What each list page (`/id/<segment>/`) shows: its columns and the facets that narrow it, one entry per class.

Every column and facet is a fixed SPARQL pattern from `?item` (a listed resource) to `?value`; no
text from a request ever enters one. A segment the data has but this table does not name still
gets a list (label, types, the articles that mention it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """A column or a facet of a list: its URL name, its heading and the pattern that reaches its values."""

    name: str
    title: str
    pattern: str
    count: bool = False  # a column that shows how many values there are rather than the values


@dataclass(frozen=True)
class Listing:
    """The list of one IRI segment: its title, columns, facets and (when it has one) the date it is sorted by."""

    segment: str
    title: str
    columns: tuple[Field, ...] = ()
    facets: tuple[Field, ...] = ()
    date: str | None = None  # pattern from ?item to its date; gives the `date` sort and the `year` facet


YEAR = "year"  # the facet every dated list has, read off its date

_REPORTED_IN = Field("article", "Article", "?item dip:reportedIn ?value")
_REPORTED_BY = Field("outlet", "Outlet", "?item dip:reportedIn/dct:publisher ?value")
_MENTIONED_IN = Field("article", "Article", "?value dip:mentions ?item")
_MENTIONED_BY = Field("outlet", "Outlet", "?article dip:mentions ?item ; dct:publisher ?value")
_SOURCES = Field("sources", "Sources", "?item dip:reportedIn ?value", count=True)
_ARTICLES = Field("articles", "Articles", "?value dip:mentions ?item", count=True)
_EVENTS = Field(
    "events",
    "Events",
    "?value dip:participant|dip:host|dip:mediator|dip:place|dip:topic ?item . FILTER NOT EXISTS { ?value a dip:Quote }",
    count=True,
)
_KIND = Field("kind", "Kind", "?item a ?value")

LISTINGS = (
    Listing(
        "event",
        "Events",
        columns=(
            _KIND,
            Field("participants", "Participants", "?item dip:participant ?value"),
            Field("place", "Place", "?item dip:place ?value"),
            _SOURCES,
        ),
        facets=(
            _KIND,
            Field(
                "country",
                "Country",
                "?item (dip:participant|dip:host|dip:mediator|dip:place)"
                "/(^dip:holder/dip:position/dip:jurisdiction|dip:locatedIn)? ?value . ?value a dip:Country",
            ),
            Field("person", "Person", "?item dip:participant|dip:host|dip:mediator ?value . ?value a dip:Person"),
            _REPORTED_BY,
            _REPORTED_IN,
        ),
        date="?item dip:date|dip:startDate ?value",
    ),
    Listing(
        "person",
        "People",
        columns=(Field("offices", "Offices", "?item ^dip:holder/dip:position ?value"), _EVENTS, _ARTICLES),
        facets=(
            Field("country", "Country", "?item ^dip:holder/dip:position/dip:jurisdiction ?value"),
            Field("office", "Office", "?item ^dip:holder/dip:position ?value"),
            _MENTIONED_BY,
            _MENTIONED_IN,
        ),
    ),
    Listing(
        "country",
        "Countries",
        columns=(Field("capital", "Capital", "?item dip:capital ?value"), _EVENTS, _ARTICLES),
        facets=(
            Field("status", "Relation status", "?relation dip:party ?item ; dip:status ?value"),
            Field("partner", "Relation with", "?relation dip:party ?item, ?value . FILTER(?value != ?item)"),
            _MENTIONED_BY,
            _MENTIONED_IN,
        ),
    ),
    Listing("organization", "Organizations", columns=(_EVENTS, _ARTICLES), facets=(_MENTIONED_BY, _MENTIONED_IN)),
    Listing(
        "place",
        "Places",
        columns=(Field("country", "In", "?item dip:locatedIn ?value"), _EVENTS, _ARTICLES),
        facets=(Field("country", "Country", "?item dip:locatedIn ?value"), _MENTIONED_IN),
    ),
    Listing(
        "article",
        "Articles",
        columns=(
            Field("publisher", "Outlet", "?item dct:publisher ?value"),
            Field("facts", "Facts", "?value dip:reportedIn ?item . ?value a dip:Report", count=True),
            Field("mentions", "Entities named", "?item dip:mentions ?value", count=True),
        ),
        facets=(
            Field("outlet", "Outlet", "?item dct:publisher ?value"),
            Field("language", "Language", "?item dct:language ?value"),
            Field("country", "Country named", "?item dip:mentions ?value . ?value a dip:Country"),
        ),
        date="?item dct:issued ?value",
    ),
    Listing(
        "quote",
        "Quotes",
        columns=(
            Field("speaker", "Speaker", "?item dip:speaker ?value"),
            Field("event", "Said at", "?item dip:saidAt ?value"),
            _SOURCES,
        ),
        facets=(
            Field("speaker", "Speaker", "?item dip:speaker ?value"),
            Field("country", "Speaker's country", "?item dip:speaker/^dip:holder/dip:position/dip:jurisdiction ?value"),
            _REPORTED_BY,
            _REPORTED_IN,
        ),
        date="?item dip:reportedIn/dct:issued ?value",
    ),
    Listing(
        "relation",
        "Bilateral relation statuses",
        columns=(
            Field("parties", "Between", "?item dip:party ?value"),
            Field("status", "Status", "?item dip:status ?value"),
            _SOURCES,
        ),
        facets=(
            Field("status", "Status", "?item dip:status ?value"),
            Field("country", "Country", "?item dip:party ?value"),
            _REPORTED_BY,
            _REPORTED_IN,
        ),
        date="?item dip:since ?value",
    ),
    Listing(
        "agreement",
        "Agreements",
        columns=(Field("parties", "Parties", "?item dip:party ?value"), _ARTICLES),
        facets=(Field("party", "Party", "?item dip:party ?value"), _MENTIONED_IN),
        date="?item dip:signingDate ?value",
    ),
    Listing(
        "project",
        "Infrastructure projects",
        columns=(Field("connects", "Connects", "?item dip:connects ?value"), _ARTICLES),
        facets=(Field("connects", "Connects", "?item dip:connects ?value"), _MENTIONED_IN),
    ),
    Listing(
        "position",
        "Offices",
        columns=(
            Field("jurisdiction", "Of", "?item dip:jurisdiction ?value"),
            Field("holders", "Holders", "?value dip:position ?item", count=True),
        ),
        facets=(Field("country", "Country", "?item dip:jurisdiction ?value"),),
    ),
    Listing(
        "holding",
        "Office holdings",
        columns=(
            Field("holder", "Holder", "?item dip:holder ?value"),
            Field("position", "Office", "?item dip:position ?value"),
            Field("until", "Until", "?item dip:endDate ?value"),
        ),
        facets=(
            Field("country", "Country", "?item dip:position/dip:jurisdiction ?value"),
            Field("office", "Office", "?item dip:position ?value"),
            Field("person", "Holder", "?item dip:holder ?value"),
        ),
        date="?item dip:startDate ?value",
    ),
    Listing(
        "report",
        "Reports",
        columns=(
            Field("fact", "Reports", "?value dip:report ?item"),
            Field("wording", "Wording", "?item dip:wording ?value"),
            Field("article", "Article", "?item dip:reportedIn ?value"),
        ),
        facets=(
            Field("kind", "Kind of fact", "?fact dip:report ?item ; a ?value"),
            _REPORTED_BY,
            _REPORTED_IN,
        ),
        date="?item dip:reportedIn/dct:issued ?value",
    ),
)

GENERIC_COLUMNS = (_KIND, _ARTICLES)
GENERIC_FACETS = (_KIND, _MENTIONED_IN)


def listing_for(segment: str) -> Listing:
    """Return the list of `segment`: its entry in `LISTINGS`, or a plain list for a segment the table lacks."""
    found = next((listing for listing in LISTINGS if listing.segment == segment), None)
    return found or Listing(segment, segment.replace("-", " ").capitalize(), GENERIC_COLUMNS, GENERIC_FACETS)
