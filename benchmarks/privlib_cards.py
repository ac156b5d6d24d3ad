"""What the Python prompt shows of the API each private-library task needs, with no model: for each
task of a split, the documented names its reference solution uses (functions, methods, fields,
enum members) and which of them the prompt the answer stage builds never names.

    python benchmarks/privlib_cards.py INDEX TASKS.jsonl SPLIT [--show]

INDEX: an index of benchmarks/privlib/src/seedloft (``--indexer python``); run from the
repository root with DOCPROMPT_HOME set as for ``docprompt eval tasks``. Prints the share of
tasks whose every name is shown ("covered"), the share of names shown, and with ``--show`` each
task's missing names. A task the prompt does not cover asks the model for a name it was never
shown: the answer stage's checks can at best send it back to repair.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

SRC = "benchmarks/privlib/src"


def used_names(code: str, api, given: set[str]) -> set[str]:
    """The documented short names the code uses (``sift``, ``Keeping``, ``DEEP``), its own
    variables and the notebook's left out."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
        if isinstance(node, ast.keyword) and node.arg:
            name = node.arg
        if name and name not in given and name != "seedloft" and api.named(name):
            names.add(name)
    return names


def main(index_name: str, tasks_file: str, split: str, show: bool) -> None:
    from docprompt.answer_stage import Stage
    from docprompt.cli.train import open_index_arg
    from docprompt.eval.answerers import python_path, setup_namespace
    from docprompt.eval.tasks import load_tasks, select
    from docprompt.pipeline import DocPrompt

    dp = DocPrompt(open_index_arg(index_name), language="python")
    api = dp.verifier("python").symbols
    covered, shown, total = 0, 0, 0
    tasks = select(load_tasks(Path(tasks_file)), split)
    with python_path(SRC):
        for t in tasks:
            context, namespace = setup_namespace(t, SRC) if t.setup else ("", {})
            stage = Stage(dp, t.request, "python", verify=False, repair=False, temperature=0.0, seed=0,
                          samples=1, on_token=None, namespace=namespace)  # fmt: skip
            messages, prefix, _ = stage.prompt(context, True, None)
            text = "\n".join(m["content"] for m in messages) + prefix
            names = used_names(t.solution, api, set(namespace) | set(t.variables))
            missing = sorted(n for n in names if not re.search(rf"(?<![\w]){re.escape(n)}(?![\w])", text))
            covered += not missing
            shown += len(names) - len(missing)
            total += len(names)
            if show and missing:
                print(f"{t.id} [{t.difficulty}] missing {', '.join(missing)}")
    n = len(tasks)
    print(f"{tasks_file} {split}: {n} tasks, covered {100 * covered / max(n, 1):.1f} % "
          f"({covered}), names shown {100 * shown / max(total, 1):.1f} % ({shown}/{total})")  # fmt: skip


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--show"]
    if len(args) != 3:
        sys.exit(__doc__)
    main(*args, show="--show" in sys.argv)
