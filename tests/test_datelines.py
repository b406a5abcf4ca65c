"""Datelines: the place, agency and date a dispatch opens with, recognised by shape and case alone."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.datelines import find_dateline, relative_anchor


def parts(dateline):
    def text(span):
        return span.text if span else None

    return (text(dateline.place), text(dateline.region), text(dateline.agency), text(dateline.date))


@pytest.mark.parametrize(
    ("text", "dateline", "place", "region", "agency", "date"),
    [
        ("ANKARA — Two ministers met on Tuesday.", "ANKARA —", "ANKARA", None, None, None),
        ("TBILISI – Georgia recalled its envoy.", "TBILISI –", "TBILISI", None, None, None),
        ("OTTAWA - Canada said it would respond.", "OTTAWA -", "OTTAWA", None, None, None),
        ("BAKU, Sept 25 (Reuters) - Officials met.", "BAKU, Sept 25 (Reuters) -", "BAKU", None, "Reuters", "Sept 25"),
        ("Yerevan, 12 March 2024 /ARKA/. The bill passed.", None, "Yerevan", None, "ARKA", "12 March 2024"),
        ("MOSCOW, October 22. /TASS/. Talks resumed.", None, "MOSCOW", None, "TASS", "October 22"),
        ("SEOUL, June 30 (Yonhap) -- A summit was held.", None, "SEOUL", None, "Yonhap", "June 30"),
        ("(AP) — A ceasefire took hold overnight.", "(AP) —", None, None, "AP", None),
        ("Kuala Lumpur (Bernama) – The bloc met.", "Kuala Lumpur (Bernama) –", "Kuala Lumpur", None, "Bernama", None),
        ("Lima /Andina/. Peru and Chile agreed.", "Lima /Andina/.", "Lima", None, "Andina", None),
        ("OSLO, Jun 3, 2021, Agency Name. Norway spoke.", None, "OSLO", None, "Agency Name", "Jun 3, 2021"),
        ("DAKAR (Local Wires) — Senegal voted.", "DAKAR (Local Wires) —", "DAKAR", None, "Local Wires", None),
        ("NAIROBI: Kenya hosted the talks.", "NAIROBI:", "NAIROBI", None, None, None),
        ("QUITO\n\nEcuador reopened its border.", "QUITO", "QUITO", None, None, None),
        ("  \nSANTO DOMINGO — The talks ended.", "SANTO DOMINGO —", "SANTO DOMINGO", None, None, None),
        ("KYIV, Ukraine (AP) — Drones struck.", "KYIV, Ukraine (AP) —", "KYIV", "Ukraine", "AP", None),
        ("WASHINGTON, D.C. — The talks ended.", "WASHINGTON, D.C. —", "WASHINGTON", "D.C.", None, None),
        ("ST. GALLEN, Switzerland, May 5 (Wire) - x", None, "ST. GALLEN", "Switzerland", "Wire", "May 5"),
        ("GENEVA/VIENNA — Envoys met.", "GENEVA/VIENNA —", "GENEVA/VIENNA", None, None, None),
        ("Rio de Janeiro, Nov 18 (Wire) - Leaders met.", None, "Rio de Janeiro", None, "Wire", "Nov 18"),
        ("Hanoi, 2 April: Vietnam signed.", "Hanoi, 2 April:", "Hanoi", None, None, "2 April"),
        ("NEW DELHI, Oct 22 (PTI): India said.", "NEW DELHI, Oct 22 (PTI):", "NEW DELHI", None, "PTI", "Oct 22"),
        ("LONDON, Monday (Wire) - Britain said.", None, "LONDON", None, "Wire", "Monday"),
        ("BOGOTÁ — Colombia said.", "BOGOTÁ —", "BOGOTÁ", None, None, None),
    ],
)
def test_datelines_news_uses(text, dateline, place, region, agency, date):
    found = find_dateline(text)
    assert found is not None
    assert parts(found) == (place, region, agency, date)
    assert text[found.span.start : found.span.end] == found.span.text
    if dateline:
        assert found.span.text == dateline


@pytest.mark.parametrize(
    "text",
    [
        "Russia — along with China — said it would abstain.",
        "Envoy: we will return next week.",
        "BREAKING: Talks collapse in Vienna.",
        "UPDATE — The ministers met again.",
        "Foreign Minister Ana Costa met her counterpart.",
        "In July, the two sides exchanged notes.",
        "The ministers met in OSLO — the capital — on Friday.",
        "By Maria Lopez\nThe talks ended.",
        "US President Lee said the talks went well.",
        "Peru plans to open an embassy in Ghana.",
        "The ministry said (Wire) — nothing.",
        "GOVERNMENTS AGREE TO TALK AGAIN SOON\nThe headline said it all.",
        "",
        "   ",
    ],
)
def test_sentences_that_are_not_datelines(text):
    assert find_dateline(text) is None


def test_a_dateline_later_in_the_text_is_not_one():
    assert find_dateline("The talks went on.\nANKARA — A second round began.") is None


@pytest.mark.parametrize(
    ("text", "published", "anchor"),
    [
        ("BAKU, Sept 25 (Reuters) - Officials met.", dt.date(2024, 9, 26), dt.date(2024, 9, 25)),
        ("BAKU, Dec 31 (Reuters) - Officials met.", dt.date(2025, 1, 1), dt.date(2024, 12, 31)),
        ("BAKU, Sept 25 (Reuters) - Officials met.", None, None),
        ("OSLO, Jun 3, 2021, Wire. Norway spoke.", None, dt.date(2021, 6, 3)),
        ("BAKU, Sept 25 (Reuters) - x", (dt.date(2024, 9, 25), dt.date(2024, 10, 31)), dt.date(2024, 9, 25)),
        ("BAKU, Sept 25 (Reuters) - x", (dt.date(2023, 12, 1), dt.date(2024, 10, 31)), "published"),
        ("ANKARA — Two ministers met.", dt.date(2024, 9, 26), dt.date(2024, 9, 26)),
        ("Two ministers met.", (dt.date(2024, 9, 1), dt.date(2024, 9, 30)), "published"),
    ],
)
def test_relative_dates_count_from_the_dispatch_day(text, published, anchor):
    """A dateline's day is the anchor when it can be known; else the publication date (or window) stays."""
    assert relative_anchor(find_dateline(text), published) == (published if anchor == "published" else anchor)
