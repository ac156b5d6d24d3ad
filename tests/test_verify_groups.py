"""The groups a request counts by, and the documented choice of a parameter that makes them."""

from __future__ import annotations

import pytest

BEES = '''"""Bee colonies."""

import enum
from collections.abc import Iterator
from dataclasses import dataclass


class Mood(enum.Enum):
    """How a colony behaves when opened: ``CALM``, ``NERVOUS`` or ``ANGRY``."""

    CALM = "calm"
    NERVOUS = "nervous"
    ANGRY = "angry"


@dataclass
class Colony:
    """A colony of bees.

    Attributes:
        name: the colony's name.
        mood: its temper, a :class:`Mood`.
        yard: the apiary yard it stands in.
        year: the year its queen was born.
    """

    name: str
    mood: Mood
    yard: str
    year: int


class Apiary:
    """The colonies a beekeeper keeps."""

    def __iter__(self) -> Iterator[Colony]:
        return iter([])

    def tally(self, *, by: str = "yard") -> dict[str, int]:
        """Count colonies per value of a field.

        Args:
            by: one of ``yard``, ``mood``, ``year``.
        """
        return {}
'''
HOME = {"a": "bees.Apiary"}


@pytest.fixture
def api(tmp_path):
    from tests.helpers import module_api

    return module_api(tmp_path, "bees", BEES)


def test_the_choice_the_request_groups_by_is_passed(api):
    from docprompt.verify.pygroups import ungrouped_calls

    ask = "How many colonies of `a` are there for each temper (calm, nervous, angry)? Store them in `t`."
    (issue,) = ungrouped_calls("t = len(a.tally())", ask, api)
    assert issue.message == "the task groups by mood: pass `by='mood'` to `tally`"
    assert issue.fix == (1, "t = len(a.tally())", "t = len(a.tally(by='mood'))")
    assert issue.card.startswith("bees.Apiary.tally(")
    (wrong,) = ungrouped_calls("t = a.tally(by='yard')", ask, api)
    assert wrong.fix == (1, "t = a.tally(by='yard')", "t = a.tally(by='mood')")
    assert ungrouped_calls("t = a.tally(by='mood')", ask, api) == []
    # the default is the one asked for; a request that groups by nothing the docs name
    assert ungrouped_calls("t = a.tally()", "Count the colonies of `a` per apiary yard.", api) == []
    assert ungrouped_calls("t = a.tally(by='year')", "Count the colonies of `a` by hand.", api) == []
    assert ungrouped_calls("t = a.tally()", "How many colonies does `a` keep?", api) == []
