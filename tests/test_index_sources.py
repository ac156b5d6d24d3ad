"""An index as a set of named sources: build, search by source, add, remove, update."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from docprompt.cli import main
from docprompt.errors import BadInput
from docprompt.retrieve import search
from docprompt.sources import SOURCE_KEY, build_from_sources, parse_source
from docprompt.store import registry


@pytest.fixture
def package(tmp_path) -> Path:
    """A team's package: its source, a docs/ folder and examples."""
    root = tmp_path / "acme"
    (root / "src" / "acme").mkdir(parents=True)
    (root / "src" / "acme" / "__init__.py").write_text(
        'def bill(customer, amount):\n    """Send an invoice for ``amount`` to ``customer``."""\n\n\n'
        'def overdue(days=30):\n    """The customers whose invoices are older than ``days``."""\n'
    )
    (root / "docs").mkdir()
    (root / "docs" / "billing.md").write_text(
        "# Billing\n\nOverdue customers are billed again with `acme.bill` after 30 days.\n"
    )
    (root / "docs" / "setup.md").write_text("# Setup\n\nInstall acme with pip and set ACME_TOKEN.\n")
    (root / "examples").mkdir()
    (root / "examples" / "bill_overdue.py").write_text(
        "import acme\n\nfor customer in acme.overdue(days=60):\n    acme.bill(customer, 10)\n"
    )
    return root


def run(*args: str) -> str:
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def fails(*args: str) -> str:
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1, r.output  # a user error is one line
    return lines[0]


def info(name: str) -> dict:
    return json.loads(run("index", "info", name, "--json"))


def _sources(package: Path) -> list[str]:
    return [
        "--source", f"python:{package / 'src'}",
        "--source", f"docs:{package / 'docs'}",
        "--source", f"examples:{package / 'examples'}",
    ]  # fmt: skip


def test_a_package_index_of_three_sources_cites_more_than_one(package):
    run("index", "build", "acme", *_sources(package), "--embedder", "hash:64")
    m = info("acme")
    assert [s["name"] for s in m["index_sources"]] == ["python", "docs", "examples"]
    for s in m["index_sources"]:
        assert s["counts"]["documents"] >= 1 and s["counts"]["chunks"] >= 1
        assert len(s["content_hash"]) == 32 and s["read_at"] and s["roots"]
    assert sum(s["counts"]["chunks"] for s in m["index_sources"]) == m["counts"]["chunks"]
    hits = search(registry.open_index("acme"), "bill overdue customers", k=8)
    assert len({h.chunk.metadata[SOURCE_KEY] for h in hits}) >= 2  # answers cite several sources
    shown = run("index", "info", "acme")
    assert "source:     docs: docs:" in shown and "source:     examples: examples:" in shown


def test_search_keeps_to_a_source(package):
    run("index", "build", "acme", *_sources(package), "--embedder", "hash:64")
    out = json.loads(run("search", "acme", "bill overdue customers", "--source", "docs", "--json", "-k", "9"))
    assert out and {h["chunk"]["metadata"][SOURCE_KEY] for h in out} == {"docs"}
    both = run("search", "acme", "bill overdue", "--source", "docs", "--source", "examples", "--json")
    assert {h["chunk"]["metadata"][SOURCE_KEY] for h in json.loads(both)} <= {"docs", "examples"}
    assert fails("search", "acme", "bill", "--source", "nope") == (
        "error: index 'acme' has no source 'nope'; its sources: python, docs, examples"
    )


def test_add_remove_and_update_embed_only_what_changed(package):
    run("index", "build", "acme", "--source", f"python:{package / 'src'}", "--embedder", "hash:64")
    first = info("acme")
    assert first["counts"]["embedded"] == first["counts"]["chunks"]

    run("index", "add-source", "acme", f"docs:{package / 'docs'}")
    added = info("acme")
    docs_chunks = added["index_sources"][1]["counts"]["chunks"]
    assert [s["name"] for s in added["index_sources"]] == ["python", "docs"]
    assert added["counts"]["embedded"] == docs_chunks  # only the new source's text
    assert added["counts"]["reused_vectors"] == first["counts"]["chunks"]
    assert added["embedder"]["name"] == "hash:64"  # the index's settings are kept

    (package / "docs" / "setup.md").write_text("# Setup\n\nInstall acme with uv and set ACME_KEY.\n")
    run("index", "update", "acme")
    updated = info("acme")
    assert updated["counts"]["embedded"] == 1  # the one changed paragraph
    assert updated["index_sources"][1]["content_hash"] != added["index_sources"][1]["content_hash"]
    assert updated["index_sources"][0]["content_hash"] == added["index_sources"][0]["content_hash"]

    run("index", "remove-source", "acme", "docs")
    removed = info("acme")
    assert [s["name"] for s in removed["index_sources"]] == ["python"]
    assert removed["counts"]["embedded"] == 0 and removed["counts"]["chunks"] == first["counts"]["chunks"]


