"""The answer stage with a scripted model: command first, prefixes, samples, fixes, placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest

from docprompt.config import BuildSettings
from docprompt.models import Document
from docprompt.pipeline import DocPrompt
from docprompt.store.build import build_index
from docprompt.store.registry import open_index, path_of
from tests.helpers import Model, module_api

MAN = {
    "du": [
        ("du - estimate file space usage", "NAME", []),
        ("du [OPTION]... [FILE]...", "SYNOPSIS", []),
        ("-s, --summarize\n    display only a total for each argument", "OPTIONS", ["-s", "--summarize"]),
        (
            "-h, --human-readable\n    print sizes in human readable format (e.g., 1K 234M 2G)",
            "OPTIONS",
            ["-h", "--human-readable"],
        ),
        (
            "-d, --max-depth=N\n    print the total for a directory only if it is N or fewer levels below",
            "OPTIONS",
            ["-d", "--max-depth"],
        ),
    ],
    "df": [
        ("df - report file system disk space usage", "NAME", []),
        ("-h, --human-readable\n    print sizes in powers of 1024", "OPTIONS", ["-h", "--human-readable"]),
    ],
    "lsof": [
        ("lsof - list open files", "NAME", []),
        ("-i [i]\n    selects the listing of files any of whose Internet address matches", "OPTIONS", ["-i"]),
    ],
}
CARDS = {
    "du": "du: estimate file space usage. Summarize disk usage of each FILE, recursively for directories.",
    "df": "df: report file system disk space usage.",
    "lsof": "lsof: list open files, the processes that opened them and the network ports they listen on.",
}


@pytest.fixture
def shell_index():
    docs = []
    for command, paras in MAN.items():
        for i, (text, heading, flags) in enumerate(paras):
            docs.append(
                Document(
                    id=f"man/{command}.1/{i:03d}",
                    text=text,
                    kind="doc",
                    language="bash",
                    title=f"{command}(1)",
                    metadata={
                        "command": command,
                        "section": "1",
                        "page": f"{command}.1",
                        "heading": heading,
                        "flags": flags,
                    },
                )
            )
        docs.append(
            Document(
                id=f"man/{command}.1/card",
                text=CARDS[command],
                kind="card",
                language="bash",
                title=f"{command}(1)",
                metadata={"command": command, "page": f"{command}.1"},
            )
        )
    docs.append(
        Document(
            id="tldr/common/ncdu#ex1",
            kind="example",
            language="bash",
            title="ncdu",
            text="Show the sizes of a directory's folders:\nncdu {{path/to/directory}}",
            metadata={"command": "ncdu", "flags": []},
        )
    )
    build_index(
        path_of("sh"), docs, name="sh", indexer="manpages+tldr", settings=BuildSettings(embedder="hash:64")
    )
    return open_index("sh")


def test_the_command_is_chosen_first_then_written_from_its_own_page(shell_index):
    model = Model("du -sh .", " -h -d 1 {{path/to/directory}}", choices=["du"])
    dp = DocPrompt(shell_index, generator=model, draft=True, choice="model")
    answer = dp.ask("show disk usage of each folder in the current directory, human readable")
    draft_options, write_options = model.options
    assert draft_options["prefix"] == "```bash\n" and draft_options["max_tokens"] <= 64
    assert write_options["prefix"] == "```bash\ndu"  # the reply starts with the chosen command
    assert "du" in model.chose_among[0] and answer.command["chosen"] == "du"
    assert answer.command["candidates"][0] == "du"  # the draft's command leads the candidates
    user = model.prompts[-1][-1]["content"]
    assert (
        "Usage: du [OPTION]" in user and "-d, --max-depth=N" in user and "ncdu {{path/to/directory}}" in user
    )
    assert "df -" not in user  # only the chosen command's page
    assert answer.code == "du -h -d 1 ."  # "the current directory" filled in
    assert answer.verification.ok and answer.placeholders == []
    assert {h.chunk.doc_id for h in answer.cited} >= {"man/du.1/003", "man/du.1/004"}


def test_the_choice_sees_what_brought_each_candidate_in(shell_index):
    """Under each candidate's card, its example or option paragraph that matched the request."""
    model = Model("du -sh .", " -h -d 1 .", choices=["du"])
    ask = "show the sizes of a directory's folders"
    DocPrompt(shell_index, generator=model, draft=True, choice="model", choice_evidence=True).ask(ask)
    choice = next(p for p, opts in zip(model.prompts[1:], model.chose_among) if opts)[-1]["content"]
    assert "e.g. Show the sizes of a directory's folders: ncdu {{path/to/directory}}" in choice
    assert "\n  -d, --max-depth=N  print the total for a directory only if" in choice
    model = Model("du -sh .", " -h -d 1 .", choices=["du"])
    ask = "show the sizes of a directory's folders"
    DocPrompt(shell_index, generator=model, draft=True).ask(ask)  # evidence is off by default
    assert "e.g." not in model.prompts[1][-1]["content"]


def test_without_a_draft_or_a_model_choice_retrieval_decides(shell_index):
    model = Model(" -i :{{port}}")
    dp = DocPrompt(shell_index, generator=model, draft=False, choice="first")
    answer = dp.ask("which process is listening on port 8080")
    assert len(model.options) == 1 and not model.chose_among
    assert answer.command["chosen"] == "lsof" and answer.code == "lsof -i :8080"


class Channel(Model):
    """A scripted model that can also score a text after another: each card's likelihood of the
    request is given by the command it names (``likes``), whatever the request."""

    def __init__(self, *replies, likes: dict[str, float], **kwargs):
        super().__init__(*replies, **kwargs)
        self.likes, self.scored = likes, []

    def score(self, text, continuation):
        self.scored.append((text, continuation))
        return self.likes.get(text.split(":", 1)[0], -100.0)


def test_the_channel_choice_keeps_the_card_likeliest_to_have_asked_for_it(shell_index):
    """Each candidate's card is scored by how likely the request is after it; the model is not
    asked to name one (nor to draft a command: off by default), and the best-scored card's
    command is written even when the model, asked, would have named another (here ``du``)."""
    likes = {"du": -30.0, "lsof": -12.5, "df": -20.0}
    model = Channel(" -i :{{port}}", choices=["du"], likes=likes)
    answer = DocPrompt(shell_index, generator=model).ask("which process is listening on port 8080")
    assert answer.command["chosen"] == "lsof" and answer.code == "lsof -i :8080"
    assert not [opts for opts in model.chose_among if opts]
    texts = [t for t, _ in model.scored]
    assert len(texts) == len(answer.command["candidates"])
    assert all(t.endswith("\nA task it does:") for t in texts)
    assert {c for _, c in model.scored} == {" which process is listening on port 8080"}
    assert any(t.startswith("lsof: list open files") for t in texts)


def test_the_channel_choice_weighs_retrieval_order():
    """A card further down retrieval's list must be likelier by more than RANK_PRIOR nats a place."""
    from docprompt.bash_answer import RANK_PRIOR, Candidate, CommandFirst

    listed = [Candidate(n, f"{n}: a tool.", i) for i, n in enumerate(["du", "lsof", "df"])]

    def chosen(lsof: float) -> str:
        model = Channel(likes={"du": -20.0, "lsof": lsof, "df": -30.0})
        return CommandFirst(None, None, model).choose("which process is listening on port 8080", listed)

    assert chosen(-20.0 + RANK_PRIOR / 2) == "du" and chosen(-20.0 + 1.5 * RANK_PRIOR) == "lsof"


def test_a_model_that_cannot_score_names_the_command_itself(shell_index):
    """``choice = "channel"`` with a backend that has no scores (Ollama): the model names one."""
    model = Model("du -sh .", " -h -d 1 .", choices=["du"])
    answer = DocPrompt(shell_index, generator=model, choice="channel").ask("show disk usage of each folder")
    assert answer.command["chosen"] == "du" and [opts for opts in model.chose_among if opts]


def test_bash_replies_must_start_as_a_command_line(shell_index):
    """The draft and a plain reply must start with a word (not ``[1]``, ``•``, ``-s``, ``#``); a
    reply after the command's name, with nothing or its arguments (not ``: the card``)."""
    import re

    from docprompt.bash_answer import first_token

    model = Model("du -sh .", " -sh .", choices=["du"])
    DocPrompt(shell_index, generator=model, draft=True).ask("how big is this folder")
    draft, write = model.options
    assert draft["first"] == first_token("```bash\n") and write["first"] == first_token("```bash\ndu")
    line, arguments = re.compile(first_token("```bash\n")), re.compile(first_token("```bash\ndu"))
    assert all(line.match(t) for t in (b"du", b"sudo", b"./run", b"{{", b"$("))
    assert not any(line.match(t) for t in (b"[", b"-i", b"--", b"\xe2\x80\xa2", b" du", b"#", b"\n", b""))
    assert all(arguments.match(t) for t in (b" -sh", b"\n", b"```", b""))
    assert not any(arguments.match(t) for t in (b":", b"-sh", b"(1)"))
    model = Model("du -sh .", " -sh .", choices=["du"])
    DocPrompt(shell_index, generator=model, command_start=False).ask("how big is this folder")
    assert not any(o.get("first") for o in model.options)


def test_a_malformed_reply_is_asked_for_once_more_and_never_returned(shell_index):
    model = Model("[1] du(1) — -s", "-s")
    answer = DocPrompt(shell_index, generator=model, command_first=False, samples=1).ask("disk usage")
    assert len(model.prompts) == 2 and answer.code == "" and answer.problem


