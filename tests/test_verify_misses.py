"""Checks written from the misses of the fresh reporting half (stop 50): what a ``try`` catches
against what the request says of the failure (verify/pycaught.py), pairs read from a list of
objects, a file the request names that the code never uses, and the request words other checks
no longer take for values."""

from __future__ import annotations

import pytest

from tests.helpers import module_api

FERRY = '''"""Ferries."""

from enum import Enum


class FerryError(Exception):
    """Base class of every error the ferry line raises."""


class NoSuchBoat(FerryError):
    """No boat has this name."""


class BoatFull(FerryError):
    """More cars were booked than the boat has room for (its deck is too small)."""


class OutOfService(FerryError):
    """The boat is laid up for repairs."""


class Deck(Enum):
    """Where a car rides.

    ``OPEN`` the open upper deck, ``HOLD`` the enclosed lower garage, ``RAMP`` keeps the car
    by the ramp.
    """

    OPEN = "open"
    HOLD = "hold"
    RAMP = "ramp"


class Ticket:
    """A booked ticket.

    Attributes:
        code: the ticket's code.
        boat: the vessel it is for.
    """

    code: str
    boat: str


class Line:
    """A ferry line."""

    def __init__(self, name: str = "main"):
        self.name = name

    def ticket(self, code: str) -> Ticket:
        """The ticket with this code."""
        return Ticket()

    def tickets(self, boat: str) -> list[Ticket]:
        """The tickets booked on a boat."""
        return []

    def book(self, boat: str, cars: int, deck: Deck = Deck.OPEN) -> str:
        """Book cars on a boat and return the ticket code.

        Raises:
            NoSuchBoat: no boat has this name.
            OutOfService: the boat is laid up.
            BoatFull: fewer than ``cars`` places are left.
        """
        return "T-1"

    def log(self, boat: str, note: str) -> None:
        """Record a note in a boat's logbook."""


def line() -> Line:
    """The ferry line."""
    return Line()


def fare(boat: str, cars: int, discount: float = 0.0, surcharge: float = 0.0) -> float:
    """The fare for cars on a boat.

    Args:
        boat: the boat's name.
        cars: how many cars.
        discount: percent taken off for members.
        surcharge: euros added per car at night.
    """
    return 0.0


class Timetable:
    """The sailings of a line, from :func:`timetable`."""


def timetable(line, *, days: int = 7) -> Timetable:
    """The sailings of a line for the next days.

    Args:
        line: the :class:`Line`.
        days: how many days ahead.
    """
    return Timetable()


def save_tickets(line: Line, path: str) -> None:
    """Write a line's tickets to a ``.csv`` file."""
'''


@pytest.fixture
def ferry(tmp_path):
    return module_api(tmp_path, "ferry", FERRY)


NS = {"ln": "ferry.Line"}


def _fixed(code: str, issues) -> str:
    from docprompt.repair import apply_fixes

    return apply_fixes(code, issues)[0]


def test_a_sibling_of_the_failure_the_request_describes_is_caught_as_that_one(ferry):
    from docprompt.verify.pycaught import caught_failures

    ask = (
        "Book 3 cars on boat Ada with `ln`. If the line refuses because there is too little room, "
        "store the error in `err`."
    )
    code = "import ferry\ntry:\n    ln.book('Ada', 3)\nexcept ferry.OutOfService as e:\n    err = e\n"
    (issue,) = caught_failures(code, ask, ferry, NS)
    assert issue.kind == "other-failure" and "catch BoatFull" in issue.message
    assert "except ferry.BoatFull as e:" in _fixed(code, [issue])
    both = code.replace(
        "except ferry.OutOfService as e:", "except ferry.BoatFull:\n    pass\nexcept ferry.OutOfService as e:"
    )
    assert caught_failures(both, ask, ferry, NS) == []  # the one meant is caught already
    two = ask.replace("store the error in `err`.", "store the error in `err`; if the boat is unknown, stop.")
    assert caught_failures(code, two, ferry, NS) == []  # two failures: which handler is which is not said
    vague = "Book 3 cars on boat Ada with `ln`; store the ticket in `t`."
    assert caught_failures(code, vague, ferry, NS) == []  # the request names no failure


