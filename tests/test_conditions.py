"""A request's conditions written in a filter language the docs give, and the things it names by
key looked up as the docs look them up, for the prompt."""

from __future__ import annotations

import pytest

BOOKS = '''"""Books in a house, found with queries.

>>> [b.title for b in Catalogue().search("pages>300 and label:signed")]
[]
"""

import enum
from dataclasses import dataclass


class Room(enum.Enum):
    """Where a book is kept.

    ``ATTIC`` the dusty attic, ``STUDY`` the quiet study and ``CELLAR`` the damp cellar (not
    read or lent).
    """

    ATTIC = "attic"
    STUDY = "study"
    CELLAR = "cellar"


@dataclass
class Book:
    """One book of the catalogue.

    Attributes:
        title: the title.
        author: who wrote it.
        pages: page count.
        year: publication year.
        room: a :class:`Room`.
        labels: free labels (``"signed"``), lower case.
        grams: its weight in grams.
    """

    title: str
    author: str = ""
    pages: int = 0
    year: int = 2000
    room: Room = Room.STUDY
    labels: frozenset[str] = frozenset()
    grams: float = 0.0

    def age(self, *, now: int) -> int:
        """Years since it was published."""
        return now - self.year


class Query:
    """A compiled query. Make one with :func:`query`."""


def query(text: str) -> Query:
    """Compile a query.

    Args:
        text: e.g. ``"pages>300 and label:signed"``; fields are ``title``, ``author``, ``pages``,
            ``year``, ``room``, ``grams`` (``=``, ``!=``, ``<``, ``>``, ``<=``, ``>=``, ``~``).
    """
    return Query()


class Catalogue:
    """The books of a house."""

    def search(self, query: str | Query) -> list[Book]:
        """The books a query admits.

        Args:
            query: a query (``"year<1950"``), or a compiled :class:`Query`.
        """
        return []

    def fetch(self, mark: str) -> Book:
        """Look a book up by its shelf mark.

        >>> Catalogue().fetch("BK-0001").title
        'Dune'
        """
        return Book("Dune")

    def lend(self, mark: str, *, to: str) -> Book:
        """Lend a book to a friend."""
        return Book("Dune")

    def shelve(self, book: Book) -> None:
        """Add a book to the catalogue."""

    def dust(self, title: str, *, cloth: str = "silk") -> Book:
        """Dust a book, found by its title."""
        return Book(title)

    def weed(self, *, older: int = 1950) -> int:
        """Give away old books; how many went.

        Args:
            older: publication year before which a book goes.
        """
        return 0

    def weigh(self, *, where: str | None = None) -> float:
        """The weight of the books a query admits, in kilograms.

        >>> Catalogue().weigh(where="room=attic")
        0.0
        """
        return 0.0
'''
HOME = {"home": "books.Catalogue"}


@pytest.fixture
def books(tmp_path):
    from tests.helpers import module_api

    return module_api(tmp_path, "books", BOOKS)._index


@pytest.mark.parametrize(
    ("request_", "text"),
    [
        # an enum member by the docs' word for it
        ("How many books in `home` sit in the dusty attic? Store it in `n`.", "room=attic"),
        # a number and a comparison, on the field whose docs share the words before it
        ("List the books of `home` with more than 300 pages; store them in `big`.", "pages>300"),
        ("Which books of `home` were published before 1950? Store them in `old`.", "year<1950"),
        # a year is a date, whatever the words before it
        ("Find the books in `home` written before 1950.", "year<1950"),
        ("Books of `home` of 120 pages or more, in `long`.", "pages>=120"),
        # a unit names the field whose docs measure in it ("g": grams)
        ("Which books of `home` weigh at least 500 g? Store them in `heavy`.", "grams>=500"),
        # a label, for a field of strings
        ("How many books of `home` carry the label signed? Store it in `n`.", "label:signed"),
        # a value the request gives after the field's name; "contains" where the language has ~
        ("Store in `t` the books of `home` whose title contains 'war'.", "title~war"),
        ("Which books of `home` have the author Tolkien or the author Lewis?",
         "author=Tolkien or author=Lewis"),
        # several, joined as the request joins them
        ("List the books of `home` in the attic or labelled signed.", "room=attic or label:signed"),
        ("Books of `home` in the study published after 2001, in `new`.", "room=study and year>2001"),
        # what `home` holds, though the request never says "books"
        ("What does `home` keep in the dusty attic? Store the list in `up`.", "room=attic"),
        # a place the clause puts the books is not a condition on them
        ("Move every book of `home` labelled signed into the cellar.", "label:signed"),
        # nor is what the request does to them, though a member has the verb's name
        ("Study every book of `home` published before 1950; store the titles in `t`.", "year<1950"),
        # values a request selects by, not groups it counts by ("each book", not "each room")
        ("Lend each book of `home` in the attic or the cellar to Ann.", "room=attic or room=cellar"),
    ],
)  # fmt: skip
def test_the_docs_write_the_request_s_conditions(books, request_, text):
    from docprompt.conditions import request_filter
    from docprompt.verify.api import IndexSymbols

    found = request_filter(request_, IndexSymbols(books), HOME)
    assert found is not None and found.text == text
    assert found.symbol == "books.Catalogue.search" and found.noun == "books"
    assert found.calls("home") == [f"home.search({text!r})"]


