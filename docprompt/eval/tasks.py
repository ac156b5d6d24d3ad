"""``docprompt eval tasks``: executable coding tasks against a private library.

A task is a request ("... and store it in `w`"), optional setup code and fixture files, and a
``check`` (asserts) run after the answer in one namespace, in a subprocess (cwd: a temporary folder
with the fixtures; ``PYTHONPATH``: the library's source; a timeout) that reports the stage reached
and any exception as JSON in a side file. The outcome is ``pass`` or one of :data:`CATEGORIES`."""

from __future__ import annotations

import ast
import codeop
import contextlib
import json
import keyword
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import BadInput

CATEGORIES = (
    "empty", "malformed", "syntax", "truncated", "reimplemented", "wrong-import", "unknown-api",
    "wrong-arguments", "variable-missing", "library-error", "runtime-error", "wrong-result", "timeout",
)  # fmt: skip
DIFFICULTIES = ("easy", "medium", "hard")
_CITATION = re.compile(r"(\s*\[\d{1,3}\](\s*,)?)+\s*")
_WORD = re.compile(r"[A-Za-z][a-z'’]*[,.;:!?)]?")
_DANGLING = ("+", "-", "*", "/", "%", "=", ",", ".", "\\", "&", "|", "<", ">", " and", " or", " not", " in")

# Runs in the subprocess: setup, answer, (variables), check in one namespace; the stage reached and
# any exception go to the side file named in the spec, replaced atomically at each step.
_RUNNER = r"""
import json, os, sys, types
spec = json.load(open(sys.argv[1], encoding="utf-8"))
def report(**kw):
    with open(spec["report"] + ".tmp", "w", encoding="utf-8") as f:
        json.dump(kw, f)
    os.replace(spec["report"] + ".tmp", spec["report"])
def ours(module):
    return isinstance(module, str) and module.split(".")[0] in spec["packages"]
def ours_obj(obj):  # a library module, class, function or instance
    module = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", None)
    return ours(module if isinstance(module, str) else getattr(type(obj), "__module__", ""))
ns = {"__name__": "__main__"}
for stage in ("setup", "answer", "check"):
    if stage == "check":
        missing = [v for v in spec["variables"] if v not in ns]
        if missing:
            report(stage="variables", missing=missing)
            sys.exit(0)
    report(stage=stage, running=True)
    try:
        exec(compile(spec[stage], "<" + stage + ">", "exec"), ns)
    except BaseException as e:
        report(stage=stage, type=type(e).__name__, message=str(e)[:300],
               library_exception=ours(type(e).__module__),
               library_object=ours_obj(getattr(e, "obj", None)) if isinstance(e, AttributeError) else False,
               import_error=isinstance(e, ImportError))
        sys.exit(0)
report(stage="done")
"""

_AST_LOCK = threading.Lock()


def _parse(source: str) -> ast.Module:
    """``ast.parse`` one thread at a time: CPython 3.11's parser can fail with "AST constructor
    recursion depth mismatch" when threads parse at once (the scoring runs in a thread pool)."""
    with _AST_LOCK:
        return ast.parse(source)


class Task(BaseModel):
    """One task of a tasks JSONL file."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    split: Literal["tune", "report"]
    difficulty: Literal["easy", "medium", "hard"]
    request: str = Field(min_length=1)
    variables: list[str] = Field(default_factory=list)
    setup: str = ""
    files: dict[str, str] = Field(default_factory=dict)
    check: str = Field(min_length=1)
    solution: str = ""

    @field_validator("variables")
    @classmethod
    def _identifiers(cls, names: list[str]) -> list[str]:
        for name in names:
            if not name.isidentifier():
                raise ValueError(f"{name!r} is not a Python variable name")
        return names

    @field_validator("files")
    @classmethod
    def _relative(cls, files: dict[str, str]) -> dict[str, str]:
        for name in files:
            p = PurePosixPath(name)
            if not name or p.is_absolute() or ".." in p.parts or "\\" in name:
                raise ValueError(f"fixture file {name!r} must be a relative path inside the task folder")
        return files


@dataclass
class Outcome:
    """How one answer fared: ``pass`` or a failure category, the stage that failed, the error."""

    category: str
    stage: str = ""  # setup | answer | variables | check (empty when it never ran)
    error: str = ""  # "TypeError: ...", one line
    run_seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.category == "pass"


def load_tasks(path: str | Path) -> list[Task]:
    """The tasks of a JSONL file, validated; a mistake is a one-line BadInput naming file:line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BadInput(f"cannot read the tasks file {path}: {exc.strerror or exc}") from None
    tasks: list[Task] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            task = Task.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise BadInput(f"{path}:{number}: not a JSON object ({exc.msg})") from None
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "task"
            raise BadInput(f"{path}:{number}: {where}: {err['msg']}") from None
        if task.id in seen:
            raise BadInput(f"{path}:{number}: task id {task.id!r} repeats line {seen[task.id]}")
        seen[task.id] = number
        tasks.append(task)
    if not tasks:
        raise BadInput(f"{path}: no tasks in the file")
    return tasks