def test_any_failure_the_request_takes_is_caught_by_the_library_s_base_error(ferry):
    from docprompt.verify.pycaught import caught_failures

    ask = (
        "Book 2 cars on each boat in `boats` with `ln`, skipping any boat the line refuses, whatever "
        "the problem; store the skipped ones in `skipped`."
    )
    code = (
        "from ferry import BoatFull\nskipped = []\nfor b in boats:\n    try:\n        ln.book(b, 2)\n"
        "    except BoatFull:\n        skipped.append(b)\n"
    )
    (issue,) = caught_failures(code, ask, ferry, NS)
    assert "    except FerryError:" in _fixed(code, [issue]).split("\n")
    broad = code.replace("except BoatFull", "except ValueError")  # not the library's: the code's choice
    assert caught_failures(broad, ask, ferry, NS) == []


def test_the_error_asked_for_is_stored_by_the_handler_and_none_before_the_try(ferry):
    from docprompt.verify.pycaught import failure_variables

    ask = (
        "Book 9 cars on boat Ada with `ln`; if it is too full, store the error object in `problem` "
        "(store None if they were booked)."
    )
    code = (
        "from ferry import BoatFull\ntry:\n    problem = ln.book('Ada', 9)\nexcept BoatFull as e:\n    "
        "problem = e\n"
    )
    issues = failure_variables(code, ask, ferry)
    assert sorted(i.kind for i in issues) == ["error-variable", "unset-on-failure"]
    want = "problem = None\ntry:\n    ln.book('Ada', 9)\nexcept BoatFull as e:\n    problem = e\n"
    assert _fixed(code, issues).endswith(want)
    unbound = (
        "from ferry import BoatFull\ntry:\n    problem = ln.book('Ada', 9)\nexcept BoatFull:\n    pass\n"
    )
    assert _fixed(unbound, failure_variables(unbound, ask, ferry)).endswith(
        "problem = None\ntry:\n    ln.book('Ada', 9)\nexcept BoatFull as err:\n    problem = err\n"
    )
    right = (
        "from ferry import BoatFull\nproblem = None\ntry:\n    ln.book('Ada', 9)\nexcept BoatFull as "
        "e:\n    problem = e\n"
    )
    assert failure_variables(right, ask, ferry) == []


def test_a_variable_the_request_sets_to_none_on_failure_is_none_before_the_try(ferry):
    from docprompt.verify.pycaught import failure_variables

    ask = (
        "Book 4 cars on boat Ada with `ln` and store the ticket in `ticket`; if the boat is laid up, "
        "store None in `ticket` and the boat's name in `idle`."
    )
    code = (
        "from ferry import OutOfService\ntry:\n    ticket = ln.book('Ada', 4)\nexcept OutOfService:\n"
        "    idle = 'Ada'\n"
    )
    (issue,) = failure_variables(code, ask, ferry)
    assert issue.kind == "unset-on-failure" and "ticket = None\ntry:" in _fixed(code, [issue])
    no_none = ask.replace("store None in `ticket` and ", "store ")
    assert failure_variables(code, no_none, ferry) == []  # the request never says None for it


def test_an_unknown_name_that_is_the_docs_word_for_a_member_is_that_member(ferry):
    from docprompt.verify import Issue
    from docprompt.verify.pyenumwords import worded_member

    issue = worded_member(Issue("unknown-api", "ferry.GARAGE", "ferry.GARAGE does not exist"), ferry)
    assert issue.fix == (0, "ferry.GARAGE", "ferry.Deck.HOLD") and "`Deck.HOLD`" in issue.message
    other = worded_member(Issue("unknown-api", "ferry.BOAT", "ferry.BOAT does not exist"), ferry)
    assert other.fix is None