def test_when_nothing_usable_is_written_the_draft_of_the_chosen_command_answers(shell_index):
    model = Model("du -sh .", ": estimate file space usage.", ": estimate file space usage.", choices=["du"])
    answer = DocPrompt(shell_index, generator=model, samples=1, draft=True).ask("how big is this folder")
    assert len(model.prompts) == 4  # draft, choice, the write, the write once more
    assert answer.code == "du -sh ." and answer.problem is None and answer.verification.ok
    # the draft names another command than the one chosen: still better than nothing
    model = Model("df -h", ": estimate file space usage.", ": estimate file space usage.", choices=["du"])
    answer = DocPrompt(shell_index, generator=model, draft=True).ask("how big is this folder")
    assert answer.code == "df -h" and answer.problem is None


def test_with_no_draft_and_nothing_usable_written_the_chosen_command_answers(shell_index):
    """The default (no draft): every sample malformed leaves the chosen command as typed, never an
    empty answer (``f3read``, 1 of 400 tldr rows: three replies that began ``[``)."""
    model = Model("[1] du(1)", "[2]", "• du", choices=["du"])
    answer = DocPrompt(shell_index, generator=model, choice="model", samples=3).ask("how big is this folder")
    assert [s["problem"] is not None for s in answer.samples] == [True, True, True]
    assert answer.code == "du" and answer.problem is None and answer.command["chosen"] == "du"


def test_a_value_the_answer_makes_up_is_a_placeholder_dp_asks_for(shell_index):
    model = Model(" -sh ~/backups", choices=["du"])
    answer = DocPrompt(shell_index, generator=model, choice="model").ask("how big is a folder")
    assert answer.code == "du -sh {{~/backups}}" and answer.placeholders == ["{{~/backups}}"]
    model = Model(" -sh ~/backups", choices=["du"])
    kept = DocPrompt(shell_index, generator=model, choice="model", unsaid_placeholders=False)
    assert kept.ask("how big is a folder").code == "du -sh ~/backups"
    model = Model(" -sh ~/backups", choices=["du"])
    said = DocPrompt(shell_index, generator=model, choice="model").ask("how big is ~/backups")
    assert said.code == "du -sh ~/backups" and said.placeholders == []


def test_a_subcommand_page_is_written_as_it_is_typed():
    from docprompt.bash_answer import invocation

    assert invocation("tlmgr-remove", "tlmgr remove: Uninstall TeX Live packages.") == "tlmgr remove"
    assert invocation("git-fetch", "git fetch: Download objects.") == "git fetch"
    assert invocation("du", "du: estimate file space usage.") == "du"
    assert invocation("pdf-tools", "pdftk: a PDF toolkit.") == "pdf-tools"  # not its title's words
    # a man page of a subcommand: named git-check-attr, its SYNOPSIS says how it is typed
    card = "git-check-attr: Display gitattributes information."
    assert (
        invocation("git-check-attr", card, "git check-attr [-a | --all] [--] <pathname>...")
        == "git check-attr"
    )
    assert (
        invocation("apt-get", "apt-get: APT package handling utility.", "apt-get [-asqdyfmubV]") == "apt-get"
    )


def test_samples_keep_the_one_that_verifies(shell_index):
    model = Model(" --frobnicate", " -s", " -s", choices=["du"])
    dp = DocPrompt(shell_index, generator=model, draft=False, samples=3, samples_until="all", repair_rounds=0)
    answer = dp.ask("total disk usage of a folder")
    assert answer.code == "du -s" and answer.verification.ok
    assert [s["code"] for s in answer.samples] == ["du --frobnicate", "du -s", "du -s"]
    temps = [o["temperature"] for o in model.options]
    assert temps[0] == 0.0 and all(t > 0 for t in temps[1:])


def test_samples_until_verified_stop_at_the_first_clean_answer(shell_index):
    model = Model(" --frobnicate", " -s", " -h", choices=["du"])
    dp = DocPrompt(shell_index, generator=model, draft=False, samples=3, samples_until="verified",
                   repair_rounds=0)  # fmt: skip
    answer = dp.ask("total disk usage of a folder")
    assert answer.code == "du -s" and answer.verification.ok
    assert [s["code"] for s in answer.samples] == ["du --frobnicate", "du -s"]
    clean = DocPrompt(shell_index, generator=Model(" -s", " -h", choices=["du"]), draft=False, samples=3,
                      samples_until="verified", repair_rounds=0)  # fmt: skip
    assert [s["code"] for s in clean.ask("total disk usage of a folder").samples] == ["du -s"]


def test_an_index_without_cards_gets_the_plain_prompt(tmp_path):
    doc = Document(
        id="d",
        text="du -s prints a total",
        kind="doc",
        language="bash",
        title="du",
        metadata={"command": "du", "flags": ["-s"]},
    )
    build_index(
        path_of("plain"), [doc], name="plain", indexer="manpages", settings=BuildSettings(embedder="hash:64")
    )
    model = Model("du -s .")
    answer = DocPrompt(open_index("plain"), generator=model).ask("total disk usage")
    assert answer.code == "du -s ." and not answer.command and model.options[0]["prefix"] == "```bash\n"


# -- Python ---------------------------------------------------------------------------------------


@pytest.fixture
def acme():
    from docprompt.indexers import make_indexer

    src = Path(__file__).parent / "fixtures" / "acme_private"
    ix = make_indexer("python", [str(src)], {}, max_file_bytes=1_000_000)
    build_index(
        path_of("acme"),
        ix.iter_documents(),
        name="acme",
        indexer="python",
        settings=BuildSettings(embedder="hash:64"),
    )
    return open_index("acme")


def test_python_prompts_show_cards_imports_and_the_variables(acme):
    model = Model(
        "from acme_private.customers import load_customer\nc = load_customer('c.json', strict=False)\n"
    )
    answer = DocPrompt(acme, generator=model, language="python", api_style="cards").ask(
        "load the customer record in c.json without strict checking and store it in `c`"
    )
    user = model.prompts[0][-1]["content"]
    assert "Imports:\nfrom acme_private.customers import load_customer" in user and "API:\n" in user
    assert "load_customer(path, *, strict=True, **overrides)" in user
    assert user.rstrip().endswith("The code must assign `c`.")
    assert model.options[0]["prefix"] == "```python\n" and model.options[0]["stop"][0] == "```"
    # generation stops where the reply starts copying a section of the prompt (it is cut there)
    assert "\nAPI:\n" in model.options[0]["stop"] and "\nImports:\n" in model.options[0]["stop"]
    assert answer.code.startswith("from acme_private.customers import load_customer")
    assert answer.verification.ok


def test_a_reply_that_copies_the_prompt_is_cut_where_the_copy_starts():
    from docprompt.extract import python_answer

    reply = "from acme import load\nx = load('a')\n\nAPI:\nacme.load(path): Read a file.\n"
    assert python_answer(reply, "```python\n") == ("from acme import load\nx = load('a')", None)
    assert python_answer("Imports:\nfrom acme import load\n", "```python\n") == ("", "empty")
    copied = "from acme import load\n\nAPI:\nacme.load(path): Read a file.\n"
    assert python_answer(copied, "```python\n") == ("from acme import load", "imports only")


def test_the_reply_can_open_with_the_docs_imports(acme):
    """prefill_imports: the import lines start the reply; the unused ones are dropped after."""
    model = Model("c = load_customer('c.json')\n")
    dp = DocPrompt(acme, generator=model, language="python", api_style="cards", prefill_imports=True)
    answer = dp.ask("load c.json and store it in `c`")
    prefix = model.options[0]["prefix"]
    assert (
        prefix.startswith("```python\nfrom acme_private")
        and "Imports:" not in model.prompts[0][-1]["content"]
    )
    assert "from acme_private.customers import load_customer\n" in prefix
    assert answer.code == "from acme_private.customers import load_customer\nc = load_customer('c.json')"

    from docprompt.extract import python_answer

    given = "```python\nfrom acme import load\nfrom acme import dump\n"
    assert python_answer("x = load('a')\nAPI:\n", given) == ("from acme import load\nx = load('a')", None)
    assert python_answer("```python\nimport os\nos.sep\n```", given) == ("import os\nos.sep", None)


def test_the_docs_own_fixes_come_before_any_model_repair(acme):
    model = Model("inv = billing.Invoice('ACME', currensy='USD')\n")
    answer = DocPrompt(acme, generator=model, language="python").ask(
        "an invoice for ACME in dollars, in `inv`"
    )
    assert len(model.prompts) == 1  # no model round: the docs determined both fixes
    assert answer.code == "from acme_private import billing\ninv = billing.Invoice('ACME', currency='USD')"
    assert answer.repaired and answer.verification.ok
    assert {i.kind for i in answer.first_verification.issues} == {"missing-import"}


def test_made_up_data_for_a_variable_the_task_gives_is_dropped_without_a_model_round(acme):
    model = Model(
        "from acme_private import customers\nc = {\n    'name': 'x',\n}\nbill = customers.load_customer(c)\n"
    )
    answer = DocPrompt(acme, generator=model, language="python").ask("load the customer file `c` into `bill`")
    assert len(model.prompts) == 1 and answer.repaired
    assert answer.code == "from acme_private import customers\nbill = customers.load_customer(c)"
    assert [i.kind for i in answer.first_verification.issues] == ["replaced-input"]


def test_a_notebook_variable_the_request_names_is_not_overwritten_with_literal_data(acme):
    model = Model("from acme_private import customers\nrecords = [1]\nc = customers.load_customer(records)\n")
    dp = DocPrompt(acme, generator=model, language="python")
    answer = dp.ask("load the customer in records into `c`", namespace={"records": "builtins.list"})
    assert answer.code == "from acme_private import customers\nc = customers.load_customer(records)"
    # made by a call, it may be what was asked: only literal data is dropped
    from docprompt.verify.request import overwritten_inputs

    assert overwritten_inputs("records = load('r.json')", "load records", held={"records": "x"}) == []


