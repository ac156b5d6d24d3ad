"""Who answers the tasks of ``docprompt eval tasks``: the tasks' own solutions (the self-check),
or the public pipeline, told about a task's setup as the Jupyter magic tells it about a notebook."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .tasks import Task, _prepend


def python_path(src_dir: str | Path) -> contextlib.AbstractContextManager:
    """``src_dir`` first on ``PYTHONPATH`` (for the verifier's import subprocess) while inside."""
    from unittest import mock

    path = _prepend(Path(src_dir).resolve(), os.environ.get("PYTHONPATH"))
    return mock.patch.dict(os.environ, {"PYTHONPATH": path})


def reference_answerer(task: Task) -> tuple[str, float]:
    """The task's own solution, in no time: the self-check that every task can be solved."""
    return task.solution, 0.0


def pipeline_answerer(
    index, generator, *, docs: bool = True, verify: bool = True, max_tokens: int = 256,
    src_dir: str | Path | None = None, stages: dict | None = None,
) -> Callable[[Task], tuple[str, float, dict[str, float]]]:  # fmt: skip
    """Answers through the public pipeline: ``DocPrompt(...).ask(request).code``, timed. A task's
    setup is a notebook's earlier cells: its variables are described to the model and their
    classes given to the verifier, as the Jupyter magic does (not timed)."""
    from ..pipeline import DocPrompt

    dp = DocPrompt(index, generator=generator, language="python", max_tokens=max_tokens, **(stages or {}))

    def answer(task: Task) -> tuple[str, float, dict[str, float]]:
        context, namespace = setup_namespace(task, src_dir) if task.setup and src_dir else ("", {})
        t = time.perf_counter()
        got = dp.ask(task.request, docs=docs, verify=verify, repair=verify, context=context,
                     namespace=namespace)  # fmt: skip
        return got.code, time.perf_counter() - t, dict(got.timings or {})

    return answer


_DESCRIBE = r"""
import json, os, sys
from docprompt.notebook import describe_variables, namespace_of
spec = json.load(open(sys.argv[1]))
ns = {}
exec(compile(spec["setup"], "<setup>", "exec"), ns)
ns.pop("__builtins__", None)
print(json.dumps([describe_variables(ns, request=spec["request"]), namespace_of(ns)]))
"""


def setup_namespace(task: Task, src_dir: str | Path, timeout: float = 20) -> tuple[str, dict[str, str]]:
    """What a task's setup leaves behind, as the magic would tell the model and the verifier:
    (the variables described, {name: module or class})."""
    src = Path(src_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="dp-setup-") as tmp:
        for name, content in task.files.items():
            target = Path(tmp, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        spec = Path(tmp, ".spec.json")
        spec.write_text(json.dumps({"setup": task.setup, "request": task.request}), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": _prepend(src, os.environ.get("PYTHONPATH"))}
        try:
            proc = subprocess.run([sys.executable, "-c", _DESCRIBE, str(spec)], cwd=tmp, env=env,
                                  capture_output=True, text=True, timeout=timeout)  # fmt: skip
            context, namespace = json.loads(proc.stdout.strip().splitlines()[-1])
        except (OSError, subprocess.SubprocessError, ValueError, IndexError):
            return "", {}
    return str(context), dict(namespace)
