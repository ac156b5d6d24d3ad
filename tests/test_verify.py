from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from docprompt.verify.bash import verify_bash
from docprompt.verify.python import used_apis, verify_python
from tests.helpers import module_api

TAR = {"-x", "-z", "-v", "-f", "-C", "--extract", "--file", "--directory", "--gzip", "-c", "--create"}
FIND = {"-name", "-mtime", "-type", "-exec", "-size"}


def source(table):
    return lambda cmd: table.get(cmd)


def test_known_flags_verify_and_unknown_ones_are_named_with_suggestions():
    flags = source({"tar": TAR, "find": FIND})
    ok = verify_bash("tar -xzf a.tgz -C /tmp --gzip", [flags], use_local_man=False)
    assert ok.ok and "tar -x" in ok.checked and ok.sources["tar"] == "index"
    bad = verify_bash("tar --extrakt -f a.tar", [flags], use_local_man=False)
    assert not bad.ok
    [issue] = bad.issues
    assert issue.kind == "unknown-flag" and issue.name == "--extrakt" and issue.command == "tar"
    assert "--extract" in issue.suggestions and "did you mean --extract" in issue.message


def test_long_option_prefixes_and_negations_are_accepted():
    flags = source({"tar": TAR | {"--verbose"}})
    assert verify_bash("tar --verb --no-verbose -f x", [flags], use_local_man=False).ok
    assert not verify_bash("tar --ex -f x", [source({"tar": TAR | {"--exclude"}})], use_local_man=False).ok