def test_a_variable_the_task_gives_is_never_imported_by_a_fix(acme):
    # `load_customer` is documented, and so a missing import; `Invoice` too, but here it is the
    # request's own variable
    model = Model("c = load_customer(Invoice)\n")
    answer = DocPrompt(acme, generator=model, language="python").ask(
        "load the customer of `Invoice` into `c`"
    )
    assert "import Invoice" not in answer.code and "import load_customer" in answer.code


@pytest.mark.parametrize(
    "code",
    [
        "d = {k.lower(): v for k, v in d.items()}",  # reads it: an update, not made-up data
        "print(d)\nd = {}",  # read first
        "def f():\n    d = {}\n    return d",  # not at the top
    ],
)
def test_a_given_variable_may_be_updated(code):
    from docprompt.verify.request import overwritten_inputs

    assert overwritten_inputs(code, "make all keys lowercase in dictionary `d`") == []


def test_a_missing_variable_goes_to_one_model_round_with_the_issue(acme):
    model = Model(
        "from acme_private import customers\nloaded = customers.load_customer('c.json')\n",
        "from acme_private import customers\nc = customers.load_customer('c.json')\n",
    )
    answer = DocPrompt(acme, generator=model, language="python").ask("load c.json and store it in `c`")
    assert "never assigns `c`" in model.prompts[1][-1]["content"]
    assert answer.repaired and answer.code.endswith("c = customers.load_customer('c.json')")


def test_a_dropped_value_is_stored_in_the_missing_variable_without_the_model(acme):
    model = Model("from acme_private import customers\ncustomers.load_customer('c.json')\n")
    answer = DocPrompt(acme, generator=model, language="python").ask("load c.json and store it in `c`")
    assert len(model.prompts) == 1 and answer.verification.ok
    assert answer.code.endswith("\nc = customers.load_customer('c.json')")
    two = Model("from acme_private import customers\ncustomers.load_customer('c.json')\n", "x = 1\n")
    DocPrompt(acme, generator=two, language="python").ask("load c.json and store it in `c` and its id in `i`")
    assert "never assigns" in two.prompts[1][-1]["content"]  # which value goes where: the model's call


CUT = "from acme_private import customers\nc = customers.load_customer('c.json',\n"


def test_truncated_code_is_asked_for_again_with_more_room(acme):
    model = Model(CUT, "from acme_private import customers\nc = customers.load_customer('c.json')\n")
    answer = DocPrompt(acme, generator=model, language="python", max_tokens=64).ask("load c.json into `c`")
    assert model.options[1]["max_tokens"] == 256 and answer.problem is None and answer.verification.ok


def test_only_the_first_truncated_sample_is_written_again_with_more_room(acme):
    good = "from acme_private import customers\nc = customers.load_customer('c.json')\n"
    model = Model(CUT, CUT, CUT, good)
    dp = DocPrompt(acme, generator=model, language="python", max_tokens=64, samples=3, repair_rounds=0)
    answer = dp.ask("load c.json into `c`")
    assert [o.get("max_tokens") for o in model.options] == [64, 256, 64, 64]
    assert answer.problem is None and answer.code == good.strip()


def test_when_no_sample_is_code_the_reply_is_begun_with_the_asked_assignment(acme):
    """Three samples of imports only (tune u52, the 0.5B): once more, greedy, from ``c =``."""
    imports = "from acme_private import customers\n"
    model = Model(imports, imports, imports, " customers.load_customer('c.json')\n")
    dp = DocPrompt(acme, generator=model, language="python", samples=3, repair_rounds=0)
    answer = dp.ask("load c.json and store it in `c`")
    assert model.options[-1]["prefix"].endswith("c =") and model.options[-1]["temperature"] == 0.0
    assert answer.problem is None and answer.code.endswith("c = customers.load_customer('c.json')")
    unasked = Model(imports, imports, imports)  # no variable asked for: nothing to begin with
    assert DocPrompt(acme, generator=unasked, language="python", samples=3).ask("load c.json").code == ""
    assert len(unasked.options) == 3


def test_a_reply_looping_until_the_token_limit_keeps_the_line_once(acme):
    line = "c = customers.load_customer('c.json')\n"
    loop = "from acme_private import customers\n" + line * 20 + "c = cust"
    model = Model(loop)
    answer = DocPrompt(acme, generator=model, language="python").ask("load c.json into `c`")
    assert answer.problem is None and len(model.prompts) == 1  # not asked again with more room
    assert answer.code == "from acme_private import customers\nc = customers.load_customer('c.json')"


def test_the_answer_loses_the_prints_the_request_did_not_ask_for(acme):
    loaded = "from acme_private import customers\nc = customers.load_customer('c.json')"
    model = Model(loaded + "\nprint(c.nmae)\n")
    answer = DocPrompt(acme, generator=model, language="python").ask("load c.json into `c`", verify=False)
    assert answer.code == loaded


def test_truncated_code_twice_is_reported_not_hidden(acme):
    model = Model(CUT, CUT)
    answer = DocPrompt(acme, generator=model, language="python").ask("load c.json into `c`", verify=False)
    assert answer.problem == "truncated" and answer.code.endswith("c = customers.load_customer('c.json',")


@pytest.mark.parametrize(
    ("request_text", "wanted"),
    [
        ("Count the lots in `bank` per genus and store the counts in `by_genus`.", ["by_genus"]),
        ("What is the weight of seed stored in `bank`? Store it in `total`.", ["total"]),
        ("Store the filter in `rule` and the codes of the matching lots in `codes`.", ["rule", "codes"]),
        ("read that text back into a new catalogue stored in `copy`.", ["copy"]),
        ("Get pandas GroupBy object with sum over the rows within dataframe `df`", []),
        ("assign an array of floats in range from 0 to 100 to a variable `values`", ["values"]),
        ("make a list called `out` of the squares", ["out"]),
        ("List the codes of all lots in the seed bank `bank`, in sorted order, as `codes`.", ["codes"]),
        ("Open the file `path` as `f` and count its lines in `n`", []),
        # what is created is asked for, not given (the 1.5B's answer was dropped as made-up data)
        ("create a dataframe `d` filled with zeros with indices from 0 to length of `data`", ["d"]),
        ("create an empty data frame `df2` with index from another data frame `df1`", ["df2"]),
        ("create a new 2D array with 2 random rows from array `A`", []),
        ("Create new string with unique characters from `s`", []),
    ],
)
def test_the_variables_a_request_asks_for(request_text, wanted):
    from docprompt.verify.request import requested_variables

    assert requested_variables(request_text) == wanted


@pytest.mark.parametrize(
    ("request_text", "given"),
    [
        ("Count the lots in `bank` per genus and store the counts in `by_genus`.", ["bank"]),
        ("sort dictionary `mydict` by value, then `d2` and `mydict` again", ["mydict", "d2"]),
        ("Load `bank.loft` into a catalogue and store it in `bank`.", []),
        ("get top `3` items whose value is `None` from a `list`", []),
        ("an invoice for ACME in dollars, in `inv`", []),
        ("trim characters ' \\t' in `s`", []),
    ],
)
def test_the_variables_a_request_gives(request_text, given):
    from docprompt.verify.request import given_variables

    assert given_variables(request_text) == given


def test_the_task_says_again_what_to_assign_and_what_is_given():
    from docprompt.python_answer import task

    assert task("Count the lots in `bank` and store the count in `n`.").splitlines()[1:] == [
        "The code must assign `n`.",
        "`bank` already exists: use it as given; do not define it.",
    ]
    assert task("merge dict `a` with dict `b`").endswith(
        "`a`, `b` already exist: use them as given; do not define them."
    )


def test_a_prompt_without_docs_says_the_given_variables_too(acme):
    model = Model("mydict = dict(sorted(mydict.items()))\n")
    DocPrompt(acme, generator=model, language="python").ask("sort dictionary `mydict` by key", docs=False)
    assert "`mydict` already exists" in model.prompts[0][-1]["content"]


def test_import_lines_the_code_never_uses_are_dropped():
    from docprompt.extract import python_answer

    reply = (
        "from __future__ import annotations\nimport pandas as pd\nimport tensorflow as tf\n"
        "import os.path\nfrom x import *\nd = pd.DataFrame(os.path.sep)\n```"
    )
    assert python_answer(reply, "```python\n") == (
        "from __future__ import annotations\nimport pandas as pd\nimport os.path\nfrom x import *\n"
        "d = pd.DataFrame(os.path.sep)",
        None,
    )


def test_a_call_repeating_the_defaults_of_its_card_loses_them():
    from docprompt.pytidy import card_defaults, defaults_dropped

    cards = [
        "DataFrame.groupby(by=None, axis=0, level=None, as_index=True, sort=True): Group rows.",
        "class pkg.Ledger(name: str = 'bank', *, strict: bool = False): A ledger.\n    members: pluck(code)",
    ]
    assert card_defaults(cards[1]) == ("Ledger", {"name": "'bank'", "strict": "False"})
    assert (
        defaults_dropped("g = df.groupby(by='a', axis=0, sort=True).sum()", cards)
        == "g = df.groupby(by='a').sum()"
    )
    assert (
        defaults_dropped("b = f(pkg.Ledger(\n    name='bank', strict=False, log=1))", cards)
        == "b = f(pkg.Ledger(log=1))"
    )
    kept = [
        "g = df.groupby('a', sort=True)",
        "g = df.groupby(axis=1, sort=False)",
        "g = df.merge(axis=0, sort=True)",
    ]
    for code in kept:  # one default alone, values that are not the defaults, another function
        assert defaults_dropped(code, cards) == code


