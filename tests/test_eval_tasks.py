"""``docprompt eval tasks`` and the seedloft benchmark it scores (benchmarks/privlib)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docprompt.cli import main
from docprompt.errors import BadInput
from docprompt.eval.answerers import reference_answerer, setup_namespace
from docprompt.eval.tasks import (
    CATEGORIES,
    Task,
    evaluate,
    load_tasks,
    run_answer,
    select,
    static_category,
)
from tests.helpers import Scripted

ROOT = Path(__file__).resolve().parent.parent
PRIVLIB = ROOT / "benchmarks" / "privlib"
SRC = PRIVLIB / "src"
TASKS = PRIVLIB / "tasks.jsonl"
MORE = PRIVLIB / "tasks-more.jsonl"  # tuning tasks only, written after the first tune half was learnt
FRESH = PRIVLIB / "tasks-fresh.jsonl"  # a second reporting half, written at stop 48, never tuned on
# a third reporting half, written at stop 50 before the fresh half's misses were read, never tuned on
THIRD = PRIVLIB / "tasks-third.jsonl"
BANK = "import seedloft\nbank = seedloft.starter_ledger()"


@pytest.fixture(scope="module")
def tasks() -> list[Task]:
    return load_tasks(TASKS)


@pytest.fixture(scope="module")
def every_task(tasks) -> list[Task]:
    return tasks + load_tasks(MORE)


@pytest.fixture(scope="module")
def solvable(every_task) -> list[Task]:
    """Every task, the fresh and third reporting halves too (whose solutions the checks may still
    flag: fixing those false alarms would tune on them)."""
    return every_task + load_tasks(FRESH) + load_tasks(THIRD)


def task(**fields) -> Task:
    base = {"id": "x", "split": "tune", "difficulty": "easy", "request": "r", "variables": ["w"],
            "setup": BANK, "check": "import seedloft\nassert w == 'SL-0009'"}  # fmt: skip
    return Task(**{**base, **fields})


def test_the_benchmark_is_large_balanced_and_phrased_without_api_names(tasks):
    assert len(tasks) >= 60 and len({t.id for t in tasks}) == len(tasks)
    levels = {lv: [t for t in tasks if t.difficulty == lv] for lv in ("easy", "medium", "hard")}
    assert len(levels["easy"]) >= 18 and len(levels["medium"]) >= 22 and len(levels["hard"]) >= 15
    for group in levels.values():  # stratified 50/50
        assert abs(sum(t.split == "tune" for t in group) - sum(t.split == "report" for t in group)) <= 1
    api = ["starter_ledger", "sift(", "tally", "dispatch", "withdraw", "draft(", "seal", "Ledger", "Keeping"]
    for t in tasks:
        assert t.variables and t.solution and not any(name in t.request for name in api), t.id


@pytest.mark.parametrize("path", [FRESH, THIRD], ids=["fresh", "third"])
def test_the_reporting_halves_are_held_apart_and_phrased_without_api_names(solvable, path):
    held = load_tasks(path)
    assert len(held) == 32 and {t.split for t in held} == {"report"}
    assert len({t.id for t in solvable}) == len(solvable)
    api = ["starter_ledger", "sift", "tally", "dispatch", "withdraw", "draft", "seal", "pluck", "shelve"]
    for t in held:
        assert t.variables and t.solution and not any(re.search(rf"\b{n}\b", t.request) for n in api), t.id


def test_every_reference_solution_passes_and_a_no_op_fails_every_task(solvable):
    tasks = solvable
    result = evaluate(tasks, reference_answerer, src_dir=SRC, workers=2)
    failed = {r["id"]: (r["category"], r["error"]) for r in result["tasks"] if r["category"] != "pass"}
    assert failed == {}
    assert result["pass_at_1"] == {"all": 100.0, "easy": 100.0, "medium": 100.0, "hard": 100.0}
    timed = {"generate_s": 1.0, "repair_s": 0.5}  # an answerer may say where its seconds went
    noop = evaluate(tasks, lambda t: ("import seedloft", 0.0, timed), src_dir=SRC, workers=2)
    assert noop["passed"] == 0 and noop["failures"] == {"variable-missing": len(tasks)}
    assert noop["stage_seconds"] == timed and noop["tasks"][0]["timings"] == timed
    assert result["stage_seconds"] == {} and "timings" not in result["tasks"][0]


def test_placeholder_values_fail_every_check(solvable):
    tasks = solvable
    def nones(t: Task) -> tuple[str, float]:
        return "import seedloft\n" + "\n".join(f"{v} = None" for v in t.variables), 0.0

    result = evaluate(tasks, nones, src_dir=SRC, workers=2)
    assert result["passed"] == 0 and set(result["failures"]) == {"wrong-result"}


@pytest.mark.parametrize(
    "code, category",
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("[1]", "malformed"),
        ("[1][3]", "malformed"),
        ("seedloft.Ledger.free_code", "malformed"),
        ("# Ledger > free_code", "malformed"),
        ("The next code is given by the ledger's free code method [2].", "malformed"),
        ("w = bank.free_code(\n", "truncated"),
        ("w = (bank.free_code()\n     .upper(", "truncated"),
        ("for lot in bank:", "truncated"),
        ("w = bank.", "truncated"),
        ("w = = bank.free_code()\nx = 1", "syntax"),
        ("def f(:\n    pass\nw = 1", "syntax"),
        ("w = bank.free_code()", None),
    ],
)
def test_static_categories(code, category):
    assert static_category(code) == category


@pytest.mark.parametrize(
    "code, category, stage",
    [
        ("w = bank.free_code()", "pass", ""),
        ("import seedloft\nw = seedloft.starter_ledger().free_code()", "pass", ""),
        ("[1]", "malformed", ""),
        ("w = bank.free_code(", "truncated", ""),
        (
            "class Ledger:\n    def free_code(self):\n        return 'SL-0001'\nw = Ledger().free_code()",
            "reimplemented",
            "check",
        ),
        ("w = 'SL-0001'", "reimplemented", "check"),
        ("from seedloft import next_code\nw = next_code(bank)", "wrong-import", "answer"),
        ("import seedlot\nw = seedlot.next_code()", "wrong-import", "answer"),
        ("w = bank.next_free_code()", "unknown-api", "answer"),
        ("import seedloft\nw = seedloft.Keeping.FREEZER", "unknown-api", "answer"),
        ("w = SeedBank().free_code()", "unknown-api", "answer"),
        ("w = bank.free_code(series='SL')", "wrong-arguments", "answer"),
        ("bank.free_code()", "variable-missing", "variables"),
        ("w = bank.pluck('SL-0999')", "library-error", "answer"),
        ("w = bank.free_code()[99]", "runtime-error", "answer"),
        ("w = bank.free_code(prefix='KEW')", "wrong-result", "check"),
        ("w = [].nope", "runtime-error", "answer"),
    ],
)
def test_answers_land_in_their_category(code, category, stage):
    outcome = run_answer(task(), code, SRC)
    assert (outcome.category, outcome.stage) == (category, stage), outcome.error
    assert outcome.category == "pass" or outcome.category in CATEGORIES
    if stage == "answer":
        assert ":" in outcome.error and "\n" not in outcome.error


def test_a_runaway_answer_times_out_and_fixtures_are_written():
    outcome = run_answer(task(), "while True:\n    pass", SRC, timeout=2)
    assert outcome.category == "timeout" and outcome.stage == "answer" and outcome.run_seconds < 10
    with_file = task(files={"data/in.txt": "SL-0009"}, setup="", check="assert w == 'SL-0009'")
    assert run_answer(with_file, "import seedloft\nw = open('data/in.txt').read()", SRC).passed


def test_evaluate_aggregates(tasks):
    easy, hard = task(id="a"), task(id="b", difficulty="hard")
    replies = iter([("w = bank.free_code()", 1.0), ("w = bank.nope()", 3.0)])
    result = evaluate([easy, hard], lambda t: next(replies), src_dir=SRC)
    assert result["pass_at_1"] == {"all": 50.0, "easy": 100.0, "medium": None, "hard": 0.0}
    assert result["seconds"] == {"median": 2.0, "p95": 3.0}
    assert result["failures"] == {"unknown-api": 1}
    assert [r["category"] for r in result["tasks"]] == ["pass", "unknown-api"]
    assert len(select(tasks, "report")) + len(select(tasks, "tune")) == len(tasks)
    assert len(select(tasks, "all", 3)) == 3


GOOD = '{"id": "a", "split": "tune", "difficulty": "easy", "request": "r", "check": "c"'
OTHER = GOOD.replace('"a"', '"b"')


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "t.jsonl:2: not a JSON object"),
        (OTHER + ', "extra": 1}', "t.jsonl:2: extra: Extra inputs are not permitted"),
        (OTHER.replace("tune", "train") + "}", "t.jsonl:2: split:"),
        (OTHER.replace(', "check": "c"', "") + "}", "t.jsonl:2: check: Field required"),
        (
            OTHER + ', "variables": ["a b"]}',
            "t.jsonl:2: variables: Value error, 'a b' is not a Python variable",
        ),
        (OTHER + ', "files": {"../x": ""}}', "t.jsonl:2: files: Value error, fixture file '../x'"),
        (GOOD + "}", "t.jsonl:2: task id 'a' repeats line 1"),
    ],
)
def test_task_file_errors_are_one_line(tmp_path, line, message):
    path = tmp_path / "t.jsonl"
    path.write_text(GOOD + "}\n" + line + "\n")
    with pytest.raises(BadInput) as err:
        load_tasks(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_missing_or_empty_task_files(tmp_path):
    with pytest.raises(BadInput, match="cannot read the tasks file"):
        load_tasks(tmp_path / "none.jsonl")
    (tmp_path / "e.jsonl").write_text("\n")
    with pytest.raises(BadInput, match="no tasks in the file"):
        load_tasks(tmp_path / "e.jsonl")


def test_the_library_doctests_pass():
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--doctest-modules", "--rootdir",
         str(SRC), "-c", "/dev/null", str(SRC / "seedloft")],
        capture_output=True, text=True, cwd=SRC, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert " passed" in proc.stdout


def test_cli_end_to_end_with_a_scripted_model(monkeypatch, tmp_path):
    import docprompt.generate as generate

    runner = CliRunner()
    index = ["index", "build", "privlib-src", str(SRC / "seedloft"), "--indexer", "python"]
    build = runner.invoke(main, [*index, "--embedder", "hash:64"])
    assert build.exit_code == 0, build.output
    two = tmp_path / "two.jsonl"
    two.write_text("".join(line + "\n" for line in TASKS.read_text().splitlines()[:2]))
    gen = Scripted(
        "```python\nimport seedloft\nbank = seedloft.starter_ledger()\n```\nI used [1].",
        "```python\nimport seedloft\nn = seedloft.seed_count(3.2, thousand=4)\n```",  # wrong keyword ...
        "```python\nimport seedloft\nn = seedloft.seed_count(3.2, thousand=4)\n```",  # ... kept on repair
    )
    monkeypatch.setattr(generate, "get_generator", lambda backend=None, model=None, **kw: gen)
    args = ["eval", "tasks", "--tasks", str(two), "--src", str(SRC), "--index", "privlib-src"]
    result = runner.invoke(main, [*args, "--json", "--no-verify"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["n"] == 2 and out["passed"] == 1 and out["failures"] == {"wrong-arguments": 1}
    assert out["pass_at_1"]["easy"] == 50.0 and out["backend"] == "fake"
    assert [t["category"] for t in out["tasks"]] == ["pass", "wrong-arguments"]
    assert "seedloft.starter_ledger()" in out["tasks"][0]["code"] and "[1]" not in out["tasks"][0]["code"]
    assert "starter_ledger" in gen.prompts[0][-1]["content"]  # the retrieved docs went into the prompt
    gen.replies = ["```python\nimport seedloft\nbank = seedloft.starter_ledger()\n```"]
    table = runner.invoke(main, [*args, "--limit", "1", "--docs", "none"])
    assert table.exit_code == 0, table.output
    assert "pass@1" in table.output and "1 of 1 passed; failures: none" in table.output


def test_cli_reference_and_user_errors(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["eval", "tasks", "--tasks", str(TASKS), "--src", str(SRC), "--reference",
                              "--split", "tune", "--limit", "4"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert "4 of 4 passed" in ok.output
    no_index = runner.invoke(main, ["eval", "tasks", "--tasks", str(TASKS), "--src", str(SRC)])
    assert no_index.exit_code == 2 and "--index is required" in no_index.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n')
    broken = runner.invoke(main, ["eval", "tasks", "--tasks", str(bad), "--src", str(SRC), "--reference"])
    assert broken.exit_code == 2 and f"{bad}:1:" in broken.output


def test_a_tasks_setup_is_told_to_the_model_as_a_notebook_would_be():
    task = next(t for t in load_tasks(TASKS) if t.setup and "bank" in t.setup)
    context, namespace = setup_namespace(task, SRC)
    assert "Variables in the notebook" in context and "- bank: seedloft.ledger.Ledger" in context
    assert namespace["bank"] == "seedloft.ledger.Ledger"


def seedloft_api():
    """The API the verifier reads from an index of the seedloft package's source."""
    from docprompt.config import BuildSettings
    from docprompt.indexers import make_indexer
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of
    from docprompt.verify.api import IndexSymbols

    ix = make_indexer("python", [str(SRC / "seedloft")], {}, max_file_bytes=1_000_000)
    build_index(path_of("seedloft"), ix.iter_documents(), settings=BuildSettings(embedder="hash:64"))
    return IndexSymbols(open_index("seedloft"))


