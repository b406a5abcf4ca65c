"""/dumps/ over HTTP: listing, exact bytes, caching headers, conditional GET, Range, and no way out of the folder."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest

from kg.web import create_app
from tests.linked_data_fixture import publish_fixture


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("dumps")
    publish_fixture(data)
    return data


@pytest.fixture(scope="module")
def manifest(data_dir):
    return json.loads((data_dir / "current" / "dumps" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def client(data_dir):
    return create_app({"DATA_DIR": str(data_dir)}).test_client()


def test_listing_shows_size_count_and_sha256_of_every_file(client, manifest):
    html = client.get("/dumps/").get_data(as_text=True)
    names = {f["name"] for f in manifest["files"]}
    assert {"kg.trig", "kg.nq", "kg.ttl", "kg.nt", "kg.jsonld", "kg.ttl.gz", "void.ttl"} <= names
    for entry in manifest["files"]:
        assert f'href="/dumps/{entry["name"]}"' in html
        assert entry["sha256"] in html
        if "statements" in entry:
            assert f"{entry['statements']:,}" in html
    assert client.get("/dumps").status_code == 308


def test_every_listed_file_is_served_byte_for_byte(client, manifest, data_dir):
    for entry in manifest["files"]:
        response = client.get(f"/dumps/{entry['name']}")
        assert response.status_code == 200, entry["name"]
        assert int(response.headers["Content-Length"]) == entry["bytes"] == len(response.data)
        assert hashlib.sha256(response.data).hexdigest() == entry["sha256"]
        assert response.headers["ETag"] == f'"{entry["sha256"]}"'
        assert response.headers["Last-Modified"]
        if entry.get("mediaType") and not entry.get("encoding"):
            assert response.mimetype == entry["mediaType"]
    assert client.get("/dumps/manifest.json").get_json()["build"] == manifest["build"]


def test_gzip_variants_are_downloads_not_content_encoding(client):
    response = client.get("/dumps/kg.ttl.gz")
    assert response.mimetype == "application/gzip"
    assert "Content-Encoding" not in response.headers
    assert gzip.decompress(response.data) == client.get("/dumps/kg.ttl").data


def test_conditional_get_answers_304(client):
    first = client.get("/dumps/kg.nt")
    by_etag = client.get("/dumps/kg.nt", headers={"If-None-Match": first.headers["ETag"]})
    assert by_etag.status_code == 304 and by_etag.data == b""
    by_date = client.get("/dumps/kg.nt", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304
    changed = client.get("/dumps/kg.nt", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


def test_range_requests_resume_downloads(client):
    whole = client.get("/dumps/kg.trig").data
    part = client.get("/dumps/kg.trig", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.data == whole[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole)}"
    tail = client.get("/dumps/kg.trig", headers={"Range": "bytes=-50"})
    assert tail.data == whole[-50:]
    beyond = client.get("/dumps/kg.trig", headers={"Range": f"bytes={len(whole) + 10}-"})
    assert beyond.status_code == 416
    assert client.head("/dumps/kg.trig").headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/../store",
        "/dumps/..%2fstore",
        "/dumps/..%2Fmanifest.json",
        "/dumps/%2e%2e/%2e%2e/current",
        "/dumps/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/dumps/..%5c..%5cetc%5cpasswd",
        "/dumps//etc/passwd",
        "/dumps/%2Fetc%2Fpasswd",
        "/dumps/%2fetc/passwd",
        "/dumps/kg.ttl/../../store",
        "/dumps/store",
        "/dumps/.",
        "/dumps/..",
        "/dumps/nope.ttl",
        "/dumps/kg.ttl%00.txt",
    ],
)
def test_paths_outside_the_dump_folder_are_unreachable(client, path):
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code)


def test_a_symlink_in_the_dump_folder_is_never_followed(tmp_path):
    release = publish_fixture(tmp_path)
    dumps = release / "dumps"
    (dumps / "passwd.txt").symlink_to("/etc/passwd")
    manifest = json.loads((dumps / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"].append({"name": "passwd.txt", "bytes": 1, "sha256": "0" * 64})  # as if listed by mistake
    (dumps / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    client = create_app({"DATA_DIR": str(tmp_path)}).test_client()
    assert client.get("/dumps/passwd.txt").status_code == 404
