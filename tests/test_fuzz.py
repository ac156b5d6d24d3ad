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