def select(tasks: list[Task], split: str = "all", limit: int | None = None) -> list[Task]:
    return [t for t in tasks if split == "all" or t.split == split][: limit or None]


@lru_cache(maxsize=8)
def library_names(src_dir: str) -> tuple[frozenset[str], frozenset[str]]:
    """(top-level packages and modules, public names they define) of a source folder, read with ast."""
    root = Path(src_dir)
    inits = list(root.glob("*/__init__.py"))
    names: set[str] = set()
    for file in [*root.glob("*.py"), *(f for init in inits for f in init.parent.rglob("*.py"))]:
        with contextlib.suppress(SyntaxError, OSError, UnicodeDecodeError, ValueError):
            tree = _parse(file.read_text(encoding="utf-8"))
            names.update(n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef)))
    packages = {p.parent.name for p in inits} | {p.stem for p in root.glob("*.py")}
    return frozenset(packages), frozenset(n for n in names if not n.startswith("_"))


def _prose(code: str) -> bool:
    lines = [ln.strip() for ln in code.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    wordy = 0
    for line in lines:
        words = line.split()
        natural = sum(bool(_WORD.fullmatch(w)) for w in words) >= 0.75 * len(words)
        wordy += len(words) >= 4 and natural and not keyword.iskeyword(words[0])
    return bool(lines) and wordy * 2 >= len(lines)


def _inert(node: ast.expr) -> bool:
    """A bare name, dotted name, literal or citation like ``[1]``: nothing that does anything."""
    if isinstance(node, (ast.Name, ast.Constant, ast.Attribute)):
        return not isinstance(node, ast.Attribute) or _inert(node.value)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(_inert(e) for e in node.elts)
    return isinstance(node, ast.Subscript) and _inert(node.value) and _inert(node.slice)


def _truncated(code: str, err: SyntaxError) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if codeop.compile_command(code, "<answer>", "exec") is None:
                return True
        except (SyntaxError, ValueError, OverflowError):
            pass
    lines = code.rstrip().splitlines()
    if err.lineno is None or err.lineno < len(lines):
        return False
    last = lines[-1].rstrip() if lines else ""
    return (err.msg or "").startswith("unterminated string") or last.endswith(_DANGLING)


def static_category(code: str) -> str | None:
    """``empty``, ``malformed``, ``syntax`` or ``truncated`` for code that cannot run, else None."""
    if not code.strip():
        return "empty"
    if _CITATION.fullmatch(code):
        return "malformed"
    try:
        tree = _parse(code)
    except (SyntaxError, ValueError) as err:  # ValueError: null bytes
        if not isinstance(err, SyntaxError) or _prose(code):
            return "malformed"
        return "truncated" if _truncated(code, err) else "syntax"
    if not tree.body or all(isinstance(s, ast.Expr) and _inert(s.value) for s in tree.body):
        return "malformed"
    return None


def reimplements(code: str, setup: str, src_dir: str | Path, *, ran: bool = True) -> bool:
    """The answer defines a class or function named like the library's, or (``ran`` through without an
    exception) never touches the library: no import of it, none of its names, no variable of the setup."""
    packages, public = library_names(str(Path(src_dir).resolve()))
    tree = _parse(code)
    if any(isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.name in public
           for n in ast.walk(tree)):  # fmt: skip
        return True
    if not ran:
        return False
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if any(m.split(".")[0] in packages for m in modules):
                return False
    given: set[str] = set(packages) | set(public)
    with contextlib.suppress(SyntaxError):
        for node in ast.walk(_parse(setup)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                given.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                given.update((a.asname or a.name).split(".")[0] for a in node.names)
    return not any(isinstance(n, ast.Name) and n.id in given for n in ast.walk(tree))


def _category(report: dict) -> str:
    stage, kind = report.get("stage"), report.get("type", "")
    if stage in ("variables", "check"):
        return "variable-missing" if stage == "variables" else "wrong-result"
    if stage != "answer":
        return "runtime-error"  # the setup failed: a broken task
    if report.get("import_error"):
        return "wrong-import"
    if kind == "NameError" or (kind == "AttributeError" and report.get("library_object")):
        return "unknown-api"
    if kind == "TypeError":
        return "wrong-arguments"
    return "library-error" if report.get("library_exception") else "runtime-error"


def run_answer(task: Task, code: str, src_dir: str | Path, timeout: float = 20) -> Outcome:
    """Run ``setup + code + check`` in a subprocess and classify the outcome."""
    static = static_category(code)
    if static:
        return Outcome(static)
    src = Path(src_dir).resolve()
    packages, _ = library_names(str(src))
    with tempfile.TemporaryDirectory(prefix="dp-task-") as tmp, tempfile.TemporaryDirectory() as side:
        for name, content in task.files.items():
            target = Path(tmp, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        spec = Path(side, "spec.json")
        report_path = Path(side, "report.json")
        spec.write_text(json.dumps({
            "setup": task.setup, "answer": code, "check": task.check, "variables": task.variables,
            "packages": sorted(packages), "report": str(report_path),
        }), encoding="utf-8")  # fmt: skip
        env = {**os.environ, "PYTHONPATH": _prepend(src, os.environ.get("PYTHONPATH"))}
        t = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _RUNNER, str(spec)], cwd=tmp, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        timed_out = False
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            _, stderr = proc.communicate()
            timed_out = True
        seconds = round(time.perf_counter() - t, 3)
        report: dict = {}
        with contextlib.suppress(OSError, ValueError):
            report = json.loads(report_path.read_text(encoding="utf-8"))
    stage = report.get("stage", "")
    if timed_out:
        return Outcome("timeout", stage, f"no result in {timeout:g}s", seconds)
    if stage == "done":
        return Outcome("pass", run_seconds=seconds)
    if not report:
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no report"]
        return Outcome("runtime-error", "", f"the runner died: {tail[0][:200]}", seconds)
    if stage == "variables":
        error = "not assigned: " + ", ".join(report.get("missing", []))
    else:
        error = f"{report.get('type', 'Error')}: {report.get('message', '')}".strip().splitlines()[0][:300]
    if stage not in ("setup", "") and reimplements(code, task.setup, src, ran=stage != "answer"):
        return Outcome("reimplemented", stage, error, seconds)
    return Outcome(_category(report), stage, error, seconds)


def _prepend(path: Path, old: str | None) -> str:
    return os.pathsep.join(filter(None, [str(path), old]))


def _percent(hits: list[bool]) -> float | None:
    return round(100.0 * sum(hits) / len(hits), 1) if hits else None


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)] if ordered else 0.0


