"""The operands a command's SYNOPSIS requires, added as placeholders to an answer that gives none."""

from __future__ import annotations

from docprompt.repair import apply_fixes
from docprompt.verify.bash import verify_bash
from docprompt.verify.operands import required_operands

STREAMLINK = "streamlink [OPTIONS] <URL> [STREAM]\n    streamlink --can-handle-url URL"


class Pages:
    """A flag source that knows each command's SYNOPSIS, as the index's does."""

    def __init__(self, flags: dict[str, set[str]], synopses: dict[str, str]) -> None:
        self.flags, self.synopses = flags, synopses

    def __call__(self, command: str) -> set[str] | None:
        return self.flags.get(command)


def test_the_operands_every_usage_form_requires():
    assert required_operands(STREAMLINK, "streamlink") == ["URL"]
    assert required_operands("chage [options] LOGIN", "chage") == ["LOGIN"]
    assert required_operands("sphinx-build [options] <sourcedir> <outputdir> [filenames ...]",
                             "sphinx-build") == ["sourcedir", "outputdir"]  # fmt: skip
    # each form needs one: the shortest names it; another program's form is not this command's
    chmod = "chmod [OPTION]... MODE[,MODE]... FILE...\nchmod [OPTION]... OCTAL-MODE FILE..."
    assert required_operands(chmod, "chmod") == []  # MODE[,MODE] is not read: nothing said
    assert required_operands("enca [-L LANG] FILE...\nenconv [-L LANG] FILE...", "enca") == ["FILE"]
    # a form that needs none, choices, a subcommand word, an option word: nothing said
    assert required_operands("wc [OPTION]... [FILE]...", "wc") == []
    assert required_operands("more [options] file ...\nmore [options]", "more") == []
    assert required_operands("quotacheck [ -gubc ] -a | filesystem", "quotacheck") == []
    assert required_operands("tlmgr [option...] action [option...] [operand...]", "tlmgr") == []
    assert required_operands("cut OPTION... [FILE]...", "cut") == []
    assert required_operands("pipx [-h] {install,inject,list}", "pipx") == []


def test_an_answer_without_the_operand_its_synopsis_requires_gets_a_placeholder():
    pages = Pages({"streamlink": {"--hls-live-restart", "--help", "--player"}}, {"streamlink": STREAMLINK})
    report = verify_bash("streamlink --hls-live-restart", [pages], use_local_man=False)
    (issue,) = report.issues
    assert issue.kind == "missing-operand"
    assert issue.message == "`streamlink` needs URL, by its synopsis: add {{url}}"
    assert apply_fixes("streamlink --hls-live-restart", [issue])[0] == "streamlink --hls-live-restart {{url}}"
    for fine in ("streamlink --hls-live-restart {{url}} best", "streamlink --help",
                 "curl -s x | streamlink --player mpv"):  # fmt: skip
        issues = verify_bash(fine, [pages], use_local_man=False).issues
        assert not [i for i in issues if i.kind == "missing-operand"], fine
    # two commands: said, not fixed (where the placeholder goes is not one line's end)
    (issue,) = verify_bash("streamlink --hls-live-restart && echo done", [pages], use_local_man=False).issues
    assert issue.kind == "missing-operand" and issue.fix is None
