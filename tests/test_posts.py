"""Embedded posts: their signature line dates their words and bounds an undated article's publication."""

from __future__ import annotations

import datetime as dt

from kg.articles import parse_article
from kg.extract.posts import find_posts, window_after

POSTED = """title: Relief convoy crosses
url: https://example.org/relief

Kenya reopened its border with Somalia on Saturday to let food aid through.
The convoy carried 12 trucks, Foreign Minister Amina Warsame tweeted.
Twelve trucks of food aid crossed into Somalia today.
— Amina Warsame (@AminaWarsame) March 4, 2023
"""


def test_a_signature_line_names_the_poster_and_the_day():
    [post] = find_posts(POSTED)
    assert (post.name.text, post.handle, post.day) == ("Amina Warsame", "AminaWarsame", dt.date(2023, 3, 4))
    assert window_after([post]) == (dt.date(2023, 3, 4), dt.date(2023, 3, 10))


def test_a_line_without_a_full_date_is_no_signature():
    assert find_posts("— Amina Warsame (@AminaWarsame) March 4\n") == []
    assert find_posts("He said — as before — that talks (in Nairobi) would go on.\n") == []


def test_the_post_dates_its_author_s_statement_and_the_window_dates_the_weekday(extractor):
    extraction = extractor(parse_article(POSTED, "posted", "posted.txt"))
    [said] = [e for e in extraction.events if e.kind == "Statement"]
    assert (said.date.value, said.date_basis) == ("2023-03-04", "post")
    [opening] = [e for e in extraction.events if e.kind == "BorderOpening"]
    assert opening.date.value == "2023-03-04"  # "on Saturday", in the week from the post's day
