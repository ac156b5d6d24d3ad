"""The Jupyter magics: in-process with a real IPython shell and a scripted model, then in a real
ipykernel kernel through nbclient with a fake Ollama over HTTP (also running examples/notebook.ipynb)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Scripted

pytest.importorskip("IPython", reason="the magics need IPython: pip install -e '.[jupyter]'")

from IPython.core.error import UsageError  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

import docprompt  # noqa: E402
from docprompt.config import BuildSettings  # noqa: E402
from docprompt.magic import (  # noqa: E402
    VARS_HEADER,
    DocPromptMagics,
    Options,
    describe,
    describe_variables,
    interpolate,
    namespace_of,
    parse_line,
)
from docprompt.models import Document  # noqa: E402
from docprompt.retrieve import Retriever  # noqa: E402
from docprompt.store.build import build_index  # noqa: E402
from docprompt.store.registry import path_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "notebook.ipynb"

TAR = [
    ("tar - an archiving utility", []),
    ("-x, --extract, --get\n    Extract files from an archive.", ["-x", "--extract", "--get"]),
    ("-z, --gzip, --gunzip\n    Filter the archive through gzip.", ["-z", "--gzip", "--gunzip"]),
    ("-f, --file=ARCHIVE\n    Use archive file ARCHIVE.", ["-f", "--file"]),
    ("-C, --directory=DIR\n    Change to DIR before performing any operations.", ["-C", "--directory"]),
]
CSV_API = {
    "csv.DictWriter": "csv.DictWriter(f, fieldnames, restval='', extrasaction='raise', dialect='excel')\n"
    "Create an object which maps dictionaries onto output rows.",
    "csv.DictWriter.writeheader": "csv.DictWriter.writeheader()\nWrite a row with the field names.",
    "csv.DictWriter.writerows": "csv.DictWriter.writerows(rows)\nWrite all elements in rows.",
    "json.dumps": "json.dumps(obj, *, indent=None)\nSerialize obj to a JSON formatted str.",
}
CSV_CODE = (
    "import csv\n\nwith open(out, 'w', newline='') as f:\n"
    "    writer = csv.DictWriter(f, fieldnames=list(people.columns))\n"
    "    writer.writeheader()\n"
)


def build_man() -> None:
    docs = [
        Document(id=f"tar.1#{i}", text=text, kind="doc", language="bash", title="tar(1)",
                 uri="man:tar(1)", metadata={"command": "tar", "section": "1", "flags": flags})
        for i, (text, flags) in enumerate(TAR)
    ]  # fmt: skip
    build_index(path_of("man"), docs, name="man", indexer="manpages", roots=[], skipped={},
                settings=BuildSettings(embedder="hash:64"))  # fmt: skip


def build_py() -> None:
    docs = [
        Document(id=f"py/{name}", text=text, kind="doc", language="python", title=name,
                 uri=f"https://docs.python.org/3/library/{name.split('.')[0]}.html#{name}",
                 metadata={"symbol": name})
        for name, text in CSV_API.items()
    ]  # fmt: skip
    build_index(path_of("py"), docs, name="py", indexer="python", roots=[], skipped={},
                settings=BuildSettings(embedder="hash:64"))  # fmt: skip


class Frame:
    """Looks like a pandas DataFrame to duck typing (no pandas needed)."""

    columns = ["name", "year"]
    dtypes = ["object", "int64"]
    shape = (3, 2)


class Array:
    shape = (4, 3)
    dtype = "float32"


@pytest.fixture(scope="module")
def shell(tmp_path_factory) -> InteractiveShell:
    os.environ.setdefault("IPYTHONDIR", str(tmp_path_factory.mktemp("ipython")))
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    return InteractiveShell.instance(config=config)


@pytest.fixture
def ip(shell, monkeypatch) -> InteractiveShell:
    """The shell with fresh magics (no index in use) and no variables left by an earlier test."""
    before = set(shell.user_ns)
    magics = DocPromptMagics(shell)
    shell.register_magics(magics)
    shell.rl_next_input = None
    yield shell
    for name in set(shell.user_ns) - before:
        del shell.user_ns[name]


@pytest.fixture
def model(monkeypatch) -> Scripted:
    import docprompt.generate as generate

    gen = Scripted()
    monkeypatch.setattr(generate, "get_generator", lambda backend=None, model=None, **kw: gen)
    return gen


@pytest.fixture
def queries(monkeypatch) -> list[str]:
    """Every text the retriever searched for."""
    seen: list[str] = []
    original = Retriever.retrieve

    def spy(self, query, *args, **kwargs):
        seen.append(query)
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(Retriever, "retrieve", spy)
    return seen


# -- parts ---------------------------------------------------------------------------------------


def test_parse_line_takes_leading_options_and_leaves_the_request_verbatim():
    opts, rest = parse_line("--lang bash --no-verify -k 3 --backend=embedded find files named 'a -b'")
    assert opts == Options(language="bash", verify=False, k=3, backend="embedded")
    assert rest == "find files named 'a -b'"
    opts, rest = parse_line("-i man -m qwen --no-vars --stream -- -x means extract")
    assert opts == Options(index="man", model="qwen", variables=False, stream=True)
    assert rest == "-x means extract"
    assert parse_line("") == (Options(), "")
    for bad, message in [
        ("--bogus x", "unknown option --bogus"),
        ("--lang cobol x", "unknown language 'cobol'"),
        ("--backend gpt x", "unknown backend 'gpt'"),
        ("-k many x", "-k needs a whole number"),
        ("--model", "--model needs a value"),
        ("--no-verify=1 x", "takes no value"),
    ]:
        with pytest.raises(UsageError, match=message):
            parse_line(bad)


def test_interpolate_names_attributes_and_escapes():
    warnings: list[str] = []
    ns = {"path": Path("/tmp/a.csv"), "n": 3, "long": "x" * 600}
    out = interpolate("read {path} ({path.suffix}), {n} rows, {{literal}}, {nope} {1+1}", ns, warnings.append)
    assert out == "read /tmp/a.csv (.csv), 3 rows, {literal}, {nope} {1+1}"
    assert warnings == ["{nope} is not a notebook variable; left as is"]
    assert interpolate("{long}", ns, warnings.append) == "x" * 500 + "…"
    assert "cut to 500" in warnings[-1]
    assert interpolate("{path.nothing}", ns, warnings.append) == "{path.nothing}"


def test_describe_duck_types_data_without_importing_it():
    assert describe(Frame()) == "Frame 3 rows × 2 columns [name: object, year: int64]"
    assert describe(Array()) == "Array shape (4, 3) dtype float32"
    assert describe(types.ModuleType("pandas")) == "module pandas"
    assert describe([{"a": 1}, {"a": 2}]) == "list of 2 dict, first: {'a': 1}"
    assert describe({"x": 1, "y": 2}) == "dict of 2 items, keys ['x', 'y']"
    assert describe(3) == "int = 3" and describe("hi") == "str of length 2 = 'hi'"
    assert describe(lambda a, b=2: a) == "function(a, b=2)"
    assert describe(Frame) == f"class {__name__}.Frame"
    assert describe(Path("a")).startswith("PosixPath = ") or describe(Path("a")).startswith("WindowsPath")
    assert describe(object()) == "builtins.object"


def test_variables_skip_internals_put_mentioned_names_first_and_keep_to_the_budget():
    hidden_value = object()
    ns: dict[str, Any] = {"In": [], "Out": {}, "_": 1, "_private": 2, "get_ipython": print,
                          "exit": None, "seen_at_start": hidden_value, "pd": types.ModuleType("pandas"),
                          "df": Frame(), "x": 1, "y": 2}  # fmt: skip
    text = describe_variables(ns, hidden={"seen_at_start": hidden_value}, request="plot y against df")
    lines = text.splitlines()
    assert lines[0] == VARS_HEADER
    assert lines[1:] == [
        "- df: Frame 3 rows × 2 columns [name: object, year: int64]",
        "- y: int = 2",
        "- pd: module pandas",
        "- x: int = 1",
    ]
    many = {f"v{i}": i for i in range(50)}
    lines = describe_variables(many).splitlines()
    assert len(lines) == 1 + 20 + 1 and lines[-1] == "- … and 30 more"
    assert lines[1] == "- v49: int = 49"  # newest first
    big = {f"s{i}": "y" * 150 for i in range(20)}
    text = describe_variables(big)
    assert len(text) <= 1500 + 40 and text.endswith("more")
    assert describe_variables({"_x": 1, "In": []}) == ""


def test_the_notebook_namespace_for_the_verifier_names_modules_and_classes():
    import json

    ns = {"js": json, "np": types.ModuleType("numpy"), "_m": json, "x": 1, "p": Path("/tmp"), "In": []}
    assert namespace_of(ns) == {
        "js": "module:json",
        "np": "module:numpy",
        "x": "builtins.int",
        "p": "pathlib.PosixPath",
    }


# -- the magics in a real IPython shell (in process) --------------------------------------------------


def test_cell_magic_writes_the_code_below_with_docs_and_verification(ip, model, queries, capsys):
    build_man()
    model.replies.append("```bash\ntar -xzf backup.tgz -C /tmp\n```\nI used [2], [3] and [5].")
    ip.run_line_magic("dp_use", "man")
    ip.user_ns["archive"] = "backup.tgz"
    ip.run_cell_magic("dp", "", "extract the gzipped archive {archive} into /tmp\n")
    cell = ip.rl_next_input
    lines = cell.splitlines()
    assert lines[0] == "%%bash"
    assert lines[1].startswith("# docs: [") and "tar(1) — man:tar(1)" in lines[1]
    verified = lines.index("# verified: tar -x, tar -z, tar -f, tar -C")
    assert verified == 5 and all(line.startswith("#       [") for line in lines[2:verified])  # one per flag
    assert lines[verified + 1 :] == ["tar -xzf backup.tgz -C /tmp"]
    assert "Request: extract the gzipped archive backup.tgz into /tmp" in model.user
    assert "- archive: str of length 10 = 'backup.tgz'" in model.user  # the variables, for the model
    assert queries and all(q == "extract the gzipped archive backup.tgz into /tmp" for q in queries)
    assert ip.user_ns["_dp"].code == "tar -xzf backup.tgz -C /tmp"
    out = capsys.readouterr().out
    assert "using 'man' (manpages, 5 chunks); answers in bash" in out
    assert "bash code in a new cell below" in out and "verified" in out


def test_line_magic_options_python_no_verify_no_vars_and_k(ip, model, queries):
    build_py()
    model.replies.append("```python\n" + CSV_CODE + "```")
    ip.user_ns.update(people=Frame(), out="people.csv")
    ip.run_line_magic("dp", "--index py --lang python --no-verify --no-vars -k 1 write people to out as CSV")
    cell = ip.rl_next_input
    assert cell.startswith("# docs: [1] csv.")
    assert "# not verified (--no-verify)" in cell and cell.endswith(CSV_CODE)
    assert VARS_HEADER not in model.user and "[2]" not in model.user  # -k 1: one doc
    assert queries[0] == "write people to out as CSV"


def test_variables_reach_the_prompt_and_a_failed_check_is_a_comment(ip, model):
    build_py()
    bad = "```python\nimport csv\nw = csv.DictWritter(open(out, 'w'), fieldnames=people.columns)\n```"
    model.replies += [bad, bad, bad]  # both repair rounds give the same answer (the second sampled)
    ip.user_ns.update(people=Frame(), out="people.csv", np=types.ModuleType("numpy"))
    ip.run_line_magic("dp_use", "py --lang python")
    ip.run_cell_magic("dp", "", "write people to the CSV file out")
    user = model.prompts[0][-1]["content"]
    assert user.index(VARS_HEADER) < user.index("Task: write people")  # the request comes last
    assert "- people: Frame 3 rows × 2 columns [name: object, year: int64]" in user
    assert "- out: str of length 10 = 'people.csv'" in user and "- np: module numpy" in user
    assert "- In:" not in user and "- _dp" not in user
    assert "# ✗ csv.DictWritter" in ip.rl_next_input and "csv.DictWriter" in ip.rl_next_input
    assert ip.user_ns["_dp"].request == "write people to the CSV file out"


def test_code_using_a_notebook_import_is_checked_against_it(ip, model):
    import json

    build_py()
    model.replies += ["```python\ntext = js.dumps(rows)\n```", "```python\ntext = js.dumpz(rows)\n```"]
    model.replies += ["```python\ntext = js.dumpz(rows)\n```"] * 2  # the repair rounds do no better
    ip.user_ns.update(js=json, rows=[1, 2])
    ip.run_line_magic("dp", "-i py serialize rows")
    assert "# verified: json.dumps" in ip.rl_next_input and ip.rl_next_input.endswith(
        "text = js.dumps(rows)\n"
    )
    ip.run_line_magic("dp", "-i py serialize rows")
    assert "# ✗ json.dumpz does not exist: use json.dumps" in ip.rl_next_input
    assert "import json" not in ip.rl_next_input  # the import is for the check, not the cell


def test_dp_use_lists_indexes_and_marks_the_one_in_use(ip, capsys):
    ip.run_line_magic("dp_use", "")
    assert "no indexes in" in capsys.readouterr().out
    build_man()
    build_py()
    ip.run_line_magic("dp_use", "py")
    capsys.readouterr()
    ip.run_line_magic("dp_use", "")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("  man  manpages, 5 chunks, hash:64")
    assert out[1].startswith("* py  python, 4 chunks") and out[2] == "in use: py"


def test_errors_are_one_line_not_a_traceback(ip, model, capsys):
    build_man()
    build_py()
    for source, message in [
        ("%dp_use nope", "UsageError: no index named 'nope'; known indexes: man, py"),
        ("%dp extract it", "UsageError: no index chosen: run %dp_use NAME first (indexes: man, py)"),
        ("%%dp -i man\n   \n", "UsageError: the request is empty"),
        ("%dp --lang cobol x", "UsageError: unknown language 'cobol'"),
    ]:
        result = ip.run_cell(source)
        err = capsys.readouterr().err
        assert isinstance(result.error_in_exec, UsageError), source
        assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err, err
    from docprompt.generate import GeneratorError

    model.replies.append(
        GeneratorError("no Ollama server at http://127.0.0.1:1: start it with `ollama serve`")
    )
    result = ip.run_cell("%dp -i man extract {nothing_here}")
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "docprompt: {nothing_here} is not a notebook variable; left as is",
        "UsageError: no Ollama server at http://127.0.0.1:1: start it with `ollama serve`",
    ]
    assert ip.rl_next_input is None


def test_a_reply_without_code_makes_no_cell(ip, model, capsys):
    build_man()
    model.replies += ["", ""]  # an empty reply is asked for once more
    ip.run_line_magic("dp", "-i man extract it")
    assert ip.rl_next_input is None
    assert "the model wrote no code" in capsys.readouterr().err


def test_one_index_is_picked_without_dp_use_and_streaming_prints_the_reply(ip, model, capsys):
    build_man()
    model.replies.append("```bash\ntar -xf a.tar\n```")
    ip.run_line_magic("dp", "--stream extract a.tar")
    assert ip.rl_next_input.endswith("tar -xf a.tar\n")
    assert "```bash tar -xf a.tar" in " ".join(capsys.readouterr().out.split())


def test_load_ext_docprompt_registers_the_magics(ip):
    assert hasattr(docprompt, "load_ipython_extension"), (
        "docprompt/__init__.py must define load_ipython_extension (delegating to docprompt.magic)"
    )
    ip.run_line_magic("load_ext", "docprompt")
    assert {"dp", "dp_use"} <= set(ip.magics_manager.magics["line"]) and "dp" in ip.magics_manager.magics[
        "cell"
    ]


def test_importing_the_magic_loads_no_torch():
    code = (
        "import sys, docprompt.magic\n"
        "heavy = ('torch', 'transformers', 'sentence_transformers', 'faiss')\n"
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- a real kernel -----------------------------------------------------------------------------------

SHOW = {"model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768}, "parameters": ""}


def chat(content: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": content}
    return {"model": "fake-coder", "created_at": "2026-01-01T00:00:00Z", "message": message, "done": True}


@pytest.fixture
def kernel_env(tmp_path, monkeypatch, httpserver) -> Any:
    """A kernelspec for this interpreter, the fake Ollama, and env for the kernel (DOCPROMPT_HOME is
    already the test's own)."""
    pytest.importorskip("nbclient", reason="pip install nbclient nbformat ipykernel (the dev extra)")
    pytest.importorskip("ipykernel", reason="pip install ipykernel (the dev extra)")
    spec = tmp_path / "jupyter" / "kernels" / "docprompt-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "test", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{httpserver.port}")
    httpserver.expect_request("/api/show", method="POST").respond_with_json(SHOW)
    return httpserver


