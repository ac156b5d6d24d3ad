from __future__ import annotations

import json
from pathlib import Path

import pytest

from docprompt.config import BuildSettings
from docprompt.errors import BadInput
from docprompt.indexers import get_indexer, make_indexer
from docprompt.indexers.examples import CodeExamplesIndexer, leading_comments
from docprompt.models import Document
from docprompt.retrieve import search
from docprompt.store import registry
from docprompt.store.build import build_index

SMALL_PY = """\
#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright 2024 Example Corp. Licensed under the MIT License.
# Read a CSV file and print the mean of its "x" column.
import csv
import statistics

with open("data.csv") as f:
    print(statistics.mean(float(row["x"]) for row in csv.DictReader(f)))
"""


def big_py() -> str:
    head = '"""Helpers that load and plot JSON data.\n\nMore words."""\nimport json\nimport numpy as np\n'
    head += "from pathlib import Path\n\nLIMIT = 3\n\n\n"
    funcs = []
    for i in range(8):
        body = "".join(f"    total += {j}\n" for j in range(12))
        funcs.append(
            f"# Loader number {i}.\n@staticmethod\ndef load_{i}(path):\n"
            f'    """Load JSON file number {i} from path."""\n    total = 0\n{body}'
            "    return json.loads(Path(path).read_text()), total\n"
        )
    funcs.append("def plot(values):\n    # no docstring here\n    return np.asarray(values).mean()\n")
    funcs.append("def plot(values):\n    return np.asarray(values).sum()\n")  # redefined
    tail = 'if __name__ == "__main__":\n    print(load_1("a.json"))\n'
    return head + "\n\n".join(funcs) + "\n\n" + tail


NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {"kernelspec": {"language": "python", "name": "python3", "display_name": "Python 3"}},
    "cells": [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["# Pandas tour\n", "\n", "A short tour of pandas."],
        },
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 1,
            "outputs": [],
            "source": ["import pandas as pd"],
        },
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": "## Grouping\n\nGroup the rows by a key and **sum** the values:",
        },
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 2,
            "source": ["df = pd.DataFrame({'k': [1, 1], 'v': [2, 3]})\n", "df.groupby('k').sum()"],
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["SECRET OUTPUT TEXT"]}],
        },
        {"cell_type": "code", "metadata": {}, "execution_count": 3, "outputs": [], "source": "df.head()"},
        {"cell_type": "raw", "metadata": {}, "source": "raw cell"},
        {"cell_type": "markdown", "metadata": {}, "source": "List the files:"},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 4,
            "outputs": [],
            "source": "%%bash\nls -la",
        },
        {"cell_type": "code", "metadata": {}, "execution_count": 5, "outputs": [], "source": []},
    ],
}


def run(paths, **options) -> tuple[dict[str, Document], CodeExamplesIndexer]:
    idx = CodeExamplesIndexer(paths if isinstance(paths, list) else [paths], **options)
    docs = list(idx.iter_documents())
    ids = [d.id for d in docs]
    assert len(ids) == len(set(ids)), "document ids must be unique"
    assert all(d.kind == "example" and d.paragraphs == [d.text] for d in docs)
    return {d.id: d for d in docs}, idx


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "ex"
    (root / "notebooks").mkdir(parents=True)
    (root / "__pycache__").mkdir()
    (root / "small.py").write_text(SMALL_PY)
    (root / "big.py").write_text(big_py())
    (root / "notebooks" / "tour.ipynb").write_text(json.dumps(NOTEBOOK, indent=1))
    (root / "backup.sh").write_text("#!/bin/bash\n# Back up the home folder.\ntar czf backup.tgz ~\n")
    (root / "__pycache__" / "cached.py").write_text("x = 1\n")
    return root


def test_registered_and_leading_comments():
    assert get_indexer("examples") is CodeExamplesIndexer
    assert leading_comments(SMALL_PY) == 'Read a CSV file and print the mean of its "x" column.'
    assert leading_comments("import os\n# late comment\n") == ""