def test_a_value_copied_from_a_docs_example_goes_to_a_model_round(acme):
    model = Model(
        "from acme_private.billing import Invoice\ninv = Invoice('C-1042')\n",
        "from acme_private.billing import Invoice\ninv = Invoice('ACME-9')\n",
    )
    answer = DocPrompt(acme, generator=model, language="python", given_examples=False).ask(
        "start an invoice for customer ACME-9 and store it in `inv`"
    )
    assert 'Invoice("C-1042")' in model.prompts[0][-1]["content"]  # the docs' example, shown
    (issue,) = answer.first_verification.issues
    assert issue.kind == "copied-value" and issue.name == "C-1042" and issue.line == 2
    assert "'C-1042' is the docs example's value" in model.prompts[1][-1]["content"]
    assert answer.repaired and answer.code.endswith("inv = Invoice('ACME-9')") and answer.verification.ok


def test_a_small_model_can_be_shown_only_the_examples_whose_values_it_is_given(acme):
    from docprompt.verify.request import asks_its_values

    assert asks_its_values("inv = Invoice('ACME-9')", "an invoice for customer ACME-9")
    assert not asks_its_values('inv = Invoice("C-1042")', "an invoice for customer ACME-9")
    assert asks_its_values("n = len(x)", "anything") and not asks_its_values("x = (", "anything")
    request = "start an invoice for customer ACME-9 and store it in `inv`"
    model = Model("from acme_private.billing import Invoice\ninv = Invoice('ACME-9')\n")
    DocPrompt(acme, generator=model, language="python").ask(request)  # the default
    assert 'Invoice("C-1042")' not in model.prompts[0][-1]["content"]


def test_copied_values_are_only_those_the_request_does_not_give():
    from docprompt.verify.request import copied_values

    examples = ['bank.sift("tag:heirloom and year>=2018")', "ledger.pluck('SL-0001')"]
    code = 'a = bank.sift("tag:heirloom and year>=2018")\nb = bank.pluck("SL-0001")\nc = "tag"'
    found = copied_values(code, "find the lots kept in the freezer", examples)
    assert [(i.name, i.line) for i in found] == [("tag:heirloom and year>=2018", 1), ("SL-0001", 2)]
    assert [i.name for i in copied_values(code, "weigh lot SL-0001", examples)] == [
        "tag:heirloom and year>=2018"
    ]
    asked = "the heirloom lots harvested in 2018 or later (tag:heirloom and year>=2018), and lot SL-0001"
    assert copied_values(code, asked, examples) == []
    assert copied_values("x = (", "anything", examples) == []


def test_a_requested_number_written_by_hand_is_a_problem():
    from docprompt.verify.given import handwritten_values

    request = "How many years does seed stay good in liquid nitrogen? Store the number in `years`."
    (issue,) = handwritten_values("import seedloft\nyears = 2026\n", request)
    assert issue.kind == "handwritten-value" and issue.name == "years" and issue.line == 2
    assert handwritten_values("years = seedloft.Keeping.CRYO.shelf_life_years", request) == []
    given = "Sow 50 seeds; store the count of seeds in `n` and the rate in `r`."
    assert handwritten_values("n = 50\nr = -0.5\nother = 3", given)[0].name == "r"
    assert handwritten_values("n = 50.0", given) == [] and handwritten_values("n = (", given) == []
    # a counter the code goes on to change is no answer written by hand
    assert handwritten_values("n = 0\nfor x in y:\n    n += 1", "Count them into `n`.") == []


def test_a_requested_collection_written_by_hand_is_a_problem(jar_index):
    """Against a package's own API, a literal collection of values the request does not all give
    (the grades it names, each counted 0; field names it never says) was written, not computed."""
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.given import handwritten_values

    api = IndexSymbols(jar_index)
    ask = "How many jars are there of each fruit (plum, fig)? Store the counts in `counts`."
    (issue,) = handwritten_values("counts = {'plum': 0, 'fig': 0}", ask, api)
    assert issue.message.startswith("`counts` is a collection written by hand (0 is not in the task)")
    assert handwritten_values("counts = frozenset(['plum', 'pear'])", ask, api)[0].name == "counts"
    assert handwritten_values("counts = ['plum', 'fig']", ask, api) == []
    assert handwritten_values("counts = {'plum': 0, 'fig': 0}", ask) == []  # no API: CoNaLa's lists


def test_a_variable_the_request_gives_and_the_code_never_mentions_is_a_problem():
    from docprompt.verify.request import unused_inputs

    request = "Build a filter for red lots and use it on `bank`; store the codes in `codes`."
    (issue,) = unused_inputs("shelf = Ledger()\ncodes = shelf.sift('tag:red')\n", request)
    assert issue.kind == "unused-input" and issue.name == "bank"
    assert issue.message == "the task gives `bank`: use it (the code never does)"
    for code in ("codes = bank.sift('tag:red')", "def f(bank):\n    return 1", "import bank",
                 "codes = x.bank", "codes = f(bank=1)", "codes = 'bank'", "codes = (",
                 "class bank:\n    pass"):  # fmt: skip
        assert unused_inputs(code, request) == [], code
    # a column the request names is a word of a string
    assert unused_inputs("df['A'].sum()", "sum column `A` of dataframe `df`") == []


def test_a_notebook_variable_of_a_documented_class_brings_its_card_and_members(acme):
    """``inv`` is an Invoice in the notebook: the prompt shows the class, its members and the
    member the request is about, though the request never names the class."""
    model = Model("due = inv.total()\n")
    DocPrompt(acme, generator=model, language="python", api_style="cards").ask(
        "how much does `inv` come to, tax included? Store it in `due`",
        namespace={"inv": "acme_private.billing.invoice.Invoice", "acme_private": "module:acme_private"},
    )
    user = model.prompts[0][-1]["content"]
    api = user.split("API:\n", 1)[1]
    first = api.splitlines()[0]
    assert first.startswith("class acme_private.") and "Invoice(customer: str" in first
    assert "members:" in api.splitlines()[1] and "total" in api.splitlines()[1]
    assert ".Invoice.total(*, tax: Decimal" in api
    members = model.options[0]["members"]  # after `inv.` only these can be written
    assert set(members) == {"inv"} and {"total", "add", "is_empty"} <= set(members["inv"])
    model = Model("due = inv.total()\n")
    DocPrompt(acme, generator=model, language="python", api_style="cards", members=False).ask(
        "how much does `inv` come to? Store it in `due`",
        namespace={"inv": "acme_private.billing.invoice.Invoice"},
    )
    assert "members" not in model.options[0]
    model = Model("inv.add(old)\n")  # two variables of one class: its card once
    # (add takes a LineItem, not an Invoice: a repair round would follow; none here)
    DocPrompt(acme, generator=model, language="python", api_style="cards", repair_rounds=0).ask(
        "add the lines of `old` to `inv`", namespace={"inv": "acme_private.billing.invoice.Invoice",
                                                      "old": "acme_private.billing.invoice.Invoice"},
    )  # fmt: skip
    api = model.prompts[0][-1]["content"].split("API:\n", 1)[1]
    assert api.count(".Invoice(customer: str") == 1, api


def test_a_module_card_lists_the_functions_defined_in_it(acme):
    from docprompt.models import Hit
    from docprompt.python_answer import PythonPrompt
    from docprompt.retrieve import Retriever

    module = next(c for _, c in acme.store.chunks(symbol="acme_private.customers") if c.kind == "doc")
    ctx = PythonPrompt(acme, Retriever(acme)).context("customers", hits=[Hit(chunk=module, score=1.0)])
    card = ctx.cards[0].splitlines()
    assert card[0].startswith("acme_private.customers: Customer records")
    assert card[1].strip() == "functions: load_customer(path, *, strict, **overrides), export(record)"
    package = next(c for _, c in acme.store.chunks(symbol="acme_private") if c.kind == "doc")
    ctx = PythonPrompt(acme, Retriever(acme)).context("acme", hits=[Hit(chunk=package, score=1.0)])
    assert "functions:" not in ctx.cards[0]  # re-exports are listed under the module defining them


def test_a_class_card_says_what_its_members_mean_and_skips_bases():
    from docprompt.cards import api_card
    from docprompt.models import Chunk

    text = (
        "class seedloft.Keeping\nBases: _Parsable\nAlso importable as: seedloft.kinds.Keeping\n\n"
        "Where a lot is stored.\n\n``AMBIENT`` is a shelf, ``DEEP`` the -18 °C freezer and ``CRYO`` "
        "liquid nitrogen.\n\n>>> Keeping.parse('deep')"
    )
    chunk = Chunk(id="k", doc_id="k", text=text, title="seedloft.Keeping", position=0, content_hash="h",
                  metadata={"symbol": "seedloft.Keeping", "kind_of_symbol": "class"})  # fmt: skip
    assert api_card(chunk) == (
        "class seedloft.Keeping: Where a lot is stored. AMBIENT is a shelf, DEEP the -18 °C freezer "
        "and CRYO liquid nitrogen."
    )


SHELF = '''"""Shelves of jars."""


class Rule:
    """A compiled filter. Make one with :func:`rule`."""


def rule(text: str, *, strict: bool = False) -> Rule:
    """Compile a filter.

    Args:
        text: e.g. ``"size>2 and colour=red"``; fields are ``size``, ``colour``.
        strict: ``True`` rejects unknown fields.
    """
    return Rule()


class Shelf:
    """A shelf of jars.

    Args:
        name: the shelf's name, printed on each rule card.
    """

    def __init__(self, *, name: str = "main") -> None:
        self.name = name

    def find(self, query: str | Rule) -> list:
        """The jars a filter admits.

        Args:
            query: a filter (``"size>2"``), or a compiled :class:`~shelves.Rule`.
        """
        return []

    def label(self, jar: str, *, text: str, colour: str = "black") -> None:
        """Write a label on a jar."""

    def count(self, *, where: str | None = None) -> int:
        """How many jars there are.

        Args:
            where: a rule; only the jars it admits are counted.
        """
        return 0
'''


