"""What the browser tests share: Debian's Chromium, launched headless by its path (no browser download), and pages
that may fetch nothing off 127.0.0.1."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def keep_local(page) -> None:
    """Refuse every request of `page` off 127.0.0.1, recording its URL in `page.outside`."""
    page.outside = []

    def only_local(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