def test_every_reference_solution_verifies_clean(every_task):
    """The verifier's checks raise no issue on the right answers written by hand (false alarms
    would send right answers to repair)."""
    tasks = every_task
    from docprompt.eval.answerers import python_path
    from docprompt.verify.pycheck import check
    from docprompt.verify.pytask import Answer, task_issues
    from docprompt.verify.request import requested_variables

    api = seedloft_api()
    found = {}
    with python_path(str(SRC)):
        for t in tasks:
            namespace = setup_namespace(t, SRC)[1] if t.setup else {}
            issues = check(t.solution, api, variables=requested_variables(t.request), namespace=namespace)
            issues += task_issues(Answer(t.solution, t.request, api, namespace))
            found.update({f"{t.id} {i.kind}": i.message for i in issues})
    assert found == {}
    # the same index: a made-up field of an instance of a class whose docs list its fields
    shown_off = 'from seedloft import draft\nlot = draft("C").coded("SL-0100").seal()\n'
    shown_off += "x = lot.keying\ny = lot.id\n"
    keying, made_up = check(shown_off, api)
    assert (
        keying.fix and keying.message == "`Accession` has no member named like that: use `Accession.keeping`"
    )
    assert made_up.name == "seedloft.Accession.id" and "its members are: age, but" in made_up.message
    # an object of another documented class: a builder not finished, or what the call would make
    unfinished = "import seedloft\nbank = seedloft.starter_ledger()\nbank.shelve(seedloft.draft('P'))\n"
    (unsealed,) = check(unfinished, api)
    assert unsealed.fix is not None and unsealed.fix[2] == "bank.shelve(seedloft.draft('P').seal())"
    wrapped = "from seedloft import import_table, new_ledger\nbank = new_ledger(import_table('a'))\n"
    (made,) = check(wrapped, api)
    assert made.kind == "bad-type" and made.fix is not None and made.fix[2] == "bank = import_table('a')"
    # a class whose docs list no fields may set others in its constructor (Ledger.name): unchecked
    assert check("import seedloft\nbank = seedloft.starter_ledger()\nn = bank.name\n", api) == []
    # the same for what a call returns (``pluck`` -> Accession), not only for a variable
    made_up_too = "import seedloft\nbank = seedloft.starter_ledger()\ntemp = bank.pluck('SL-0006').celsius\n"
    (returned,) = check(made_up_too, api)
    # ... where one field's class has it: that field's (the lot's `keeping`, a Keeping, has `celsius`)
    assert returned.name == "seedloft.Accession.celsius" and returned.fix is not None
    assert returned.fix[2] == "temp = bank.pluck('SL-0006').keeping.celsius"
    assert check(made_up_too.replace("celsius", "keeping.celsius"), api) == []
    # a documented field or property called as a method: the fix reads it
    from docprompt.repair import apply_fixes

    called = "import seedloft\nbank = seedloft.starter_ledger()\ncode = bank.isolate('SL-0007').code()\n"
    (field,) = check(called, api)
    assert field.kind == "not-callable" and field.name == "seedloft.Accession.code"
    assert field.message == "`Accession.code` is a value, not a method: read it without calling it (`.code`)"
    assert apply_fixes(called, [field])[0].endswith("code = bank.isolate('SL-0007').code\n")
    assert check(called.replace(".code()", ".age(as_of=2025)"), api) == []
    # a value the code ends in and drops, where one requested variable is missing: the fix stores it
    ends = "import seedloft\nbank = seedloft.starter_ledger()\nbank.codes()[-3:]\n"
    (missing,) = check(ends, api, variables=["codes"])
    assert apply_fixes(ends, [missing])[0].endswith("codes = bank.codes()[-3:]\n")
    (bare,) = check(ends.replace("bank.codes()[-3:]", "bank"), api, variables=["codes"])
    assert bare.kind == "variable-missing" and bare.fix is None
    # a container a documented call returned, passed where the parameter takes none
    held = {"bank": "seedloft.ledger.Ledger"}
    (wrong,) = check("rule = bank.sift('year<2016')\ncodes = bank.sift(rule)\n", api, namespace=held)
    assert wrong.kind == "bad-type"
    assert "takes str | Sieve, not the list[Accession] `rule` holds" in wrong.message
    assert wrong.card.startswith("seedloft.sieve.sieve(text: str) -> Sieve")
    assert check("lots = bank.sift('year<2016')\nn = len(lots)\n", api, namespace=held) == []