def test_small_python_file_is_one_example(folder):
    docs, idx = run(folder / "small.py")
    (doc,) = docs.values()
    assert doc.id == "ex/small.py" and doc.language == "python" and doc.kind == "example"
    assert doc.title == 'Read a CSV file and print the mean of its "x" column.'
    assert doc.metadata["description"] == doc.title and doc.metadata["path"] == "small.py"
    assert doc.text == SMALL_PY.strip() and doc.source == str(folder / "small.py")
    assert doc.uri == (folder / "small.py").resolve().as_uri()
    assert not idx.skipped


def test_large_python_file_is_split_per_definition(folder):
    docs, _ = run(folder / "big.py", split_chars=1000)
    assert list(docs) == [
        *(f"ex/big.py#load_{i}" for i in range(8)),
        "ex/big.py#plot",
        "ex/big.py#plot-1",
    ] + ["ex/big.py#__main__"]
    load = docs["ex/big.py#load_3"]
    assert load.title == "Helpers that load and plot JSON data. > load_3"
    assert (
        load.metadata["description"] == "Load JSON file number 3 from path."
        and load.metadata["symbol"] == "load_3"
    )
    # the imports it uses, the comment and decorator above it, not the unused numpy import
    assert load.text.startswith(
        "import json\nfrom pathlib import Path\n\n\n# Loader number 3.\n@staticmethod\n"
    )
    assert "numpy" not in load.text and "load_4" not in load.text
    assert load.uri.endswith(f"big.py#L{load.metadata['line']}")
    plot = docs["ex/big.py#plot"]
    assert plot.text.startswith("import numpy as np\n\n\ndef plot(values):") and ".mean()" in plot.text
    assert plot.metadata["description"] == "Helpers that load and plot JSON data. More words."  # the module's
    main = docs["ex/big.py#__main__"]
    assert 'if __name__ == "__main__":' in main.text and "LIMIT = 3" in main.text
    assert "def " not in main.text and "More words" not in main.text
    whole, _ = run(folder / "big.py", split_chars=len(big_py()))  # not over split_chars: one example
    assert list(whole) == ["ex/big.py"]


def test_python_syntax_error_is_indexed_whole(tmp_path):
    (tmp_path / "py2.py").write_text('# Python 2 script.\nprint "hello"\n' + "x = 1\n" * 2000)
    docs, idx = run(tmp_path, split_chars=200)
    (doc,) = docs.values()
    assert doc.metadata["description"] == "Python 2 script." and 'print "hello"' in doc.text
    assert not idx.skipped


def test_notebook_cells(folder):
    docs, idx = run(folder / "notebooks" / "tour.ipynb")
    assert list(docs) == ["notebooks/tour.ipynb#ex1", "notebooks/tour.ipynb#ex2", "notebooks/tour.ipynb#ex4"]
    ex1, ex2, ex4 = docs.values()
    assert ex1.title == "Pandas tour" and ex1.metadata["description"] == "A short tour of pandas."
    assert (
        ex1.text == "Pandas tour\nA short tour of pandas.\n\nimport pandas as pd" and ex1.language == "python"
    )
    assert ex2.title == "Pandas tour > Grouping" and ex2.metadata["heading"] == "Grouping"
    assert ex2.metadata["description"] == "Group the rows by a key and sum the values:"
    assert ex2.text.endswith("df.groupby('k').sum()\ndf.head()")  # the short cell joins the one before
    assert ex2.metadata["cells"] == [3, 4] and ex2.metadata["format"] == "notebook"
    assert ex4.language == "bash" and ex4.metadata["description"] == "List the files:"
    assert all("SECRET OUTPUT" not in d.text and "raw cell" not in d.text for d in docs.values())
    assert not idx.skipped


