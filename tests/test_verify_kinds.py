"""The kind of value a request asks a variable to hold (True or False, a number) against what the
docs say the code stores there; literal arguments of the wrong built-in type."""

from __future__ import annotations

from .helpers import module_api

HIVE = '''"""Bee hives."""
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum


class Mood(Enum):
    """How a colony behaves: ``CALM`` (gentle, easy to work), ``ANGRY`` (defensive, stinging)."""

    CALM = "calm"
    ANGRY = "angry"


@dataclass
class Colony:
    """One colony."""

    name: str
    mood: Mood = Mood.CALM
    marks: frozenset[str] = frozenset()

    @property
    def queenless(self) -> bool:
        """Whether the colony lost its queen."""
        return False

    def swarms(self, month: int) -> bool:
        """Whether it swarms in that month."""
        return False


class Apiary:
    """Colonies by name."""

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> Iterator[Colony]:
        return iter([])

    def smoke(self, name: str) -> Colony:
        """Calm a colony down with smoke; returns it."""

    def get(self, name: str) -> Colony:
        """The colony of that name."""

    def find(self, where: str | None = None) -> list[Colony]:
        """The colonies a filter admits."""
        return []

    def honey(self, *, where: str | None = None) -> float:
        """Kilograms of honey harvested."""
        return 0.0

    def label(self) -> str:
        """A label for the apiary."""
        return ""

    def census(self, *, by: str = "mood") -> dict[str, int]:
        """Count colonies per value of a field.

        >>> Apiary().census()
        {'angry': 1, 'calm': 3}
        """
        return {}
'''


def _checked(tmp_path):
    from docprompt.verify.pyasked import asked_kinds

    api = module_api(tmp_path, "hive", HIVE)
    return api, lambda code, request: asked_kinds(code, request, api, {"a": "hive.Apiary"})


def test_the_kind_a_request_asks_for():
    from docprompt.verify.pyasked import asked_kind

    assert asked_kind("Is colony x of `a` calm? Store True or False in `ok`.", "ok") == "bool"
    assert asked_kind("How many colonies does `a` hold? Store the number in `n`.", "n") == "count"
    assert asked_kind("How many colonies does `a` hold? Store it in `n`.", "n") == "count"
    assert asked_kind("Store the number of marked colonies in `n`.", "n") == "count"
    assert asked_kind("How old is the oldest colony? Store it in `n`.", "n") == "number"
    assert asked_kind("Store the counts per mood in `counts`.", "counts") == ""  # a dict of counts
    each = "How many colonies of `a` are there for each mood? Store the counts in `moods`."
    assert asked_kind(each, "moods") == ""
    down = "Break the colonies of `a` down by yard and store the number in each in `yards`."
    assert asked_kind(down, "yards") == ""
    assert asked_kind("Find colony x in `a` and store it in `c`.", "c") == ""
    # the question belongs to another variable when the request asks for two
    two = "How many colonies are calm? Store them in `calm` and their names in `names`."
    assert asked_kind(two, "names") == ""


def test_a_value_of_another_kind_than_asked_is_flagged_with_what_gives_one(tmp_path):
    from docprompt.repair import apply_fixes

    _, issues = _checked(tmp_path)
    asked = "Is 'Ida' of `a` fine? Store True or False in `ok`."  # no word of the docs
    (issue,) = issues("ok = a.smoke('Ida')", asked)
    assert issue.kind == "wrong-kind" and issue.fix is None
    assert issue.message == (
        "`ok` should hold True or False (the request asks for it), but `a.smoke('Ida')` returns a "
        "`Colony`; what a `Colony` says True or False: `.queenless`, `.swarms(month)`"
    )
    assert "class hive.Colony" in issue.card
    (issue,) = issues("ok = a.get('Ida').mood", asked)
    assert issue.message.endswith("compare it with one of Mood's members: `Mood.CALM`, `Mood.ANGRY`")
    (issue,) = issues("ok = a.get('Ida').marks", asked)
    assert issue.message.endswith("a `frozenset[str]`; `x in a.get('Ida').marks` says whether it holds x")
    rights = ("ok = a.get('Ida').queenless", "ok = a.get('Ida').swarms(5)", "ok = len(a) > 2",
              "ok = a.get('Ida').mood is Mood.CALM", "ok = 'x' in a.get('Ida').marks")  # fmt: skip
    for right in rights:
        assert issues(right, asked) == [], right

    count = "How many colonies of `a` are angry? Store the number in `n`."
    (issue,) = issues("n = a.find('mood=angry')", count)
    assert issue.message.endswith("returns a `list[Colony]`: how many it holds is len(a.find('mood=angry'))")
    assert apply_fixes("n = a.find('mood=angry')", [issue])[0] == "n = len(a.find('mood=angry'))"
    (issue,) = issues("n = a", count)
    assert issue.fix[2] == "n = len(a)"  # the class defines __len__
    (issue,) = issues("n = a.label()", count)
    assert issue.fix is None and issue.message.endswith("returns a `str`")
    for right in ("n = len(a.find('mood=angry'))", "n = sum(1 for c in a.find())"):
        assert issues(right, count) == [], right


