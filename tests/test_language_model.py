"""The trained spaCy pipeline: what the pin installs, that the pin is enforced, and the KG_SPACY_MODEL setting."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import spacy
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from kg import config
from kg.cli import main
from kg.errors import ConfigError
from kg.extract.pipeline import load_pipeline

ROOT = Path(__file__).resolve().parent.parent
PIN_FILE = ROOT / "requirements" / "language-model.txt"

#: sha256 of the files that make the pipeline what it is (weights, tables, tokenizer, config), as they are in
#: Explosion's en_core_web_sm 3.8.0; docs/language-model.md says where each was checked.
OFFICIAL_FILES = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "senter/model": "b69e7174a0b6307739adec3c8053ac45fdbad7171c4d3d8bfcd9713ecbc01f8c",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "lemmatizer/lookups/lookups.bin": "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737",
}


def _pin() -> tuple[Requirement, str]:
    """Return the pinned requirement and its sha256 from the requirements file `make install` uses."""
    lines = [line.strip() for line in PIN_FILE.read_text(encoding="utf-8").splitlines()]
    entry = " ".join(line.rstrip("\\").strip() for line in lines if line and not line.startswith("#"))
    requirement, _, digest = entry.partition(" --hash=sha256:")
    return Requirement(requirement), digest


@pytest.fixture(scope="module")
def nlp():
    """The default pipeline, as the extractor loads it."""
    return load_pipeline(config.DEFAULTS["SPACY_MODEL"])


@pytest.fixture(scope="module")
def meta(nlp):
    """The meta.json the installed pipeline ships (nlp.meta follows components added after loading)."""
    return spacy.util.load_meta(nlp.path / "meta.json")


def test_the_pin_names_one_version_and_one_sha256_and_pyproject_pins_the_same():
    requirement, digest = _pin()
    assert len(digest) == 64 and int(digest, 16) >= 0
    (specifier,) = requirement.specifier
    assert specifier.operator == "=="
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert str(requirement) in dependencies


def test_the_installed_pipeline_is_the_pinned_package(meta):
    requirement, _ = _pin()
    (specifier,) = requirement.specifier
    assert metadata.version(requirement.name) == specifier.version
    assert f"{meta['lang']}_{meta['name']}" == config.DEFAULTS["SPACY_MODEL"]
    assert meta["version"] == specifier.version
    assert meta["spacy_version"] == ">=3.7.5,<3.9.0"
    assert meta["license"] == "MIT"


def test_the_installed_pipeline_is_en_core_web_sm_3_8_0(nlp, meta):
    assert meta["spacy_git_version"] == "5010fcbd3"
    assert meta["pipeline"] == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
    assert meta["components"] == ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner"]
    assert meta["disabled"] == ["senter"]
    assert {name: len(labels) for name, labels in meta["labels"].items() if labels} == {
        "tagger": 50,
        "parser": 45,
        "ner": 18,
    }
    assert {name: _sha256(nlp.path / name) for name in OFFICIAL_FILES} == OFFICIAL_FILES


def test_the_installed_spacy_is_one_the_release_was_built_for():
    assert spacy.__version__ in SpecifierSet(">=3.8.0,<3.9.0")


def test_the_pipeline_runs_the_components_the_extractor_reads(nlp):
    doc = nlp("The foreign minister of Chile met her Kenyan counterpart in Nairobi on Tuesday.")
    assert nlp.pipe_names == [
        "tok2vec",
        "tagger",
        "newline_sentences",
        "parser",
        "attribute_ruler",
        "lemmatizer",
        "ner",
        "lemma_norms",
    ]
    assert [t.norm_ for t in doc if t.dep_ == "ROOT"] == ["meet"]  # NORM holds the lower-cased lemma
    assert {(ent.text, ent.label_) for ent in doc.ents} >= {("Chile", "GPE"), ("Nairobi", "GPE")}
    assert [t.lemma_ for t in doc if t.dep_ == "ROOT"] == ["meet"]


def test_pip_installs_the_pinned_wheel_and_refuses_one_with_another_hash(tmp_path):
    requirement, digest = _pin()
    wrong = tmp_path / "wrong-hash.txt"
    wrong.write_text(f"{requirement} --hash=sha256:{digest[::-1]}\n", encoding="utf-8")
    accepted, refused = (_pip_dry_run(path) for path in (PIN_FILE, wrong))
    assert accepted.returncode == 0, accepted.stderr
    assert refused.returncode != 0
    assert "DO NOT MATCH THE HASHES" in refused.stderr and digest in refused.stderr


def test_kg_spacy_model_selects_the_pipeline(tmp_path):
    copy = spacy.load(config.DEFAULTS["SPACY_MODEL"])
    copy.meta["name"] = "core_web_sm_copy"
    copy.to_disk(tmp_path / "pipeline")
    settings = config.load(environ={"KG_SPACY_MODEL": str(tmp_path / "pipeline")})
    assert load_pipeline(settings["SPACY_MODEL"]).meta["name"] == "core_web_sm_copy"


def test_an_unknown_pipeline_is_a_config_error_naming_the_setting():
    with pytest.raises(ConfigError, match=r"KG_SPACY_MODEL='en_core_web_nowhere': no installed spaCy pipeline"):
        load_pipeline("en_core_web_nowhere")


def test_a_pipeline_without_the_needed_components_is_a_config_error(tmp_path):
    spacy.blank("en").to_disk(tmp_path / "blank")
    with pytest.raises(
        ConfigError, match=r"KG_SPACY_MODEL=.*blank.*: the pipeline has no tagger, parser, lemmatizer, ner"
    ):
        load_pipeline(str(tmp_path / "blank"))


def test_kg_build_with_an_unknown_pipeline_exits_2_and_names_the_setting(tmp_path, monkeypatch, capsys):
    article = tmp_path / "article.txt"
    article.write_text("Chile and Kenya signed a trade agreement in Nairobi on 3 March 2025.\n", encoding="utf-8")
    monkeypatch.setenv("KG_SPACY_MODEL", "en_core_web_nowhere")
    assert main(["build", str(article), "--data-dir", str(tmp_path / "var")]) == 2
    assert "KG_SPACY_MODEL='en_core_web_nowhere'" in capsys.readouterr().err
    assert not (tmp_path / "var" / "current").exists()


def test_kg_help_lists_the_setting_and_its_default(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "KG_SPACY_MODEL" in line]
    assert f"(default: {config.DEFAULTS['SPACY_MODEL']})" in line


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pip_dry_run(requirements: Path) -> subprocess.CompletedProcess:
    """Resolve and download `requirements` in pip's hash-checking mode, installing nothing."""
    command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps"]
    command += ["--require-hashes", "--disable-pip-version-check", "-r", str(requirements)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