def run_notebook(nb, cwd: Path) -> dict[int, list[dict[str, Any]]]:
    """Execute ``nb`` in a fresh kernel; the payloads of each cell's execute reply, by cell index."""
    from nbclient import NotebookClient

    payloads: dict[int, list[dict[str, Any]]] = {}

    def executed(cell, cell_index, execute_reply):
        payloads[cell_index] = execute_reply["content"].get("payload", [])

    client = NotebookClient(
        nb,
        kernel_name="docprompt-test",
        timeout=300,  # a cell that asks the real model, on a busy 2-core runner
        startup_timeout=120,
        resources={"metadata": {"path": str(cwd)}},
        on_cell_executed=executed,
    )
    client.execute()
    return payloads


def next_input(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    (found,) = [p for p in payloads if p.get("source") == "set_next_input"]
    return found


def code_cell(source: str, **metadata: Any):
    import nbformat

    return nbformat.v4.new_code_cell(source, metadata=metadata)


def test_in_a_real_kernel_the_code_arrives_as_a_new_cell(kernel_env, tmp_path):
    import nbformat

    build_py()
    reply = "```python\n" + CSV_CODE + "    writer.writerows(rows)\n```\nI used [1]."
    kernel_env.expect_request("/api/chat", method="POST").respond_with_json(chat(reply))
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        code_cell("%load_ext docprompt"),
        code_cell("%dp_use py --backend ollama --model fake-coder"),
        code_cell(
            "class Frame:\n    columns = ['name', 'year']\n    dtypes = ['object', 'int64']\n"
            "    shape = (2, 2)\n\npeople = Frame()\nout = 'people.csv'"
        ),
        code_cell("%%dp\nwrite people to the CSV file {out} with a header row"),
        code_cell("%dp_use nope", tags=["raises-exception"]),
        code_cell("_dp.verification.ok, [h.chunk.title for h in _dp.cited]"),
        code_cell(
            "import sys\n[m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules]"
        ),
    ]
    payloads = run_notebook(nb, tmp_path)
    new = next_input(payloads[3])
    assert new["replace"] is False
    lines = new["text"].splitlines()
    assert re.fullmatch(
        r"# docs: \[1\] (csv\.\S+) — https://docs\.python\.org/3/library/csv\.html#\1", lines[0]
    )
    assert any(line.startswith("# verified: csv.DictWriter") for line in lines)
    assert new["text"].endswith(CSV_CODE + "    writer.writerows(rows)\n")
    assert "code in a new cell below" in nb.cells[3].outputs[0]["text"]
    (chat_request,) = [json.loads(r.get_data()) for r, _ in kernel_env.log if r.path == "/api/chat"]
    user = [m for m in chat_request["messages"] if m["role"] == "user"][-1]["content"]
    assert "Task: write people to the CSV file people.csv with a header row" in user
    assert "- people: Frame 2 rows × 2 columns [name: object, year: int64]" in user
    error = "".join(o.get("text", "") for o in nb.cells[4].outputs)
    assert error.strip() == "UsageError: no index named 'nope'; known indexes: py"
    # the cited docs are the entries of the names the code uses, each a line of the cell's header
    cited = [line.split()[3 if line.startswith("# docs:") else 2] for line in lines if line.startswith("# ")
             and re.search(r"\[\d+\] csv\.", line)]  # fmt: skip
    assert {"csv.DictWriter", "csv.DictWriter.writerows"} <= set(cited)
    assert nb.cells[5].outputs[0]["data"]["text/plain"].replace("\n", "").replace(" ", "") == (
        f"(True,{cited!r})".replace(" ", "")
    )
    assert nb.cells[6].outputs[0]["data"]["text/plain"] == "[]"  # the magics loaded no torch