def test_unknown_command_and_builtins(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    report = verify_bash("cd /tmp && frobnicate --all", [source({})], use_local_man=False)
    assert [(i.kind, i.name) for i in report.issues] == [("unknown-command", "frobnicate")]


def test_subcommand_pages_are_used():
    flags = source({"git-commit": {"-m", "--amend"}, "git": {"--version"}})
    assert verify_bash("git commit --amend -m x", [flags], use_local_man=False).ok
    assert not verify_bash("git commit --amned", [flags], use_local_man=False).ok


@pytest.mark.parametrize(
    "command",
    ["sudo -u root tar -xf a.tar", "nice -n 10 tar -xf a.tar", "watch -n 1 tar -tf a.tar",
     "env A=1 tar -xf a.tar", "timeout 5 tar -xf a.tar", "find . -print0 | xargs -0 tar -rf a.tar",
     "sudo -u root nice -n 10 timeout 5 tar --extract -f a.tar"],
)  # fmt: skip
def test_wrappers_and_their_option_values_are_not_commands(command, monkeypatch):
    """A wrapper's option value (`root`, `10`, `1`, `5`) is neither a command nor sent to repair."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    flags = source({"tar": TAR | {"-t", "-r"}, "find": FIND | {"-print0"}})
    report = verify_bash(command, [flags], use_local_man=False)
    assert report.ok, report.issues
    assert "tar" in report.sources and not {"root", "10", "1", "5"} & set(report.sources)


def test_flags_a_page_cannot_vouch_for_are_unverified_not_verified():
    """A page without option entries (a tldr page) proves the command, not its flags."""
    command = "psgrep -i6TCP:8080 -sTCP:LISTEN -n -P"
    report = verify_bash(command, [source({"psgrep": set()})], use_local_man=False)
    assert report.ok and not report.verified
    assert report.unverifiable and "not checked" in report.summary()
    assert "verified against the docs" not in report.summary()


def test_a_subcommand_is_checked_against_its_own_page():
    flags = source({"git-commit-graph": {"--reachable", "--split"}, "git": {"--version"}})
    assert verify_bash("git commit-graph write --reachable", [flags], use_local_man=False).ok
    bad = verify_bash("git commit-graph write --reachabel", [flags], use_local_man=False)
    assert bad.issues[0].command == "git-commit-graph"


@pytest.mark.skipif(not shutil.which("man"), reason="man is not installed")
def test_local_man_pages_are_the_fallback():
    from docprompt.verify.bash import local_man_flags

    if not local_man_flags("ls"):
        pytest.skip("no man page for ls on this machine")
    report = verify_bash("ls -la --sort=size")
    assert report.ok and report.sources["ls"] == "man"
    assert "--sort" in report.evidence["ls --sort"]  # the man line that defines it
    assert not verify_bash("ls --sortt").ok


def test_used_apis_resolves_aliases():
    code = "import numpy as np\nfrom os import path as p\nimport xml.etree.ElementTree as ET\n"
    code += "np.linalg.norm(np.zeros(3))\np.join('a')\nET.parse('f').getroot()\n"
    modules, names = used_apis(code)
    assert modules == ["numpy", "os", "xml.etree.ElementTree"]
    assert set(names) == {"numpy.linalg.norm", "numpy.zeros", "os.path", "os.path.join",
                          "xml.etree.ElementTree.parse"} - {"os.path"}  # fmt: skip


def test_python_apis_resolve_by_import_in_a_subprocess():
    report = verify_python("import json, os.path\njson.loads('1')\nos.path.joinn('a')\n")
    assert "json.loads" in report.checked and report.sources["json.loads"] == "import"
    [issue] = report.issues
    assert issue.kind == "unknown-api" and issue.name == "os.path.joinn"
    assert verify_python("import no_such_module_xyz\n").issues[0].kind == "unknown-module"
    assert verify_python("def f(:\n").issues[0].kind == "syntax"


def test_importing_never_runs_in_this_process(tmp_path, monkeypatch):
    (tmp_path / "sideeffect_mod.py").write_text("import sys\nsys.modules['docprompt_touched'] = 1\nX = 1\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    import sys

    report = verify_python("import sideeffect_mod\nsideeffect_mod.X\n")
    assert report.ok and "sideeffect_mod.X" in report.checked
    assert "docprompt_touched" not in sys.modules and "sideeffect_mod" not in sys.modules


def test_imports_must_name_modules(tmp_path):
    assert verify_python("import json\nimport os.path\n").ok
    [issue] = verify_python("import json.loads\n").issues
    assert issue.kind == "unknown-module" and issue.name == "json.loads"


@pytest.fixture
def acme():
    """The API of the private fixture package, from an index of its source."""
    from docprompt.config import BuildSettings
    from docprompt.indexers import make_indexer
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of
    from docprompt.verify.api import IndexSymbols

    src = Path(__file__).parent / "fixtures" / "acme_private"
    ix = make_indexer("python", [str(src)], {}, max_file_bytes=1_000_000)
    build_index(path_of("acme"), ix.iter_documents(), settings=BuildSettings(embedder="hash:64"))
    return IndexSymbols(open_index("acme"))


def test_a_documented_package_s_fake_submodule_is_caught(acme):
    code = "import acme_private.customers.export\nimport acme_private.customers\n"
    report = verify_python(code, acme, use_import=False)
    assert [i.name for i in report.issues] == ["acme_private.customers.export"]
    assert "is not a module" in report.issues[0].message


def test_notebook_modules_become_imports_for_the_check_only_where_used_and_missing():
    from docprompt.verify.python import missing_imports

    aliases = {"js": "json", "np": "numpy"}
    assert (
        missing_imports("s = js.dumps(x)\nnp.zeros(3)", aliases) == "import json as js\nimport numpy as np\n"
    )
    assert missing_imports("import numpy as np\nnp.zeros(3)", aliases) == ""
    assert missing_imports("import simplejson as js\njs.dumps(1)", aliases) == ""
    assert missing_imports("js.dumps(", aliases) == ""  # the check reports the syntax error itself
    assert missing_imports("import json\njson.dumps(1)", {"json": "json"}) == ""


def test_a_notebook_alias_counts_as_imported():
    report = verify_python("out = js.dumps({'a': 1})", namespace={"js": "module:json"})
    assert report.ok and "json.dumps" in report.checked


def test_a_notebook_variable_made_anew_is_flagged_and_the_line_dropped(acme):
    """``inv`` is the notebook's Invoice: ``inv = Invoice(...)`` at the top throws it away."""
    from docprompt.repair import apply_fixes

    ns = {"inv": "acme_private.billing.invoice.Invoice"}
    code = "from acme_private.billing import Invoice\ninv = Invoice('C-1')\ndue = inv.total()\n"
    report = verify_python(code, acme, use_import=False, namespace=ns, variables=["due"])
    [issue] = [i for i in report.issues if i.kind == "replaced-input"]
    assert issue.line == 2 and "already holds the notebook's" in issue.message and issue.card
    fixed, n = apply_fixes(code, report.issues)
    assert n == 1 and fixed == "from acme_private.billing import Invoice\ndue = inv.total()\n"
    # asked for a new one (`inv` is what the request wants), or not made anew: no issue
    for other, variables in [(code, ["inv", "due"]), ("inv2 = Invoice('C-2')\n", [])]:
        report = verify_python(other, acme, use_import=False, namespace=ns, variables=variables)
        assert not [i for i in report.issues if i.kind == "replaced-input"]
    # one made in passing, where the notebook holds the one the request works on
    code = "from acme_private.billing import Invoice\ndue = Invoice().total()\n"
    report = verify_python(code, acme, use_import=False, namespace=ns, variables=["due"])
    [issue] = [i for i in report.issues if i.kind == "replaced-input"]
    assert issue.message == "`Invoice()` makes a new Invoice: use the notebook's `inv`"
    assert apply_fixes(code, [issue]) == (code.replace("Invoice().", "inv."), 1)


@pytest.mark.parametrize(
    "code, kind, fixed",
    [
        # one value too many for total(*, tax): the one keyword it can be
        ("due = inv.total(0.2)", "bad-arguments", "due = inv.total(tax=0.2)"),
        # the one unknown keyword is the one required argument missing
        ("inv.add(line=x)", "unknown-argument", "inv.add(item=x)"),
        # a method called on its class: on the notebook's one Invoice
        ("from acme_private.billing import Invoice\nInvoice.add(x)", "unbound-method",
         "from acme_private.billing import Invoice\ninv.add(x)"),
    ],
)  # fmt: skip
def test_call_mistakes_the_docs_can_fix(acme, code, kind, fixed):
    from docprompt.repair import apply_fixes

    ns = {"inv": "acme_private.billing.invoice.Invoice"}
    report = verify_python(code, acme, use_import=False, namespace=ns)
    assert [i.kind for i in report.issues] == [kind]
    assert apply_fixes(code, report.issues) == (fixed, 1)


def test_class_and_static_methods_and_the_long_way_are_fine(acme):
    ns = {"inv": "acme_private.billing.invoice.Invoice"}
    code = (
        "from acme_private.billing import Invoice\n"
        "a = Invoice.from_dict({})\nb = Invoice.validate_sku('x')\nInvoice.add(inv, x)\n"
    )
    assert verify_python(code, acme, use_import=False, namespace=ns).ok


JARS = '''"""Jars."""
import enum
from typing import Literal


class Lid(enum.Enum):
    """How a jar is closed: ``SCREW`` a screw cap, ``CORK`` a cork stopper."""

    SCREW = "screw"
    CORK = "cork"


def seal(jar: str, lid: Lid | str = Lid.SCREW, *, side: Literal["top", "bottom"] = "top") -> None:
    """Seal a jar."""


def label(jar: str, *, colour: str = "red") -> None:
    """Label a jar.

    Args:
        jar: which jar (``"a"``, ``"b"``).
        colour: one of ``red``, ``green``. Labels in ``"blue"`` are sold out.
    """


class Jar:
    """A jar on the shelf."""


class SmallJar(Jar):
    """A jar of a quarter litre."""


def find(name: str) -> Jar:
    """The jar called ``name``."""


def fill(jar: Jar, grams: int | None = None) -> None:
    """Fill a jar."""


def cap(jar: str, lid: Lid = Lid.SCREW) -> None:
    """Cap a jar."""


def bung(jar: str) -> None:
    """Close a jar for good (``CORK``)."""


def count(*, by: str = "lid") -> dict:
    """Count the jars per value of a field.

    Args:
        by: one of ``lid``, ``jar``.
    """
'''


@pytest.fixture
def jars(tmp_path):
    from docprompt.config import BuildSettings
    from docprompt.indexers import make_indexer
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of
    from docprompt.verify.api import IndexSymbols

    (tmp_path / "jars.py").write_text(JARS)
    ix = make_indexer("python", [str(tmp_path / "jars.py")], {}, max_file_bytes=1_000_000)
    build_index(path_of("jars"), ix.iter_documents(), settings=BuildSettings(embedder="hash:64"))
    return IndexSymbols(open_index("jars"))


def test_a_string_the_docs_do_not_allow_is_flagged_with_what_they_allow(jars):
    """``Literal`` parameters, ``Enum | str`` ones and those whose docs say "one of" take the
    documented values only."""
    from docprompt.repair import apply_fixes

    api = jars
    good = "from jars import seal\nseal('a', 'CORK', side='top')\nseal('b', lid='screw')\n"
    assert verify_python(good, api, use_import=False).ok
    code = "from jars import seal\nseal('a', 'glass')\nseal('b', side='botom')\nseal('c', lid='stopper')\n"
    first, second, third = verify_python(code, api, use_import=False).issues
    assert first.kind == "bad-value" and first.message == (
        "`seal`'s lid is one of 'screw', 'cork': write the one the task means"
    )
    assert "CORK a cork stopper" in first.card and first.fix is None
    assert second.message.endswith("write 'bottom'")  # one letter off
    assert third.message.endswith("write 'cork'")  # the docs say ``CORK`` a cork stopper
    fixed = code.replace("botom", "bottom").replace("stopper", "cork")
    assert apply_fixes(code, [second, third]) == (fixed, 2)
    # members: a name the docs give to one member, or an enum member the docs do not list
    members = "from jars import Lid\na = Lid.STOPPER\nb = Lid.GLASS\n"
    members += "c = Lid.SCREWCAP\n"  # a word's start: ``SCREW`` a screw cap
    stopper, glass, cap = verify_python(members, api, use_import=False).issues
    assert cap.fix and cap.fix[2] == "c = Lid.SCREW"
    assert stopper.fix and stopper.fix[2] == "a = Lid.CORK"
    assert glass.kind == "unknown-member" and not glass.fix
    labelled = "from jars import label\nlabel('x', colour='{}')\n"
    assert verify_python(labelled.format("green"), api, use_import=False).ok
    (issue,) = verify_python(labelled.format("blue"), api, use_import=False).issues
    assert issue.message == "`label`'s colour is one of 'red', 'green': write the one the task means"
    # a documented value written as a name never defined (`colour=green`): the string meant
    code = "from jars import label\nlabel('x', colour=green)\nlabel('y', colour=blue)\n"
    (issue,) = verify_python(code, api, use_import=False).issues
    assert issue.kind == "undefined-name" and issue.fix == (
        2,
        "label('x', colour=green)",
        "label('x', colour='green')",
    )
    assert verify_python("from jars import label\ngreen = 'red'\nlabel('x', colour=green)\n", api,
                         use_import=False).ok  # fmt: skip


def test_a_notebook_variable_made_anew_as_its_documented_base_class_is_flagged(jars):
    """The notebook holds a ``SmallJar`` (as it holds a ``PosixPath``); ``find`` returns a
    ``Jar``, its documented base (as ``Path(...)`` makes a ``Path``): the 1.5B remade ``out``."""
    code = "from jars import fill, find\njar = find('a')\nfill(jar)\n"
    report = verify_python(code, jars, use_import=False, namespace={"jar": "jars.SmallJar"})
    (issue,) = report.issues
    assert issue.kind == "replaced-input"
    assert issue.message.startswith("`jar` already holds the notebook's SmallJar")
    assert verify_python(code, jars, use_import=False, namespace={"jar": "jars.Lid"}).ok  # not a Jar


def test_a_value_written_as_a_word_its_docs_use_is_fixed(jars):
    """``by='closing'`` where ``by`` is one of ``lid``, ``jar`` and the docs of ``Lid`` say "How
    a jar is closed": the one value whose docs share a word stem (the 1.5B wrote
    ``tally(by='storage')`` for a field documented as "the storage tier")."""
    from docprompt.repair import apply_fixes

    code = "from jars import count\nn = count(by='closing')\n"
    (issue,) = verify_python(code, jars, use_import=False).issues
    assert issue.message.endswith("write 'lid'") and issue.suggestions == ["lid"]
    assert apply_fixes(code, [issue]) == (code.replace("closing", "lid"), 1)
    vague_code = "from jars import count\nn = count(by='colour')\n"
    (vague,) = verify_python(vague_code, jars, use_import=False).issues
    assert vague.fix is None and vague.message.endswith("write the one the task means")
    # the value held in a name first (``season = "AUTUMN"``), in double quotes: fixed where it is written
    code = 'from jars import seal\nlid = "stopper"\nside = "botom"\nseal("a", lid=lid, side=side)\n'
    report = verify_python(code, jars, use_import=False)
    assert [i.line for i in report.issues] == [2, 3]
    fixed = code.replace('"stopper"', "'cork'").replace('"botom"', "'bottom'")
    assert apply_fixes(code, report.issues) == (fixed, 2)
    # a string where the docs take the enum only (``season: Season``): the member meant, as one
    code = "from jars import Lid, cap\ncap('a', lid='stopper')\ncap('b', lid='glass')\n"
    stopper, glass = verify_python(code, jars, use_import=False).issues
    assert stopper.message == "`cap`'s lid takes a Lid, not a string: write `Lid.CORK`"
    assert apply_fixes(code, [stopper]) == (code.replace("'stopper'", "Lid.CORK"), 1)
    assert glass.fix is None and glass.message.endswith("write the member the task means")


@pytest.mark.parametrize(
    "code, message, fixed",
    [
        # the name the code assigned, in other letters: the docs determine nothing, the code does
        ("new_jar = find('a')\nfill(NEW_jar)", "`NEW_jar` is never defined: write `new_jar`",
         "new_jar = find('a')\nfill(new_jar)"),
        # read in the statement that assigns it
        ("grams = fill(find('a'), grams=grams)", "`grams` is used before it is assigned: assign it "
         "first, or use a value the task gives", None),
        # written into, never made
        ("out.csv = count()", "`out` is never defined: assign it first, or use a value the task gives", None),
        # a loop's own variable, in other letters
        ("for jar in ['a']:\n    fill(jaar)", "`jaar` is never defined: write `jar`",
         "for jar in ['a']:\n    fill(jar)"),
        # added to in a loop, never started
        ("for j in ['a']:\n    n += count()",
         "`n` is added to before anything sets it: start it at 0 before the loop",
         "n = 0\nfor j in ['a']:\n    n += count()"),
    ],
)  # fmt: skip
def test_names_read_before_anything_binds_them(jars, code, message, fixed):
    from docprompt.repair import apply_fixes

    code = "from jars import fill, find, count\n" + code
    (issue,) = verify_python(code, jars, use_import=False).issues
    assert issue.kind == "undefined-name" and issue.message == message
    if fixed:
        assert apply_fixes(code, [issue]) == ("from jars import fill, find, count\n" + fixed, 1)


@pytest.mark.parametrize(
    "code",
    [
        "total = 0\nfor j in ['a']:\n    total += 1\nxs = [j for j in 'ab']\nprint(j, xs, total)",
        "def f():\n    return g()\ndef g():\n    return 1\nx = f()",
        "fill(jar)",  # the user's own variable, which no namespace lists: not guessed at
        "with open('f') as fh:\n    text = fh.read()",
    ],
)
def test_names_bound_in_their_statement_or_later_in_a_function_are_fine(jars, code):
    code = "from jars import fill\n" + code
    assert not [i for i in verify_python(code, jars, use_import=False).issues if i.kind == "undefined-name"]


def test_a_string_where_the_docs_take_one_of_their_classes_says_how_to_get_one(jars):
    (issue,) = verify_python("from jars import fill\nfill('jam', 20)\n", jars, use_import=False).issues
    assert (
        issue.kind == "bad-type"
        and issue.line == 2
        and issue.message == ("`fill`'s jar takes a Jar, not a str: pass one, as `find(...)` returns")
    )
    assert verify_python("from jars import fill, find\nfill(find('jam'), 20)\n", jars, use_import=False).ok
    assert verify_python("from jars import seal\nseal('jam')\n", jars, use_import=False).ok  # jar: str


def test_a_name_written_under_the_wrong_module_is_moved_to_its_one_documented_home(acme):
    from docprompt.repair import apply_fixes

    code = "import acme_private\nc = acme_private.billing.load_customer('c.json')\n"
    report = verify_python(code, acme, use_import=False)
    [issue] = [i for i in report.issues if i.fix]
    assert issue.fix == (0, "acme_private.billing.load_customer", "acme_private.customers.load_customer")
    fixed, n = apply_fixes(code, report.issues)
    assert n == 1 and "c = acme_private.customers.load_customer('c.json')" in fixed


def test_the_enum_member_the_request_names_by_the_docs_word_for_it(jars):
    """ "a stopper" is ``CORK`` in the docs: ``Lid.SCREW`` is fixed; a request whose words point
    to no one member, or code that uses two members, is left alone."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pyenumwords import meant_members

    code = "from jars import Lid, seal\nseal('a', Lid.SCREW)\n"
    (issue,) = meant_members(code, "seal jar a with a stopper", jars)
    assert issue.message == "the task means `Lid.CORK` (a cork stopper), not `Lid.SCREW`"
    assert apply_fixes(code, [issue]) == (code.replace("SCREW", "CORK"), 1)
    assert meant_members(code, "seal jar a", jars) == []
    assert meant_members(code.replace("SCREW", "CORK"), "seal jar a with a stopper", jars) == []
    both = "from jars import Lid\nx = [Lid.SCREW, Lid.CORK]\n"
    assert meant_members(both, "a stopper or a screw cap", jars) == []
    # where the request puts the result is not what it asks for ("in store" named a member)
    assert meant_members(code, "Seal jar a. Store the result in `cork`.", jars) == []


def test_an_enum_member_the_request_names_and_the_code_leaves_out(jars):
    """ "with a stopper": only ``CORK``'s description says stopper, and the code uses no Lid."""
    from docprompt.verify.pyenumwords import unused_meanings

    ask = "seal jar 'a' with a stopper"
    (issue,) = unused_meanings("from jars import seal\nseal('a')\n", ask, jars)
    assert issue.kind == "meant-member" and issue.message == (
        "the task's 'stopper' is `Lid.CORK` ('cork'), which the code does not use: "
        "write what the task asks of it"
    )
    assert "CORK a cork stopper" in issue.card
    for code in ("seal('a', Lid.CORK)", "seal('a', 'cork')", "seal('a', lid=Lid.SCREW)"):
        assert unused_meanings(f"from jars import seal, Lid\n{code}\n", ask, jars) == []
    assert unused_meanings("from jars import seal\nseal('a')\n", "seal jar 'a'", jars) == []
    # a documented function the code calls gives that member
    assert unused_meanings("from jars import bung\nbung('a')\n", ask, jars) == []
    # a word other entries use too names no member ("jar" is everywhere)
    assert unused_meanings("x = 1\n", "a screw jar", jars) == []


def test_a_documented_result_the_code_drops_at_its_end(jars):
    """``j = 'b'`` then ``find('b')``, whose documented result (a ``Jar``) is dropped, for
    "store the jar in `j`": the fix stores it. Not for a call that returns nothing documented, a
    variable that holds another documented class, or two asked-for variables."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pycheck import check

    code = "from jars import find\nj = 'b'\nfind('b')\n"
    (issue,) = [i for i in check(code, jars, variables=["j"]) if i.kind == "dropped-result"]
    assert issue.message == "the last call returns a Jar, which the code drops: store it in `j`"
    assert apply_fixes(code, [issue])[0].endswith("j = find('b')\n")
    right = "from jars import fill\nj = 'b'\nfill(j)\n", "from jars import find\nj = find('a')\nprint(j)\n"
    for fine in right:
        assert not [i for i in check(fine, jars, variables=["j"]) if i.kind == "dropped-result"]
    assert not [i for i in check(code, jars, variables=["j", "k"]) if i.kind == "dropped-result"]


def test_the_documented_value_the_request_describes(jars):
    """``by`` is one of ``lid``, ``jar``; only ``Lid``'s docs say how a jar is closed: "count
    the jars per way they are closed" answered with ``by='jar'`` is fixed to ``by='lid'``. A
    request that names an allowed value itself, or whose words point to none, is left alone."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pyvalues import meant_values

    code = "from jars import count\nn = count(by='jar')\n"
    ask = "count the jars per way they are closed and store it in `n`"
    (issue,) = meant_values(code, ask, jars)
    assert issue.kind == "meant-value" and issue.message == (
        "the task means 'lid' for `count`'s by (its docs describe it so), not 'jar'"
    )
    assert apply_fixes(code, [issue]) == (code.replace("'jar'", "'lid'"), 1)
    assert meant_values(code.replace("'jar'", "'lid'"), ask, jars) == []
    assert meant_values(code, "count the jars per lid, closed or not", jars) == []
    assert meant_values(code, "count the jars and store it in `n`", jars) == []


def test_a_member_of_a_built_in_value_a_documented_function_returns(acme):
    """``export(r)`` is documented to return a str: ``.upper()`` is fine, ``.to_json()`` is not."""
    code = "from acme_private.customers import export\na = export(r).upper()\nb = export(r).to_json()\n"
    (issue,) = verify_python(code, acme, use_import=False).issues
    assert issue.line == 3 and issue.message.startswith("`export` returns str, which has no `.to_json`")
    # a documented list of documented items: the member is on each item
    ns = {"c": "acme_private.customers.Customer"}
    (issue,) = verify_python("due = c.invoices().total()\n", acme, use_import=False, namespace=ns).issues
    assert issue.message == (
        "`invoices` returns list[Invoice], which has no `.total`: "
        "each Invoice in it has one: pick the one the task means"
    )


def test_a_method_iterated_without_being_called_is_called(acme):
    from docprompt.repair import apply_fixes

    ns = {"c": "acme_private.customers.Customer"}
    code = "n = len(c.invoices)\nfor i in c.invoices:\n    pass\nf = c.invoices\n"
    report = verify_python(code, acme, use_import=False, namespace=ns)
    assert [(i.kind, i.line) for i in report.issues] == [("uncalled-method", 1), ("uncalled-method", 2)]
    assert report.issues[0].message == "`Customer.invoices` is a method: call it, `c.invoices()`"
    fixed, n = apply_fixes(code, report.issues)
    assert n == 2 and fixed.startswith("n = len(c.invoices())\nfor i in c.invoices():")
    # compared or computed with, it is a method all the same; ``is`` compares the object itself
    code = "late = c.invoices > 3\nmore = c.invoices + []\nsame = c.invoices is None\n"
    report = verify_python(code, acme, use_import=False, namespace=ns)
    assert [(i.kind, i.line) for i in report.issues] == [("uncalled-method", 1), ("uncalled-method", 2)]
    (issue,) = verify_python("first = c.invoices[0]\n", acme, use_import=False, namespace=ns).issues
    assert issue.kind == "uncalled-method" and issue.fix[2] == "first = c.invoices()[0]"


REFERENCE_PAGE = """<h1>API</h1>
<dl class="py function"><dt id="mylib.add"><code>mylib.add(a, b=1)</code></dt><dd><p>Add.</p></dd></dl>
<dl class="py class"><dt id="mylib.Box"><code>class mylib.Box(size)</code></dt><dd><p>A box.</p></dd></dl>
<dl class="attribute"><dt id="mylib.Box.value"><code>value</code></dt></dl> <p>What it holds.</p>
"""
STDLIB_PAGE = """<h1>collections</h1>
<dl class="py class"><dt id="collections.deque"><code>class collections.deque(iterable)</code></dt>
<dd><p>A double-ended queue.</p></dd></dl>
<dl class="py class"><dt id="functools.partial"><code>class functools.partial(func)</code></dt>
<dd><p>Partial.</p></dd></dl>
<dl class="attribute"><dt id="functools.partial.args"><code>args</code></dt></dl> <p>The arguments.</p>
"""


@pytest.fixture
def reference(tmp_path):
    """A DevDocs reference: a library whose entries are named relative to it (``Box.value``)
    and the standard library, whose names are import paths."""
    from docprompt.config import BuildSettings
    from docprompt.indexers import make_indexer
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of
    from docprompt.verify.api import IndexSymbols

    from .test_indexer_devdocs import make_library

    root = tmp_path / "devdocs"
    make_library(root, "mylib~1.0", {"api": REFERENCE_PAGE},
                 [("mylib.add()", "api#mylib.add", "mylib"), ("Box", "api#mylib.Box", "mylib"),
                  ("Box.value", "api#mylib.Box.value", "mylib")])  # fmt: skip
    page = "library/collections#"
    make_library(root, "python~3.12", {"library/collections": STDLIB_PAGE},
                 [("collections.deque", page + "collections.deque", "collections"),
                  ("functools.partial", page + "functools.partial", "functools"),
                  ("functools.partial.args", page + "functools.partial.args", "functools")])  # fmt: skip
    ix = make_indexer("devdocs", [str(root)], {"examples": False}, max_file_bytes=1_000_000)
    build_index(path_of("ref"), ix.iter_documents(), settings=BuildSettings(embedder="hash:64"))
    return IndexSymbols(open_index("ref"))


def test_a_reference_s_fixes_import_only_what_an_import_finds(reference):
    """DevDocs names entries relative to their library (numpy's ``nditer.value``, Django's
    ``db.models.F``): an undefined ``value`` or ``Box`` is not imported from them, and nothing is
    imported from a class; import paths (the standard library's, ``mylib.add``) still are."""
    assert "Box.value" in reference.relative and "mylib" in reference.import_roots
    code = "r = mylib.add(1)\nq = deque([1])\nv = value + len(args)\nb = Box(2)\n"
    report = verify_python(code, reference, use_import=False)
    fixes = {i.name: i.fix[2].split("\n")[0] for i in report.issues if i.kind == "missing-import"}
    assert fixes == {"mylib": "import mylib", "deque": "from collections import deque"}


def test_a_reference_is_read_as_its_library_names_it(reference):
    """DevDocs writes Django's ``django.http.HttpResponse`` as ``http.HttpResponse``: the import
    is found under the name the reference gives it; a name a reference that covers its library
    in part lacks, and a library it does not hold, are unchecked, not wrong; where the names are
    import paths (the standard library), a missing one is still a problem."""
    code = "import mylib\nfrom mylib import Box\nimport zz_not_installed\n"
    code += "v = mylib.Box.lid\nq = collections.nothing\n"
    report = verify_python("import collections\n" + code, reference, use_import=False)
    assert [(i.kind, i.name) for i in report.issues] == [("unknown-api", "collections.nothing")]
    assert {"zz_not_installed", "mylib.Box.lid"} <= set(report.unverifiable)


@pytest.mark.parametrize("reference_docs", ["check", "prompt"])
def test_a_reference_s_entries_check_the_answer_and_stay_out_of_the_prompt(reference, reference_docs):
    """A small model writes worse code for libraries it knows with a reference's entries in the
    prompt (CoNaLa dev, docs/benchmarks.md): by default they only check the answer, and are
    still the answer's sources; ``reference_docs = "prompt"`` shows them too."""
    from docprompt.pipeline import DocPrompt
    from docprompt.store.registry import open_index

    from .helpers import Model

    model = Model("import mylib\nout = mylib.add(1, 2)\n")
    dp = DocPrompt(open_index("ref"), generator=model, language="python", reference_docs=reference_docs)
    answer = dp.ask("add the numbers 1 and 2 with mylib, store the sum in `out`")
    prompt = "\n".join(m["content"] for m in model.prompts[0])
    assert ("mylib.add(): Add." in prompt) == (reference_docs == "prompt")
    assert answer.hits and answer.verification is not None and answer.verification.ok
    assert answer.code == "import mylib\nout = mylib.add(1, 2)"


CELLAR = '''"""A cellar."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Bottle:
    """A bottle of wine."""

    label: str
    year: int

    def opened(self) -> bool:
        """Whether it was opened."""


class Cellar:
    """Bottles on racks."""

    def find(self, query: str) -> list[Bottle]:
        """The bottles a filter admits."""
        return []

    def top(self) -> tuple[Bottle, ...]:
        """The bottles of the top rack."""
        return ()
'''


def test_a_list_stored_under_the_plural_of_its_elements_field_takes_the_field(tmp_path):
    """``labels = cellar.find(...)`` stores Bottles where the name asks for their ``label``."""
    from docprompt.config import BuildSettings
    from docprompt.indexers import make_indexer
    from docprompt.repair import apply_fixes
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of
    from docprompt.verify.api import IndexSymbols

    (tmp_path / "cellar.py").write_text(CELLAR)
    ix = make_indexer("python", [str(tmp_path / "cellar.py")], {}, max_file_bytes=1_000_000)
    build_index(path_of("cellar"), ix.iter_documents(), settings=BuildSettings(embedder="hash:64"))
    api = IndexSymbols(open_index("cellar"))
    ns = {"c": "cellar.Cellar"}

    def issues(code, variables):
        return verify_python(code, api, use_import=False, variables=variables, namespace=ns).issues

    (issue,) = issues("labels = c.find('year<2000')\n", ["labels"])
    assert issue.kind == "element-field" and issue.name == "cellar.Bottle.label"
    assert issue.message == (
        "`labels` holds the Bottle objects `find` returns, not their `label`: "
        "[bottle.label for bottle in c.find('year<2000')]"
    )
    fixed, n = apply_fixes("labels = c.find('year<2000')", [issue])
    assert n == 1 and fixed == "labels = [bottle.label for bottle in c.find('year<2000')]"
    assert issues("years = c.top()\n", ["years"])[0].fix[2] == "years = [bottle.year for bottle in c.top()]"
    assert not issues("bottles = c.find('year<2000')\n", ["bottles"])  # no field of that name
    assert not issues("openeds = c.find('x')\n", ["openeds"])  # a method, not a field
    assert not issues("labels = c.find('x')\n", [])  # not a variable the request asks for


def test_a_field_taken_from_each_object_the_request_asks_for_is_flagged(tmp_path):
    """``found = [b.label for b in c.find(...)]`` for "store the list of bottles in `found`": the
    request asks for the objects (its word for them is the call's docs'); the fix keeps them."""
    from docprompt.config import BuildSettings
    from docprompt.indexers import make_indexer
    from docprompt.repair import apply_fixes
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pyreturns import unasked_field

    (tmp_path / "cellar.py").write_text(CELLAR)
    ix = make_indexer("python", [str(tmp_path / "cellar.py")], {}, max_file_bytes=1_000_000)
    build_index(path_of("cellar"), ix.iter_documents(), settings=BuildSettings(embedder="hash:64"))
    api = IndexSymbols(open_index("cellar"))
    ns = {"c": "cellar.Cellar"}
    code = "found = [b.label for b in c.find('year<2000')]"
    asked = "Find the bottles in `c` from before 2000; store the list of bottles in `found`."
    (issue,) = unasked_field(code, asked, api, ns)
    assert issue.kind == "unasked-field" and issue.name == "cellar.Bottle.label"
    assert issue.message == (
        "`found` holds the `label` of each Bottle `find` returns, which the task does not ask for: "
        "it asks for the bottles themselves: found = c.find('year<2000')"
    )
    assert apply_fixes(code, [issue]) == ("found = c.find('year<2000')", 1)
    labels = "List the labels of the bottles in `c`; store the list in `found`."
    assert not unasked_field(code, labels, api, ns)
    assert not unasked_field(code, "Store the list of wines in `found`.", api, ns)  # not the docs' word
    assert not unasked_field(code, asked.replace("`found`", "`x`"), api, ns)  # not the asked variable
    assert not unasked_field("found = [b.label for b in c.find('y') if b.year]", asked, api, ns)
    assert not unasked_field(code, asked, api, {})  # `c` unknown: what find returns is unknown


RULES = '''"""Rules."""


class Rule:
    """A compiled rule. Make one with rule."""

    def __init__(self, text: str, tree: tuple) -> None:
        self.text, self.tree = text, tree


def rule(text: str) -> Rule:
    """Compile a rule from its text."""
    return Rule(text, ())
'''


def test_a_class_its_docs_make_with_a_function_is_made_with_it(tmp_path):
    """``Rule("a<1")`` where the constructor needs more and the one documented function that
    makes a Rule from a string takes what was passed: the fix calls ``rule(...)``."""
    from docprompt.config import BuildSettings
    from docprompt.indexers import make_indexer
    from docprompt.repair import apply_fixes
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of
    from docprompt.verify.api import IndexSymbols

    (tmp_path / "rules.py").write_text(RULES)
    ix = make_indexer("python", [str(tmp_path / "rules.py")], {}, max_file_bytes=1_000_000)
    build_index(path_of("rules"), ix.iter_documents(), settings=BuildSettings(embedder="hash:64"))
    api = IndexSymbols(open_index("rules"))

    def issues(code):
        return verify_python(code, api, use_import=False).issues

    code = "from rules import Rule\nr = Rule('a<1')\n"
    (issue,) = issues(code)
    assert (issue.kind, issue.name) == ("made-by", "rules.Rule")
    assert issue.message == "a Rule is not made by calling the class: make one with `rule(...)`"
    assert issue.card.startswith("rules.rule(text: str) -> Rule") and issue.fix[2] == "r = rule('a<1')"
    assert apply_fixes(code, [issue])[0] == "from rules import Rule\nr = rule('a<1')\n"
    assert not issues("from rules import Rule\nr = Rule('a<1', ())\n")
    (other,) = issues("from rules import Rule\nr = Rule(text='a<1')\n")  # keywords: not the function's call
    assert other.kind == "missing-argument"


STORES = '''"""Stores."""
import enum


class Mode(enum.Enum):
    """What to do with a name both stores hold."""

    KEEP = "keep"
    REFUSE = "refuse"


class DuplicateName(Exception):
    """A name both hold."""


class Store:
    """Named values."""

    def merge(self, other: "Store", *, mode: Mode = Mode.KEEP) -> int:
        """Merge another store.

        Raises:
            DuplicateName: a name clashes and ``mode`` is ``Mode.REFUSE``.
        """
        return 0

    def put(self, name: str, *, overwrite: bool = False) -> None:
        """Put a value under a name.

        Raises:
            DuplicateName: the name is taken and ``overwrite`` is false.
        """


class Archive:
    """Named values, kept forever."""

    def merge(self, other: "Store", *, mode: Mode = Mode.KEEP) -> int:
        """Merge a store into the archive.

        Raises:
            DuplicateName: a name clashes, whatever ``mode`` says.
        """
        return 0
'''


def test_a_handler_for_what_the_call_as_written_never_raises_is_flagged(tmp_path):
    """``try: s.merge(o, mode=Mode.KEEP) except DuplicateName:`` where merge raises it only when
    ``mode`` is ``Mode.REFUSE``: the handler never runs; the fix passes the value the docs name."""
    from docprompt.config import BuildSettings
    from docprompt.indexers import make_indexer
    from docprompt.repair import apply_fixes
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of
    from docprompt.verify.api import IndexSymbols

    (tmp_path / "stores.py").write_text(STORES)
    ix = make_indexer("python", [str(tmp_path / "stores.py")], {}, max_file_bytes=1_000_000)
    build_index(path_of("stores"), ix.iter_documents(), settings=BuildSettings(embedder="hash:64"))
    api = IndexSymbols(open_index("stores"))
    ns = {"s": "stores.Store", "o": "stores.Store"}

    def issues(code):
        return verify_python(code, api, use_import=False, namespace=ns).issues

    head = "from stores import DuplicateName, Mode\n"
    code = head + "try:\n    s.merge(o, mode=Mode.KEEP)\nexcept DuplicateName:\n    pass\n"
    (issue,) = issues(code)
    assert (issue.kind, issue.name) == ("never-raised", "stores.Store.merge(mode=)")
    assert issue.message == (
        "`merge` raises DuplicateName only when mode is Mode.REFUSE, and this call passes "
        "mode=Mode.KEEP: the `except DuplicateName` never runs; pass mode=Mode.REFUSE"
    )
    assert "s.merge(o, mode=Mode.REFUSE)" in apply_fixes(code, [issue])[0]
    put = head + "try:\n    s.put('a', overwrite=True)\nexcept (KeyError, DuplicateName) as e:\n    e\n"
    (issue,) = issues(put)
    assert issue.fix and "s.put('a', overwrite=False)" in apply_fixes(put, [issue])[0]
    assert not issues(code.replace("Mode.KEEP", "Mode.REFUSE"))
    assert not issues(code.replace("except DuplicateName", "except ValueError"))
    assert not issues(head + "s.merge(o, mode=Mode.KEEP)\n")  # nothing caught: nothing to say
    ns["a"] = "stores.Archive"  # the call's own class's docs: Archive.merge raises it always
    assert not issues(code.replace("s.merge", "a.merge"))


WINES = '''"""Wines."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Bottle:
    """A bottle of wine.

    Attributes:
        label: what the label says.
        year: the vintage.
    """

    label: str
    year: int

    @property
    def age(self) -> int:
        """Years since the vintage."""
        return 2026 - self.year

    @property
    def drinkable(self) -> bool:
        """Whether the wine may still be drunk or sold."""
        return True

    def but(self, **changes: object) -> "Bottle":
        """A copy of the bottle with some fields changed."""


@dataclass
class Rack:
    """A rack, which may be moved."""

    row: int


class Cellar:
    """Bottles on racks."""

    def get(self, label: str) -> Bottle:
        """The bottle of that label."""

    def rack(self, n: int) -> Rack:
        """The nth rack."""
'''


def test_a_field_set_on_a_frozen_class_becomes_the_changed_copy_its_docs_make(tmp_path):
    """``b.year = 1999`` on a ``@dataclass(frozen=True)`` raises: the fix is the class's own copy
    method (a method returning the class and taking ``**changes``); fields of a mutable class
    may be set."""
    from docprompt.repair import apply_fixes
    api = module_api(tmp_path, "wines", WINES)
    assert api.frozen("wines.Bottle") and not api.frozen("wines.Rack")
    assert api.copier("wines.Bottle") == "but" and api.copier("wines.Cellar") == ""

    def issues(code):
        return verify_python(code, api, use_import=False, namespace={"c": "wines.Cellar"}).issues

    code = "b = c.get('Rioja')\nb.year = 1999\nx = b.age"
    (issue,) = issues(code)
    assert (issue.kind, issue.name) == ("frozen", "wines.Bottle.year")
    assert issue.message == (
        "`Bottle` objects are frozen, so setting `b.year` raises: make a changed copy, `b = b.but(year=1999)`"
    )
    assert issue.card.startswith("wines.Bottle.but(**changes: object) -> 'Bottle': A copy of the bottle")
    assert apply_fixes(code, [issue])[0] == "b = c.get('Rioja')\nb = b.but(year=1999)\nx = b.age"
    (issue,) = issues("b = c.get('Rioja')\nb.year -= 1")
    assert issue.fix[2] == "b = b.but(year=b.year - 1)"
    (issue,) = issues("b = c.get('Rioja')\nb.yaer = 1999")  # misspelt: the documented field
    assert issue.fix[2] == "b = b.but(year=1999)"
    (issue,) = issues("c.get('Rioja').year = 1999")  # no name to rebind: no fix
    assert issue.kind == "frozen" and issue.fix is None and "c.get('Rioja').but(year=1999)" in issue.message
    (issue,) = issues("b = c.get('Rioja')\nb.age = 3")
    assert issue.message.startswith("`Bottle.age` is worked out from the fields, never set")
    (issue,) = issues("b = c.get('Rioja')\nb.colour = 'red'")  # no such field: which one is the model's call
    assert issue.kind == "unknown-member" and issue.fix is None and "b.but(field=value)" in issue.message
    assert not issues("r = c.rack(2)\nr.row = 3")  # a mutable class
    assert not issues("b = c.get('Rioja')\nb2 = b.but(year=1999)")
    (issue,) = issues("b = c.get('Rioja')\nb2 = b.clone()")  # its copy by another name
    assert issue.kind == "unknown-member" and issue.fix[2] == "b2 = b.but()"
    # a made-up method changing fields only: the copy that changes them
    (issue,) = issues("b2 = c.get('Rioja').shifted(year=1999)")
    assert issue.kind == "unknown-member" and issue.fix[2] == "b2 = c.get('Rioja').but(year=1999)"
    for other in ("b2 = c.get('Rioja').shifted(1999)", "b2 = c.get('Rioja').shifted(colour='red')"):
        (issue,) = issues(other)  # a positional value, or a name that is no field: not a copy
        assert issue.fix is None, other


SHELVES = '''"""Shelves."""
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Book:
    """A book.

    Attributes:
        title: its title.
        pages: how many pages.
    """

    title: str
    pages: int


@dataclass(frozen=True)
class Loan:
    """A book lent out: its title and for how many days."""

    title: str
    days: int


class Shelf:
    """Books in title order."""

    def __len__(self) -> int:
        return 0

    def __iter__(self) -> Iterator[Book]:
        return iter(())

    def titles(self) -> list[str]:
        """The titles, sorted."""

    def take(self, title: str) -> Book:
        """The book with that title."""

    def lend(self, title: str, *, days: int = 14) -> Book:
        """Lend a book out."""

    @property
    def loans(self) -> list[Loan]:
        """The loans running."""


class Row(dict):
    """A row of cells (a dict: indexable though it says nothing of it)."""
'''


def test_a_container_used_as_what_it_is_not(tmp_path):
    """The python indexer records a class's container methods from its source (``protocols``);
    ``shelf[t]`` where Shelf defines no ``__getitem__`` is fixed to its one getter (``take``:
    "The book with ...", not ``lend``, an action); ``for b in shelf.titles(): b.pages`` iterates
    the strings ``titles`` returns as if they were the books ``shelf`` yields: the fix iterates
    ``shelf``. A class with a base may be indexable through it: not checked."""
    from docprompt.repair import apply_fixes
    api = module_api(tmp_path, "shelves", SHELVES)
    assert api.protocols("shelves.Shelf") == {"len": "int", "iter": "Iterator[Book]"}
    assert api.protocols("shelves.Book") == {} and api.protocols("shelves.Row") is None
    assert api.iterates("shelves.Shelf") == "shelves.Book"

    def issues(code):
        ns = {"shelf": "shelves.Shelf", "row": "shelves.Row"}
        return verify_python(code, api, use_import=False, namespace=ns).issues

    code = "b = shelf['Emma']"
    (issue,) = issues(code)
    assert (issue.kind, issue.message) == (
        "not-indexable", "`Shelf` objects cannot be indexed (`shelf['Emma']`): use `shelf.take('Emma')`"
    )
    assert apply_fixes(code, [issue])[0] == "b = shelf.take('Emma')"
    code = "n = [t for t in shelf.titles() if t.pages > 100]"
    (issue,) = issues(code)
    assert issue.kind == "iterated-strings" and issue.message == (
        "`shelf.titles()` gives strings, which have no `pages`: iterating `shelf` gives its Book objects: "
        "`for t in shelf`"
    )
    assert apply_fixes(code, [issue])[0] == "n = [t for t in shelf if t.pages > 100]"
    (issue,) = issues("for t in shelf.titles():\n    print(t.pages)")
    assert issue.fix[2] == "for t in shelf:"
    assert not issues("x = row['a']\ny = [t.upper() for t in shelf.titles()]\nz = shelf.titles()[0]")
    assert not issues("y = [t.title() for t in shelf.titles()]")  # a str has .title too
    # a property holding objects of another class, read as the shelf's books
    code = "for b in shelf.loans:\n    print(b.title, b.pages)"
    (issue,) = issues(code)  # b.pages is not flagged again as a Loan's unknown member
    assert issue.kind == "iterated-others" and issue.message == (
        "`shelf.loans` gives Loan objects, which have no `pages`: iterating `shelf` gives its Book objects: "
        "`for b in shelf`"
    )
    assert apply_fixes(code, [issue])[0] == "for b in shelf:\n    print(b.title, b.pages)"
    assert not issues("d = [b.days for b in shelf.loans if b.title]")  # read as loans
    (issue,) = issues("d = [b.days + b.pages for b in shelf.loans]")  # read as both: a loan's unknown member
    assert issue.kind == "unknown-member" and issue.name == "shelves.Loan.pages"


LOTS = '''"""Lots."""
import enum
from dataclasses import dataclass


class State(enum.Enum):
    """Where a lot is: ``IN`` in store, ``OUT`` lent."""

    IN = "in"
    OUT = "out"


@dataclass(frozen=True)
class Lot:
    """A lot."""

    code: str
    state: State = State.IN


class Store:
    """Lots."""

    def get(self, code: str) -> Lot:
        """The lot with that code."""

    def things(self) -> list[Lot]:
        """Every lot."""
'''


def test_an_object_compared_with_an_enum_member_compares_its_field_of_that_enum(tmp_path):
    """``s.get(c) == State.OUT`` is never true: the one field of ``Lot`` that holds a ``State``
    is compared instead; comparing that field is fine, with a member, not a string (the
    elements of ``things()``' ``list[Lot]`` are Lots too)."""
    api = module_api(tmp_path, "lots", LOTS)

    def issues(code):
        return verify_python(code, api, use_import=False, namespace={"s": "lots.Store"}).issues

    code = "from lots import State\nout = s.get('a') == State.OUT"
    (issue,) = issues(code)
    assert issue.message == (
        "`Lot` objects are never equal to `State.OUT`: compare `s.get('a').state`, not `s.get('a')`"
    )
    assert issue.fix == (2, "out = s.get('a') == State.OUT", "out = s.get('a').state == State.OUT")
    (issue,) = issues("from lots import State\nlot = s.get('a')\nout = State.IN is lot")
    assert issue.fix[2] == "out = State.IN is lot.state"
    assert not issues("from lots import State\nout = s.get('a').state == State.OUT")
    # a field holding an enum is never equal to a string: the member it names, by name or value
    (issue,) = issues("out = [lot for lot in s.things() if lot.state == 'OUT']")
    assert issue.fix[2] == "out = [lot for lot in s.things() if lot.state == State.OUT]"
    assert issues("out = s.get('a').state != 'in'")[0].fix[2] == "out = s.get('a').state != State.IN"
    (issue,) = issues("out = s.get('a').state == 'gone'")
    assert issue.message == "`s.get('a').state` holds a `State`, never equal to the string 'gone'"
    assert issue.fix is None
    assert not issues("out = s.get('a').code == 'OUT'")


def test_a_member_the_class_lacks_is_fixed_to_the_one_the_request_describes(tmp_path):
    """``b.name`` on a Bottle, whose docs list ``label: what the label says`` and ``year: the
    vintage``: for "what does the label say" the fix is ``label``; a request whose words fit no
    member's docs, or fit two as well, leaves the issue as it was."""
    from docprompt.verify.pymeant import meant_member
    api = module_api(tmp_path, "wines", WINES)

    def meant(code, request):
        (issue,) = verify_python(code, api, use_import=False, namespace={"c": "wines.Cellar"}).issues
        return meant_member(issue, request, api, code)

    code = "x = c.get('Rioja').name"
    issue = meant(code, "What does the label of the Rioja in `c` say? Store it in `x`.")
    assert issue.message == "`Bottle` has no `name`: the task asks for `label` (what the label says)"
    assert issue.fix == (1, code, "x = c.get('Rioja').label")
    assert meant(code, "What colour is the Rioja in `c`? Store it in `x`.").fix is None
    called = "x = c.get('Rioja').name()"  # a method, not a field
    assert meant(called, "What does the label say? Store it in `x`.").fix is None
    set_ = "b = c.get('Rioja')\nb.name = 'x'"  # a member made up to be set: not the one described
    assert meant(set_, "What does the label say? Store it in `x`.").fix is None
    assert meant(code, "A copy of the bottle Rioja in `c`, in `x`.").fix is None  # a method is no value read


def test_a_field_the_request_does_not_describe_is_fixed_to_the_one_it_does(tmp_path):
    """``v = c.get('Rioja').year`` for "what does the label of the Rioja say": ``year``'s docs
    share no word with the request, ``label``'s ("what the label says") do: the fix reads
    ``label``. The store clause counts ("store its year"), a word that labels a given value does
    not ("the bottle with label 2019-B"), and a field the request's words fit is left alone."""
    from docprompt.verify.pymeant import meant_field

    api = module_api(tmp_path, "wines", WINES)
    ns = {"c": "wines.Cellar"}
    code = "v = c.get('Rioja').year"
    (issue,) = meant_field(code, "What does the label of the Rioja in `c` say? Store it in `v`.", api, ns)
    assert issue.message == "the task asks for `Bottle.label` (what the label says), not `year`"
    assert issue.fix == (1, code, "v = c.get('Rioja').label")
    assert meant_field(code, "The label of the Rioja in `c`: store its year in `v`.", api, ns) == []
    assert meant_field(code, "What does the label say? Store it in `x`.", api, ns) == []  # not `v`
    assert meant_field(code, "Get the bottle with label 2019-B from `c`; store it in `v`.", api, ns) == []
    # the variable is named as a field the request names: that field, whatever the words share
    asked = "Which year does the label of the Rioja in `c` show? Store it in `year`."
    (issue,) = meant_field("year = c.get('Rioja').label", asked, api, ns)
    assert issue.fix == (1, "year = c.get('Rioja').label", "year = c.get('Rioja').year")
    label = "v = c.get('Rioja').label"
    assert meant_field(label, "What does the label of the Rioja in `c` say? Store it in `v`.", api, ns) == []


def test_a_truth_the_request_asks_is_the_field_that_says_it_not_that_the_object_exists(tmp_path):
    """``ok = c.get('Rioja') is not None`` for "can the Rioja still be drunk or sold?": the one
    field holding True or False whose docs share the request's words answers it."""
    from docprompt.verify.pymeant import meant_truth

    api = module_api(tmp_path, "wines", WINES)
    ns, ask = {"c": "wines.Cellar"}, "Can the Rioja in `c` still be sold? Store True or False in `ok`."
    code = "ok = c.get('Rioja') is not None"
    (issue,) = meant_truth(code, ask, api, ns)
    assert issue.message == (
        "`c.get('Rioja') is not None` does not answer it: the task asks `Bottle.drinkable` "
        "(Whether the wine may still be drunk or sold)"
    )
    assert issue.fix == (1, code, "ok = c.get('Rioja').drinkable")
    assert meant_truth("ok = bool(c.get('Rioja'))", ask, api, ns)[0].fix[2] == issue.fix[2]
    # a field compared with a class (never equal), on a variable that holds the cellar too
    against = "cellar = c\nok = cellar.get('Rioja').year != Rack"
    fix = meant_truth(against, ask, api, ns)[0].fix
    assert fix is not None and fix[2] == "ok = cellar.get('Rioja').drinkable"
    assert meant_truth(code, "Is the Rioja in `c`? Store True or False in `ok`.", api, ns) == []
    assert meant_truth(code, "Can the Rioja in `c` still be sold? Store it in `ok`.", api, ns) == []


def test_a_field_the_copy_method_is_given_that_the_class_lacks_is_the_one_its_word_names(tmp_path):
    """``b.but(vintage=1999)`` where ``but`` takes the changes as ``**changes``: ``Bottle`` has
    no ``vintage``, and ``year``'s docs ("the vintage") hold the word; a word no field's docs
    hold is left to the model."""
    from docprompt.verify.pymeant import copied_fields

    api, ns = module_api(tmp_path, "wines", WINES), {"c": "wines.Cellar"}
    code = "old = c.get('Rioja').but(vintage=1999)"
    (issue,) = copied_fields(code, api, ns)
    assert issue.message == "`Bottle` has no field `vintage`: the field is `year` (the vintage): `year=1999`"
    assert issue.fix == (1, code, "old = c.get('Rioja').but(year=1999)")
    assert copied_fields("old = c.get('Rioja').but(colour='red')", api, ns) == []
    assert copied_fields("old = c.get('Rioja').but(year=1999)", api, ns) == []


DEPOT = '''"""Parcels."""


class Parcel:
    """A parcel.

    Attributes:
        number: its tracking number, e.g. ``"PX-1042"``.
    """

    number: str


class Depot:
    """Parcels by tracking number."""

    def find(self, number: str) -> Parcel:
        """The parcel with that tracking number.

        >>> Depot().find("PX-1042")
        """

    def hold(self, number: str, *, days: int = 1) -> Parcel:
        """Hold a parcel back."""
'''


def test_a_value_in_another_shape_than_the_docs_write_it_is_the_request_s(tmp_path):
    """Every example of ``number`` is written like ``PX-1042``: ``find(0)`` or ``hold('red')``
    is no tracking number. The fix passes the request's one value of that shape; with none,
    the issue says so; a value the request quotes is the task's, right or wrong."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pyshapes import shape, shaped_values

    assert (shape("PX-1042"), shape(2040), shape("red"), shape("2024-01-05")) == ("A-9", "9", "a", "9-9-9")
    api = module_api(tmp_path, "depot", DEPOT)
    code = "p = d.find(0)"
    (issue,) = shaped_values(code, "Find parcel PX-2001 in `d`; store it in `p`.", api)
    assert issue.message == "`Depot.find`'s number is written like 'PX-1042' in the docs: 0 is not one: " \
        "the task's is 'PX-2001'"
    assert apply_fixes(code, [issue])[0] == "p = d.find('PX-2001')"
    (issue,) = shaped_values("d.hold('red', days=2)", "Hold the red parcels of `d` for 2 days.", api)
    assert issue.fix is None and issue.message.endswith("'red' is not one: pass the one the task means")
    assert shaped_values("p = d.find('PX-2001')", "Find parcel PX-2001 in `d`.", api) == []
    assert shaped_values("p = d.hold('px-1')", "Hold the parcel 'px-1' of `d`.", api) == []