def test_source_errors_are_one_line(package):
    run("index", "build", "acme", "--source", f"docs:{package / 'docs'}", "--embedder", "hash:64")
    assert "is not INDEXER:PATH" in fails("index", "add-source", "acme", "docs")
    assert "has a source 'docs' already: name this one" in fails(
        "index", "add-source", "acme", f"docs:{package / 'examples'}"
    )
    assert fails("index", "remove-source", "acme", "nope") == (
        "error: index 'acme' has no source 'nope'; its sources: docs"
    )
    assert "is the only source of 'acme'" in fails("index", "remove-source", "acme", "docs")
    assert "not both" in fails("index", "build", "x", str(package), "--source", f"docs:{package}")
    assert "nosuch" in fails("index", "build", "x", "--source", f"nosuch:{package}")
    assert not registry.path_of("x").exists()
    # a named second source of the same indexer, with its own options
    run("index", "add-source", "acme", f"setup=docs:{package / 'docs'}", "-o", 'exclude=["billing.md"]')
    m = info("acme")
    assert m["index_sources"][1]["name"] == "setup"
    assert m["index_sources"][1]["options"] == {"exclude": ["billing.md"]}
    assert m["index_sources"][1]["counts"]["documents"] == 1


def test_parse_source():
    s = parse_source("api=python:src/a,src/b")
    assert (s.name, s.indexer, s.paths) == ("api", "python", ["src/a", "src/b"])
    assert parse_source("tldr:TLDR").name == "tldr"
    with pytest.raises(BadInput, match="is not INDEXER:PATH"):
        parse_source("python")


def test_a_recipe_of_several_sources(package, tmp_path):
    recipe = tmp_path / "acme.toml"
    recipe.write_text(
        f'description = "acme"\n[[source]]\nname = "api"\nindexer = "python"\npaths = ["{package / "src"}"]\n'
        f'[[source]]\nindexer = "docs"\npaths = ["{package / "docs"}"]\n[build]\nembedder = "hash:32"\n'
    )
    run("index", "build", "acme", "--corpus", str(recipe))
    m = info("acme")
    assert [s["name"] for s in m["index_sources"]] == ["api", "docs"] and m["embedder"]["name"] == "hash:32"
    assert "names its sources" in fails("index", "build", "acme", "--corpus", str(recipe), str(package))
    bad = tmp_path / "bad.toml"
    bad.write_text(f'indexer = "docs"\n[[source]]\nindexer = "docs"\npaths = ["{package}"]\n')
    assert "not both" in fails("index", "build", "x", "--corpus", str(bad))


def test_single_indexer_form_still_works(docs):
    run("index", "build", "t", str(docs), "--embedder", "hash:32")
    m = info("t")
    assert m["indexer"] == "files" and [s["name"] for s in m["index_sources"]] == ["files"]
    assert "0 embedded" in CliRunner().invoke(main, ["index", "update", "t"]).output


def test_search_by_source_in_each_store(package, backend):
    from docprompt.config import BuildSettings
    from docprompt.models import IndexSource

    sources = [
        IndexSource(name="docs", indexer="docs", paths=[str(package / "docs")]),
        IndexSource(name="examples", indexer="examples", paths=[str(package / "examples")]),
    ]
    settings = BuildSettings(embedder="hash:64", **backend.settings("acme"))
    build_from_sources(registry.path_of("acme"), sources, settings=settings, name="acme")
    index = registry.open_index("acme")
    hits = search(index, "bill overdue customers", k=10, filters={SOURCE_KEY: "examples"})
    assert hits and {h.chunk.metadata[SOURCE_KEY] for h in hits} == {"examples"}