def test_what_a_call_returns_is_used_as_the_docs_say():
    """Fixes the docs decide for the objects calls return (tune tasks u51, u52, u57, u58): a
    builder's setter named after another's parameter, a class made by its maker from what the
    maker takes, an object's field passed where the docs say the object goes, and a returned
    record thrown away while the asked variable holds the notebook's object itself."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pycheck import check
    from docprompt.verify.pytask import Answer, task_issues

    api = seedloft_api()
    held = {"bank": "seedloft.ledger.Ledger"}
    setters = "from seedloft import draft\nlot = draft('D').coded('SL-0300').year(2024).grams(18).seal()\n"
    (year,) = check(setters, api)
    assert year.message == "`AccessionDraft` has no member named like that: use `AccessionDraft.harvested`"
    fixed = apply_fixes(setters, [year])[0]
    (grams,) = check(fixed, api)
    assert apply_fixes(fixed, [grams])[0].endswith(".harvested(2024).weighing(18).seal()\n")
    made = "from seedloft import Sieve\nrule = Sieve('keep=deep', None)\n"
    (maker,) = task_issues(Answer(made, "Compile the search 'keep=deep' as `rule`.", api))
    assert maker.kind == "made-by" and maker.fix is not None and maker.fix[2] == "rule = sieve('keep=deep')"
    field = "import seedloft\nlot = bank.log_trial('SL-0003', seedloft.germ_count(40, emerged=37).rate)\n"
    (rate,) = check(field, api, namespace=held)
    assert rate.message == "`Ledger.log_trial`'s trial takes a Trial itself, not its `rate`: pass " \
        "seedloft.germ_count(40, emerged=37)"  # fmt: skip
    assert apply_fixes(field, [rate])[0].endswith("germ_count(40, emerged=37))\n")
    ask = "Lend 5 g of lot SL-0001 of `bank` to Kew in 2025 and keep the shipment record in `sent`."
    thrown = "bank.dispatch('SL-0001', recipient='Kew', grams=5, year=2025)\nn = 1\nsent = bank\n"
    (kept,) = [i for i in task_issues(Answer(thrown, ask, api, held)) if i.kind == "thrown-result"]
    assert kept.message.startswith("`sent = bank` stores `bank` itself; the Consignment")
    assert apply_fixes(thrown, [kept])[0] == (
        "sent = bank.dispatch('SL-0001', recipient='Kew', grams=5, year=2025)\nn = 1\n"
    )
    stored = Answer(thrown.replace("sent = bank", "sent = bank.consignments[-1]"), ask, api, held)
    assert not [i for i in task_issues(stored) if i.kind == "thrown-result"]
    # ... but not where the request asks for the notebook's object itself
    ledger = "Quarantine lot SL-0007 of `bank` and keep the updated ledger in `updated`."
    asked = Answer("bank.isolate('SL-0007')\nupdated = bank\n", ledger, api, held)
    assert not [i for i in task_issues(asked) if i.kind == "thrown-result"]
    # a method named as the parameter of one that is no setter is left to the model (shelve(lot))
    (lookup,) = check("lot = bank.lot('SL-0001')\n", api, namespace=held)
    assert lookup.fix is None and "its members are" in lookup.message


def test_what_the_request_names_is_what_the_code_stores():
    """A field of the object the request asks for, stored in its place (t07, t10 of the first
    reporting half): the object; a file name the request gives, written as code (t37): quoted."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pycheck import check
    from docprompt.verify.pytask import Answer, task_issues

    api = seedloft_api()
    held = {"bank": "seedloft.ledger.Ledger"}
    ask = "Record a germination test of 50 seeds, 41 sprouted; store the test result in `test`."

    code = "from seedloft import germ_count\ntest = germ_count(50, emerged=41).rate\n"
    (field,) = [i for i in task_issues(Answer(code, ask, api)) if i.kind == "unasked-field"]
    assert field.message.startswith("`test` is the Trial itself, as the task asks, not its `rate`")
    assert apply_fixes(code, [field])[0].endswith("test = germ_count(50, emerged=41)\n")
    for asked in ("store its germination rate in `test`", "store the rate in `test`"):
        assert not task_issues(Answer(code, ask.replace("store the test result in `test`", asked), api))
    lot = Answer("lot = bank.pluck('SL-0003').taxon\n", "Get lot SL-0003 of `bank` as `lot`.", api, held)
    assert [i.fix[2] for i in task_issues(lot) if i.fix] == ["lot = bank.pluck('SL-0003')"]
    ask = "Which genus is lot SL-0003 of `bank`? Store it in `genus`."
    genus = Answer("genus = bank.pluck('SL-0003').genus\n", ask, api, held)
    assert not task_issues(genus)
    load = "Load the CSV file `harvest.csv` into a seedloft catalogue; store it in `bank`."
    code = "import seedloft\nbank = seedloft.import_table(harvest.csv)\n"
    (name,) = task_issues(Answer(code, load, api))
    assert name.fix is not None and name.fix[2] == "bank = seedloft.import_table('harvest.csv')"
    assert not task_issues(Answer(apply_fixes(code, [name])[0], load, api))
    # the file name passed for ``*lots: Accession``: the functions that read a file into a Ledger
    (lots,) = check("from seedloft import new_ledger\nbank = new_ledger('harvest.csv')\n", api)
    assert lots.kind == "bad-type" and lots.message.endswith(
        "'harvest.csv' is a file: `read_loft(...)` or `import_table(...)` reads it into a Ledger"
    )