def test_cards_give_the_syntax_of_a_text_parameter_and_members_their_parameters(tmp_path):
    """``query: str | Rule``: the card says what ``query`` accepts and the syntax the function
    that compiles such text documents; the class's members come with their parameter names."""
    from docprompt.indexers import make_indexer

    (tmp_path / "shelves.py").write_text(SHELF)
    ix = make_indexer("python", [str(tmp_path / "shelves.py")], {}, max_file_bytes=1_000_000)
    build_index(path_of("shelves"), ix.iter_documents(), name="shelves", indexer="python",
                settings=BuildSettings(embedder="hash:64"))  # fmt: skip

    def api_shown(request: str, reply: str) -> str:
        model = Model(reply)
        DocPrompt(open_index("shelves"), generator=model, language="python", api_style="cards").ask(
            request, namespace={"jars": "shelves.Shelf"}
        )
        api = model.prompts[0][-1]["content"].split("API:\n", 1)[1]
        return api

    api = api_shown(
        "which jars on `jars` are bigger than 2? Store them in `big`", "big = jars.find('size>2')\n"
    )
    assert "    members: find(query), label(jar, *, text, colour), count(*, where)" in api
    assert '    query: a filter ("size>2"), or a compiled Rule.' in api
    assert '    query syntax: e.g. "size>2 and colour=red"; fields are size, colour.' in api.splitlines()
    # a plain ``str`` whose docs name the class ("a rule") gets the same syntax
    api = api_shown(
        "how many jars on `jars` are bigger than 2? Store it in `n`", "n = jars.count(where='size>2')\n"
    )
    assert "shelves.Shelf.count(*, where: str | None = None) -> int" in api
    # only what the text parameter accepts (not the factory's other parameters)
    assert '    where syntax: e.g. "size>2 and colour=red"; fields are size, colour.' in api.splitlines()
    # a class named after the doc's first phrase is not what the value is
    api = api_shown("make a new shelf named 'top' and store it in `s`", "s = Shelf(name='top')\n")
    assert "class shelves.Shelf(*, name: str = 'main')" in api
    assert "name syntax" not in api


def test_a_runtime_class_path_finds_the_documented_one():
    from docprompt.verify.api import IndexSymbols

    symbols = IndexSymbols.__new__(IndexSymbols)
    symbols.canonical, symbols.shortened = {"pandas.DataFrame": "pandas.DataFrame"}, {}
    assert symbols.locate("pandas.core.frame.DataFrame") == "pandas.DataFrame"
    assert symbols.locate("pandas.core.frame.Series") is None


def test_a_card_line_is_the_whole_first_sentence_made_plain():
    from docprompt.cards import api_card
    from docprompt.models import Chunk

    text = "pkg.plan(ledger)\n\nPlan which lots to regrow, from a\n:class:`~pkg.Ledger` of lots.\n\nMore."
    meta = {"symbol": "pkg.plan", "kind_of_symbol": "function", "signature": "(ledger)"}
    chunk = Chunk(id="p", doc_id="p", text=text, title="pkg.plan", position=0, content_hash="", metadata=meta)
    assert api_card(chunk) == "pkg.plan(ledger): Plan which lots to regrow, from a Ledger of lots."


@pytest.mark.parametrize(
    ("code", "request_", "unwrapped"),
    [
        ("def reverse_list(array):\n    return array[::-1]", "reverse a list `array`", "array[::-1]"),
        (
            "import random\n\ndef word(length):\n    '''A word.'''\n"
            "    return ''.join(random.choices('ab', k=length))\n\n"
            "print(word(length))",
            "Get a random string of length `length`",
            "import random\n\n''.join(random.choices('ab', k=length))",
        ),
        (
            "def f(a):\n    b = a * 2\n    return b + 1\n\nres = f(a)",
            "double `a` plus one",
            "b = a * 2\nres = b + 1",
        ),
        (  # never called, named after the variable asked for: that variable
            "from shop import Kind\n\n# Find the best\ndef best():\n"
            "    top = max(stock, key=lambda s: s.score)\n    return top.code",
            "find the best item of `stock` and store its code in `best`",
            "from shop import Kind\n\ntop = max(stock, key=lambda s: s.score)\nbest = top.code",
        ),
        (  # called once on other values: the parameters are bound to them first
            "def lighter(lot, weight):\n    new = lot.but(grams=weight)\n    return new\n\n"
            "one = bank.pluck('A')\nout = lighter(one, 2)",
            "a copy of lot A of `bank` weighing 2 g, in `out`",
            "one = bank.pluck('A')\nlot = one\nweight = 2\nnew = lot.but(grams=weight)\nout = new",
        ),
        (  # never called, a parameter the body never reads
            "def put_away(code: str, bank: Ledger) -> None:\n    bank.isolate('A')\n    ready = bank.codes()",
            "Put lot A of `bank` away, then store the codes in `ready`.",
            "bank.isolate('A')\nready = bank.codes()",
        ),
        (
            "def main():\n    total = bank.stock()\n\nif __name__ == '__main__':\n    main()\n",
            "store the stock of `bank` in `total`",
            "total = bank.stock()",
        ),
    ],
)
def test_a_function_written_for_a_snippet_is_unwrapped(code, request_, unwrapped):
    """CoNaLa-style requests ("reverse a list `array`") got a function that does it, never
    called on the notebook's `array`: its body is the answer, on the given variables."""
    from docprompt.pytidy import function_unwrapped

    assert function_unwrapped(code, request_) == unwrapped


@pytest.mark.parametrize(
    ("code", "request_"),
    [
        ("def f(a):\n    return a * 2", "write a function that doubles `a`"),  # asked for
        ("def f(a, target):\n    return a + target", "add 11.5 to `a`"),  # `target` is not given
        ("def f(a):\n    if a:\n        return 1\n    return 2", "sign of `a`"),  # two returns
        ("def f(a):\n    return a * 2\n\nx = f(3)", "double `a`"),  # called on something else
        ("def f(n):\n    return n * f(n - 1)\n\nx = f(n)", "factorial of `n`"),  # recursive
        ("def f():\n    return 1\n\nx = f()\ny = f()", "one in `x` and `y`"),  # called twice
        ("def f(x):\n    return x + 1\n\nf(2)\nprint(f)", "add one"),  # named elsewhere
        ("def f(a):\n    return a * 2\n\nx = f(*pair)", "double it into `x`"),  # unpacked arguments
        ("def f(p, q):\n    return p - q\n\nx = f(2, p)", "into `x`"),  # `p = 2` would change `q`
        ("def f(a):\n    n = len(a)\n    return n\n\nn = 5\nx = f(b)\ny = n", "`b` in `x`"),  # n leaks
    ],
)
def test_a_function_stays_where_unwrapping_would_change_it(code, request_):
    from docprompt.pytidy import function_unwrapped

    assert function_unwrapped(code, request_) == code


def test_the_answer_stage_unwraps_a_function_for_a_snippet(acme):
    model = Model("def reverse_list(array):\n    return array[::-1]\n")
    answer = DocPrompt(acme, generator=model, language="python").ask("reverse a list `array`")
    assert answer.code == "array[::-1]" and answer.verification is not None and answer.verification.ok


def test_the_carded_methods_examples_come_first(acme):
    """The examples shown are those of the functions and methods the cards show, before those
    retrieval ranks by the request's words: they show how to call the API lines."""
    from docprompt.python_answer import PythonPrompt

    dp = DocPrompt(acme, generator=Model("x = 1\n"), language="python", api_style="cards")
    ns = {"inv": "acme_private.billing.invoice.Invoice"}
    request = "what does the invoice `inv` come to, tax included? Store it in `due`"
    ctx = PythonPrompt(acme, dp.retriever, examples=2).context(request, namespace=ns)
    total = 'Invoice("C-7", items=[LineItem("a", 1, Decimal("10"))]).total()'
    assert any(c.startswith("acme_private.billing.Invoice.total(") for c in ctx.cards)
    assert ctx.examples[0] == total
    plain = PythonPrompt(acme, dp.retriever, examples=2, card_examples=False).context(request, namespace=ns)
    assert plain.cards == ctx.cards and total not in plain.examples[:1]


def test_imports_a_fix_leaves_unused_are_dropped(acme):
    """The notebook's ``inv`` made anew is dropped by a fix; its import goes with it."""
    model = Model("from acme_private.billing import Invoice\ninv = Invoice('C-1')\ndue = inv.total()\n")
    ns = {"inv": "acme_private.billing.invoice.Invoice"}
    answer = DocPrompt(acme, generator=model, language="python").ask(
        "what does the invoice `inv` come to? Store it in `due`", namespace=ns
    )
    assert answer.first_code.startswith("from acme_private.billing import Invoice")
    assert answer.code == "due = inv.total()" and answer.verification.ok and model.calls == 1


def test_a_function_unwraps_once_a_fix_passes_it_the_notebook_s_variable(acme):
    """``open_of(Customer())`` for the notebook's customer ``c``: binding ``c`` anew is refused;
    the fix passes ``c``, and the function then unwraps."""
    model = Model("from acme_private.customers import Customer\n\n"
                  "def open_of(c):\n    return c.invoices()\n\ndue = open_of(Customer())\n")  # fmt: skip
    answer = DocPrompt(acme, generator=model, language="python").ask(
        "the open invoices of the customer `c`, in `due`", namespace={"c": "acme_private.customers.Customer"}
    )
    assert answer.first_code.startswith("from acme_private.customers import Customer\n\ndef open_of(c):")
    assert answer.code == "due = c.invoices()" and model.calls == 1