def test_enum_words_are_what_a_member_is_not_what_it_does_nor_a_named_variable(ferry):
    """ "``RAMP`` keeps the car by the ramp": "keeps" says what the member does, and a request
    "the line keeps ..." means no deck; a word in backticks is a variable's name."""
    from docprompt.verify.pyenumwords import enum_words, unused_meanings

    words = enum_words(ferry)
    assert words["garage"] == ("ferry.Deck", "HOLD") and "keeps" not in words
    code = "t = ln.book('Ada', 2)\n"
    assert (
        unused_meanings(
            code, "The line keeps a ticket; book 2 cars on Ada with `ln`, store it in `t`.", ferry
        )
        == []
    )
    assert unused_meanings(code, "Book 2 cars on Ada with `ln` using `garage`; store it in `t`.", ferry) == []
    (issue,) = unused_meanings(code, "Book 2 cars on Ada with `ln` in the garage; store it in `t`.", ferry)
    assert issue.name == "Deck.HOLD"


def test_a_verb_asks_for_a_method_only_where_what_it_acts_on_is_in_the_method_s_docs(ferry):
    from docprompt.verify.pyactions import undone_actions

    code = "t = ln.book('Ada', 2)\n"
    (issue,) = undone_actions(
        code, "Book 2 cars on Ada with `ln`, then record a note 'late' for it.", ferry, NS
    )
    assert issue.name == "ferry.Line.log"
    offset = "Book 2 cars on Ada with `ln`; if it fails, record the position at which it failed."
    assert undone_actions(code, offset, ferry, NS) == []


def test_the_loop_s_element_replaces_a_copied_value_though_the_loop_appends_it(ferry):
    from docprompt.verify.pyactions import constant_in_loop

    code = "skipped = []\nfor b in boats:\n    ln.book('Ada', 2)\n    skipped.append(b)\n"
    ask = "Book 2 cars on each boat in `boats` with `ln`; store the ones refused in `skipped`."
    (issue,) = constant_in_loop(code, ask, ferry, {**NS, "boats": "builtins.list"})
    assert "    ln.book(b, 2)" in _fixed(code, [issue])


def test_a_number_that_says_how_to_count_is_no_value_to_use(ferry):
    from docprompt.verify.given import unused_numbers

    code = "t = ln.book('Ada', 2)\nrow = 5\n"
    ask = "Book 2 cars on Ada with `ln`; store the row of the ticket (the header counts as row 1) in `row`."
    assert unused_numbers(code, ask, ferry) == []
    (issue,) = unused_numbers(code, ask.replace("counts as row 1", "is row 1"), ferry)
    assert issue.name == "1"


def test_pairs_read_from_a_list_of_objects_are_the_objects_and_their_field(ferry):
    from docprompt.verify.pycheck import check

    code = "seats = {code: t.boat for code, t in ln.tickets('Ada').items()}\n"
    (issue,) = [i for i in check(code, ferry, namespace=NS) if i.kind == "unpacked-object"]
    assert _fixed(code, [issue]) == "seats = {t.code: t.boat for t in ln.tickets('Ada')}\n"
    loop = "seats = {}\nfor code, t in ln.tickets('Ada').items():\n    seats[code] = t.boat\n"
    (issue,) = [i for i in check(loop, ferry, namespace=NS) if i.kind == "unpacked-object"]
    assert "for t in ln.tickets('Ada'):\n    code = t.code\n    seats[code]" in _fixed(loop, [issue])


def test_a_file_the_request_names_and_the_code_never_uses_is_said_with_the_functions_for_it(ferry):
    from docprompt.verify.pynames import unused_files

    ask = "Book 2 cars on Ada with `ln`, then save the line's tickets to `ada.csv`."
    (issue,) = unused_files("ln.book('Ada', 2)\n", ask, ferry)
    assert "'ada.csv'" in issue.message and "`save_tickets`" in issue.message
    assert issue.card.startswith("ferry.save_tickets(")
    saved = "import ferry\nln.book('Ada', 2)\nferry.save_tickets(ln, 'ada.csv')\n"
    assert unused_files(saved, ask, ferry) == []