def test_steps_of_a_multi_step_answer_that_the_docs_decide():
    """Fixes from the multi-step tune tasks u59-u78: a lot's key passed where the lot goes (u61,
    u67), a lot unpacked in a loop as if it were a pair (u71), the record an action returns stored
    where the request asks for what is left after it (u60), a value in capitals the code leaves out
    where one call's one string parameter takes it (u64), and the filter a request's clauses say."""
    from docprompt.conditions import request_filter
    from docprompt.repair import apply_fixes
    from docprompt.verify.pycheck import check
    from docprompt.verify.pytask import Answer, task_issues

    api = seedloft_api()
    held = {"bank": "seedloft.ledger.Ledger"}
    key = "from seedloft import projected_germ\npct = projected_germ('SL-0007', in_year=2030)\n"
    (lot,) = check(key, api, namespace=held)  # ``lot`` unannotated, its docstring says Accession
    assert lot.message.endswith("lot takes an Accession, not its key: pass `bank.pluck('SL-0007')`")
    assert apply_fixes(key, [lot])[0].endswith("projected_germ(bank.pluck('SL-0007'), in_year=2030)\n")
    (unsure,) = check(key, api, namespace={**held, "other": "seedloft.ledger.Ledger"})
    assert unsure.fix is None  # two catalogues: which one holds the lot is not the docs' to say
    pairs = "blocked = {}\nfor code, lot in bank.sift('year<2019'):\n    blocked[code] = lot.state\n"
    (loop,) = check(pairs, api, namespace=held)
    assert loop.kind == "unpacked-object"
    assert apply_fixes(pairs, [loop])[0].split("\n")[1:4] == [
        "for lot in bank.sift('year<2019'):", "    code = lot.code", "    blocked[code] = lot.state"
    ]
    named = "o = {}\nfor code in bank.sift('keep=deep'):\n"
    named += "    o[code] = seedloft.projected_germ(code, in_year=2)\n"
    (field,) = check("import seedloft\n" + named, api, namespace=held)
    assert field.kind == "misnamed-element"
    assert apply_fixes("import seedloft\n" + named, [field])[0].split("\n")[2:5] == [
        "for lot in bank.sift('keep=deep'):", "    code = lot.code",
        "    o[code] = seedloft.projected_germ(lot, in_year=2)",
    ]  # fmt: skip
    twice = "import seedloft\nt = seedloft.germ_count(200, emerged=22, sown=25)\n"
    (both_ways,) = check(twice, api)  # the card's example copied, then the request's value named (u69)
    assert both_ways.fix is not None and both_ways.fix[2] == "t = seedloft.germ_count(emerged=22, sown=25)"
    retire = "for lot in bank.sift('germ<50'):\n    lot.withdraw('too weak')\n"
    (holder,) = check(retire, api, namespace=held)  # the lot's catalogue does it, given its code (u47)
    assert holder.fix is not None and holder.fix[2] == "    bank.withdraw(lot.code, 'too weak')"
    (noun,) = check("left = bank.lots['SL-0007'].grams\n", api, namespace=held)
    assert noun.fix is not None and noun.fix[2] == "left = bank.pluck('SL-0007').grams"
    tally = "for code, n in bank.tally(by='genus').items():\n    print(code, n)\n"
    assert check(tally, api, namespace=held) == []
    ask = "Send 30 g of lot SL-0007 of `bank` to Kew, then store how many grams that lot has left in `left`."
    sent = "left = bank.dispatch('SL-0007', recipient='Kew', grams=30, year=2025)\n"
    (after,) = [i for i in task_issues(Answer(sent, ask, api, held)) if i.kind == "stored-action"]
    assert apply_fixes(sent, [after])[0].split("\n")[:2] == [
        "bank.dispatch('SL-0007', recipient='Kew', grams=30, year=2025)", "left = bank.pluck('SL-0007').grams"
    ]
    record = ask.replace("how many grams that lot has left", "the consignment")
    assert not [i for i in task_issues(Answer(sent, record, api, held)) if i.kind == "stored-action"]
    ask = "Merge `other` into `bank`, then store the next unused code of `bank`'s KEW series in `next_kew`."
    code = "bank.absorb(other)\nnext_kew = bank.free_code()\n"
    both = {**held, "other": held["bank"]}
    (kew,) = [i for i in task_issues(Answer(code, ask, api, both)) if i.name == "KEW"]
    assert kew.fix is not None and kew.fix[2] == "next_kew = bank.free_code(prefix='KEW')"
    said = Answer(code.replace("()\n", "()  # the KEW series\n"), ask, api, both)  # a comment uses nothing
    assert [i.name for i in task_issues(said)] == ["KEW"]
    # a dict asked for holds counts, not a count (u72); a list's first element copied into its loop
    ask = ("Try each filter text in `queries` on `bank`. Store in `found` a dict from every text "
           "that works to the number of lots it finds.")
    tried = "found = {}\nfor text in queries:\n    found[text] = len(bank.sift('keep=deep'))\n"
    given = {**held, "queries": "builtins.list"}
    (each,) = task_issues(Answer(tried, ask, api, given))
    assert each.kind == "copied-value" and each.fix is not None
    assert each.fix[2] == "    found[text] = len(bank.sift(text))"
    assert not task_issues(Answer(apply_fixes(tried, [each])[0], ask, api, given))
    # a member picked by hand where the request names a month and the docs compute it (u62)
    ask = "Plan the regrowing of `bank`, sowing in the season January falls in south of the equator: `p`."
    picked = "import seedloft\np = seedloft.regrow_plan(bank, season=seedloft.Season.THAW)\n"
    (month,) = task_issues(Answer(picked, ask, api, held))
    assert month.fix is not None and month.fix[2].endswith("Season.of_month(1, southern=True))")
    north = task_issues(Answer(picked, ask.replace(" south of the equator", ""), api, held))
    assert [i.fix[2][-30:] for i in north if i.fix] == ["season=seedloft.Season.of_month(1))"[-30:]]
    assert not task_issues(Answer(picked, ask.replace("January", "spring"), api, held))
    # "stopping once" a step fails, in a loop: the failure the docs name leaves the loop (u75)
    ask = "Send 5 g of lot SL-0006 of `bank` to each of `partners`, stopping once it cannot spare 5 g."
    loop = "import seedloft\nfor p in partners:\n    bank.dispatch('SL-0006', recipient=p, grams=5, year=1)\n"
    (stop,) = task_issues(Answer(loop, ask, api, {**held, "partners": "builtins.list"}))
    assert stop.fix is not None
    assert stop.fix[2].split("\n")[2:] == ["    except seedloft.ShortOfSeed:", "        break"]
    # the object an asked action takes, made and thrown away: passed to it with the lot's key (u67)
    ask = "Record a germination test on lot SL-0002 of `bank` (60 sown, 45 sprouted)."
    made = "import seedloft\nseedloft.germ_count(60, emerged=45)\n"
    (record,) = [i for i in task_issues(Answer(made, ask, api, held)) if i.kind == "undone-action"]
    assert record.fix is not None
    assert record.fix[2] == "bank.log_trial('SL-0002', " + made.split("\n")[1] + ")"
    # a file the request names brings the functions that take a path and name its kind (u65)
    from docprompt.lookups import request_files

    opened = request_files("Open the catalogue file `field.loft` with seedloft; count its lots.", api)
    assert [s.rsplit(".", 1)[-1] for s in opened] == ["read_loft", "write_loft"]
    tables = request_files("Bring the lots of every CSV file in `tables` together.", api)
    assert [s.rsplit(".", 1)[-1] for s in tables] == ["export_table", "import_table"]
    assert request_files("Count the lots of `bank`.", api) == []
    # what a carded call takes, where one function makes it (u69: log_trial's trial, a Trial)
    from docprompt.lookups import param_makers

    assert param_makers("seedloft.Ledger.log_trial", api) == ["seedloft.germ_count"]
    assert param_makers("seedloft.Ledger.pluck", api) == []
    # the conditions of the clauses that name the catalogue, joined as "either" says
    ask = ("For every lot of `bank` kept in the freezer, forecast its germination in 2040; store "
           "the codes of the lots forecast under 70 % in `risk`.")  # fmt: skip
    assert request_filter(ask, api, held).text == "keep=deep"
    ask = ("Make a filter for freezer lots and another for lots labelled red, join them into one that "
           "accepts a lot matching either; store the codes of the lots of `bank` it accepts in `codes`.")
    assert request_filter(ask, api, held).text == "keep=deep or tag:red"
    assert request_filter(ask.replace("either", "both"), api, held).text == "keep=deep and tag:red"


