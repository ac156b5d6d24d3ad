"""Strings in a filter language the docs give, checked against its fields and operators."""

from __future__ import annotations

import pytest

from docprompt.verify.python import verify_python

SHELF = '''"""Shelves of jars, found with rules.

>>> [j.name for j in find("size>2 and colour=red")]
['a']
>>> find("tag:spare")
[]
"""


import enum


class Colour(enum.Enum):
    """A jar's lid colour: ``RED`` for jam, ``GREEN`` for pickles."""

    RED = "red"
    GREEN = "green"


class Shelf(enum.Enum):
    """Where a jar stands: ``TOP`` the top shelf, ``LOW`` the bottom one."""

    TOP = "top"
    LOW = "low"


class Rule:
    """A compiled filter. Make one with :func:`rule`.

    >>> rule("size>=3 or tag:old")
    Rule('size>=3 or tag:old')
    """


def rule(text: str, *, strict: bool = False) -> Rule:
    """Compile a filter.

    Args:
        text: e.g. ``"size>2 and colour=red"``; fields are ``size``, ``colour``, ``shelf``
            (``=``, ``!=``, ``<``, ``>``, ``<=``, ``>=``).
        strict: ``True`` rejects unknown fields.

    >>> rule("size<<2")
    Traceback (most recent call last):
    ...
    ValueError: expected a value at position 5
    """
    return Rule()


def find(query: str | Rule) -> list:
    """The jars a filter admits.

    Args:
        query: a filter (``"size>2"``), or a compiled :class:`Rule`.
    """
    return []


def count(*, where: str | None = None) -> int:
    """How many jars a filter admits.

    >>> count(where="shelf=top")
    4
    """
    return 0


def label(jar: str, *, text: str = "") -> None:
    """Write ``text`` on a jar's label (any text: "size>2" is fine here)."""
'''


@pytest.fixture
def shelf(tmp_path):
    from docprompt.config import BuildSettings
    from docprompt.indexers import make_indexer
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of
    from docprompt.verify.api import IndexSymbols

    (tmp_path / "shelf.py").write_text(SHELF)
    ix = make_indexer("python", [str(tmp_path / "shelf.py")], {}, max_file_bytes=1_000_000)
    build_index(path_of("shelf"), ix.iter_documents(), settings=BuildSettings(embedder="hash:64"))
    return IndexSymbols(open_index("shelf"))


def test_the_language_is_read_from_the_factory_s_docs_and_the_examples(shelf):
    from docprompt.verify.pyfilters import languages

    found = languages(shelf)
    # the factory's own text, a parameter typed with the class, one an example passes a filter
    assert set(found) == {("shelf.rule", "text"), ("shelf.find", "query"), ("shelf.count", "where")}
    lang = found[("shelf.find", "query")]
    assert lang.fields == {"size", "colour", "shelf", "tag"}
    assert "size<<2" not in lang.examples  # the example that ends in a traceback
    assert lang.only_after(":") == {"tag"} and lang.only_after("=") == set()
    assert lang.enums == {"colour": "shelf.Colour", "shelf": "shelf.Shelf"}