def test_a_number_passed_where_its_words_do_not_fit_goes_where_they_do(ferry):
    from docprompt.verify.given import misplaced_numbers

    ask = "What do 3 cars pay on Ada with the 10 % members discount? Store it in `p`."
    code = "from ferry import fare\np = fare('Ada', 3, surcharge=10, discount=0.0)\n"
    (issue,) = misplaced_numbers(code, ask, ferry)
    assert issue.kind == "misplaced-value" and "`fare`'s discount, not its surcharge" in issue.message
    assert _fixed(code, [issue]) == "from ferry import fare\np = fare('Ada', 3, discount=10)\n"
    assert misplaced_numbers("from ferry import fare\np = fare('Ada', 3, discount=10)\n", ask, ferry) == []
    night = "What do 3 cars pay on Ada at night, 10 euros extra per car? Store it in `p`."
    assert misplaced_numbers("from ferry import fare\np = fare('Ada', 3, surcharge=10)\n", night, ferry) == []


def test_an_object_stored_where_the_request_names_one_field_by_its_docs_word_is_that_field(ferry):
    """"Which vessel is ticket T-1 for? Store it in `vessel`": ``boat``'s docs say "the vessel"
    (the fresh half's f04: "labels" for ``tags``, "free labels"); the object itself where the
    variable names it."""
    from docprompt.verify.pyreturns import asked_fields

    ask = "Which vessel is ticket T-1 of `ln` booked for? Store the vessel in `vessel`."
    (issue,) = asked_fields("vessel = ln.ticket('T-1')\n", ask, ferry, NS)
    assert _fixed("vessel = ln.ticket('T-1')\n", [issue]) == "vessel = ln.ticket('T-1').boat\n"
    whole = "Get ticket T-1 of `ln` and store the ticket in `ticket`."
    assert asked_fields("ticket = ln.ticket('T-1')\n", whole, ferry, NS) == []


def test_the_code_s_own_instance_named_like_the_input_is_the_input(ferry):
    """``Line(name='ln')``: a string naming the input, in the instance the code makes of the
    input's class, does not use it (the fresh half's f20, 0.5B)."""
    from docprompt.verify.request import unused_inputs

    ask = "How many tickets does the line `ln` hold for Ada? Store it in `n`."
    code = "import ferry\nmine = ferry.Line(name='ln')\nn = len(mine.tickets('Ada'))\n"
    (issue,) = unused_inputs(code, ask, NS, ferry)
    assert issue.fix == (2, "mine = ferry.Line(name='ln')", "mine = ln")


def test_a_selection_thrown_away_before_a_loop_over_its_source_is_what_the_loop_goes_over(ferry):
    from docprompt.verify.pycontainers import thrown_selections

    code = "ln.tickets('Ada')\nn = 0\nfor t in ln:\n    n += 1\n"
    (issue,) = thrown_selections(code, ferry, NS)
    assert _fixed(code, [issue]) == "n = 0\nfor t in ln.tickets('Ada'):\n    n += 1\n"
    kept = "ada = ln.tickets('Ada')\nn = 0\nfor t in ln:\n    n += 1\n"
    assert thrown_selections(kept, ferry, NS) == []


def test_the_input_stored_where_its_name_asks_for_another_class_is_made_from_it(ferry):
    """``plan = bank`` for "make a regrowing plan for `bank`" (the fresh half's f07, 0.5B): the
    one function making the class the variable's name says, from the input (a parameter whose
    docs name the input's class, the rest defaulted)."""
    from docprompt.verify.pykinds import stored_input

    ask = "Make the timetable of `ln` for the coming week and store it in `timetable`."
    (issue,) = stored_input("timetable = ln\n", ask, ferry, NS)
    assert issue.fix == (1, "timetable = ln", "timetable = timetable(ln)")
    assert stored_input("tt = ln\n", ask.replace("`timetable`", "`tt`"), ferry, NS) == []


def test_a_fix_is_kept_though_it_shows_an_import_to_add_or_a_member_left_out():
    """The fix rounds stop where a fix adds problems; an import the fix needs (its own next fix)
    and a member the request names that the code leaves out (left out before the fix too) are
    not counted (the fresh half's f27 and f28)."""
    from docprompt.answer_stage import _weight
    from docprompt.verify import Issue

    imported = Issue("missing-import", "draft", "add it", fix=(1, "x", "from seedloft import draft\nx"))
    unsaid = Issue("meant-member", "LotState.HELD", "the task's 'quarantined' is `LotState.HELD`")
    other = Issue("unknown-api", "seedloft.FREEZER", "does not exist")
    assert _weight([imported, unsaid, other]) == 1
