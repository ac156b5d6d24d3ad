"""What the docs indexer reads now that Markdown and reStructuredText go through real parsers
(markdown-it-py, docutils) and the hand parser did not: setext headings, code inside nested
lists, Sphinx's directives and roles, and broken files as counted skips."""

from __future__ import annotations

from pathlib import Path

import pytest

from docprompt.indexers.docsfolder import DocsFolderIndexer
from docprompt.indexers.examples import CodeExamplesIndexer
from docprompt.models import Document


def index(folder: Path, **options) -> tuple[dict[str, Document], DocsFolderIndexer]:
    idx = DocsFolderIndexer([folder], **options)
    docs = list(idx.iter_documents())
    assert len({d.id for d in docs}) == len(docs)
    return {d.id: d for d in docs}, idx


def one_file(tmp_path: Path, name: str, text: str, **options):
    folder = tmp_path / "d"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return index(folder, **options)


# --- Markdown ---

SETEXT = """\
Getting
started
=======

Intro text.

Install
-------

Run the installer.

---

After a thematic break.
"""


def test_markdown_setext_headings(tmp_path):
    docs, idx = one_file(tmp_path, "s.md", SETEXT)
    assert list(docs) == ["d/s.md#getting-started", "d/s.md#install"]
    assert docs["d/s.md#getting-started"].title == "Getting started"  # a two-line setext heading
    install = docs["d/s.md#install"]
    assert install.title == "Getting started > Install" and install.metadata["headings"] == [
        "Getting started",
        "Install",
    ]
    # "---" after a blank line is a thematic break, not a heading, and not text either
    assert install.text == "Install\n\nRun the installer.\n\nAfter a thematic break." and not idx.skipped


NESTED = """\
# Setup

1. Install the package:

   ```bash
   pip install mylib
   ```

2. Then use it:

   - from Python, import *the* module:

     ```python
     import mylib
     mylib.run()
     ```

   - from the shell:

         $ mylib --run

> A quote with code:
>
> ```js
> mylib.run();
> ```
"""


def test_markdown_code_in_nested_lists_and_quotes(tmp_path):
    docs, _ = one_file(tmp_path, "n.md", NESTED)
    examples = [d for d in docs.values() if d.kind == "example"]
    assert [(d.language, d.metadata["description"]) for d in examples] == [
        ("bash", "Install the package:"),
        ("python", "from Python, import the module:"),  # the item's own text, emphasis dropped
        ("bash", "from the shell:"),  # an indented block that looks like shell
        ("javascript", "A quote with code:"),
    ]
    assert examples[1].text.endswith("import mylib\nmylib.run()")  # the list's indentation is gone
    section = docs["d/n.md#setup"].text
    assert "1. Install the package:" in section and section.count("pip install mylib") == 1


def test_markdown_inline_markup_and_anchors(tmp_path):
    text = (
        "# Use `mylib <cmd>` with *care* {#use}\n\nSee [the docs](x) and ![logo](l.png).\n\n```\n$ ls\n```\n"
    )
    docs, _ = one_file(tmp_path, "i.md", text)
    assert docs["d/i.md#use"].title == "Use mylib <cmd> with care"  # code spans keep their <...>
    assert docs["d/i.md#ex1"].metadata["description"] == "See the docs and logo."


def test_markdown_html_comment_blocks_are_not_text(tmp_path):
    docs, _ = one_file(tmp_path, "c.md", "# T\n\n<!-- markdownlint-disable -->\n\nBody.\n")
    assert docs["d/c.md#t"].text == "T\n\nBody."


# --- reStructuredText ---

CODE_RST = """\
Usage
=====

.. highlight:: bash

Run it::

    mylib --fast

.. code-block:: console
   :linenos:
   :emphasize-lines: 1

   $ mylib --version

.. code:: python

   import mylib

.. sourcecode::

   mylib --slow

* A list item with a literal block::

      mylib --in-a-list

Expected output:

.. code-block:: text

   1.0
"""


def test_rst_code_blocks_and_literal_blocks(tmp_path, capfd):
    docs, idx = one_file(tmp_path, "c.rst", CODE_RST)
    examples = [d for d in docs.values() if d.kind == "example"]
    assert [(d.language, d.text.rsplit("\n", 1)[-1]) for d in examples] == [
        ("bash", "mylib --fast"),  # "::" after ".. highlight:: bash"
        ("bash", "$ mylib --version"),  # Sphinx's options (:linenos:) do not make docutils refuse it
        ("python", "import mylib"),
        ("bash", "mylib --slow"),  # no language: the highlight's
        ("bash", "mylib --in-a-list"),  # a literal block inside a list item
    ]
    assert examples[0].metadata["description"] == "Run it:"
    assert examples[4].metadata["description"] == "A list item with a literal block:"
    usage = docs["d/c.rst#usage"].text
    assert "```bash\nmylib --fast\n```" in usage and "1.0" in usage  # ``text`` is shown, not an example
    assert ":linenos:" not in usage and not idx.skipped
    assert capfd.readouterr() == ("", "")


