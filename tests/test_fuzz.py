"""Fuzz every indexer with generated malformed inputs (issue #11): no crash, no hang, every skip
counted with a reason and its files named. CI runs one seed of a little over 1,000 inputs;
benchmarks/fuzz_indexers.py runs more seeds and more inputs."""

from __future__ import annotations

import sys

import pytest

from .fuzz import RUNS, run_seed

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, sockets and byte file names")


def test_a_thousand_malformed_inputs_neither_crash_nor_hang_and_every_skip_is_named(tmp_path):
    outcomes = run_seed(tmp_path, seed=20261129, per_indexer=145, timeout=60, max_bytes=30_000)
    assert [o.indexer for o in outcomes] == list(RUNS)
    assert sum(o.inputs for o in outcomes) >= 1000
    for o in outcomes:
        assert o.error is None, f"{o.indexer}: {o.error}"
        assert o.one_line_error is None, f"{o.indexer}: the build failed: {o.one_line_error}"
        assert not o.unaccounted, f"{o.indexer}: inputs neither indexed nor named as skipped: {o.unaccounted}"
        assert not o.unnamed_reasons, f"{o.indexer}: skip reasons without file names: {o.unnamed_reasons}"
        assert o.cli_error is None, f"{o.indexer}: {o.cli_error}"
        assert o.documents > 0 and sum(o.skipped.values()) > 0


# -- what the fuzzing found (benchmarks/fuzz_indexers.py, seeds 0-9) ---------------------------------


def test_a_roff_page_whose_name_is_not_name_section_is_named_among_the_skips(tmp_path):
    from docprompt.indexers import make_indexer

    man1 = tmp_path / "man" / "man1"
    man1.mkdir(parents=True)
    (man1 / "ok.1").write_text(".TH OK 1\n.SH NAME\nok \\- fine\n.SH DESCRIPTION\nA page.\n")
    (man1 / "odd\nname.1").write_text(".TH ODD 1\n.SH NAME\nodd \\- odd\n")
    ix = make_indexer("manpages", [str(tmp_path / "man")], {}, max_file_bytes=100_000)
    assert [d.metadata["command"] for d in ix.iter_documents()][:1] == ["ok"]
    assert any("odd\nname.1" in f for f in ix.skipped.files["not NAME.SECTION[.gz]"])


def test_a_deeply_nested_notebook_is_skipped_not_a_crash(tmp_path):
    """json.loads raises RecursionError on it: before the examples indexer caught every reader's
    failure per file, this failed the whole build (7 of 10 fuzz seeds)."""
    from docprompt.indexers import make_indexer

    (tmp_path / "deep.ipynb").write_text('{"cells": [' + "[" * 5000 + "]" * 5000 + "]}")
    (tmp_path / "ok.py").write_text("import os\nprint(os.getcwd())\n")
    ix = make_indexer("examples", [str(tmp_path)], {}, max_file_bytes=100_000)
    docs = list(ix.iter_documents())
    assert docs and ix.skipped["invalid notebook"] == 1