@pytest.mark.parametrize(
    "request_",
    [
        "Is the book `b` in the attic? Store True or False in `up`.",  # one book, not a selection
        "Describe a new book of 300 pages kept in the attic; add it to `home`.",
        "How many books does `home` hold? Store it in `n`.",  # no condition
        "List the books of `home` that can be read or lent.",  # the docs negate those words
        # the number is an argument of the call the request names (``weed(older=1900)``)
        "Weed the books of `home` published before 1900; store how many went in `n`.",
        # the room the rest are given, not a room the books are in
        "Read the books of `home` from `new.csv`; books without a room go in the attic.",
        # the groups a count is made by
        "Count the books of `home` per room (attic, study or cellar); store the counts in `n`.",
        "How many books of `home` are there for each room (the attic, the study)?",
    ],
)
def test_no_filter_where_the_docs_decide_none(books, request_):
    from docprompt.conditions import request_filter
    from docprompt.verify.api import IndexSymbols

    assert request_filter(request_, IndexSymbols(books), HOME) is None


def test_the_prompt_shows_the_filter_call_and_its_card(books):
    from docprompt.pipeline import DocPrompt
    from docprompt.python_answer import PythonPrompt
    from tests.helpers import Model

    dp = DocPrompt(books, generator=Model("n = 1\n"), language="python", k=1)
    ask = "How many books in `home` sit in the dusty attic? Store it in `n`."
    ctx = PythonPrompt(books, dp.retriever).context(ask, namespace=HOME)
    assert ctx.hints == ["The books the task is about: `home.search('room=attic')`."]
    assert any(c.startswith("books.Catalogue.search(query: str | Query) -> list[Book]") for c in ctx.cards)
    text = PythonPrompt(books, dp.retriever).messages(ask, ctx)[1]["content"]
    assert text.index("home.search('room=attic')") < text.index("Task: ")
    # no variable of the class: the call is said on the class
    ctx = PythonPrompt(books, dp.retriever).context("List the books in the attic.", namespace={})
    assert ctx.hints == [
        "The books the task is about: `catalogue.search('room=attic')` (`catalogue` a `Catalogue`)."
    ]
    # another call taking the filter, where the request asks for what it gives
    ask = "What is the weight in kilograms of the books `home` keeps in the attic? Store it in `kg`."
    ctx = PythonPrompt(books, dp.retriever).context(ask, namespace=HOME)
    assert ctx.hints == [
        "The books the task is about: `home.search('room=attic')`; "
        "`home.weigh(where='room=attic')` takes the same filter."
    ]
    off = PythonPrompt(books, dp.retriever, filters=False).context(ask, namespace=HOME)
    assert off.hints == []


