from __future__ import annotations

import json

from click.testing import CliRunner

import docprompt.eval.generate as eg
from docprompt.cli import main
from docprompt.eval.datasets import Row
from docprompt.eval.retrieval import Sources
from tests.helpers import Scripted
from tests.test_pipeline import man_index  # noqa: F401  (fixture)

ROWS = [
    Row(nl="extract the archive {{a}}", cmd="tar -x -f {{a.tar}}", cmd_name="tar"),
    Row(nl="extract a gzipped archive", cmd="tar -xzf {{a.tgz}}", cmd_name="tar"),
    Row(nl="create an archive", cmd="tar -c -f {{b.tar}} {{dir}}", cmd_name="tar"),
]


def test_sampling_is_seeded():
    rows = [Row(nl=str(i), cmd_name="x") for i in range(50)]
    assert eg.sample_rows(rows, 5, 1) == eg.sample_rows(rows, 5, 1)
    assert eg.sample_rows(rows, 5, 1) != eg.sample_rows(rows, 5, 2)
    assert eg.sample_rows(rows, None, 0) == rows and eg.sample_rows(rows, 99, 0) == rows


def test_bash_metrics_and_hallucinated_flags_before_and_after_repair(man_index, monkeypatch):  # noqa: F811
    monkeypatch.setattr(eg, "pool_index", lambda *a, **k: man_index)
    gen = Scripted(
        "```bash\ntar -x -f {{a.tar}}\n```",  # exact
        "```bash\ntar --unpack -zf x.tgz\n```",  # hallucinated flag ...
        "```bash\ntar -xzf x.tgz\n```",  # ... repaired by the model
        "```bash\ntar --make x\n```",  # hallucinated, and the repairs are no better
        "```bash\ntar --make --bad x\n```",
    )
    settings = eg.GenerateSettings(sample=None, verify=True)
    out = eg.run("tldr", ROWS, Sources(manpages="MANPATH"), settings, generator=gen)  # pool patched above
    assert out["rows"] == 3 and out["backend"] == "fake" and out["repaired"] == 1
    assert set(out["metrics"]) == {"cmd_acc", "exact_match", "token_f1", "char_bleu"}
    # the second is exact too: its made-up x.tgz is a placeholder, as the reference's
    assert out["metrics"]["cmd_acc"] == 100.0 and 66 < out["metrics"]["exact_match"] < 67
    assert out["hallucinated_flags"] == {"before_repair": 2, "after_repair": 1, "flags_used": 6}
    second = out["predictions"][1]
    assert second["first_prediction"] == "tar --unpack -zf x.tgz"
    assert second["prediction"] == "tar -xzf {{x.tgz}}"
    assert second["repaired"] and out["predictions"][2]["issues"]


def test_the_rows_whose_command_has_a_page_are_scored_apart(man_index, monkeypatch):  # noqa: F811
    monkeypatch.setattr(eg, "pool_index", lambda *a, **k: man_index)
    rows = [ROWS[0], Row(nl="greet the world", cmd="cowsay {{hello}}", cmd_name="cowsay")]
    gen = Scripted("```bash\ntar -x -f {{a.tar}}\n```", "```bash\necho hello\n```")
    out = eg.run("tldr", rows, Sources(manpages="MANPATH"), eg.GenerateSettings(verify=False), generator=gen)
    assert out["metrics"]["cmd_acc"] == 50.0  # cowsay has no page in the pool
    assert out["with_page"]["rows"] == 1 and out["with_page"]["metrics"]["cmd_acc"] == 100.0


def test_python_rows_score_bleu(man_index, monkeypatch):  # noqa: F811
    monkeypatch.setattr(eg, "pool_index", lambda *a, **k: man_index)
    rows = [Row(nl="sum a list", cmd="sum(lst)", oracle=["python.library.functions#sum"])]
    gen = Scripted("```python\nsum(lst)\n```")
    pool = Sources(devdocs="patched")  # the pool is patched above; the source is named, not read
    out = eg.run("docs", rows, pool, eg.GenerateSettings(verify=False, docs="none"), generator=gen)
    assert out["metrics"] == {"bleu": 100.0} and "hallucinated_flags" not in out
    assert "(none found)" in gen.prompts[0][-1]["content"]


def test_cli_eval_generate_json(man_index, monkeypatch, tmp_path):  # noqa: F811
    import docprompt.generate as generate

    monkeypatch.setattr(eg, "pool_index", lambda *a, **k: man_index)
    gen = Scripted(*["```bash\ntar -xzf {{a.tgz}}\n```"] * 3)
    monkeypatch.setattr(generate, "get_generator", lambda backend=None, model=None, **kw: gen)
    data = tmp_path / "d.jsonl"
    data.write_text("\n".join(json.dumps({"nl": r.nl, "cmd": r.cmd, "cmd_name": r.cmd_name}) for r in ROWS))
    pool = ["--manpages", "MANPATH"]  # patched above; named because a dataset alone has no pool beside it
    result = CliRunner().invoke(
        main, ["eval", "generate", "--dataset", str(data), "--sample", "2", "--json", *pool]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["rows"] == 2 and out["of"] == 3 and out["metrics"]["cmd_acc"] == 100.0
    table = CliRunner().invoke(main, ["eval", "generate", "--dataset", str(data), "--sample", "1", *pool])
    assert table.exit_code == 0 and "cmd_acc" in table.output and "hallucinated flags" in table.output


def test_a_subcommand_page_counts_as_its_command():
    stage = {"draft": "gh ext ls", "candidates": ["dpkg", "gh-extension"], "runs": ["dpkg", "gh"],
             "chosen": "gh-extension"}  # fmt: skip
    assert eg.command_hits("gh", stage) == {"candidates": True, "draft": True, "chosen": True}
    assert eg.command_hits("dpkg", stage) == {"candidates": True, "draft": False, "chosen": False}
    assert eg.command_hits("apt", {"candidates": ["apt-get"]})["candidates"] is False