SPHINX_RST = """\
.. _install:

Install
=======

.. versionadded:: 2.0
   The ``--user`` flag.

Use :py:func:`~mylib.install` or see :ref:`the guide <guide>` and :doc:`/usage`.

.. py:function:: install(path, *, user=False)

   Install the package at *path*.

.. tab:: Linux

   .. code-block:: bash

      mylib install .

.. toctree::
   :maxdepth: 2

   hidden-page

.. only:: html

   Shown in HTML builds.

.. unknown-directive:: with an argument
   :unknown-option: 1

   Body of an unknown directive.

.. include:: /etc/passwd

Install
=======

A second section with the same title.
"""


def test_rst_sphinx_directives_and_roles_quietly(tmp_path, capfd):
    docs, idx = one_file(tmp_path, "s.rst", SPHINX_RST)
    # docutils' ids: the label "install" (inside the first section), then "install-2"
    assert [i for i, d in docs.items() if d.kind == "doc"] == ["d/s.rst#install", "d/s.rst#install-2"]
    text = docs["d/s.rst#install"].text
    assert "New in version 2.0: The --user flag." in text  # worded as Sphinx renders it
    assert "Use mylib.install or see the guide and /usage." in text  # roles read as their text
    assert "install(path, *, user=False)\n\nInstall the package at path." in text  # a container
    assert "Shown in HTML builds." in text and "Body of an unknown directive." in text
    for hidden in ("hidden-page", "maxdepth", "root:", "html\n", "unknown-option", ":py:func:"):
        assert hidden not in text
    [example] = [d for d in docs.values() if d.kind == "example"]
    assert example.language == "bash" and example.text.endswith("mylib install .")
    assert not idx.skipped
    assert capfd.readouterr() == ("", "")  # docutils reported nothing


def test_rst_ids_are_docutils_ids(tmp_path):
    text = "Über Straße!\n============\n\nText.\n\n2024 notes\n----------\n\nMore.\n"
    docs, _ = one_file(tmp_path, "u.rst", text)
    assert list(docs) == ["d/u.rst#uber-strasze", "d/u.rst#notes"]  # as docutils writes them


# --- broken files are counted, never fatal ---


def test_a_parser_failure_is_a_counted_skip(tmp_path, monkeypatch):
    import docprompt.indexers._rst as rst

    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "ok.md").write_text("# Fine\n\nText.\n")
    (folder / "deep.rst").write_text("\n\n".join(" " * i + "x" for i in range(500)))
    (folder / "boom.rst").write_text("Title\n=====\n\nText.\n")
    real = rst.rst_doctree

    def boom(text):
        if text.startswith("Title"):
            raise ValueError("a bug in a parser")
        return real(text)

    monkeypatch.setattr(rst, "rst_doctree", boom)
    docs, idx = index(folder)
    assert list(docs) == ["d/ok.md#fine"]
    assert dict(idx.skipped) == {"unparsable reStructuredText": 2}  # too deep, and the parser's bug
    assert sorted(Path(f).name for f in idx.skipped.files["unparsable reStructuredText"]) == [
        "boom.rst",
        "deep.rst",
    ]


def test_notebook_markdown_cells_use_the_markdown_reader(tmp_path):
    import json

    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "Loading\n=======\n\nRead the *CSV* file:"},
            {"cell_type": "code", "source": "import pandas as pd\ndf = pd.read_csv('x.csv')"},
        ]
    }
    (tmp_path / "n.ipynb").write_text(json.dumps(nb))
    [doc] = list(CodeExamplesIndexer([tmp_path]).iter_documents())
    assert doc.title == "Loading" and doc.metadata["description"] == "Read the CSV file:"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_level": 7}, "option max_level: Input should be less than or equal to 6"),
        ({"extensions": [".txt"]}, "option extensions: the docs indexer cannot read '.txt' files"),
        ({"exclude": [1]}, "option exclude.0: Input should be a valid string"),
        ({"examples": "maybe"}, "option examples: Input should be a valid boolean"),
    ],
)
def test_options_are_one_line_errors(tmp_path, options, message):
    from docprompt.errors import BadInput

    with pytest.raises(BadInput) as e:
        DocsFolderIndexer([tmp_path], **options)
    assert message in str(e.value) and "\n" not in str(e.value)
