"""Every check of a Python answer against its request and the package's own docs, in one table:
the answer stage runs them after the verifier's own checks, and the tests run the same table on
the benchmark's reference solutions (a check that flags a right answer sends it to repair).

Each row is (the answer setting that turns it off or None, whether it needs the package's API,
the check). The order is the order their issues are reported and their fixes applied."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import Issue
from .failures import unhandled_failures
from .given import copied_numbers, copied_slices, handwritten_values, misplaced_numbers, unused_numbers
from .pyactions import (
    constant_in_loop,
    stored_actions,
    thrown_results,
    unadded_objects,
    undone_actions,
    unused_package,
)
from .pyasked import asked_fractions, asked_kinds, asked_membership
from .pybuilders import called_classes
from .pycalendar import handpicked_members
from .pycaught import caught_failures, failure_variables
from .pycontainers import thrown_selections
from .pyenumwords import meant_members, unused_meanings
from .pyextremes import first_for_extreme
from .pygroups import ungrouped_calls
from .pykinds import added_objects, documented_keys, measured_numbers, stored_input
from .pymeant import copied_fields, meant_field, meant_truth
from .pynames import file_names_as_code, unused_files
from .pyrepeats import uneven_calls, unfiltered_calls
from .pyreturns import asked_fields, unasked_field, unasked_member
from .pyseparators import unnamed_separators
from .pyshapes import shaped_values
from .pyspelling import respelled_words
from .pyvalues import meant_values
from .pywords import unused_words
from .request import copied_values, unused_inputs


@dataclass
class Answer:
    code: str
    request: str
    api: Any  # the index's IndexSymbols; None when it documents no Python API
    namespace: Mapping[str, str] = field(default_factory=dict)  # the notebook's variables
    examples: list[str] = field(default_factory=list)  # the examples the prompt showed


Check = Callable[[Answer], list[Issue]]

CHECKS: list[tuple[str | None, bool, Check]] = [
    ("copied_values", False, lambda a: copied_values(a.code, a.request, a.examples)),
    ("copied_values", False, lambda a: copied_numbers(a.code, a.request, a.api)),
    ("copied_values", False, lambda a: copied_slices(a.code, a.request, a.api)),
    ("handwritten_values", False, lambda a: handwritten_values(a.code, a.request, a.api)),
    ("unused_inputs", False, lambda a: unused_inputs(a.code, a.request, a.namespace or None, a.api)),
    ("unused_inputs", False, lambda a: unused_numbers(a.code, a.request, a.api)),
    ("unused_inputs", False, lambda a: misplaced_numbers(a.code, a.request, a.api)),
    ("unused_inputs", False, lambda a: unused_words(a.code, a.request, a.api)),
    ("unused_inputs", False, lambda a: respelled_words(a.code, a.request, a.api)),
    ("unused_inputs", False, lambda a: unhandled_failures(a.code, a.request, a.api)),
    ("unused_inputs", False, lambda a: unnamed_separators(a.code, a.request, a.api)),
    ("unused_inputs", False, lambda a: uneven_calls(a.code, a.request, a.api)),
    ("unused_inputs", True, lambda a: file_names_as_code(a.code, a.request, a.api, a.namespace)),
    ("unused_inputs", True, lambda a: unused_files(a.code, a.request, a.api)),
    ("unused_inputs", True, lambda a: unused_package(a.code, a.request, a.api, a.namespace)),
    ("unused_inputs", True, lambda a: unfiltered_calls(a.code, a.request, a.api, a.namespace)),
    ("meant_members", True, lambda a: meant_members(a.code, a.request, a.api)),
    ("meant_members", True, lambda a: unused_meanings(a.code, a.request, a.api)),
    ("meant_members", True, lambda a: meant_values(a.code, a.request, a.api)),
    ("meant_members", True, lambda a: ungrouped_calls(a.code, a.request, a.api)),
    (None, True, lambda a: unasked_field(a.code, a.request, a.api, a.namespace)),
    (None, True, lambda a: unasked_member(a.code, a.request, a.api, a.namespace)),
    (None, True, lambda a: asked_fields(a.code, a.request, a.api, a.namespace)),
    (None, True, lambda a: asked_kinds(a.code, a.request, a.api, a.namespace)),
    (None, True, lambda a: asked_membership(a.code, a.request, a.api, a.namespace)),
    (None, True, lambda a: asked_fractions(a.code, a.request, a.api, a.namespace)),
    (None, True, lambda a: measured_numbers(a.code, a.api, a.namespace)),
    (None, True, lambda a: added_objects(a.code, a.api, a.namespace)),
    (None, True, lambda a: stored_input(a.code, a.request, a.api, a.namespace)),
    (None, True, lambda a: documented_keys(a.code, a.api, a.namespace)),
    (None, True, lambda a: meant_field(a.code, a.request, a.api, a.namespace)),
    (None, True, lambda a: meant_truth(a.code, a.request, a.api, a.namespace)),
    (None, True, lambda a: copied_fields(a.code, a.api, a.namespace)),
    (None, True, lambda a: called_classes(a.code, a.api)),
    ("handwritten_values", True, lambda a: handpicked_members(a.code, a.request, a.api)),
    (None, True, lambda a: first_for_extreme(a.code, a.request, a.api, a.namespace)),
    ("actions", True, lambda a: undone_actions(a.code, a.request, a.api, a.namespace)),
    ("actions", True, lambda a: unadded_objects(a.code, a.request, a.api, a.namespace)),
    ("actions", True, lambda a: constant_in_loop(a.code, a.request, a.api, a.namespace)),
    ("actions", True, lambda a: thrown_results(a.code, a.request, a.api, a.namespace)),
    ("actions", True, lambda a: thrown_selections(a.code, a.api, a.namespace)),
    ("actions", True, lambda a: stored_actions(a.code, a.request, a.api, a.namespace)),
    ("actions", True, lambda a: caught_failures(a.code, a.request, a.api, a.namespace)),
    ("actions", True, lambda a: failure_variables(a.code, a.request, a.api)),
    (None, True, lambda a: shaped_values(a.code, a.request, a.api)),
]


def task_issues(answer: Answer, settings=None) -> list[Issue]:
    """The issues of every check that ``settings`` (the answer settings; None: all) leaves on."""
    issues: list[Issue] = []
    for setting, needs_api, check in CHECKS:
        if needs_api and answer.api is None or setting and settings and not getattr(settings, setting):
            continue
        issues += check(answer)
    return issues