JARS = '''"""Jars of preserves, described with a builder."""


class Jar:
    """A jar of preserves."""

    def __init__(self, fruit: str, grams: int = 0) -> None:
        self.fruit, self.grams = fruit, grams

    def weigh(self) -> int:
        """The jar's weight in grams."""
        return self.grams


class JarDraft:
    """A builder for a new jar: chain the setters, then close it."""

    def filled(self, grams: int) -> "JarDraft":
        """How much the jar holds, in grams (a thousand at most)."""
        return self

    def labelled(self, *texts: str) -> "JarDraft":
        """Labels on the jar."""
        return self

    def ripened(self, pct: float) -> "JarDraft":
        """How ripe the fruit was, in percent (0..100)."""
        return self

    def close(self) -> Jar:
        """The finished jar."""
        return Jar("x")


def jar(fruit: str) -> JarDraft:
    """Begin describing a new jar of fruit; finish it with ``.close()``."""
    return JarDraft()


class ShelfFull(Exception):
    """The row holds no more jars."""


def shelve(jar: Jar, *, row: int = 1) -> None:
    """Put a finished jar on a shelf.

    Raises:
        ShelfFull: the row is full.
    """
'''


@pytest.fixture
def jar_index(tmp_path):
    from docprompt.indexers import make_indexer

    (tmp_path / "jars.py").write_text(JARS)
    ix = make_indexer("python", [str(tmp_path / "jars.py")], {}, max_file_bytes=1_000_000)
    build_index(path_of("jars"), ix.iter_documents(), name="jars", indexer="python",
                settings=BuildSettings(embedder="hash:64"))  # fmt: skip
    return open_index("jars")


def test_a_factory_s_card_brings_the_class_it_returns_with_its_members(jar_index):
    """``jar(fruit) -> JarDraft``: what can be chained on the draft is on no card of its own
    unless the draft's class comes with it (the 1.5B left out the builder's setters it never
    saw); a class card lists its members; ``class_members = false`` (the default, measured)
    shows neither, and ``builder_chains`` (on) lists the draft's setters on the factory's card."""
    from docprompt.python_answer import PythonPrompt

    index = jar_index
    dp = DocPrompt(index, generator=Model("j = 1\n"), language="python", k=1)
    hits = dp.retriever.retrieve("jar fruit", k=10)
    factory = next(h for h in hits if h.chunk.metadata.get("symbol") == "jars.jar")
    listing = PythonPrompt(index, dp.retriever, class_members=True)
    cards = listing.context("a jar of plums", hits=[factory]).cards
    assert cards[0].startswith("jars.jar(fruit: str) -> JarDraft: Begin describing a new jar")
    assert cards[1].splitlines() == [
        "class jars.JarDraft: A builder for a new jar: chain the setters, then close it.",
        "    members: filled(grams), labelled(*texts), ripened(pct), close()",
    ]
    plain = PythonPrompt(index, dp.retriever).context("a jar of plums", hits=[factory])
    assert plain.cards == cards[:1]
    # the default: the factory's card lists the builder's setters and what finishes it, no class card
    setters = "    then: .filled(grams), .labelled(*texts), .ripened(pct), .close()"
    assert plain.cards[0].splitlines()[1:] == [setters]
    bare = PythonPrompt(index, dp.retriever, builder_chains=False).context("a jar of plums", hits=[factory])
    assert bare.cards == [plain.cards[0].splitlines()[0]]


def test_a_number_the_request_gives_and_the_code_never_uses_is_a_problem(jar_index):
    """ "a jar of plums holding 300 g" answered without 300: the answer left part of the task
    out. A number written as a fraction ("93 %" as 0.93), in a string, inside a code ("J-0100")
    or held by the docs of a name the code uses ("a thousand at most") is not flagged."""
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.given import unused_numbers

    api = IndexSymbols(jar_index)
    ask = "Describe jar J-0100 of plums holding 300 g, 93 % full; store it in `j`."
    found = unused_numbers("from jars import jar\nj = jar('plums').filled(0.93).close()\n", ask, api)
    assert [(i.kind, i.message) for i in found] == [
        ("unused-value", "the task gives 300 ('plums holding 300 g'), which the code never uses: "
         "use it where the task means it")
    ]  # fmt: skip
    for code in ("j = jar('plums').filled(300).labelled('93').close()", "j = jar('plums 300 93')"):
        assert unused_numbers(code, ask, api) == []
    assert unused_numbers("j = jar('plums').filled(300)", "1000 g of plums, 300 of them in `j`", api) == []
    assert [i.name for i in unused_numbers("j = jar('plums')", "1000 g of plums in `j`", api)] == ["1000"]
    api.reference = True  # a reference's snippets leave defaults unsaid: not checked
    assert unused_numbers("j = 1", ask, api) == []


PLOTS = '''"""Plots."""


def plan(ledger, *, threshold: float = 70.0, keep_back: float = 5.0, as_of: int | None = None) -> list:
    """Plan which lots to regrow.

    Args:
        ledger: the ledger.
        threshold: germination rate (percent) below which a lot is regrown.
        keep_back: grams that stay in store whatever happens.
        as_of: the current year, to find overdue lots.

    >>> plan([], threshold=70, keep_back=1)
    []
    """
    return []


def export(ledger, path: str, *, where: str | None = None) -> int:
    """Write lots to a file.

    Args:
        ledger: the ledger.
        path: the file.
        where: a filter; only the lots it admits are written.
    """
    return 0
'''
PLAN_ASK = "Plan which lots of `bank` to regrow when lots under 80 % germination are weak; store it in `p`."


def test_a_number_left_out_goes_to_the_parameter_whose_docs_say_what_it_is(tmp_path):
    """ "lots under 80 % germination" and ``plan(bank, threshold=70)``: ``threshold``'s docs share
    "germination" with the words around 80 (``as_of``'s "overdue lots" shares only "lots", a word
    other parameters' docs use too), so 80 replaces the literal, or is passed where the call left
    it out; where no parameter's docs share a word there is no fix."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.given import unused_numbers

    api = module_api(tmp_path, "plots", PLOTS)
    ask = PLAN_ASK
    code = "from plots import plan\np = plan(bank, threshold=70, as_of=2026)"
    (issue,) = unused_numbers(code, ask, api)
    assert issue.message == (
        "the task gives 80 ('lots under 80 % germination'), which the code never uses: "
        "it is `plan`'s threshold: pass threshold=80, not threshold=70"
    )
    assert apply_fixes(code, [issue])[0].endswith("p = plan(bank, threshold=80, as_of=2026)")
    (issue,) = unused_numbers("p = plan(bank)", ask, api)
    assert apply_fixes("p = plan(bank)", [issue])[0] == "p = plan(bank, threshold=80)"
    (issue,) = unused_numbers("p = plan(bank)", "Plan it for 80 people; store it in `p`.", api)
    assert issue.fix is None and issue.message.endswith("use it where the task means it")
    # a one-digit number in the docs' example (``keep_back=1``) is no use of the request's 1
    assert [i.name for i in unused_numbers("p = plan(bank)", "Plan 1 bed of `bank`, in `p`.", api)] == ["1"]
    # a year goes where the docs say "year"; each call of the function where the code makes two
    code = "a = plan(bank)\nb = len(plan(bank))"
    found = unused_numbers(code, "Plan which lots of `bank` to regrow in 2026; in `a` and `b`.", api)
    assert apply_fixes(code, found)[0] == "a = plan(bank, as_of=2026)\nb = len(plan(bank, as_of=2026))"


def test_a_number_one_call_passes_is_passed_to_the_other_calls_of_that_function(tmp_path):
    from docprompt.repair import apply_fixes
    from docprompt.verify.pyrepeats import uneven_calls

    api = module_api(tmp_path, "plots", PLOTS)
    code = "a = plan(bank, threshold=80, as_of=2026)\nb = len(plan(bank, threshold=80))"
    (issue,) = uneven_calls(code, PLAN_ASK.replace("regrow", "regrow in 2026"), api)
    assert issue.message == "this call of `plan` leaves out as_of=2026, which another passes: pass it too"
    assert apply_fixes(code, [issue])[0].endswith("b = len(plan(bank, threshold=80, as_of=2026))")
    assert uneven_calls(code, PLAN_ASK, api) == []  # 2026 is not the task's


def test_a_number_copied_from_a_docs_example_is_left_at_its_default(tmp_path):
    """``plan(bank, keep_back=1)`` where the docs' example passes ``keep_back=1`` and the request
    gives no 1: the example's value is not the task's; the fix drops it (the default stays).
    A number the request gives, or one no example passes, is fine."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.given import copied_numbers

    api = module_api(tmp_path, "plots", PLOTS)
    ask = PLAN_ASK
    code = "p = plan(bank, threshold=80, keep_back=1)"
    (issue,) = copied_numbers(code, ask, api)
    assert issue.message == (
        "keep_back=1 is the docs example's, and the task does not give it: "
        "leave the defaults, `plan(bank, threshold=80)`"
    )
    assert apply_fixes(code, [issue])[0] == "p = plan(bank, threshold=80)"
    assert copied_numbers(code, ask.replace("weak", "weak, keeping 1 g back"), api) == []
    assert copied_numbers("p = plan(bank, keep_back=2)", ask, api) == []


