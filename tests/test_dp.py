"""The ``dp`` bash helper: CliRunner tests with a scripted generator, and real-terminal tests
(pexpect) of ``python -m docprompt.cli.dp`` against a fake Ollama server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from docprompt import cmdref
from docprompt.cli import dp as dp_cli
from docprompt.cli.dp import MENU, cmd
from docprompt.cli.shell_init import parse_key, script, shell_init
from docprompt.config import BuildSettings
from docprompt.manpage import Paragraph
from docprompt.models import Document
from docprompt.store.build import build_index
from docprompt.store.registry import path_of
from tests.helpers import Scripted
from tests.test_indexer_manpages import needs_man

PAGES = {
    "tar": [
        ("tar - an archiving utility", "NAME", []),
        ("Tar saves many files together into a single tape or disk archive.", "DESCRIPTION", []),
        ("-c, --create\n    Create a new archive.", "OPTIONS", ["-c", "--create"]),
        ("-x, --extract, --get\n    Extract files from an archive.", "OPTIONS", ["-x", "--extract", "--get"]),
        ("-z, --gzip, --gunzip\n    Filter the archive through gzip.", "OPTIONS", ["-z", "--gzip"]),
        ("-f, --file=ARCHIVE\n    Use archive file ARCHIVE.", "OPTIONS", ["-f", "--file"]),
        ("-C, --directory=DIR\n    Change to DIR before doing anything.", "OPTIONS", ["-C", "--directory"]),
    ],
    "find": [
        ("find - search for files in a directory hierarchy", "NAME", []),
        ("-size n[cwbkMG]\n    File uses n units of space, rounding up.", "TESTS", ["-size"]),
        ("-mtime n\n    File's data was last modified n*24 hours ago.", "TESTS", ["-mtime"]),
        ("•\n  Find files named core in /tmp. Then more.\n\n      $ find /tmp -name core", "EXAMPLES", []),
    ],
    "touch": [
        ("touch - change file timestamps", "NAME", []),
        ("-m     change only the modification time", "OPTIONS", ["-m"]),
    ],
    "shred": [
        ("shred - overwrite a file to hide its contents, and optionally delete it", "NAME", []),
        ("-u     deallocate and remove file after overwriting", "OPTIONS", ["-u"]),
    ],
}  # fmt: skip
EXAMPLE = ("Extract a gzipped archive:\ntar xzf {{archive.tar.gz}}", ["-x", "-z", "-f"])


def build_tiny_index(name: str = "man", **settings) -> None:
    docs = [
        Document(
            id=f"man/{command}.1/{i:03d}",
            text=text,
            kind="doc",
            language="bash",
            title=f"{command}(1) — {flags[-1]}" if flags else f"{command}(1) {heading}",
            metadata={
                "command": command,
                "section": "1",
                "page": f"{command}.1",
                "heading": heading,
                "flags": flags,
            },
        )  # fmt: skip
        for command, paras in PAGES.items()
        for i, (text, heading, flags) in enumerate(paras)
    ]
    docs.append(
        Document(id="tldr/common/tar#ex1", text=EXAMPLE[0], kind="example", language="bash", title="tar",
                 metadata={"command": "tar", "platform": "common", "page": "tldr/common/tar",
                           "flags": EXAMPLE[1]})
    )  # fmt: skip
    build_index(path_of(name), docs, name=name, indexer="manpages", roots=[], skipped={},
                settings=BuildSettings(embedder="hash:64", **settings))  # fmt: skip


@pytest.fixture
def man_index():
    build_tiny_index("man")
    return "man"


@pytest.fixture
def reply(monkeypatch):
    """Make the model answer with ``reply(text)``; returns the generator."""
    import docprompt.generate as generate

    def set_reply(*texts: str) -> Scripted:
        gen = Scripted(*texts)
        monkeypatch.setattr(generate, "get_generator", lambda backend=None, model=None, **kw: gen)
        return gen

    return set_reply


def fenced(command: str) -> str:
    return f"Here you go:\n```bash\n{command}\n```"


def dp(*args: str, input: str | None = None):
    return CliRunner().invoke(cmd, list(args), input=input)


# -- the menu ---------------------------------------------------------------------------------------


def test_enter_quits_and_nothing_runs(man_index, reply, tmp_path):
    marker = tmp_path / "marker"
    reply(fenced(f"touch -m {marker}"))
    result = dp("make", "a", "file", input="\n")
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    out = result.output
    assert out.index("docs (man):") < out.index("Here you go")  # the docs come before the model's reply
    assert "touch(1)" in out and MENU in out
    assert f"touch -m {marker}" in out
    assert "touch: change file timestamps" in out  # the one-line explanation
    assert "touch -m" in out and "change only the modification time" in out  # the flag's man line
    assert "✓ every command and flag is in the docs" in out


def test_every_flag_gets_its_man_line_old_style_bundles_too(man_index, reply):
    reply(fenced("tar xzf a.tgz -C /tmp"))
    out = dp("extract a.tgz into /tmp", input="\n").output
    for line in (
        "tar -x  -x, --extract, --get  Extract files from an archive.",
        "tar -z  -z, --gzip, --gunzip  Filter the archive through gzip.",
        "tar -f  -f, --file=ARCHIVE  Use archive file ARCHIVE.",
        "tar -C  -C, --directory=DIR  Change to DIR before doing anything.",
    ):
        assert f"  {line}" in out, out


@pytest.mark.parametrize("keys", ["q\n", "quit\n", "Q\n", "zz\n\n"])
def test_quit_and_unknown_keys_run_nothing(man_index, reply, tmp_path, keys):
    marker = tmp_path / "marker"
    reply(fenced(f"touch -m {marker}"))
    result = dp("make a file", input=keys)
    assert result.exit_code == 0 and not marker.exists(), result.output
    if keys.startswith("zz"):
        assert "choose r, e, c, x or q" in result.output


def test_end_of_input_quits(man_index, reply, tmp_path):
    marker = tmp_path / "marker"
    reply(fenced(f"touch -m {marker}"))
    result = dp("make a file", input="")
    assert result.exit_code == 0 and not marker.exists()


def test_r_runs_it_with_bash(man_index, reply, tmp_path):
    marker = tmp_path / "marker"
    reply(fenced(f"touch -m {marker} && exit 3"))
    result = dp(f"make the file {marker}, then exit with status 3", input="r\n")
    assert marker.exists(), result.output
    assert result.exit_code == 3  # dp exits with the command's status


def test_each_placeholder_is_asked_for_and_none_is_ever_run(man_index, reply, tmp_path):
    """A value the answer made up is a placeholder (the request names no file); `r` asks for
    each, as navi does, and runs nothing while one has no value."""
    marker = tmp_path / "my marker"
    reply(fenced("touch -m notes.txt"))
    result = dp("make a file", input=f"r\n{marker}\n")
    assert "touch -m {{notes.txt}}" in result.output and "{{notes.txt}} = " in result.output
    assert marker.exists() and result.exit_code == 0, result.output  # quoted: a space in it
    reply(fenced("touch -m notes.txt"))
    unanswered = dp("make a file", input="r\n\n\n")
    assert "not run: each {{placeholder}} needs a value" in unanswered.output
    assert not (tmp_path / "notes.txt").exists() and unanswered.exit_code == 0


def test_a_dangerous_command_is_run_only_when_typed_back(man_index, reply, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("secret")
    command = f"shred -u {victim}"
    reply(fenced(command))
    result = dp(f"destroy the file {victim}", input="r\nshred -u victim.txt\n\n")
    assert victim.exists(), result.output
    assert "DANGER: shred overwrites files" in result.output
    assert "not run: what you typed is not the command" in result.output
    reply(fenced(command))
    empty = dp(f"destroy the file {victim}", input="r\n\n\n")  # Enter at the type-back prompt cancels
    assert victim.exists() and "not run" in empty.output
    reply(fenced(command))
    typed = dp(f"destroy the file {victim}", input=f"r\n{command}\n")
    assert typed.exit_code == 0 and not victim.exists(), typed.output


def test_edit_reverifies_and_reassesses(man_index, reply, tmp_path):
    marker = tmp_path / "marker"
    reply(fenced(f"touch -m {marker}"))
    result = dp("make a file", input=f"e\ntouch --bogus {marker}\n\n")
    assert result.exit_code == 0 and not marker.exists()
    assert "`touch` has no option --bogus" in result.output
    reply(fenced(f"touch -m {marker}"))
    risky = dp("make a file", input="e\nrm -rf ~\n\n")
    assert "DANGER: rm -r on your home directory" in risky.output


def test_edit_then_run_runs_the_edited_command(man_index, reply, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    reply(fenced(f"touch -m {first}"))
    result = dp("make a file", input=f"e\ntouch -m {second}\nr\n")
    assert second.exists() and not first.exists(), result.output


def test_copy_prints_the_command_without_a_clipboard(man_index, reply, tmp_path, monkeypatch):
    for var in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    marker = tmp_path / "marker"
    reply(fenced(f"touch -m {marker}"))
    result = dp(f"make the file {marker}", input="c\n")
    assert result.exit_code == 0 and not marker.exists()
    assert result.output.rstrip().endswith(f"touch -m {marker}")


def test_copy_uses_the_clipboard_through_pyperclip(man_index, reply, monkeypatch):
    pyperclip = pytest.importorskip("pyperclip")
    got: list = []
    monkeypatch.setattr(pyperclip, "copy", got.append)
    reply(fenced("tar -xzf a.tgz"))
    result = dp("extract a.tgz", input="c\n")
    assert got == ["tar -xzf a.tgz"] and "copied to the clipboard" in result.output


def test_copy_without_a_clipboard_prints_the_command(man_index, reply, monkeypatch):
    pyperclip = pytest.importorskip("pyperclip")

    def no_clipboard(text):
        raise pyperclip.PyperclipException("no clipboard mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    reply(fenced("tar -xzf a.tgz"))
    result = dp("extract a.tgz", input="c\n")
    assert result.exit_code == 0 and result.output.rstrip().endswith("tar -xzf a.tgz")


def test_explain_shows_the_whole_paragraphs(man_index, reply):
    reply(fenced("tar -xzf a.tgz -C /tmp"))
    result = dp("extract a.tgz into /tmp", input="x\n\n")
    assert result.exit_code == 0
    after = result.output.split("e[x]plain", 1)[1]
    assert "── tar(1) -C" in after and "Change to DIR before doing anything." in after
    assert after.count(MENU) == 1  # back to the menu after explaining


def test_a_repaired_answer_says_so(man_index, reply):
    gen = reply(fenced("tar --unpack -f a.tar"), fenced("tar --extract -f a.tar"))
    result = dp("extract a.tar", input="\n")
    assert gen.calls == 2 and "[repairing: `tar` has no option --unpack" in result.output
    assert "the first try, `tar --unpack -f a.tar`, failed the check" in result.output
    assert "\ntar --extract -f a.tar\n" in result.output


def test_a_misspelt_flag_is_fixed_from_the_docs(man_index, reply):
    gen = reply(fenced("tar --extrakt -f a.tar"))
    result = dp("extract a.tar", input="\n")
    assert gen.calls == 1 and "the first try, `tar --extrakt -f a.tar`, failed the check" in result.output
    assert "\ntar --extract -f a.tar\n" in result.output


def test_no_command_from_the_model(man_index, reply):
    reply("I am not sure what you mean.", "Could you say more?")  # asked twice: a bad reply is retried once
    result = dp("do the thing", input="r\n")
    assert result.exit_code == 1 and "gave no command" in result.output


# -- --print-only ------------------------------------------------------------------------------------


def test_print_only_prints_just_the_command(man_index, reply):
    reply(fenced("tar -xzf a.tgz -C /tmp"))
    result = dp("--print-only", "extract a.tgz into /tmp")
    assert result.exit_code == 0
    assert result.stdout == "tar -xzf a.tgz -C /tmp\n" and result.stderr == ""


def test_print_only_failures_exit_1_with_a_message(man_index, reply, monkeypatch):
    reply("I am not sure what you mean.", "Could you say more?")
    result = dp("--print-only", "do the thing")
    assert result.exit_code == 1 and result.stdout == "" and "gave no command" in result.stderr
    missing = dp("--print-only", "--index", "nope", "x")
    assert missing.exit_code == 1 and missing.stdout == "" and "no index named 'nope'" in missing.stderr


def test_print_only_comments_out_a_dangerous_command(man_index, reply):
    reply(fenced("rm -rf ~"))
    result = dp("--print-only", "clean my home")
    assert result.exit_code == 0 and result.stdout == "# rm -rf ~\n"
    assert "DANGER: rm -r on your home directory" in result.stderr


def test_print_only_warns_about_unverified_flags(man_index, reply):
    reply(*[fenced("tar --frobnicate a.tgz")] * 3)  # the answer, then twice the same in repair
    result = dp("--print-only", "extract a.tgz")
    assert result.stdout == "tar --frobnicate a.tgz\n" and "no option --frobnicate" in result.stderr


# -- --explain and --page (no model) ---------------------------------------------------------------


@pytest.fixture
def no_model(monkeypatch):
    import docprompt.generate as generate

    def fail(*a, **kw):
        raise AssertionError("no model may be loaded")

    monkeypatch.setattr(generate, "get_generator", fail)


def test_explain_an_existing_command(man_index, no_model):
    result = dp("--explain", "tar xzf a.tgz -C /tmp --zstd | find . -size +1G")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "tar xzf a.tgz -C /tmp --zstd | find . -size +1G"
    assert "tar — an archiving utility  (tar(1), index man)" in lines
    assert "  -x      -x, --extract, --get  Extract files from an archive." in lines  # old-style bundle
    assert "  -C      -C, --directory=DIR  Change to DIR before doing anything." in lines
    assert "  --zstd  ✗ not in tar(1)" in lines
    assert any(line.startswith("find — search for files") for line in lines)
    assert "  -size  -size n[cwbkMG]  File uses n units of space, rounding up." in lines


def test_explain_without_quotes_and_long_option_prefixes(man_index, no_model):
    result = dp("--explain", "tar", "--extr", "--file=a.tar", "--no-gzip")
    assert result.exit_code == 0, result.output
    assert "--extr     -x, --extract, --get" in result.output
    assert "--file     -f, --file=ARCHIVE" in result.output
    assert "--no-gzip  -z, --gzip, --gunzip" in result.output


def test_explain_builtins_and_unknown_commands(man_index, no_model):
    result = dp("--explain", "cd /tmp && frobnicate-xyz --now")
    assert "cd — a shell builtin: see `help cd`" in result.output
    assert "frobnicate-xyz — no man page in the index or here" in result.output


def test_explain_shows_how_risky_the_command_is(man_index, no_model):
    result = dp("--explain", "rm -rf /")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == ["rm -rf /", "⚠ DANGER: rm -r on the whole filesystem"]
    piped = dp("--explain", "echo 'rm -rf ~' | sh").output  # the text piped into sh is read as a script
    assert "⚠ DANGER: rm -r on your home directory" in piped
    careful = dp("--explain", "find . -name '*.tmp' -delete").output
    assert "⚠ careful: find deletes every file it matches" in careful
    assert "⚠" not in dp("--explain", "tar xzf a.tgz -C /tmp").output
    styled = cmdref.explain("shred -u x", None, style=lambda text, **kw: f"<{kw.get('fg')}>{text}")
    assert "<red>⚠ DANGER: shred overwrites files so they can never be recovered" in styled.splitlines()


def test_page_marks_its_risky_examples(man_index, no_model, monkeypatch):
    examples = [
        ("Remove a file:\nrm {{path/to/file}}", []),
        ("Remove a directory and its contents:\nrm -rf {{path/to/directory}}", []),
        ("Remove everything:\nrm -rf --no-preserve-root /", []),
    ]
    page = cmdref.Page("rm", "rm(1)", "index man", [Paragraph("NAME", "rm - remove files")], examples)
    monkeypatch.setattr(cmdref.Lookup, "page", lambda self, command: page)
    out = dp("--page", "rm").output
    assert "    rm {{path/to/file}}\n  Remove a directory" in out  # a safe example gets no line
    assert "    rm -rf {{path/to/directory}}\n    ⚠ careful: deletes recursively without asking\n" in out
    assert "    ⚠ DANGER: rm --no-preserve-root lets rm delete /" in out


def test_page_is_tldr_style(man_index, no_model):
    result = dp("--page", "tar")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("tar — an archiving utility\n(tar(1), index man)")
    assert "Tar saves many files together" in out
    assert "  Extract a gzipped archive:\n    tar xzf {{archive.tar.gz}}" in out
    options = out.split("Options\n", 1)[1].splitlines()
    # the options the examples use come first, then the page's order
    assert [o.split()[0] for o in options] == ["-x,", "-z,", "-f,", "-c,", "-C,"]


def test_explain_without_an_index_reads_this_machines_man_pages(no_model):
    if cmdref.local_page("tar") is None:
        pytest.skip("no man page for tar on this machine")
    result = dp("--explain", "tar -xzf a.tgz --frobnicate")
    assert result.exit_code == 0, result.output
    assert "tar — an archiving utility  (man tar, this machine)" in result.output
    assert "-x, --extract, --get  Extract files from an archive." in result.output
    assert "--frobnicate  ✗ not in man tar" in result.output


def test_page_takes_examples_from_the_man_pages_examples_section(man_index, no_model):
    result = dp("--page", "find")
    assert result.exit_code == 0, result.output
    assert "Examples\n  Find files named core in /tmp.\n    find /tmp -name core\n" in result.output


def test_page_of_an_unknown_command(man_index, no_model, monkeypatch):
    monkeypatch.setattr(cmdref, "local_page", lambda command: None)
    result = dp("--page", "frobnicate-xyz")
    assert result.exit_code == 2 and "no page for 'frobnicate-xyz'" in result.output


# -- which index ---------------------------------------------------------------------------------


def test_index_option_and_env(reply, monkeypatch):
    build_tiny_index("mine")
    reply(fenced("tar -xf a.tar"))
    assert "docs (mine):" in dp("--index", "mine", "extract", input="\n").output
    monkeypatch.setenv("DOCPROMPT_INDEX", "mine")
    reply(fenced("tar -xf a.tar"))
    assert "docs (mine):" in dp("extract", input="\n").output
    missing = dp("--index", "nope", "extract")
    assert missing.exit_code == 2 and "no index named 'nope'; known indexes: mine" in missing.output


def test_the_first_default_index_that_exists_is_used(reply):
    build_tiny_index("tldr")
    build_tiny_index("linux-man")
    reply(fenced("tar -xf a.tar"))
    assert "docs (linux-man):" in dp("extract", input="\n").output
    build_tiny_index("shell")
    reply(fenced("tar -xf a.tar"))
    assert "docs (shell):" in dp("extract", input="\n").output


def test_no_index_non_interactive_prints_the_command_to_build_one(reply):
    result = dp("extract")
    assert result.exit_code == 2
    assert "docprompt index build shell" in result.output


def _machine(tmp_path, monkeypatch, *, tldr: bool = True):
    """A machine with two command pages and a C API page on its MANPATH, and one tldr page."""
    from tests.test_indexer_manpages import ROFF

    for section, name in [("1", "mytool"), ("8", "myadm"), ("3", "mylib")]:
        page = tmp_path / "man" / f"man{section}" / f"{name}.{section}"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(ROFF.replace("MYTOOL 1", f"{name.upper()} {section}").replace("mytool", name))
    monkeypatch.setenv("MANPATH", str(tmp_path / "man"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TLDR_CACHE_DIR", raising=False)
    if tldr:
        pages = tmp_path / "cache" / "tldr" / "pages" / "common"
        pages.mkdir(parents=True)
        (pages / "tar.md").write_text("# tar\n\n> Archiving utility.\n\n- List:\n\n`tar tf {{a.tar}}`\n")


@needs_man
def test_the_shell_build_is_estimated_from_a_sample_of_its_pages(tmp_path, monkeypatch):
    from docprompt.estimate import duration, estimate
    from docprompt.recipes import shell_sources

    _machine(tmp_path, monkeypatch)
    cost = estimate(shell_sources()[0])
    assert (cost.man_pages, cost.tldr_pages) == (2, 1)  # sections 1 and 8; not the C API's 3
    assert cost.paragraphs > 2 and cost.render_s > 0 and cost.embed_s > 0
    assert cost.describe().startswith("2 man pages and 1 tldr pages, about ")
    assert (duration(30), duration(400), duration(800), duration(5760)) == (
        "about a minute",
        "about 7 min",
        "about 15 min",
        "about 1.6 h",
    )


def test_no_index_interactive_offers_to_build_one(reply, monkeypatch, tmp_path):
    _machine(tmp_path, monkeypatch, tldr=False)
    monkeypatch.setattr(dp_cli, "_interactive", lambda: True)
    built: list = []

    def fake_build(tldr):
        built.append(tldr)
        build_tiny_index("shell")

    monkeypatch.setattr(dp_cli, "build_default_indexes", fake_build)
    declined = dp("extract", input="n\n")
    assert declined.exit_code == 2 and "build one later with" in declined.output and not built
    reply(fenced("tar -xf a.tar"))
    result = dp("extract", input="\n\n")  # Enter: yes to building (the default), then Enter: quit
    assert result.exit_code == 0, result.output
    assert "Build one now from this machine's man pages (2 man pages, about " in result.output
    assert len(built) == 1
    assert "docs (shell):" in result.output


def test_default_index_is_man_pages_and_tldr_pages_in_one(monkeypatch, tmp_path):
    import docprompt.cli.index as index_cli

    calls: list = []
    monkeypatch.setattr(index_cli, "_build_sources", lambda *args: calls.append(args[:2]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TLDR_CACHE_DIR", raising=False)
    dp_cli.build_default_indexes(None)  # no tldr pages here: the man pages alone
    ((name, sources),) = calls
    assert name == "shell" and [(s.name, s.indexer, s.paths) for s in sources] == [
        ("man", "manpages", ["MANPATH"])
    ]
    pages = tmp_path / "cache" / "tealdeer" / "tldr-pages" / "pages.en" / "common"
    pages.mkdir(parents=True)
    (pages / "tar.md").write_text("# tar\n\n> Archiving utility.\n\n- List:\n\n`tar tf {{a.tar}}`\n")
    dp_cli.build_default_indexes(dp_cli.tldr_pages())
    assert [(s.name, s.paths) for s in calls[1][1]] == [("man", ["MANPATH"]), ("tldr", ["TLDR"])]


def test_index_build_shell_builds_man_and_tldr_together(monkeypatch, tmp_path):
    """`docprompt index build shell` with no paths: the man path and the tldr pages found here."""
    from click.testing import CliRunner

    from docprompt.cli import main
    from docprompt.store import registry

    _machine(tmp_path, monkeypatch)
    import docprompt.cli.index as index_cli

    seen: list = []
    monkeypatch.setattr(index_cli, "_build_sources", lambda name, sources, *a, **k: seen.append(sources))
    r = CliRunner().invoke(main, ["index", "build", "shell", "--embedder", "hash:32"])
    assert r.exit_code == 0, r.output
    assert [s.name for s in seen[0]] == ["man", "tldr"] and seen[0][0].options["sections"] == ["1", "6", "8"]
    assert "building shell from 2 man pages and 1 tldr pages, about " in r.output
    assert not registry.path_of("shell").exists()


# -- shell-init ------------------------------------------------------------------------------------


def test_shell_init_bash_is_valid_and_binds_ctrl_g():
    result = CliRunner().invoke(shell_init, ["bash"])
    assert result.exit_code == 0
    text = result.output
    assert "bind -m emacs -x '\"\\C-g\": __docprompt_widget'" in text
    assert '--print-only -- "$request"' in text and "READLINE_LINE=$out" in text
    if shutil.which("bash"):
        check = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


def test_shell_init_zsh_uses_a_zle_widget():
    result = CliRunner().invoke(shell_init, ["zsh", "--key", "alt-k"])
    assert result.exit_code == 0
    text = result.output
    assert "zle -N __docprompt_widget" in text and "bindkey -M emacs '^[k' __docprompt_widget" in text
    assert "BUFFER=$out" in text and "local out err rc" in text  # $status is read-only in zsh
    if shutil.which("zsh"):
        check = subprocess.run(["zsh", "-n"], input=text, capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


@pytest.mark.parametrize(
    ("key", "bash", "zsh"),
    [("ctrl-g", "\\C-g", "^G"), ("C-x", "\\C-x", "^X"), ("^O", "\\C-o", "^O"), ("alt-d", "\\ed", "^[d")],
)
def test_keys(key, bash, zsh):
    assert parse_key(key)[1:] == (bash, zsh)


@pytest.mark.parametrize("key", ["ctrl-m", "f1", "ctrl-gg"])
def test_bad_keys(key):
    result = CliRunner().invoke(shell_init, ["bash", "--key", key])
    assert result.exit_code == 2 and "--key" in result.output


# -- a real terminal (pexpect) against a fake Ollama server ------------------------------------------

try:
    import pexpect
except ImportError:  # pragma: no cover
    pexpect = None
terminal = pytest.mark.skipif(pexpect is None, reason="pexpect not installed: pip install pexpect")


@pytest.fixture
def ollama(httpserver, monkeypatch):
    """A fake Ollama answering every chat with ``ollama.reply``."""
    from werkzeug import Request, Response

    state = {"reply": ""}

    def chat(request: Request) -> Response:
        body = json.loads(request.get_data())
        message = {"model": "m", "message": {"role": "assistant", "content": state["reply"]}, "done": True}
        if not body.get("stream"):
            return Response(json.dumps(message), content_type="application/json")
        pieces = [state["reply"][i : i + 8] for i in range(0, len(state["reply"]), 8)]
        lines = [{**message, "message": {"role": "assistant", "content": p}, "done": False} for p in pieces]
        lines.append({**message, "message": {"role": "assistant", "content": ""}})
        return Response("".join(json.dumps(x) + "\n" for x in lines), content_type="application/x-ndjson")

    info = {"model_info": {"general.architecture": "qwen2", "qwen2.context_length": 4096}, "parameters": ""}
    httpserver.expect_request("/api/show").respond_with_json(info)
    httpserver.expect_request("/api/chat").respond_with_handler(chat)
    build_tiny_index("man")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "TERM": "xterm",
        "HISTFILE": os.devnull,
        "LC_ALL": "C.UTF-8",
        "DOCPROMPT_HOME": os.environ["DOCPROMPT_HOME"],
        "OLLAMA_HOST": f"http://127.0.0.1:{httpserver.port}",
        "DOCPROMPT_BACKEND": "ollama",
    }

    class Fake:
        def __init__(self):
            self.env = env

        @property
        def reply(self) -> str:
            return state["reply"]

        @reply.setter
        def reply(self, text: str) -> None:
            state["reply"] = text

    return Fake()


def spawn(env: dict, *args: str):
    return pexpect.spawn(
        sys.executable, ["-m", "docprompt.cli.dp", *args], env=env, encoding="utf-8", timeout=60,
        dimensions=(40, 120),
    )  # fmt: skip


@terminal
def test_terminal_menu_and_enter_quits(ollama, tmp_path):
    marker = tmp_path / "marker"
    ollama.reply = fenced(f"touch -m {marker}")
    child = spawn(ollama.env, "make a file")
    child.expect("docs \\(man\\):")
    child.expect("change only the modification time")
    child.expect_exact("[q]uit (Enter: quit) ›")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and not marker.exists()


@terminal
def test_terminal_dangerous_command_needs_typing_back(ollama, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("secret")
    command = f"shred -u {victim}"
    ollama.reply = fenced(command)
    child = spawn(ollama.env, f"destroy the file {victim}")
    child.expect("DANGER: shred overwrites files")
    child.expect_exact("(Enter: quit) ›")
    child.sendline("r")
    child.expect("Type it exactly to run it")
    child.sendline("shred victim.txt")
    child.expect("not run")
    child.expect_exact("(Enter: quit) ›")
    child.sendline("r")
    child.expect("Type it exactly to run it")
    child.sendline(command)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and not victim.exists()


@terminal
def test_terminal_bash_widget_puts_the_command_on_the_line(ollama, tmp_path):
    marker = tmp_path / "marker"
    ollama.reply = fenced(f"touch -m {marker}")
    rc = tmp_path / "rc.bash"
    rc.write_text(script("bash", dp=f"{sys.executable} -m docprompt.cli.dp") + "PS1='READY$ '\n")
    child = pexpect.spawn(
        "bash", ["--noprofile", "--rcfile", str(rc), "-i"], env=ollama.env, encoding="utf-8", timeout=60
    )
    child.expect_exact("READY$ ")
    child.send(f"make the file {marker}")
    child.sendcontrol("g")
    child.expect_exact(f"touch -m {marker}")
    assert not marker.exists()  # on the line, not run
    child.send("\r")
    child.expect_exact("READY$ ")
    assert marker.exists()  # Enter ran it
    child.sendline("history 2")
    child.expect_exact(f"touch -m {marker}")  # and it is in the history
    child.sendline("exit")
    child.expect(pexpect.EOF)


@terminal
@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh not installed")
def test_terminal_zsh_widget_puts_the_command_on_the_line(ollama, tmp_path):
    marker = tmp_path / "marker"
    ollama.reply = fenced(f"touch -m {marker}")
    zdot = tmp_path / "zdot"
    zdot.mkdir()
    widget = script("zsh", dp=f"{sys.executable} -m docprompt.cli.dp")
    (zdot / ".zshrc").write_text(widget + "PROMPT='READY%% '\nunsetopt beep\n")
    child = pexpect.spawn(
        "zsh", ["-i"], env={**ollama.env, "ZDOTDIR": str(zdot)}, encoding="utf-8", timeout=60
    )
    child.expect_exact("READY% ")
    child.send(f"make the file {marker}")
    child.sendcontrol("g")
    child.expect_exact(f"touch -m {marker}")
    assert not marker.exists()
    child.send("\r")
    child.expect_exact("READY% ")
    assert marker.exists()
    child.sendline("exit")
    child.expect(pexpect.EOF)
