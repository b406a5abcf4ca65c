"""`/robots.txt` and `/sitemap.xml`: what crawlers may fetch, and every page of the release for them to find.

The sitemap lists the site's own pages and the page of every resource in the release's search index.
Past 50,000 URLs (the limit of the sitemaps protocol) `/sitemap.xml` is a sitemap index pointing at
`/sitemap-1.xml`, `/sitemap-2.xml`, … of up to 50,000 URLs each. URLs are absolute, under
`KG_PUBLIC_URL` (by default `KG_BASE_IRI`), never under the request's Host.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app

from kg.web.headers import built_at
from kg.web.release import get_release
from kg.web.search import index_of

bp = Blueprint("sitemap", __name__)

MAX_URLS = 50_000
SITE_PAGES = ("", "query", "dumps/", "ontology", "shapes", ".well-known/void")
# Surfaces that answer queries: costly to crawl and with nothing a crawler should index.
NOT_CRAWLED = ("/sparql", "/api/", "/search")
_XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@bp.get("/robots.txt")
def robots():
    """Let crawlers read every page but the query surfaces, and point them at the sitemap."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in NOT_CRAWLED), ""]
    lines.append(f"Sitemap: {current_app.config['PUBLIC_URL']}sitemap.xml")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap():
    """Answer the sitemap of the release, or a sitemap index when it holds more URLs than one sitemap may."""
    urls = page_urls()
    per_file = current_app.config.get("SITEMAP_MAX_URLS", MAX_URLS)
    if len(urls) <= per_file:
        return _urlset(urls)
    parts = (len(urls) + per_file - 1) // per_file
    public = current_app.config["PUBLIC_URL"]
    entries = "".join(f"<sitemap><loc>{escape(public)}sitemap-{n}.xml</loc></sitemap>\n" for n in range(1, parts + 1))
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{_XMLNS}">\n{entries}</sitemapindex>\n'
    return Response(body, mimetype="application/xml")


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    """Answer one part of a sitemap split by the index at `/sitemap.xml`."""
    urls = page_urls()
    per_file = current_app.config.get("SITEMAP_MAX_URLS", MAX_URLS)
    part = urls[(number - 1) * per_file : number * per_file] if number >= 1 else []
    if not part:
        abort(404)
    return _urlset(part)


def page_urls() -> list[str]:
    """Return the absolute URL of every page: the site's own, then each resource's, in IRI order."""
    release = get_release()
    if release is None:
        abort(404)
    public, base = current_app.config["PUBLIC_URL"], current_app.config["BASE_IRI"]
    urls = [public + page for page in SITE_PAGES]
    urls += [public + iri[len(base) :] for iri, _ in index_of(release).resources() if iri.startswith(base)]
    return urls


def _urlset(urls: list[str]) -> Response:
    release = get_release()
    built = built_at(release.build_id) if release else None
    lastmod = f"<lastmod>{built.date().isoformat()}</lastmod>" if built else ""
    entries = "".join(f"<url><loc>{escape(url)}</loc>{lastmod}</url>\n" for url in urls)
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_XMLNS}">\n{entries}</urlset>\n'
    return Response(body, mimetype="application/xml")