def test_a_member_called_along_a_builder_chain_is_checked(jar_index):
    """``jar('plums').filled(300).ripe(93)``: each call of the chain returns a ``JarDraft``, which
    has no ``ripe``; the one member that begins so is the fix. A documented member passes."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pycheck import check

    api = IndexSymbols(jar_index)
    code = "from jars import jar\nj = jar('plums').filled(300).ripe_pct(93).close()\n"
    issues = check(code, api, variables=["j"])
    assert [(i.kind, i.name, i.suggestions) for i in issues] == [
        ("unknown-member", "jars.JarDraft.ripe_pct", ["ripened"])
    ]
    assert ".ripened(93)." in apply_fixes(code, issues)[0]
    lines = "from jars import jar\nj = (jar('plums')\n     .filled(300)\n     .ripe_pct(93)\n     .close())\n"
    (issue,) = check(lines, api, variables=["j"])  # a chain over lines: the fix is on the member's
    assert issue.line == 4 and apply_fixes(lines, [issue])[0].splitlines()[3] == "     .ripened(93)"
    assert check("from jars import jar\nj = jar('plums').filled(300).ripened(93).close()\n", api,
                 variables=["j"]) == []  # fmt: skip
    # a method of what a call returns, compared without being called
    (issue,) = check("from jars import jar\nj = jar('plums').filled < 3\n", api, variables=["j"])
    assert issue.kind == "uncalled-method" and issue.name == "jars.JarDraft.filled"


def test_a_percentage_passed_as_a_fraction_is_fixed(jar_index):
    """ "93 % ripe" passed as ``0.93`` where the docs take a percentage (0..100): the fix passes
    93; to a parameter whose docs say nothing of percent, 0.93 stays a use of "93 %"."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.given import unused_numbers

    api = IndexSymbols(jar_index)
    ask = "Describe a jar of plums, 93 % ripe; store it in `j`."
    code = "from jars import jar\nj = jar('plums').ripened(0.93).close()\n"
    found = unused_numbers(code, ask, api)
    assert [(i.kind, i.name) for i in found] == [("unused-value", "93")]
    assert "takes a percentage" in found[0].message and found[0].card.startswith("jars.JarDraft.ripened(")
    assert apply_fixes(code, found)[0] == "from jars import jar\nj = jar('plums').ripened(93).close()\n"
    assert unused_numbers("from jars import jar\nj = jar('plums').filled(0.93).close()\n", ask, api) == []


def test_a_quoted_value_or_a_name_the_request_gives_must_be_used(jar_index):
    """ "labelled 'jam'", "from Oaxaca": values the request gives in words; the code holds them
    (as the task writes it, or a word of them) or the answer left them out. Months, days, the first word
    of a sentence and the API's own names are not values."""
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pywords import unused_words

    api = IndexSymbols(jar_index)
    ask = "On Monday, describe a Jar of plums from Oaxaca labelled 'jam' for May; store it in `j`."
    assert [i.name for i in unused_words("j = jar('plums').close()", ask, api)] == ["jam", "Oaxaca"]
    assert unused_words("j = jar('plums').labelled('jam', 'Oaxaca').close()", ask, api) == []
    # a value written in other letters is written as the task writes it ('KEW' for "to Kew")
    (oaxaca,) = unused_words("j = jar('plums').labelled('jam', 'OAXACA').close()", ask, api)
    assert oaxaca.fix is not None and oaxaca.fix[2] == "j = jar('plums').labelled('jam', 'Oaxaca').close()"
    # the card of the one function whose docs share a stem with the words before the value
    (ripe,) = unused_words("j = jar('plums').close()", "A jar of plums, ripe as 'Soft'; in `j`.", api)
    assert ripe.card.startswith("jars.JarDraft.ripened(") and ripe.message.endswith("(`JarDraft.ripened`?)")
    api.reference = True
    assert unused_words("j = 1", ask, api) == []


def test_a_word_of_the_request_respelled_in_the_code_is_written_as_the_request_writes_it(jar_index):
    """``'moldy'`` for "because it is mouldy": the package keeps what it is given, so the word
    is written as the task writes it; a documented word, a string the request holds, or one
    near two of its words stays."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pyspelling import respelled_words

    api = IndexSymbols(jar_index)
    ask = "Describe a jar of plums labelled as mouldy and Colour; store it in `j`."
    code = "from jars import jar\nj = jar('plums').labelled('moldy', 'Color').close()\n"
    found = respelled_words(code, ask, api)
    assert [i.name for i in found] == ["mouldy", "Colour"]
    once = apply_fixes(code, found)[0]  # one fix a line a round, as the answer stage applies them
    fixed = "from jars import jar\nj = jar('plums').labelled('mouldy', 'Colour').close()\n"
    assert apply_fixes(once, respelled_words(once, ask, api))[0] == fixed
    mould = "from jars import jar\nj = jar('plums').labelled('mould').close()\n"
    assert respelled_words(mould, ask, api) == []  # a part of the request's word
    preserved = "Describe a jar of plums labelled preserved; store it in `j`."
    documented = "from jars import jar\nj = jar('plums').labelled('preserves').close()\n"
    assert respelled_words(documented, preserved, api) == []  # the docs' word ("Jars of preserves")
    near_two = "Describe a jar labelled as mouldy or moody; store it in `j`."
    moldy = "from jars import jar\nj = jar('x').labelled('moldy').close()\n"
    assert respelled_words(moldy, near_two, api) == []
    # a word inside a longer string; an f-string is left alone
    sent = "Describe a jar of plums for the Harbour Seed Library; store it in `j`."
    harbor = "import jars\nj = jars.jar('x').labelled('Harbor Seed Library')\n"
    (harbour,) = respelled_words(harbor, sent, api)
    assert harbour.fix is not None and harbour.fix[2] == "j = jars.jar('x').labelled('Harbour Seed Library')"
    assert respelled_words("import jars\nj = jars.jar('x').labelled(f'Harbor {1}')\n", sent, api) == []


def test_an_input_replaced_by_a_new_instance_under_another_name_is_fixed(jar_index):
    """ "shelve it on `j`" answered with a jar of the code's own (``mine = jar(...).close()``, a
    ``Jar`` like the notebook's ``j``): the fix makes that name the input."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.request import unused_inputs

    api = IndexSymbols(jar_index)
    ask = "Shelve the jar `j` on row 2."
    code = "from jars import jar, shelve\nmine = jar('plums').close()\nshelve(mine, row=2)\n"
    found = unused_inputs(code, ask, {"j": "jars.Jar"}, api)
    assert [(i.kind, i.line, i.fix[2] if i.fix else None) for i in found] == [("unused-input", 2, "mine = j")]
    assert "mine = j\nshelve(mine, row=2)" in apply_fixes(code, found)[0]
    assert [i.fix for i in unused_inputs(code, ask)] == [None]  # the input's class unknown: no fix


def test_a_function_called_as_a_method_of_its_first_argument_is_fixed(jar_index):
    """``j.shelve(row=2)`` where ``Jar`` has no such member and the package documents
    ``shelve(jar: Jar, *, row)``: the fix calls the function with the instance first."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pycheck import check

    api = IndexSymbols(jar_index)
    code = "from jars import jar, shelve\nj = jar('plums').close()\nj.shelve(row=2)\nj.shelve()\n"
    first, second = check(code, api)
    assert first.message == (
        "`Jar` has no member named like that: `shelve` is a function: call `shelve(jar, ...)`"
    )
    assert apply_fixes(code, [first, second])[0].splitlines()[2:] == ["shelve(j, row=2)", "shelve(j)"]
    assert check("from jars import jar\nj = jar('plums').close()\nj.weigh()\n", api) == []


def test_an_instance_called_as_a_function_is_flagged(jar_index):
    """``j().weigh()`` where ``j`` holds a ``Jar``, which documents no ``__call__``: the empty
    call is dropped; one with arguments is left to the model."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.pycheck import check

    api = IndexSymbols(jar_index)
    code = "from jars import jar\nj = jar('plums').close()\nw = j().weigh()\n"
    (issue,) = check(code, api)
    assert issue.kind == "not-callable" and issue.message == (
        "`j` is a Jar, not a function: use it as it is, with its members"
    )
    assert apply_fixes(code, [issue])[0].endswith("w = j.weigh()\n")
    (issue,) = check(code.replace("j()", "j(2)"), api)
    assert issue.kind == "not-callable" and issue.fix is None


@pytest.mark.parametrize(
    ("request_text", "wanted"),
    [
        ("Load the file `bank.loft`, send 5 g of lot SL-0003 to Kew in 2024, and save the catalogue back.",
         ["Load the file `bank.loft`", "send 5 g of lot SL-0003 to Kew in 2024", "save the catalogue back"]),
        ("turn it into text, then read that text back", ["turn it into text", "read that text back"]),
        ("Count the lots in `bank` per genus and store the counts in `by_genus`.", []),
        ("Load the lots of the file, and store them in `lots`.", []),  # one step, and where to store it
    ],
)  # fmt: skip
def test_the_steps_of_a_request(request_text, wanted):
    from docprompt.request_steps import steps

    assert steps(request_text) == wanted


def test_each_step_of_a_request_gets_its_best_api_entry_among_the_cards(jar_index):
    """"describe a jar with labels, then put it on a shelf": with room for two cards, the whole
    request's best are ``shelve`` and ``ShelfFull``; the first step's best (``labelled``) takes
    the place of the entry no step asked for, so the prompt keeps its length."""
    ask = "Describe a new jar of plums holding 300 grams with labels, then put it on a shelf in row 2"

    def cards(**settings) -> str:
        model = Model("from jars import jar\nj = jar('plums').close()\n")
        dp = DocPrompt(jar_index, generator=model, language="python", api_style="cards", k=2, **settings)
        dp.ask(ask, verify=False)
        return model.prompts[0][-1]["content"].split("API:\n", 1)[1].split("\n\n", 1)[0]

    with_steps, without = cards(), cards(steps=False)
    assert "jars.shelve(jar: Jar" in with_steps and "jars.shelve(jar: Jar" in without
    assert "JarDraft.labelled(" in with_steps and "ShelfFull" not in with_steps
    assert "JarDraft.labelled(" not in without and "ShelfFull" in without