@pytest.mark.parametrize(
    ("code", "message", "fixed"),
    [
        ("find('size>2 and color=red')", "`color` is not a field of the rule language: write `colour`",
         "find('size>2 and colour=red')"),
        ("find('label:red')", "`label` is not a field of the rule language: its fields are colour, shelf, "
         "size, tag", None),
        ("find('shelf:top')", "`:` goes only after tag in the rule language: write `shelf=`",
         "find('shelf=top')"),
        ("find('tag=old')", "rule writes `tag:`, not `tag=`", "find('tag:old')"),
        ("find('size==2')", "`==` is not an operator of the rule language: write `size=`", "find('size=2')"),
        ("count(where='big')", "'big' is not a rule filter: write one like 'size>2 and colour=red' or "
         "'tag:spare', with the field the task means", None),
        ("q = 'colr=red'\nfind(q)", "`colr` is not a field of the rule language: write `colour`",
         "q = 'colour=red'"),
        # a field whose values a documented enum gives: the member the docs' word names
        ("find('colour=jam')", "`colour` takes a Colour value, and 'jam' is none: write `colour=red`",
         "find('colour=red')"),
        ("find('size>1 and colour=blue')", "`colour` takes a Colour value, and 'blue' is none: it is one of "
         "red, green", None),
        ("count(where='pickles')", "'pickles' is not a rule filter: write 'colour=green'",
         "count(where='colour=green')"),
        # a value of another field's enum: that field (``state=DEEP`` for ``keep=deep``)
        ("find('shelf=RED')", "`shelf` takes a Shelf value, and 'RED' is none: write `colour=red`",
         "find('colour=red')"),
        ("find('size>2 and shelf=PICKLES')", "`shelf` takes a Shelf value, and 'PICKLES' is none: write "
         "`colour=green`", "find('size>2 and colour=green')"),  # by the docs' word for it
        # a value of several words, where the examples join conditions with and/or: quoted
        ("find('tag:spare lid and size>2')", "'spare lid' has spaces: quote it (`tag:\"spare lid\"`)",
         "find('tag:\"spare lid\" and size>2')"),
    ],
)  # fmt: skip
def test_a_string_outside_the_language_is_flagged_and_fixed_where_docs_decide(shelf, code, message, fixed):
    from docprompt.repair import apply_fixes

    report = verify_python("from shelf import find, count\n" + code, shelf, use_import=False)
    (issue,) = [i for i in report.issues if i.kind == "bad-filter"]
    assert issue.message == message
    # the factory's card, its doc's filter, then the examples' shortest
    assert issue.card.endswith("Compile a filter.\n    e.g. 'size>2 and colour=red'\n    e.g. 'tag:spare'")
    if fixed:
        assert fixed in apply_fixes("from shelf import find, count\n" + code, [issue])[0]
    else:
        assert issue.fix is None


@pytest.mark.parametrize(
    "code",
    [
        "find('size >= 3 and not colour=red or tag:spare')",
        "find('SIZE<2 AND shelf!=top')",
        "find('colour=GREEN or colour!=red')",
        "count()",
        "count(where=None)",
        "label('a', text='anything: goes')",  # a plain text parameter
        "find(rule('size>2'))",
        "try:\n    find('size<<2')\nexcept ValueError as e:\n    pos = e",  # meant to fail
    ],
)
def test_strings_in_the_language_and_other_text_pass(shelf, code):
    report = verify_python("from shelf import find, count, label, rule\n" + code, shelf, use_import=False)
    assert not [i for i in report.issues if i.kind == "bad-filter"], report.issues


def test_a_member_the_request_means_is_passed_as_the_filter_the_call_leaves_out(shelf):
    """"jars of pickles": only ``GREEN``'s description says pickles; ``count`` takes a filter whose
    field ``colour`` takes Colour values, and the call passes none."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pyenumwords import unused_meanings

    ask = "how many jars of pickles are there? Store it in `n`"
    (issue,) = unused_meanings("from shelf import count\nn = count()\n", ask, shelf)
    assert issue.message == (
        "the task's 'pickles' is `Colour.GREEN` ('green'), which the code does not use: "
        "pass `where='colour=green'`"
    )
    fixed = apply_fixes("from shelf import count\nn = count()\n", [issue])[0]
    assert fixed.endswith("n = count(where='colour=green')\n")
    assert unused_meanings("from shelf import count\nn = count(where='colour=green')\n", ask, shelf) == []


def test_an_enum_keyword_the_call_lacks_goes_into_its_filter(shelf):
    """``count(colour=Colour.GREEN)``: ``count`` has no ``colour`` but a filter left out whose
    field ``colour`` takes Colour values; a plain value, or a filter already passed, stays."""
    from docprompt.repair import apply_fixes

    code = "from shelf import Colour, count\nn = count(colour=Colour.GREEN)\n"
    (issue,) = verify_python(code, shelf, use_import=False).issues
    assert issue.message.endswith(": its filter says that: `where='colour=green'`")
    assert apply_fixes(code, [issue])[0].endswith("n = count(where='colour=green')\n")
    for other in ("n = count(colour='green')", "n = count(where='size>2', colour=Colour.GREEN)"):
        report = verify_python(f"from shelf import Colour, count\n{other}\n", shelf, use_import=False)
        assert [i.fix for i in report.issues] == [None]