def test_nbformat3_notebook(tmp_path):
    nb = {
        "nbformat": 3,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {"cell_type": "heading", "level": 1, "source": ["Old notebook"]},
                    {"cell_type": "markdown", "source": ["Compute a square root:"]},
                    {"cell_type": "code", "language": "python", "input": ["import math\n", "math.sqrt(2)"]},
                ]
            }
        ],
    }
    (tmp_path / "old.ipynb").write_text(json.dumps(nb))
    docs, _ = run(tmp_path)
    (doc,) = docs.values()
    assert doc.title == "Old notebook" and doc.text.endswith(
        "Compute a square root:\n\nimport math\nmath.sqrt(2)"
    )


def test_shell_script_and_excluded_folders(folder):
    docs, _ = run(folder)
    assert "ex/backup.sh" in docs and not any("__pycache__" in i for i in docs)
    sh = docs["ex/backup.sh"]
    assert sh.language == "bash" and sh.title == "Back up the home folder." and "tar czf" in sh.text
    docs, _ = run(folder, extensions=["ipynb"])
    assert {d.metadata["format"] for d in docs.values()} == {"notebook"}


def test_broken_inputs_are_skipped_and_counted(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    (root / "ok.py").write_text("print('still indexed')\n")
    (root / "truncated.ipynb").write_text('{"cells": [{"cell_type": "code", "source": ["x = 1"')
    (root / "list.ipynb").write_text("[1, 2, 3]")
    (root / "nocells.ipynb").write_text('{"metadata": {}}')
    (root / "latin1.py").write_bytes("# caf\xe9\nx = 1\n".encode("latin-1"))
    (root / "binary.py").write_bytes(b"\x00\x01\x02compiled")
    (root / "empty.py").write_text("\n\n")
    (root / "huge.py").write_bytes(b"x" * 10_000_000)  # one 10 MB line
    (root / "nocode.ipynb").write_text(
        json.dumps({"cells": [{"cell_type": "markdown", "source": "# Only text"}]})
    )
    outside = tmp_path / "outside.py"
    outside.write_text("print('secret')\n")
    try:
        (root / "link.py").symlink_to(outside)
    except OSError:
        pytest.skip("symlinks not supported here")
    idx = make_indexer("examples", [str(root)], max_file_bytes=5_000_000)
    docs = list(idx.iter_documents())
    assert [d.id for d in docs] == ["r/ok.py"]
    assert dict(idx.skipped) == {
        "invalid notebook": 3,
        "not UTF-8": 1,
        "binary": 1,
        "empty": 1,
        "too large": 1,
        "no code": 1,
        "symlink out of root": 1,
    }


def test_options(folder):
    with pytest.raises(BadInput, match="takes no option 'bogus'"):
        make_indexer("examples", [str(folder)], {"bogus": 1}, max_file_bytes=5_000_000)
    with pytest.raises(BadInput, match="cannot read '.md'"):
        CodeExamplesIndexer([folder], extensions=["md"])
    with pytest.raises(BadInput, match="split_chars"):
        CodeExamplesIndexer([folder], split_chars=10)
    docs, _ = run(folder, exclude=["notebooks", "big.py"])
    assert set(docs) == {"ex/small.py", "ex/backup.sh", "ex/__pycache__/cached.py"}


def test_index_build_and_search_finds_a_notebook_cell(folder, home):
    idx = CodeExamplesIndexer([folder])
    manifest = build_index(
        registry.path_of("ex"),
        idx.iter_documents(),
        name="ex",
        indexer="examples",
        roots=idx.roots,
        skipped=idx.skipped,
        settings=BuildSettings(embedder="hash:64"),
    )
    assert manifest.counts["documents"] == 1 + 11 + 3 + 1  # small.py, big.py split, 3 cells, backup.sh
    hits = search(registry.open_index("ex"), "group rows by key and sum with pandas groupby", k=3)
    top = hits[0].chunk
    assert top.doc_id == "ex/notebooks/tour.ipynb#ex2" and top.kind == "example" and "groupby" in top.text