def example_reply(request) -> Any:
    from werkzeug import Response

    user = [m for m in json.loads(request.get_data())["messages"] if m["role"] == "user"][-1]["content"]
    code = "import csv\n\nwith out.open('w', newline='') as f:\n"
    code += "    writer = csv.DictWriter(f, fieldnames=['name', 'born'])\n"
    code += "    writer.writeheader()\n    writer.writerows(records)\n"
    body = chat(f"```python\n{code}```\nI used [1]." if "records" in user else "no idea")
    return Response(json.dumps(body), content_type="application/json")


def example_notebook():
    """examples/notebook.ipynb as a user has it, built with the hash embedder (the default one needs
    torch: too slow here)."""
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    builds = [c for c in nb.cells if c.cell_type == "code" and "docprompt index build" in c.source]
    assert len(builds) == 1
    builds[0].source += " --embedder hash:64"
    return nb


def new_cells(payloads: dict[int, list[dict[str, Any]]]) -> list[str]:
    return [
        next_input(p)["text"]
        for p in payloads.values()
        if any(x.get("source") == "set_next_input" for x in p)
    ]


@pytest.mark.slow
def test_the_example_notebook_runs(kernel_env, tmp_path, monkeypatch):
    """The example notebook end to end, with the fake Ollama (chosen by env, as a user could)."""
    monkeypatch.setenv("DOCPROMPT_BACKEND", "ollama")
    monkeypatch.setenv("DOCPROMPT_OLLAMA_MODEL", "fake-coder")
    kernel_env.expect_request("/api/chat", method="POST").respond_with_handler(example_reply)
    (made,) = new_cells(run_notebook(example_notebook(), tmp_path))
    assert made.startswith("# docs: [") and "csv.DictWriter" in made
    assert "# verified: csv.DictWriter" in made
    (chat_request,) = [json.loads(r.get_data()) for r, _ in kernel_env.log if r.path == "/api/chat"]
    user = [m for m in chat_request["messages"] if m["role"] == "user"][-1]["content"]
    assert "- records: list of 2 dict, first: {'name': 'Ada Lovelace', 'born': 1815}" in user
    assert "- out: PosixPath = PosixPath('people.csv')" in user
    assert not (tmp_path / "people.csv").exists()  # written into a cell, never run


