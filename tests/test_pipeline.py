from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from docprompt.cli import main
from docprompt.config import BuildSettings
from docprompt.errors import BadInput
from docprompt.models import Document
from docprompt.pipeline import DocPrompt
from docprompt.store.build import build_index
from docprompt.store.registry import open_index, path_of
from tests.helpers import Scripted

TAR_PARAS = [
    ("tar - an archiving utility", "NAME", []),
    ("-x, --extract, --get\n    Extract files from an archive.", "OPTIONS", ["-x", "--extract", "--get"]),
    ("-z, --gzip, --gunzip\n    Filter the archive through gzip.", "OPTIONS", ["-z", "--gzip", "--gunzip"]),
    ("-f, --file=ARCHIVE\n    Use archive file ARCHIVE.", "OPTIONS", ["-f", "--file"]),
    (
        "-C, --directory=DIR\n    Change to DIR before performing any operations.",
        "OPTIONS",
        ["-C", "--directory"],
    ),
]


@pytest.fixture
def man_index():
    docs = [
        Document(
            id=f"tar.1#{i}",
            text=text,
            kind="doc",
            language="bash",
            title="tar(1)",
            metadata={"command": "tar", "section": "1", "heading": heading, "flags": flags},
        )  # fmt: skip
        for i, (text, heading, flags) in enumerate(TAR_PARAS)
    ]
    docs.append(
        Document(
            id="tldr/tar#1",
            text="Extract a gzipped archive:\ntar xzf {{archive.tar.gz}}",
            kind="example",
            language="bash",
            title="tar",
            metadata={"command": "tar"},
        )  # fmt: skip
    )
    build_index(path_of("man"), docs, name="man", indexer="manpages", roots=[], skipped={},
                settings=BuildSettings(embedder="hash:64"))  # fmt: skip
    return open_index("man")


def test_answer_is_parsed_verified_and_cites_the_flag_lines(man_index):
    gen = Scripted("Sure!\n```bash\ntar -xzf archive.tar.gz -C /tmp\n```\nI used [2] and [3].")
    dp = DocPrompt(man_index, generator=gen)
    assert dp.language == "bash"
    answer = dp.ask("extract the gzipped archive archive.tar.gz into /tmp")
    assert answer.code == "tar -xzf archive.tar.gz -C /tmp"
    assert answer.verification.ok and not answer.repaired
    assert answer.evidence["tar -x"].startswith("-x, --extract, --get")
    cited = {h.chunk.id for h in answer.cited}  # computed from the flags the command uses
    used = {"-x", "-z", "-f", "-C"}
    assert cited == {h.chunk.id for h in answer.hits if used & set(h.chunk.metadata.get("flags", []))}
    assert set(answer.timings) >= {"retrieve_s", "generate_s", "verify_s", "total_s"}
    user = gen.prompts[0][-1]["content"]
    assert "tar xzf {{archive.tar.gz}}" in user and "extract the gzipped archive archive.tar.gz" in user
    assert "[1]" not in user  # no numbered citations are asked for


def test_a_misspelt_long_flag_is_fixed_from_the_docs_without_the_model(man_index):
    gen = Scripted("```bash\ntar --extrakt -zf a.tgz\n```")
    answer = DocPrompt(man_index, generator=gen).ask("extract the gzipped archive a.tgz")
    assert answer.repaired and answer.code == "tar --extract -zf a.tgz" and answer.verification.ok
    assert answer.first_code == "tar --extrakt -zf a.tgz" and not answer.first_verification.ok
    assert gen.calls == 1


def test_an_unknown_flag_gets_one_repair_round_with_the_right_paragraph(man_index):
    gen = Scripted("```bash\ntar --unpack -zf a.tgz\n```", "```bash\ntar --extract -zf a.tgz\n```")
    answer = DocPrompt(man_index, generator=gen, repair_rounds=1).ask("extract the gzipped archive a.tgz")
    assert answer.repaired and answer.code == "tar --extract -zf a.tgz" and answer.verification.ok
    assert answer.first_code == "tar --unpack -zf a.tgz" and not answer.first_verification.ok
    repair = gen.prompts[1][-1]["content"]
    assert "no option --unpack" in repair
    assert gen.prompts[1][-2] == {"role": "assistant", "content": "```bash\ntar --unpack -zf a.tgz\n```"}


def test_a_repair_that_writes_the_same_code_back_is_sampled_once_more(man_index):
    gen = Scripted("```bash\ntar --unpack -zf a.tgz\n```", "```bash\ntar --unpack -zf a.tgz\n```",
                   "```bash\ntar --extract -zf a.tgz\n```")  # fmt: skip
    answer = DocPrompt(man_index, generator=gen, repair_rounds=2).ask("extract the gzipped archive a.tgz")
    assert answer.repaired and answer.code == "tar --extract -zf a.tgz" and gen.calls == 3
    assert [o["temperature"] for o in gen.options[1:]] == [0.0, 0.7]