def test_what_the_kinds_check_leaves_alone(tmp_path):
    _, issues = _checked(tmp_path)
    count = "How many colonies of `a` are angry? Store the number in `n`."
    assert issues("n = 0\nfor c in a.find():\n    n += 1", count) == []  # bound more than once
    assert issues("n = a.find()", "Store the angry colonies of `a` in `n`.") == []  # no kind asked
    assert issues("m = a.find()", count) == []  # not the asked variable
    assert issues("n = unknown.find()", count) == []  # nothing documented
    assert issues("n = a.find(", count) == []  # does not parse


def test_a_value_of_another_type_than_a_built_in_parameter_takes(tmp_path):
    from docprompt.verify.python import verify_python

    api = module_api(tmp_path, "hive", HIVE)

    def issues(code):
        report = verify_python(code, api, use_import=False, namespace={"a": "hive.Apiary"})
        return [i.message for i in report.issues]

    assert issues("n = a.honey(where=0)") == ["`Apiary.honey`'s where takes a str, not an int"]
    assert issues("n = a.get(3)") == ["`Apiary.get`'s name takes a str, not an int"]
    member = "from hive import Mood\nc = a.get(Mood.CALM)"
    assert issues(member) == ["`Apiary.get`'s name takes a str, not a Mood"]
    assert issues("c = a.get(a.label())") == []
    assert issues("n = a.honey(where='mood=calm')") == []
    assert issues("c = a.get('Ida').swarms(5)") == []


def test_len_of_a_number_and_a_key_in_another_case_than_the_docs_write_it(tmp_path):
    from docprompt.repair import apply_fixes
    from docprompt.verify.pykinds import documented_keys, measured_numbers

    api = module_api(tmp_path, "hive", HIVE)
    ns = {"a": "hive.Apiary"}
    code = "n = len(a.census()['ANGRY'])"
    (counted,) = measured_numbers(code, api, ns)
    assert counted.message == (
        "`a.census()['ANGRY']` is already a number (an `int`): len() of it raises TypeError; use it as it is"
    )
    (keyed,) = documented_keys(code, api, ns)
    assert keyed.message == "`census`'s keys are written like 'angry' in its docs, not 'ANGRY'"
    fixed, _ = apply_fixes(code, [counted])
    assert apply_fixes(fixed, documented_keys(fixed, api, ns))[0] == "n = a.census()['angry']"
    (weight,) = measured_numbers("n = len(a.honey())", api, ns)
    assert weight.fix is None  # len() of a weight: something else was meant to be counted
    assert measured_numbers("n = len(a.find())", api, ns) == []
    assert measured_numbers("n = len(a.find()[0:2])", api, ns) == []
    assert documented_keys("n = a.census()['angry']", api, ns) == []
    assert documented_keys("n = a.census()['sleepy']", api, ns) == []  # no key the docs write


def test_a_question_answered_by_an_action_is_answered_by_the_member_its_docs_describe(tmp_path):
    """``ok = a.smoke('Ida')`` (an action: it calms the colony, and returns it) for a question:
    the colony looked up with the one getter, then the True/False member or the enum member whose
    docs share the request's words."""
    from docprompt.repair import apply_fixes

    _, issues = _checked(tmp_path)
    queen = "Has colony 'Ida' of `a` lost its queen? Store True or False in `ok`."
    (issue,) = issues("ok = a.smoke('Ida')", queen)
    assert issue.message.endswith("`a.get('Ida').queenless` answers the question")
    assert apply_fixes("ok = a.smoke('Ida')", [issue])[0] == "ok = a.get('Ida').queenless"
    stinging = "Is 'Ida' of `a` stinging? Store True or False in `ok`."
    assert issues("ok = a.smoke('Ida')", stinging)[0].fix[2] == "ok = a.get('Ida').mood is Mood.ANGRY"
    assert issues("ok = a.get('Ida').mood", stinging)[0].fix[2] == "ok = a.get('Ida').mood is Mood.ANGRY"
    assert issues("ok = a.smoke('Ida')", "Is 'Ida' of `a` fine? Store True or False in `ok`.")[0].fix is None
    # as many of the request's words for two members: the docs do not decide
    tie = "Is colony 'Ida' of `a` stinging? Store True or False in `ok`."
    assert issues("ok = a.smoke('Ida')", tie)[0].fix is None


