"""The separator a request names for a file, given to the documented reader that takes one."""

from __future__ import annotations

import pytest

TABLES = '''"""Tables of plants."""


def read_rows(path: str, *, sep: str = ",", skip: int = 0) -> list:
    """Read the rows of a table.

    Args:
        path: the file.
        sep: the column separator.
        skip: lines to skip first.
    """
    return []


def load(path: str, split: str = ",") -> list:
    """Load a table.

    Args:
        path: the file.
        split: the character between columns (a delimiter).
    """
    return []
'''


@pytest.fixture
def api(tmp_path):
    from tests.helpers import module_api

    return module_api(tmp_path, "tables", TABLES)


def test_a_named_separator_the_reader_is_not_given_is_fixed(api):
    from docprompt.repair import apply_fixes
    from docprompt.verify.pyseparators import unnamed_separators

    ask = "Read the tab-separated file `plants.tsv` into `rows`."
    code = "from tables import read_rows\nrows = read_rows('plants.tsv')\n"
    (issue,) = unnamed_separators(code, ask, api)
    assert issue.message == "the task's file is tab-separated: pass `sep='\\t'`"
    assert issue.card.startswith("tables.read_rows(")
    fixed = "from tables import read_rows\nrows = read_rows('plants.tsv', sep='\\t')\n"
    assert apply_fixes(code, [issue])[0] == fixed
    assert unnamed_separators(fixed, ask, api) == []
    # a wrong one passed is replaced; a parameter the docs call a delimiter, by position too
    (wrong,) = unnamed_separators("rows = read_rows('p.tsv', sep=',')", ask, api)
    assert wrong.fix == (1, "rows = read_rows('p.tsv', sep=',')", "rows = read_rows('p.tsv', sep='\\t')")
    semi = "Load the semicolon-delimited table `p.csv` into `rows`."
    (by_doc,) = unnamed_separators("rows = load('p.csv', ',')", semi, api)
    assert by_doc.fix == (1, "rows = load('p.csv', ',')", "rows = load('p.csv', ';')")
    assert unnamed_separators("rows = load('p.csv', split=';')", semi, api) == []


def test_no_separator_named_or_the_default_one_says_nothing(api):
    from docprompt.verify.pyseparators import unnamed_separators

    code = "rows = read_rows('plants.csv')"
    assert unnamed_separators(code, "Read the CSV file `plants.csv` into `rows`.", api) == []
    assert unnamed_separators(code, "Read the comma-separated file `p.csv` into `rows`.", api) == []
    assert unnamed_separators("rows = read_rows(path, sep=s)", "Read the TSV file.", api) == []
    api.reference = True
    assert unnamed_separators(code, "Read the TSV file `plants.tsv`.", api) == []