def test_a_worse_repair_is_not_taken(man_index):
    gen = Scripted("```bash\ntar --unpack a\n```", "```bash\ntar --bad1 --bad2 a\n```")
    answer = DocPrompt(man_index, generator=gen).ask("extract a.tar")
    assert not answer.repaired and answer.code == "tar --unpack a"


def test_no_verify_and_no_docs(man_index):
    gen = Scripted("```bash\ntar --extrakt a\n```")
    answer = DocPrompt(man_index, generator=gen).ask("extract", verify=False, docs=False)
    assert answer.verification is None and answer.hits == [] and len(gen.prompts) == 1
    assert "(none found)" in gen.prompts[0][-1]["content"]


def test_streaming_hands_out_every_piece(man_index):
    pieces: list[str] = []
    gen = Scripted("```bash\ntar -xf a.tar\n```")
    answer = DocPrompt(man_index, generator=gen).ask("extract a.tar", on_token=pieces.append)
    assert "".join(pieces).strip() == answer.reply.strip() and answer.code == "tar -xf a.tar"


def test_bad_requests(man_index):
    dp = DocPrompt(man_index, generator=Scripted("x"))
    with pytest.raises(BadInput, match="empty"):
        dp.ask("   ")
    with pytest.raises(BadInput, match="unknown language"):
        dp.ask("extract", language="cobol")


def test_cli_ask_json_and_errors(man_index, monkeypatch):
    import docprompt.generate as generate

    gen = Scripted("```bash\ntar -xzf a.tgz\n```")
    monkeypatch.setattr(generate, "get_generator", lambda backend=None, model=None, **kw: gen)
    result = CliRunner().invoke(main, ["ask", "man", "extract the gzipped archive a.tgz", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["code"] == "tar -xzf a.tgz" and out["verification"]["ok"] is True
    missing = CliRunner().invoke(main, ["ask", "nope", "x"])
    assert missing.exit_code == 2 and "nope" in missing.output
    empty = CliRunner().invoke(main, ["ask", "man", " "])
    assert empty.exit_code == 2 and "empty" in empty.output


def test_cli_ask_streams_then_lists_the_evidence(man_index, monkeypatch):
    import docprompt.generate as generate

    gen = Scripted("```bash\ntar -xzf a.tgz -C /tmp\n```")
    monkeypatch.setattr(generate, "get_generator", lambda backend=None, model=None, **kw: gen)
    result = CliRunner().invoke(main, ["ask", "man", "extract a gzipped archive into /tmp"])
    assert result.exit_code == 0, result.output
    assert "✓ verified against the docs" in result.output
    assert "tar -C: -C, --directory=DIR" in result.output
    docs = next(line for line in result.output.splitlines() if line.startswith("docs:"))
    titles = docs.removeprefix("docs: ").split(", ")
    assert titles and len(titles) == len(set(titles)), docs  # a page and its card: one title


def test_cli_ask_warns_about_a_risky_answer_and_json_has_the_risk(man_index, monkeypatch):
    import docprompt.generate as generate

    gen = Scripted("```bash\ntar -xzf a.tgz -C / && rm -rf ~\n```", "```bash\ntar -xzf a.tgz -C /tmp\n```")
    monkeypatch.setattr(generate, "get_generator", lambda backend=None, model=None, **kw: gen)
    shown = CliRunner().invoke(main, ["ask", "man", "extract a.tgz and clean up", "--no-repair"])
    assert shown.exit_code == 0, shown.output
    assert "⚠ DANGER: rm -r on your home directory" in shown.output
    safe = json.loads(CliRunner().invoke(main, ["ask", "man", "extract a.tgz", "--json"]).output)
    assert safe["risk"] == {"level": "safe", "reasons": []}
    gen = Scripted("```bash\nrm -r build\n```")
    risky = json.loads(CliRunner().invoke(main, ["ask", "man", "clean up", "--json"]).output)
    assert risky["risk"] == {"level": "caution", "reasons": ["deletes recursively"]}


def test_given_hits_are_used_and_the_prompt_is_shown_before_generating(man_index):
    dp = DocPrompt(man_index, generator=Scripted("```bash\ntar -xf a.tar\n```"))
    hits = dp.retrieve("extract an archive")[:1]
    seen: list = []
    answer = dp.ask("something else entirely", hits=hits, on_prompt=seen.append)
    assert [h.chunk.id for h in answer.hits] == [hits[0].chunk.id]
    assert len(seen) == 1 and seen[0] == gen_prompt(dp)  # the messages, before they went to the model
    assert (
        "something else entirely" in seen[0][-1]["content"] and hits[0].chunk.text in seen[0][-1]["content"]
    )


def gen_prompt(dp: DocPrompt) -> list:
    return dp.generator.prompts[0]


def test_cli_ask_show_prompt(man_index, monkeypatch):
    import docprompt.generate as generate

    gen = Scripted("```bash\ntar -xf a.tar\n```")
    monkeypatch.setattr(generate, "get_generator", lambda backend=None, model=None, **kw: gen)
    result = CliRunner().invoke(main, ["ask", "man", "extract an archive", "--show-prompt"])
    assert result.exit_code == 0, result.output
    assert "Documents:" in result.output and "<system>" in result.output and len(gen.prompts) == 1