def test_a_count_of_things_is_not_a_measure(tmp_path):
    """ "How many colonies" asks for a count: a float (kilograms of honey) is flagged with what
    counts; the fix is ``len(a)`` where the measure was of the whole apiary and the docs of what
    iterating it gives name what is counted ("One colony.")."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pyasked import asked_kind

    assert asked_kind("How many colonies does `a` hold? Store the number in `n`.", "n") == "count"
    assert asked_kind("How many kg of honey did `a` give? Store it in `n`.", "n") == "number"
    assert asked_kind("Store the number of grams left in `n`.", "n") == "number"
    assert asked_kind("How much honey is there? Store it in `n`.", "n") == "number"
    _, issues = _checked(tmp_path)
    count = "How many colonies does the apiary `a` hold? Store the number in `n`."
    code = "n = a.honey()  # kilograms of honey"
    (issue,) = issues(code, count)
    assert issue.message == (
        "`n` should hold a count of things (the request asks for it), but `a.honey()` returns a `float`; "
        "`len(a)` counts its Colony objects"
    )
    assert apply_fixes(code, [issue])[0] == "n = len(a)"
    (issue,) = issues("n = a.honey(where='angry')", count)  # of some: which ones to count is not said
    assert issue.fix is None
    assert issues("n = a.honey()", "How many kg of honey did `a` give? Store it in `n`.") == []
    for right in ("n = len(a)", "n = len(a.find('mood=angry'))"):
        assert issues(right, count) == [], right


def test_objects_stored_where_the_request_asks_for_a_field_of_theirs(tmp_path):
    """"Store the names of the angry colonies, sorted, in `out`": a list of Colony objects (sorted
    or not) or one Colony is fixed to the field asked for; a variable named after the field is
    ``elements_for_field``'s, and a field the request does not name leaves the objects alone."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pyreturns import asked_fields

    api = module_api(tmp_path, "hive", HIVE)

    def issues(code, request):
        return asked_fields(code, request, api, {"a": "hive.Apiary"})

    asked = "Find the angry colonies of `a`; store their names, sorted, in `out`."
    code = "out = sorted(a.find('mood=angry'))"
    (issue,) = issues(code, asked)
    assert issue.kind == "element-field" and issue.message == (
        "`out` should hold the names the task asks for, not Colony objects: "
        "out = sorted(colony.name for colony in a.find('mood=angry'))"
    )
    assert apply_fixes(code, [issue])[0] == "out = sorted(colony.name for colony in a.find('mood=angry'))"
    (issue,) = issues("out = a.find('mood=angry')", asked)
    assert issue.fix[2] == "out = [colony.name for colony in a.find('mood=angry')]"
    one = "Find the colony of `a` with the most marks and store its name in `best`."
    (issue,) = issues("best = max(a, key=lambda c: len(c.marks))", one)
    assert issue.fix[2] == "best = max(a, key=lambda c: len(c.marks)).name"
    assert issues("out = [c.name for c in a.find('mood=angry')]", asked) == []
    assert issues("names = a.find('mood=angry')", "Store the names of the angry colonies in `names`.") == []
    assert issues("out = a.find('mood=angry')", "Store the angry colonies of `a` in `out`.") == []


def test_a_question_of_a_label_is_answered_by_membership(tmp_path):
    """"Is colony Ida marked blue?" with a set of strings (``marks``) stored: the value after
    the request's word for the field is looked for in it, on the object the getter looks up
    (``smoke`` is an action)."""
    from docprompt.repair import apply_fixes

    _, issues = _checked(tmp_path)
    asked = "Is colony Ida of `a` marked blue? Store True or False in `ok`."
    code = "ok = a.smoke('Ida').marks"
    (issue,) = issues(code, asked)
    assert issue.message.endswith(": `'blue' in a.get('Ida').marks` answers the question")
    assert apply_fixes(code, [issue])[0] == "ok = 'blue' in a.get('Ida').marks"
    (issue,) = issues("ok = a.get('Ida').marks", "Is colony Ida of `a` marked? Store True or False in `ok`.")
    assert issue.fix is None  # no value after the word
    # the set its intersection with the value makes is no answer either
    (issue,) = issues("ok = a.get('Ida').marks & {'blue'}", asked)
    assert issue.fix is not None and issue.fix[2] == "ok = 'blue' in a.get('Ida').marks"
    assert issues("ok = 'blue' in a.get('Ida').marks", asked) == []


def test_a_fraction_asked_is_the_part_divided_by_the_whole(tmp_path):
    from docprompt.verify.pyasked import asked_fractions

    api, _ = _checked(tmp_path)
    ns = {"a": "hive.Apiary"}
    ask = "What fraction of the colonies in `a` are calm? Store it in `share`."
    (issue,) = asked_fractions("share = len(a.find('mood=calm'))", ask, api, ns)
    assert issue.fix == (1, "share = len(a.find('mood=calm'))", "share = len(a.find('mood=calm')) / len(a)")
    percent = asked_fractions("p = len(a.find('mood=calm'))", ask.replace("fraction", "percentage")
                              .replace("`share`", "`p`"), api, ns)  # fmt: skip
    assert percent[0].fix is not None and percent[0].fix[2] == "p = 100 * len(a.find('mood=calm')) / len(a)"
    assert asked_fractions("share = 3", ask, api, ns)[0].fix is None
    assert asked_fractions("share = len(a.find('mood=calm')) / len(a)", ask, api, ns) == []
    assert asked_fractions("share = len(a.find('mood=calm'))", "How many? In `share`.", api, ns) == []