def test_a_failure_the_request_handles_is_caught(jar_index):
    """"if the row is full, ..." answered without ``try``: the issue says what the called
    function raises and carries the card of the exception the request's words describe."""
    from docprompt.verify.api import IndexSymbols
    from docprompt.verify.failures import unhandled_failures

    api = IndexSymbols(jar_index)
    ask = "Shelve the jar `j` in row 2; if the row has no room, store False in `ok`."
    (issue,) = unhandled_failures("from jars import shelve\nshelve(j, row=2)\nok = True\n", ask, api)
    assert issue.kind == "unhandled-failure" and issue.card.startswith("class jars.ShelfFull")
    assert "`shelve` raises ShelfFull (the row is full)" in issue.message
    caught = "from jars import shelve, ShelfFull\ntry:\n    shelve(j, row=2)\nexcept ShelfFull:\n    ok = 0\n"
    assert unhandled_failures(caught, ask, api) == []
    plain = "Shelve the jar `j` in row 2."
    assert unhandled_failures("from jars import shelve\nshelve(j, row=2)\n", plain, api) == []


ATLAS = '''"""Maps."""


class NoSuchMap(LookupError):
    """No map has this name."""


def open_map(name: str) -> object:
    """Open a map by name.

    Raises:
        NoSuchMap: no map has this name.
    """
'''


def test_a_fallback_the_request_gives_is_the_except_of_a_try(tmp_path):
    """ "if there is no such map, open map B-2 instead": the statement that failed, again with
    the value the request gives, is the handler; not for values of another shape."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.failures import unhandled_failures

    api = module_api(tmp_path, "atlas", ATLAS)
    ask = "Open map A-9; if there is no such map, open map B-2 instead. Store it in `m`."
    code = 'from atlas import open_map\nm = open_map("A-9")\nprint(m)'
    (issue,) = unhandled_failures(code, ask, api)
    want = 'm = open_map("A-9")\nexcept NoSuchMap:\n    m = open_map(\'B-2\')\nprint(m)'
    assert apply_fixes(code, [issue])[0] == f"from atlas import open_map\ntry:\n    {want}"
    other = "Open map A-9; if there is no such map, open map 12 instead. Store it in `m`."
    assert unhandled_failures(code, other, api)[0].fix is None


def test_the_api_can_be_shown_as_a_python_stub(acme):
    """``api_style = "stub"``: the same entries as Python a code model has read most of: the
    imports, each method under its class with ``self``, its docs in a docstring, a property as an
    annotation (read, not called), a classmethod decorated."""
    from docprompt.pystub import Entry, stub

    model = Model("due = inv.total()\n")
    DocPrompt(acme, generator=model, language="python", api_style="stub").ask(
        "how much does `inv` come to, tax included? Store it in `due`",
        namespace={"inv": "acme_private.billing.invoice.Invoice", "acme_private": "module:acme_private"},
    )
    user = model.prompts[0][-1]["content"]
    api = user.split("API:\n```python\n", 1)[1].split("\n```", 1)[0]
    assert api.startswith("from acme_private") and "\nclass Invoice:\n" in api
    assert "    def __init__(self, customer: str" in api and "    # members: " in api
    assert "    def total(self, *, tax: Decimal" in api and "Imports:" not in user
    assert "The code must assign `due`." in user.split("```", 2)[2]
    from docprompt.verify.api import IndexSymbols

    symbols = IndexSymbols(acme)
    owner = symbols.locate("acme_private.billing.invoice.Invoice")
    parts = [Entry(symbols.entries[s], []) for s in
             (owner, f"{owner}.is_empty", f"{owner}.from_dict")]  # fmt: skip
    text = stub(parts)
    assert "\n    is_empty: bool" in text and "def is_empty" not in text
    assert "    @classmethod\n    def from_dict(cls, data: dict) -> Invoice:" in text
    # a method whose class has no entry shown still sits under its class
    alone = stub([Entry(symbols.entries[f"{owner}.total"], ["tax: the rate"])])
    assert alone.startswith("class Invoice:\n    def total(self, *, tax: Decimal")
    assert '        tax: the rate\n        """' in alone


def test_the_api_style_by_default_is_a_stub_except_for_a_half_billion_model():
    from docprompt.python_answer import api_style

    assert api_style("auto", "qwen2.5-coder-1.5b") == "stub"
    assert api_style("auto", "qwen2.5-coder-0.5b") == api_style("auto", "qwen2.5-coder:0.5b") == "cards"
    assert api_style("auto", "qwen2.5-coder-10.5b") == "stub" and api_style("auto", None) == "stub"
    assert api_style("cards", "qwen2.5-coder-1.5b") == "cards"


def _para(text: str, heading: str = "DESCRIPTION", subheading: str = "", flags=()):
    from docprompt.models import Chunk

    meta = {"command": "tlmgr", "heading": heading, "subheading": subheading, "flags": list(flags)}
    return Chunk(id="p#0", doc_id="p", position=0, text=text, content_hash="", kind="doc", metadata=meta)


def test_the_write_prompt_shows_subcommands_and_which_subcommand_an_option_belongs_to():
    from docprompt.bash_answer import CommandFirst, Context, subcommand_line
    from docprompt.models import Hit

    usage = "check [option...] [depends|files|all]"
    check = _para("Execute one (or all) check(s) of the consistency of the installation.", "ACTIONS", usage)
    entry = _para("list [-t|-l] [pattern...] List loaded modules.", subheading="Module Sub-Commands")
    prose = _para("TeX Live is organized into a few top-level schemes.")
    synopsis = _para("tlmgr [option...] action [option...] [operand...]", "SYNOPSIS")
    backup = _para("--backup\n    Make a backup first.", "ACTIONS", "update [option] [pkg...]", ["--backup"])
    assert subcommand_line(check, "tlmgr").startswith(f"{usage}  Execute one (or all) check(s)")
    assert subcommand_line(entry, "module") == "list [-t|-l] [pattern...] List loaded modules."
    assert subcommand_line(prose, "tlmgr") == subcommand_line(synopsis, "tlmgr") == ""
    for went_on in ("year. The fourth month begins on the summer solstice.", "the Muslim Caliphs kept it."):
        assert subcommand_line(_para(went_on), "jcal") == ""  # prose going on from a paragraph before
    assert subcommand_line(backup, "tlmgr") == ""  # an option: shown among the options
    hits = [Hit(chunk=c, score=1.0) for c in (check, backup)]
    ctx = Context("tlmgr", "the TeX Live manager.", "", [hits[1]], [], [hits[0]], [])
    user = CommandFirst(None, None, None).messages("check the whole installation", ctx)[-1]["content"]
    assert f"Subcommands and arguments:\n  {usage}" in user
    assert "Options:\n  update --backup  Make a backup first." in user


def test_an_option_line_repeated_on_a_page_is_shown_once():
    from docprompt.bash_answer import _unique
    from docprompt.models import Hit

    flag = "--system-site-packages\n    Give the virtual environment access to the system site-packages dir."
    hits = [Hit(chunk=_para(flag, "OPTIONS", flags=["--system-site-packages"]), score=1.0) for _ in range(3)]
    assert len(_unique(hits)) == 1


def test_an_argument_two_checks_flag_counts_once_where_one_has_the_fix():
    """``pluck(0)``: not a string (no fix) and not shaped like a code (fixed to the request's):
    the fix would otherwise be refused for adding a problem."""
    from docprompt.answer_stage import _one_per_place
    from docprompt.verify import Issue

    typed = Issue("bad-type", "m.Bank.pluck(code=)", "takes a str", line=1)
    shaped = Issue("bad-value", "m.Bank.pluck(code=)", "shaped", line=1, fix=(1, "a", "b"))
    other = Issue("bad-type", "m.Bank.pluck(code=)", "takes a str", line=2)
    assert _one_per_place([typed, shaped, other]) == [shaped, other]
    assert _one_per_place([typed, other]) == [typed, other]


SLICED = '''"""Shelves."""


class Shelf:
    """Books in title order.

    >>> Shelf().titles()[:2]
    ['Emma', 'Ulysses']
    """

    def titles(self) -> list[str]:
        """The titles, sorted."""
        return []
'''


def test_a_slice_copied_from_a_docs_example_is_dropped(tmp_path):
    """``s.titles()[:2]`` where the docs' example slices the same call to keep its output short
    and the request gives no 2: the fix takes them all. A number the request gives (as digits or
    as a word), or a slice no example writes, is the task's."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.given import copied_slices

    api = module_api(tmp_path, "shelves", SLICED)
    ask = "List the titles on the shelf `s`; store them in `t`."
    code = "t = s.titles()[:2]"
    (issue,) = copied_slices(code, ask, api)
    assert issue.kind == "copied-value" and issue.message == (
        "`[:2]` keeps a part of what `s.titles()` gives, as a docs example does to keep its output "
        "short; the task gives no such number: use all of it, `s.titles()`"
    )
    assert apply_fixes(code, [issue])[0] == "t = s.titles()"
    assert copied_slices(code, ask.replace("the titles", "the first two titles"), api) == []
    assert copied_slices(code, ask.replace("the titles", "the first 2 titles"), api) == []
    assert copied_slices("t = s.titles()[:3]", ask, api) == []
    assert copied_slices("t = s.titles()[0]", ask, api) == []
