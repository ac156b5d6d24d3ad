"""DocPrompt over several indexes: hits from each, fused by rank; verified against all."""

from __future__ import annotations

import pytest

from docprompt.config import BuildSettings
from docprompt.errors import BadInput, DocpromptError
from docprompt.models import Document
from docprompt.multi import MultiIndex
from docprompt.pipeline import DocPrompt
from docprompt.store.build import build_index
from docprompt.store.registry import open_index, path_of
from tests.helpers import Scripted

# Made-up commands, so neither this machine's man pages nor its PATH can vouch for them.
FROB = [
    ("frobz - frobnicate widgets", []),
    ("-x, --extract\n    Extract the widgets from a frob archive.", ["-x", "--extract"]),
    ("-v, --verbose\n    Say what is frobnicated.", ["-v", "--verbose"]),
]
BLAT = [
    ("blatq - compress widget files", []),
    ("-k, --keep\n    Keep the input widget files after compressing.", ["-k", "--keep"]),
    ("-9, --best\n    Compress the widgets as small as possible.", ["-9", "--best"]),
]


def _build(name: str, command: str, paras) -> None:
    docs = [
        Document(id=f"{command}.1#{i}", text=text, kind="doc", language="bash", title=f"{command}(1)",
                 metadata={"command": command, "section": "1", "page": f"{command}.1", "flags": flags})
        for i, (text, flags) in enumerate(paras)
    ]  # fmt: skip
    build_index(path_of(name), docs, name=name, indexer="manpages", roots=[], skipped={},
                settings=BuildSettings(embedder="hash:64"))  # fmt: skip


@pytest.fixture
def two(home):
    _build("frob", "frobz", FROB)
    _build("blat", "blatq", BLAT)


def test_hits_come_from_every_index_fused_by_rank_and_say_which(two):
    dp = DocPrompt.load(["frob", "blat"], generator=Scripted())
    assert isinstance(dp.index, MultiIndex) and dp.index.name == "frob+blat" and dp.language == "bash"
    hits = dp.retriever.retrieve("compress widget files and keep them", k=6)
    assert {h.chunk.metadata["index"] for h in hits} == {"frob", "blat"}
    assert hits[0].chunk.metadata["index"] == "blat"  # the best of blat's list ranks first
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(dp.retriever.retrieve("widgets", k=2)) == 2


def test_code_is_verified_against_the_union_of_the_indexes(two):
    reply = "```bash\nfrobz -xv a.frob && blatq -k -9 widgets\n```"
    answer = DocPrompt.load(["frob", "blat"], generator=Scripted(reply)).ask("extract and compress")
    report = answer.verification
    assert report.verified, report.summary()
    assert {"frobz -x", "frobz -v", "blatq -k", "blatq -9"} <= set(report.checked)
    alone = DocPrompt.load("frob", generator=Scripted(reply)).ask("extract and compress", repair=False)
    assert not alone.verification.verified  # blat's flags are unknown to frob alone

    wrong = DocPrompt.load(["frob", "blat"], generator=Scripted("```bash\nblatq --fast w\n```"))
    answer = wrong.ask("compress", repair=False)
    assert not answer.verification.ok and "--fast" in answer.verification.summary()


def test_the_union_store_round_trips_rows(two):
    ix = MultiIndex([open_index("frob"), open_index("blat")])
    found = ix.store.chunks(kind="doc")
    assert len(found) == len(FROB) + len(BLAT) == ix.chunks
    rows = [r for r, _ in found]
    assert len(set(rows)) == len(rows)
    assert [c.id for c in ix.store.get(rows[::-1])] == [c.id for _, c in found][::-1]
    assert ix.store.has(command="blatq") and not ix.store.has(command="nope")
    assert {row for (row,) in ix.store.values("row")} == set(rows)
    assert [c.id for _, c in ix.store.under("command", "bla")] == [f"blatq.1#{i}#0" for i in range(3)]


def test_bad_index_lists_are_one_line_errors(two):
    with pytest.raises(BadInput, match="name an index, or a list"):
        DocPrompt.load([])
    with pytest.raises(DocpromptError, match="nope") as e:
        DocPrompt.load(["frob", "nope"])
    assert "\n" not in str(e.value)
    assert DocPrompt.load(["frob", "frob"]).index.name == "frob"  # the same one twice is one


def _scripted(monkeypatch, reply: str) -> None:
    import docprompt.generate as generate

    monkeypatch.setattr(generate, "get_generator", lambda backend=None, model=None, **kw: Scripted(reply))


def test_ask_and_dp_take_several_indexes_on_the_command_line(two, monkeypatch):
    import json

    from click.testing import CliRunner

    from docprompt.cli import main
    from docprompt.cli.dp import cmd

    reply = "```bash\nfrobz -x a.frob && blatq -k widgets\n```"
    _scripted(monkeypatch, reply)
    out = CliRunner().invoke(main, ["ask", "frob, blat", "extract and compress", "--json"])
    assert out.exit_code == 0, out.output
    answer = json.loads(out.output)
    assert answer["verification"]["verified"] and {h["index"] for h in answer["hits"]} == {"frob", "blat"}

    _scripted(monkeypatch, reply)
    shown = CliRunner().invoke(cmd, ["--index", "frob,blat", "extract", "and", "compress"], input="\n")
    assert shown.exit_code == 0, shown.output
    assert "docs (frob,blat):" in shown.output and "✓" in shown.output
    page = CliRunner().invoke(cmd, ["--index", "frob,blat", "--explain", "blatq -k w"])
    assert page.exit_code == 0 and "Keep the input widget files" in page.output, page.output

    missing = CliRunner().invoke(cmd, ["--index", "frob,nope", "extract"])
    assert missing.exit_code == 2 and "no index named 'nope'" in missing.output
    empty = CliRunner().invoke(main, ["ask", " , ", "extract"])
    assert empty.exit_code == 2 and "no index name in" in empty.output