@pytest.mark.slow
@pytest.mark.embedded
def test_the_example_notebook_with_the_embedded_model(kernel_env, tmp_path, monkeypatch):
    """The same with the real default embedded model (Qwen2.5-Coder 1.5B): the cell holds csv code."""
    from docprompt.generate import GeneratorError, embedded

    if not embedded.available():
        pytest.skip("llama-cpp-python not installed: pip install 'docprompt[local]'")
    try:
        embedded.resolve_model(embedded.DEFAULT_MODEL)  # assembled once into DOCPROMPT_HOME
    except GeneratorError as e:
        pytest.skip(str(e))
    monkeypatch.setenv("DOCPROMPT_BACKEND", "embedded")
    nb = example_notebook()
    (made,) = new_cells(run_notebook(nb, tmp_path))
    print(made)
    assert made.startswith("# docs: [") and "csv" in made
    assert f"embedded {embedded.DEFAULT_MODEL}" in "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
    )


def test_several_indexes_answer_as_one(ip, model, capsys):
    build_man()
    build_py()
    ip.run_line_magic("dp_use", "man,py")
    out = capsys.readouterr().out
    assert "using 'man,py' (man: manpages, 5 chunks; py: python, 4 chunks); answers in bash" in out
    model.replies.append("```bash\ntar -xzf backup.tgz -C /tmp\n```")
    ip.run_cell_magic("dp", "", "extract the gzipped archive backup.tgz into /tmp\n")
    assert "# verified: tar -x, tar -z, tar -f, tar -C" in ip.rl_next_input
    assert {h.chunk.metadata["index"] for h in ip.user_ns["_dp"].hits} == {"man", "py"}
    assert "of 'man,py'" in capsys.readouterr().out
    model.replies.append("```python\n" + CSV_CODE + "```")
    ip.user_ns.update(people=Frame(), out="people.csv")
    ip.run_line_magic("dp", "--index py,man --lang python write people to out as CSV")
    assert "csv.DictWriter" in ip.rl_next_input and ip.user_ns["_dp"].verification.ok
    with pytest.raises(UsageError, match="no index name"):
        ip.run_line_magic("dp", "--index , extract")