def evaluate(
    tasks: list[Task],
    answer_fn: Callable[[Task], tuple],
    *,
    src_dir: str | Path,
    timeout: float = 20,
    workers: int = 1,
    on_answer: Callable[[Task], None] | None = None,
) -> dict:
    """Answer the tasks in order (``answer_fn(task) -> (code, seconds[, stage timings])``), run each
    answer while the next is written, and aggregate: pass@1 (all, per difficulty), median/p95
    seconds, failure counts, and each stage's median seconds where the answerer gives them."""
    codes: list[tuple[str, float]] = []
    timings: list[dict[str, float]] = []
    futures: list[Future[Outcome]] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for task in tasks:
            code, seconds, *more = answer_fn(task)
            codes.append((code, seconds))
            timings.append(more[0] if more else {})
            futures.append(pool.submit(run_answer, task, code, src_dir, timeout))
            if on_answer is not None:
                on_answer(task)
        outcomes = [f.result() for f in futures]
    rows = [
        {"id": t.id, "split": t.split, "difficulty": t.difficulty, "request": t.request, "code": code,
         "answer_seconds": round(seconds, 3), **({"timings": tm} if tm else {}), **asdict(o)}
        for t, (code, seconds), tm, o in zip(tasks, codes, timings, outcomes)
    ]  # fmt: skip
    times = [s for _, s in codes]
    median = statistics.median(times) if times else 0.0
    pass_at_1 = {"all": _percent([o.passed for o in outcomes])}
    for level in DIFFICULTIES:
        pass_at_1[level] = _percent([o.passed for t, o in zip(tasks, outcomes) if t.difficulty == level])
    failures = Counter(o.category for o in outcomes if not o.passed)
    return {
        "n": len(tasks),
        "passed": sum(o.passed for o in outcomes),
        "pass_at_1": pass_at_1,
        "n_by_difficulty": {lv: sum(t.difficulty == lv for t in tasks) for lv in DIFFICULTIES},
        "seconds": {"median": round(median, 3), "p95": round(_p95(times), 3)},
        "stage_seconds": {
            key: round(statistics.median(tm.get(key, 0.0) for tm in timings), 2)
            for key in sorted({k for tm in timings for k in tm})
        },
        "failures": {c: failures[c] for c in CATEGORIES if failures[c]},
        "tasks": rows,
    }
