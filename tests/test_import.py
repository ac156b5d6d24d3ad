"""`import docprompt` and `docprompt --help` stay fast and load no torch."""

import subprocess
import sys

HEAVY = ("torch", "transformers", "sentence_transformers", "faiss", "bm25s", "onnxruntime")

PROBE = """
import sys, time
t = time.perf_counter()
import {module}
dt = time.perf_counter() - t
print(dt, ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def _probe(module: str) -> tuple[float, list[str]]:
    best, loaded = 99.0, []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(module=module, heavy=HEAVY)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        best = min(best, float(out[0]))
        loaded = out[1].split(",") if len(out) > 1 else []
    return best, loaded


def test_import_docprompt_is_light_and_fast():
    seconds, loaded = _probe("docprompt")
    assert loaded == []
    assert seconds < 0.2, f"import docprompt took {seconds:.3f}s"


def test_cli_help_loads_nothing_heavy():
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom docprompt.cli import main\n"
        "r = CliRunner().invoke(main, ['--help'])\nassert r.exit_code == 0, r.output\n"
        "for g in ('index', 'search'):\n    assert CliRunner().invoke(main, [g, '--help']).exit_code == 0\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_names_resolve():
    import docprompt

    for name in docprompt.__all__:
        assert getattr(docprompt, name) is not None
