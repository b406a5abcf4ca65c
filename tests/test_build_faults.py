"""Faults of a build met at scale: unreadable files and folders, over-long articles, colliding or empty IRI names,
two builds at once, leftovers of interrupted builds, Ctrl-C, unwritable data folders, progress on a terminal."""

from __future__ import annotations

import errno
import fcntl
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import articles as articles_module
from kg import build as build_module
from kg import config, publish
from kg.articles import MAX_ARTICLE_CHARS, read_articles
from kg.cli import EXIT_BUSY, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, main
from kg.commands import ProgressBars
from kg.ids import IRIs, article_slug
from kg.publish import KEEP_FAILED, current_release

TALKS = "published: 2024-05-02\n\nArmenia and Azerbaijan held talks in Vienna on Thursday.\n"


def write(folder: Path, name: str, text: str = TALKS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def make_unreadable(path: Path, monkeypatch) -> None:
    """Take every permission from `path`; where the tests run as root, which reads it anyway, fail its reads as the
    kernel does for anyone else (EACCES from open and from listing a folder)."""
    path.chmod(0)
    if os.geteuid() != 0:
        return
    denied = OSError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    real_open, real_scandir = Path.open, os.scandir

    def guarded_open(self, *args, **kwargs):
        if self == path:
            raise PermissionError(*denied.args, str(path))
        return real_open(self, *args, **kwargs)

    def guarded_scandir(folder="."):
        if Path(folder) == path:
            raise PermissionError(*denied.args, str(path))
        return real_scandir(folder)

    monkeypatch.setattr(Path, "open", guarded_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)


@pytest.fixture
def restore_modes(tmp_path):
    yield
    for path in tmp_path.rglob("*"):
        path.chmod(0o755)


def run(*args: str) -> int:
    return main(list(args))


def published_identifiers(data: Path) -> set[str]:
    store = ox.Store.read_only(str(current_release(data) / "store"))
    query = (
        "SELECT ?id { ?a a <https://w3id.org/diplomacy-kg/ontology#Article> ; "
        "<http://purl.org/dc/terms/identifier> ?id }"
    )
    return {row["id"].value for row in store.query(query, use_default_graph_as_union=True)}


def test_an_unreadable_file_is_an_error_of_its_own_and_keep_going_publishes_the_others(
    tmp_path, monkeypatch, capsys, restore_modes
):
    folder = tmp_path / "articles"
    write(folder, "good.txt")
    make_unreadable(write(folder, "locked.txt"), monkeypatch)
    data = tmp_path / "data"
    assert run("build", str(folder), "--data-dir", str(data)) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "locked.txt: cannot read the file: Permission denied" in err
    assert "Traceback" not in err
    assert run("build", str(folder), "--data-dir", str(data), "--keep-going") == EXIT_ERROR
    assert published_identifiers(data) == {"good"}


def test_kg_validate_reports_an_unreadable_file_and_validates_the_others(tmp_path, monkeypatch, capsys, restore_modes):
    folder = tmp_path / "articles"
    write(folder, "good.txt")
    make_unreadable(write(folder, "locked.txt"), monkeypatch)
    assert run("validate", str(folder)) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "locked.txt: cannot read the file" in err
    assert "conforms: 0 violations" in err


def test_an_unreadable_subfolder_is_an_error_naming_it_not_a_silent_gap(tmp_path, monkeypatch, restore_modes):
    folder = tmp_path / "articles"
    write(folder, "good.txt")
    write(folder / "locked", "hidden.txt")
    make_unreadable(folder / "locked", monkeypatch)
    result = read_articles([folder])
    assert [a.identifier for a in result.articles] == ["good"]
    assert len(result.errors) == 1
    assert result.errors[0].source == str(folder / "locked")
    assert "cannot list the folder" in result.errors[0].reason


def test_an_article_longer_than_the_model_reads_at_once_is_refused_by_name(tmp_path, capsys):
    folder = tmp_path / "articles"
    write(folder, "good.txt")
    paragraph = "Armenia and Azerbaijan held talks in Vienna. " * 200
    long_text = "published: 2024-05-02\n\n" + "\n\n".join([paragraph] * (MAX_ARTICLE_CHARS // len(paragraph) + 2))
    write(folder, "long.txt", long_text)
    assert len(long_text.encode()) < config.DEFAULTS["MAX_ARTICLE_BYTES"]
    data = tmp_path / "data"
    assert run("build", str(folder), "--data-dir", str(data), "--keep-going") == EXIT_ERROR
    err = capsys.readouterr().err
    assert "long.txt: article text is 1,0" in err
    assert "split it into several articles" in err
    assert "E088" not in err and "Traceback" not in err
    assert published_identifiers(data) == {"good"}


def test_articles_whose_names_give_one_iri_are_both_refused_naming_each_other(tmp_path):
    first = write(tmp_path, "Talks A.txt")
    second = write(tmp_path, "talks_a.txt")
    result = read_articles([tmp_path])
    assert result.articles == []
    messages = {e.source: e.reason for e in result.errors}
    assert set(messages) == {str(first), str(second)}
    assert str(second) in messages[str(first)] and str(first) in messages[str(second)]
    assert "'talks-a'" in messages[str(first)]


def test_a_name_in_another_script_is_transliterated_into_its_iri(tmp_path):
    write(tmp_path / "articles", "日本.txt")
    data = tmp_path / "data"
    assert run("build", str(tmp_path / "articles"), "--data-dir", str(data)) == EXIT_OK
    assert published_identifiers(data) == {"日本"}
    store = ox.Store.read_only(str(current_release(data) / "store"))
    article = ox.NamedNode(str(IRIs().article("日本")))
    assert article.value.endswith("/id/article/ri-ben")
    assert list(store.quads_for_pattern(article, None, None))
    empty = ox.NamedNode("https://w3id.org/diplomacy-kg/id/article/")
    assert not list(store.quads_for_pattern(empty, None, None))


def test_a_name_without_any_letter_gets_a_stable_hashed_iri_name():
    assert article_slug("!!!") == article_slug("!!!")
    assert article_slug("!!!").startswith("article-")
    assert article_slug("???") != article_slug("!!!")


def test_a_second_build_stops_at_once_with_its_own_exit_code(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "articles"
    write(folder, "good.txt")
    data = tmp_path / "data"
    data.mkdir()

    def read_nothing(*args, **kwargs):
        raise AssertionError("a build that cannot take the lock must not read articles")

    monkeypatch.setattr(build_module, "read_articles", read_nothing)
    with (data / ".build.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert run("build", str(folder), "--data-dir", str(data)) == EXIT_BUSY
    assert "another build is running in" in capsys.readouterr().err
    assert current_release(data) is None


def test_the_help_documents_the_exit_code_of_a_busy_data_folder(capsys):
    with pytest.raises(SystemExit):
        run("--help")
    out = " ".join(capsys.readouterr().out.split())
    assert f"{EXIT_BUSY} another build is running in the data folder" in out
    assert f"{EXIT_INTERRUPTED} interrupted by Ctrl-C" in out


def test_an_unusable_data_folder_is_found_before_any_article_is_read(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "articles"
    write(folder, "good.txt")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")

    def read_nothing(*args, **kwargs):
        raise AssertionError("the data folder is checked before reading")

    monkeypatch.setattr(build_module, "read_articles", read_nothing)
    assert run("build", str(folder), "--data-dir", str(blocker / "data")) == EXIT_ERROR
    err = capsys.readouterr().err
    assert f"cannot write into the data folder {blocker / 'data'}" in err


def test_a_data_folder_without_write_permission_is_found_at_start(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "articles"
    write(folder, "good.txt")
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o555)
    real_access = os.access
    if os.geteuid() == 0:  # root may write anywhere; answer as the kernel does for anyone else
        monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == data else real_access(p, mode))
    monkeypatch.setattr(build_module, "read_articles", lambda *a, **k: pytest.fail("read before the check"))
    try:
        assert run("build", str(folder), "--data-dir", str(data)) == EXIT_ERROR
    finally:
        data.chmod(0o755)
    assert f"cannot write into the data folder {data} (Permission denied)" in capsys.readouterr().err


def test_leftovers_of_killed_builds_are_removed_and_failed_reports_pruned(tmp_path):
    folder = tmp_path / "articles"
    write(folder, "good.txt")
    data = tmp_path / "data"
    (data / "releases" / ".tmp-20240101T000000000000Z").mkdir(parents=True)
    (data / ".current-20240101T000000000000Z").symlink_to("releases/.tmp-20240101T000000000000Z")
    for day in range(1, KEEP_FAILED + 4):
        (data / "failed" / f"202401{day:02d}T000000000000Z").mkdir(parents=True)
    assert run("build", str(folder), "--data-dir", str(data)) == EXIT_OK
    assert not list(data.glob(".current-*"))
    assert not list((data / "releases").glob(".tmp-*"))
    kept = sorted(p.name for p in (data / "failed").iterdir())
    assert len(kept) == KEEP_FAILED
    assert kept[-1] == f"202401{KEEP_FAILED + 3:02d}T000000000000Z"


def test_a_disk_error_while_publishing_names_the_folder_and_keeps_the_live_release(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "articles"
    write(folder, "good.txt")
    data = tmp_path / "data"
    assert run("build", str(folder), "--data-dir", str(data)) == EXIT_OK
    live = current_release(data)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(publish, "write_dumps", full_disk)
    assert run("build", str(folder), "--data-dir", str(data)) == EXIT_ERROR
    err = capsys.readouterr().err
    assert f"cannot write the release into {data / 'releases'}{os.sep}.tmp-" in err
    assert "No space left on device" in err
    assert current_release(data) == live


INTERRUPTED_BUILD = """
import os, signal, sys, time
from kg import build
from kg.cli import main

def interrupted(*args, **kwargs):
    signal.raise_signal(signal.SIGINT)  # to this, the main, thread: the sleep is cut short by KeyboardInterrupt
    time.sleep(60)

# Ctrl-C as in an interactive shell: a test run started in the background (`nohup … &`) hands its processes
# SIGINT ignored, and Python then installs no handler, so the build slept on and failed otherwise.
signal.signal(signal.SIGINT, signal.default_int_handler)
build.extract = interrupted
sys.exit(main(["build", sys.argv[1], "--data-dir", sys.argv[2]]))
"""


def test_ctrl_c_prints_a_short_message_and_exits_130_without_a_traceback(tmp_path):
    folder = tmp_path / "articles"
    write(folder, "good.txt")
    data = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_BUILD, str(folder), str(data)], capture_output=True, text=True
    )
    assert done.returncode == EXIT_INTERRUPTED == 128 + signal.SIGINT
    assert "kg build: interrupted" in done.stderr
    assert "Traceback" not in done.stderr
    assert current_release(data) is None


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bars_show_each_stage_on_a_terminal_and_nothing_elsewhere():
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        with ProgressBars(stream) as progress:
            for done in range(4):
                progress("reading", done, 3)
            progress("validating", 0, 1)
            progress("validating", 1, 1)
    assert "reading: 100%" in terminal.getvalue() and "3/3" in terminal.getvalue()
    assert "validating: 100%" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_every_long_stage_of_a_build_reports_progress(tmp_path):
    folder = tmp_path / "articles"
    write(folder, "a.txt")
    write(folder, "b.txt", TALKS.replace("Vienna", "Geneva"))
    stages = []
    settings = config.load({"DATA_DIR": str(tmp_path / "data")}, environ={})
    outcome = build_module.run_build([folder], settings, progress=lambda stage, done, total: stages.append(stage))
    assert outcome.exit_code == EXIT_OK
    assert list(dict.fromkeys(stages)) == [
        "reading",
        "extracting",
        "matching",
        "mapping",
        "writing statements",
        "validating",
        "publishing",
    ]


def test_reading_reports_a_file_that_vanished_between_listing_and_reading(tmp_path, monkeypatch):
    path = write(tmp_path, "gone.txt")
    real_files = articles_module._folder_files

    def listed_then_removed(folder, result):
        files = real_files(folder, result)
        path.unlink()
        return files

    monkeypatch.setattr(articles_module, "_folder_files", listed_then_removed)
    result = read_articles([tmp_path])
    assert result.errors[0].source == str(path)
    assert "cannot read the file: No such file or directory" in result.errors[0].reason
