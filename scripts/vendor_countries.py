"""Write kg/reference/states.json: the UN member and observer states of the npm package world-countries.

Run by `make vendor` after `npm ci`; keeps only what the extractor reads (English names, Latin-script alternative
spellings, English demonyms, capitals, ISO 3166 codes), so the package data stays small and reviewable.
"""

import json
import sys
from pathlib import Path

#: UN General Assembly non-member observer states (world-countries flags UN members only).
OBSERVER_STATES = {"PSE", "VAT"}


def _latin(text: str) -> bool:
    return all(ord(c) < 0x250 or c in "’‘" for c in text)


def state(country: dict) -> dict:
    """Return the fields the extractor reads of one world-countries record."""
    name = country["name"]
    # The ISO 3166 alpha-2 code is dropped: as a word it is mostly something else ("IN", "AM", "CO").
    spellings = [n for n in country.get("altSpellings", []) if n != country["cca2"]]
    names = [name["common"], name["official"], *spellings]
    demonyms = country.get("demonyms", {}).get("eng", {})
    return {
        "code": country["cca3"],
        "name": name["common"],
        "names": sorted({n for n in names if _latin(n) and len(n) > 1 and "," not in n} - {name["common"]}),
        "demonyms": sorted({d for d in demonyms.values() if d}),
        "capitals": country.get("capital", []),
    }


def main(source: Path, target: Path) -> None:
    """Convert the package's countries.json into the vendored states file."""
    countries = json.loads(source.read_text(encoding="utf-8"))
    package = json.loads((source.parent / "package.json").read_text(encoding="utf-8"))
    states = [state(c) for c in countries if c.get("unMember") or c["cca3"] in OBSERVER_STATES]
    document = {
        "source": f"npm world-countries {package['version']} (mledoze/countries), ODbL-1.0",
        "states": sorted(states, key=lambda s: s["code"]),
    }
    target.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