@pytest.mark.parametrize(
    ("code", "kind", "fixed"),
    [
        # ``list.count`` counts one value: with none, the number of them was meant
        ("n = home.search('room=attic').count()", "list-count", "n = len(home.search('room=attic'))"),
        # a plural of a field of theirs: that field of each
        ("t = sorted(home.search('year<1950').titles())", "list-field",
         "t = sorted([book.title for book in home.search('year<1950')])"),
        ("t = home.search('year<1950').titles", "list-field",
         "t = [book.title for book in home.search('year<1950')]"),
    ],
)  # fmt: skip
def test_what_a_list_of_documented_objects_was_taken_for_is_fixed(books, code, kind, fixed):
    """What a small model writes after the filter call: the list taken for the catalogue."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.python import verify_python

    report = verify_python(code, IndexSymbols(books), use_import=False, namespace=HOME)
    (issue,) = report.issues
    assert issue.kind == kind
    assert apply_fixes(code, [issue])[0] == fixed
    for fine in ("n = home.search('room=attic').count(3)", "n = len(home.search('room=attic'))"):
        assert verify_python(fine, IndexSymbols(books), use_import=False, namespace=HOME).issues == []


def test_a_method_of_the_catalogue_called_on_the_list_it_selects_says_the_loop(books):
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.python import verify_python

    code = "home.search('room=attic').dust()"
    (issue,) = verify_python(code, IndexSymbols(books), use_import=False, namespace=HOME).issues
    assert issue.kind == "unknown-member" and issue.message == (
        "`search` returns list[Book], which has no `.dust`: `dust` is `home`'s, for one at a time: "
        "`for book in home.search('room=attic'): home.dust(book.title, ...)`"
    )
    assert issue.card.startswith("books.Catalogue.dust(title: str, ")
    # a statement that is that call alone: the loop is the fix; a title made up for the field goes
    loop = "for book in home.search('room=attic'):\n    home.dust(book.title)"
    assert issue.fix == (1, code, loop)
    made_up = "home.search('room=attic').dust('BK-0009')"
    (issue,) = verify_python(made_up, IndexSymbols(books), use_import=False, namespace=HOME).issues
    assert issue.fix == (1, made_up, loop)
    # a value past the field is the keyword-only parameter's it fills
    wool = "home.search('room=attic').dust('wool')"
    (issue,) = verify_python(wool, IndexSymbols(books), use_import=False, namespace=HOME).issues
    assert issue.fix == (1, wool, loop.replace("(book.title)", "(book.title, cloth='wool')"))
    assigned = "n = home.search('room=attic').dust().count('n')"
    (issue,) = verify_python(assigned, IndexSymbols(books), use_import=False, namespace=HOME).issues
    assert issue.fix == (1, assigned, loop)  # `n` is left to be stored anew
    other = "n = len(home.search('room=attic').dust())"  # a call around it: what it meant is unclear
    assert verify_python(other, IndexSymbols(books), use_import=False, namespace=HOME).issues[0].fix is None


@pytest.mark.parametrize(
    ("request_", "calls"),
    [
        ("Who wrote book BK-0042 of `home`? Store it in `who`.", ["home.fetch('BK-0042')"]),
        ("Look up book BK-0999 in `home`; if there is none, take book BK-0001.",
         ["home.fetch('BK-0999')", "home.fetch('BK-0001')"]),
        # a method taking the key itself does what the request says ("Lend a book to a friend")
        ("Lend book BK-0042 of `home` to Ann.", []),
        ("Is book BK-0042 of `home` lent to a friend? Store True or False in `out`.",
         ["home.fetch('BK-0042')"]),
        ("Add a new book BK-0100 to `home`.", []),  # not there yet
        ("Who wrote book BK-0042? Store it in `who`.", []),  # no catalogue the notebook holds
        ("Who wrote book 42 of `home`?", []),  # not a key as the docs write one
    ],
)  # fmt: skip
def test_a_thing_named_by_its_key_is_looked_up_as_the_docs_do(books, request_, calls):
    from docprompt.lookups import request_lookups
    from docprompt.verify.api import IndexSymbols

    assert [x.call for x in request_lookups(request_, IndexSymbols(books), HOME)] == calls


def test_the_prompt_shows_the_lookup(books):
    from docprompt.pipeline import DocPrompt
    from docprompt.python_answer import PythonPrompt
    from tests.helpers import Model

    dp = DocPrompt(books, generator=Model("a = 1\n"), language="python", k=1)
    ask = "Who wrote book BK-0042 of `home`? Store it in `who`."
    ctx = PythonPrompt(books, dp.retriever).context(ask, namespace=HOME)
    assert ctx.hints == ["Book BK-0042: `home.fetch('BK-0042')`."]
    assert any(c.startswith("books.Catalogue.fetch(mark: str) -> Book") for c in ctx.cards)
    assert PythonPrompt(books, dp.retriever, lookups=False).context(ask, namespace=HOME).hints == []


def test_an_action_the_request_asks_of_a_held_object_is_one_the_code_does(books):
    """ "Lend every book ... to Ann" asks for ``Catalogue.lend`` ("Lend a book to a friend"):
    code that only counts those books is told which call it never makes; not where the code
    makes it, where the verb is too common to name one method, or for a variable not held."""
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pyactions import undone_actions

    api = IndexSymbols(books)
    ask = "Lend every book of `home` labelled signed to Ann; store how many were lent in `n`."
    (issue,) = undone_actions("n = len(home.search('label:signed'))\n", ask, api, HOME)
    assert issue.kind == "undone-action" and issue.name == "books.Catalogue.lend"
    assert issue.message == "the task says to lend: call `home.lend(...)`, which the code never calls"
    assert "Lend a book to a friend" in issue.card
    done = "found = home.search('label:signed')\nfor b in found:\n    home.lend(b.title, to='Ann')\n"
    assert undone_actions(done, ask, api, HOME) == []
    # where the method takes one book by a field of it, the loop that does it to each is the fix
    counted = "n = len(home.search('room=attic'))"
    (issue,) = undone_actions(counted + "\n", "Dust every book of `home` in the attic.", api, HOME)
    loop = "for book in home.search('room=attic'):\n    home.dust(book.title)"
    assert issue.fix == (1, counted, f"{loop}\n{counted}")
    assert [i.fix for i in undone_actions(counted + "\n", ask, api, HOME)] == [None]  # lend takes to= too
    # "add" names no one method
    assert undone_actions("x = 1\n", "Add the books to `home`.", api, HOME) == []
    assert undone_actions("n = 1\n", ask, api, {}) == []


def test_the_one_with_the_most_of_a_field_is_no_first_of_the_list(books):
    """ "find the one with the most pages" answered with ``home.search(...)[0]``: the numeric
    field the words around "most" name is the key of a max (of a min for "fewest")."""
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pyextremes import first_for_extreme

    api = IndexSymbols(books)
    code = "t = home.search('room=attic')[0].title"
    ask = "Of the books of `home` in the attic, find the one with the most pages; store its title in `t`."
    (issue,) = first_for_extreme(code, ask, api, HOME)
    best = "max(home.search('room=attic'), key=lambda book: book.pages)"
    assert issue.fix == (1, code, f"t = {best}.title") and issue.message.endswith(f"the most pages, `{best}`")
    alias = "shelf = home\nt = shelf.search('room=attic')[0].title"  # a name the code gives `home`
    assert first_for_extreme(alias, ask, api, HOME)[0].fix is not None
    fewest = first_for_extreme(code, ask.replace("most", "fewest"), api, HOME)[0].fix
    assert fewest is not None and "t = min(" in fewest[2]
    assert first_for_extreme(code, ask.replace("the most pages", "the most dust"), api, HOME) == []
    assert first_for_extreme("t = max(home.search('room=attic'), key=len)", ask, api, HOME) == []


def test_code_that_uses_nothing_of_the_package_the_request_names_is_told(books):
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pyactions import unused_package

    api = IndexSymbols(books)
    ask = "`text` lists a house's books in the books text format: store how many in `n`."
    (issue,) = unused_package("n = len(text.splitlines())", ask, api, {})
    assert issue.kind == "reimplemented" and issue.message.startswith("the code uses nothing of books:")
    assert unused_package("import books\nn = len(books.query(text))", ask, api, {}) == []
    assert unused_package("n = len(home.search('year<1950'))", ask, api, HOME) == []
    assert unused_package("n = len(text.splitlines())", "Count the lines of `text` into `n`.", api, {}) == []


def test_the_request_s_filter_given_to_one_call_goes_to_the_others_that_take_it(books):
    """The code knows which books the task is about (it searched them) and weighs them all."""
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pyrepeats import unfiltered_calls

    api = IndexSymbols(books)
    ask = "Weigh the books of `home` in the attic; store how many there are in `n` and the weight in `w`."
    code = "n = len(home.search('room=attic'))\nw = home.weigh()"
    (issue,) = unfiltered_calls(code, ask, api, HOME)
    assert issue.fix == (2, "w = home.weigh()", "w = home.weigh(where='room=attic')")
    both = "n = len(home.search('room=attic'))\nw = home.weigh(where='room=attic')"
    assert unfiltered_calls(both, ask, api, HOME) == []
    assert unfiltered_calls("w = home.weigh()", ask, api, HOME) == []  # the code never selected them
    whole = "Count the books of `home` in the attic into `n`, and weigh the whole catalogue into `w`."
    assert unfiltered_calls(code, whole, api, HOME) == []


def test_a_thing_made_and_never_added_where_the_request_says_to_add_it(books):
    from docprompt.repair import apply_fixes
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pyactions import unadded_objects

    api = IndexSymbols(books)
    ask = "Describe the book Emma by Austen, 1815, and add it to `home`."
    code = "import books\nnew = books.Book('Emma', author='Austen', year=1815)"
    (issue,) = unadded_objects(code, ask, api, HOME)
    assert issue.message == "the task says to add it to `home`: `home.shelve(new)`, not done"
    assert apply_fixes(code, [issue])[0] == code + "\nhome.shelve(new)"
    assert unadded_objects(code + "\nhome.shelve(new)", ask, api, HOME) == []
    assert unadded_objects(code, "Describe the book Emma by Austen, 1815, in `new`.", api, HOME) == []


def test_a_constant_in_a_loop_over_the_things_is_each_one_s_field(books):
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pyactions import constant_in_loop

    api = IndexSymbols(books)
    ask = "Dust every book of `home` in the attic."
    code = "for b in home.search('room=attic'):\n    home.dust('Emma')"
    (issue,) = constant_in_loop(code, ask, api, HOME)
    assert issue.fix == (2, "    home.dust('Emma')", "    home.dust(b.title)")
    assert constant_in_loop(code, "Dust every book of `home` called 'Emma'.", api, HOME) == []  # the task's
    assert constant_in_loop("for b in home:\n    home.dust(cloth='wool')", ask, api, HOME) == []


def test_an_object_added_to_a_count_is_counted(books):
    from docprompt.repair import apply_fixes
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pykinds import added_objects

    api = IndexSymbols(books)
    code = "n = 0\nfor b in home.search('room=attic'):\n    n += home.dust(b.title)"
    (issue,) = added_objects(code, api, HOME)
    assert issue.message == "`n += ...` adds a Book to a count: make the call, then count it"
    assert apply_fixes(code, [issue])[0].endswith("    home.dust(b.title)\n    n += 1")
    assert added_objects("n = 0\nn += home.weigh()", api, HOME) == []  # a number


def test_values_past_the_positional_parameters_go_to_the_keyword_only_ones_in_order(books):
    """``home.lend('BK-1', 'Ann')`` for ``lend(mark, *, to)``; on what a call returns too
    (``home.fetch('BK-1').age(2025)`` for ``Book.age(*, now)``)."""
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.python import verify_python

    def fixes(code):
        api = IndexSymbols(books)
        return [i.fix for i in verify_python(code, api, use_import=False, namespace=HOME).issues]

    lent = "b = home.lend('BK-1', 'Ann')"
    assert fixes(lent)[0] == (1, lent, "b = home.lend('BK-1', to='Ann')")
    aged = "n = home.fetch('BK-1').age(2025)"
    assert fixes(aged)[0] == (1, aged, "n = home.fetch('BK-1').age(now=2025)")
    assert fixes("w = home.weigh('room=attic', 3)")[0] is None  # more values than keywords


def test_a_number_where_the_filter_goes_is_the_request_s_filter(books):
    """``home.search(300)`` for "the books of `home` with more than 300 pages" (the fresh half's
    f08, 0.5B: ``bank.stock(where=100)``): the filter the docs write for the request."""
    from docprompt.repair import apply_fixes
    from docprompt.verify import Issue
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pyfilters import request_filter_fix

    api = IndexSymbols(books)
    code = "big = home.search(300)\n"
    issue = Issue("bad-type", "books.Catalogue.search(query=)", "takes a str, not an int", line=1)
    ask = "List the books of `home` with more than 300 pages; store them in `big`."
    fixed = request_filter_fix(issue, code, ask, api, HOME)
    assert apply_fixes(code, [fixed])[0] == "big = home.search('pages>300')\n"
    plain = Issue("bad-type", "books.Catalogue.search(query=)", "takes a str, not an int", line=1)
    assert request_filter_fix(plain, code, "How many books does `home` hold?", api, HOME).fix is None