def test_the_prompt_shows_what_the_request_s_files_and_the_carded_calls_take():
    """``file_cards``: "the catalogue file `field.loft`" brings ``read_loft`` (u65);
    ``maker_cards``: ``log_trial(code, trial)`` on a card brings ``germ_count``, the one function
    that makes a Trial (u69), and a failing step the request names brings the exception a carded
    call raises for it. Both on by default, each off by its setting."""
    from docprompt.pipeline import DocPrompt
    from docprompt.python_answer import PythonPrompt
    from docprompt.store.registry import open_index

    api = seedloft_api()
    index = open_index("seedloft")
    dp = DocPrompt(index, language="python")
    ask = "Open the catalogue file `field.loft` and record a germination test on lot SL-0002 of it."
    trial = next(h for h in dp.retriever.retrieve("log_trial record a test", k=20)
                 if h.chunk.metadata.get("symbol") == "seedloft.Ledger.log_trial")  # fmt: skip

    def shown(**settings) -> list[str]:
        ctx = PythonPrompt(index, dp.retriever, symbols=api, **settings).context(ask, hits=[trial])
        return [c.split("(", 1)[0].rsplit(".", 1)[-1] for c in ctx.cards]

    assert shown() == ["read_loft", "write_loft", "Ledger", "log_trial", "germ_count"]
    assert shown(file_cards=False, maker_cards=False) == ["Ledger", "log_trial"]
    # ... and the failure a carded call raises that the request's failing step names (t49, u75)
    ask = "Send 50 g of lot SL-0001 of `bank` to Kew; if the lot cannot spare that much, send what it can."
    sent = next(h for h in dp.retriever.retrieve("dispatch send seed", k=20)
                if h.chunk.metadata.get("symbol") == "seedloft.Ledger.dispatch")  # fmt: skip
    ctx = PythonPrompt(index, dp.retriever, symbols=api).context(ask, hits=[sent])
    assert [c.split("(", 1)[0].rsplit(".", 1)[-1] for c in ctx.cards][-1] == "ShortOfSeed"


def test_whether_a_held_catalogue_holds_a_key_is_asked_with_in():
    """"Is there a lot with code KW-0007 in `bank`? Store True or False in `present`" (the fresh
    half's f01, 0.5B): the catalogue answers ``in``, and the one key the request writes like its
    getter's keys is what it holds or not."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pyasked import asked_membership

    api, held = seedloft_api(), {"bank": "seedloft.ledger.Ledger"}
    ask = "Is there a lot with code KW-0007 in the catalogue `bank`? Store True or False in `present`."
    code = "present = bank.free_code(prefix='KW-0007') is True\n"
    (issue,) = asked_membership(code, ask, api, held)
    assert apply_fixes(code, [issue])[0] == "present = 'KW-0007' in bank\n"
    assert asked_membership("present = 'KW-0007' in bank.codes()\n", ask, api, held) == []
    count = "How many lots are in `bank`? Store the number in `n`."
    assert asked_membership("n = bank.free_code()\n", count, api, held) == []
