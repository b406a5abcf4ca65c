"""Shared fixtures: the seed graph is built once per session; everything else is fresh per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import config

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_data_dir(tmp_path_factory) -> Path:
    """Build and publish the seed articles once; return the data folder holding the release."""
    from kg.build import run_build  # the extractor loads spaCy: only when a test needs the seed graph

    data_dir = tmp_path_factory.mktemp("seed-data")
    outcome = run_build([SEEDS], config.load({"DATA_DIR": str(data_dir)}, environ={}))
    assert outcome.exit_code == 0, outcome.validation.text if outcome.validation else outcome.errors
    return data_dir


@pytest.fixture(scope="session")
def seed_release(seed_data_dir) -> Path:
    """Return the folder of the published seed release (store/, dumps/)."""
    return (seed_data_dir / "current").resolve()


@pytest.fixture(scope="module")
def extractor():
    """Load the spaCy pipeline and the reference matchers once per test module."""
    from kg.extract.rules import RuleExtractor  # loads spaCy: only for the modules that extract

    return RuleExtractor()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, once per test module (the browser tests' pages come from it)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, LAUNCH_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()
