"""The shell model: simple commands read with bashlex, wrappers off, flags, placeholders."""

from __future__ import annotations

import pytest

from docprompt.extract import echo_cut, malformed
from docprompt.shell import flags_used, parse, placeholders

TAR = {"-x", "-z", "-v", "-f", "-C", "--extract", "--file", "--directory", "--gzip", "-c", "--create"}
FIND = {"-name", "-mtime", "-type", "-exec", "-size"}


def names(script: str) -> list[str]:
    return [c.name for c in parse(script)]


def test_simple_commands_strip_wrappers_pipes_and_redirects():
    cmds = parse('sudo FOO=1 find . -name "*.py" | xargs -0 grep -l foo > out.txt; echo done')
    assert [c.name for c in cmds] == ["find", "grep", "echo"]
    find, grep, echo = cmds
    assert find.wrappers == [["sudo"]] and find.assignments == ["FOO=1"]
    assert grep.wrappers == [["xargs", "-0"]] and grep.redirects == [(">", "out.txt")]
    assert (find.pipeline, find.stage, find.stages) == (grep.pipeline, 0, 2) and grep.stage == 1
    assert echo.pipeline != find.pipeline
    assert [c.argv for c in parse("tar xf {{archive.tar}} && ls")] == [
        ["tar", "xf", "{{archive.tar}}"],
        ["ls"],
    ]


@pytest.mark.parametrize(
    ("script", "argv", "wrappers"),
    [
        ("sudo -u root rm -rf x", ["rm", "-rf", "x"], [["sudo", "-u", "root"]]),
        ("nice -n 10 tar cf a.tar b", ["tar", "cf", "a.tar", "b"], [["nice", "-n", "10"]]),
        ("nice -10 make", ["make"], [["nice", "-10"]]),
        ("watch -n 1 ls -l", ["ls", "-l"], [["watch", "-n", "1"]]),
        ("env A=1 B=2 make -j4", ["make", "-j4"], [["env", "A=1", "B=2"]]),
        ("timeout 5 curl x", ["curl", "x"], [["timeout", "5"]]),
        ("timeout -s KILL 5s curl x", ["curl", "x"], [["timeout", "-s", "KILL", "5s"]]),
        ("xargs -0 -n 1 rm -f", ["rm", "-f"], [["xargs", "-0", "-n", "1"]]),
        ("sudo --user=root -E nohup time ls", ["ls"], [["sudo", "--user=root", "-E"], ["nohup"], ["time"]]),
    ],
)
def test_wrappers_take_their_option_values_with_them(script, argv, wrappers):
    [cmd] = parse(script)
    assert cmd.argv == argv and cmd.wrappers == wrappers


def test_substitutions_scripts_and_find_exec_are_commands_too():
    cmds = parse("echo $(ls -l /tmp) `date` <(sort x)")
    assert [(c.name, c.nested) for c in cmds] == [
        ("echo", ""),
        ("ls", "$()"),
        ("date", "$()"),
        ("sort", "<()"),
    ]
    assert [(c.name, c.nested) for c in parse("bash -c 'rm -rf ~'")] == [("bash", ""), ("rm", "bash -c")]
    assert [(c.name, c.nested) for c in parse("eval 'shred -u x'")] == [("eval", ""), ("shred", "eval")]
    cmds = parse("find . -name '*.py' -exec rm -f {} \\; -print")
    assert [(c.name, c.nested) for c in cmds] == [("find", ""), ("rm", "find -exec")]
    assert cmds[0].flags(FIND | {"-print"}) == ["-name", "-exec", "-print"]  # not rm's -f


def test_what_bashlex_cannot_parse_goes_through_the_fallback():
    cmds = parse("echo 'unbalanced | grep x")
    assert [c.argv for c in cmds] == [["echo", "'unbalanced"], ["grep", "x"]] and not cmds[0].parsed
    assert [c.name for c in parse("[[ -f x ]] && rm -rf /")] == ["[[", "rm"]
    assert [c.name for c in parse("x=$((1+2)); echo $x")] == ["echo"]
    assert [c.name for c in parse("time ls -l")] == ["ls"]
    assert parse("") == [] and parse("   ") == []


def test_heredocs_loops_and_groups():
    assert names("cat <<EOF\nhello\nEOF") == ["cat"]
    assert names("for f in *.txt; do gzip $f; done") == ["gzip"]
    assert names("(cd /tmp && ls) | wc -l") == ["cd", "ls", "wc"]
    assert names("if [ -f x ]; then rm x; fi") == ["[", "rm"]


def test_heredoc_and_herestring_text_is_the_commands_stdin():
    cat, bash = parse("cat <<EOF | bash\nrm -rf /\necho hi\nEOF")
    assert cat.stdin_text == "rm -rf /\necho hi\n" and cat.redirects == [("<<", "EOF")]
    assert bash.stdin_text is None and (bash.stage, bash.stages) == (1, 2)
    assert parse("bash <<< 'rm -rf ~'")[0].stdin_text == "rm -rf ~"
    assert parse("bash <<-EOF\n\tls -l\n\tEOF")[0].stdin_text == "ls -l\n"
    # a quoted delimiter: the body is text, not commands (bashlex looked for the quotes)
    cmds = parse("cat <<'EOF' > f.sh\nrm -rf /\nEOF\necho done")
    assert [c.argv for c in cmds] == [["cat"], ["echo", "done"]] and cmds[0].stdin_text == "rm -rf /\n"
    # the same through the fallback ([[ ]] is beyond bashlex), if/then/fi taken off
    cmds = parse("if [[ -d x ]]; then cat <<-'EOF' | bash\n\trm -rf ~\n\tEOF\nfi")
    assert [c.argv for c in cmds] == [["[[", "-d", "x", "]]"], ["cat"], ["bash"]] and not cmds[1].parsed
    assert cmds[1].stdin_text == "rm -rf ~\n" and cmds[1].redirects == [("<<-", "EOF")]


def test_su_c_scripts_and_busybox_applets_are_commands_too():
    assert [(c.name, c.nested) for c in parse("sudo su -c 'rm -rf /'")] == [("su", ""), ("rm", "su -c")]
    [rm] = parse("busybox rm -rf /tmp/x")
    assert rm.argv == ["rm", "-rf", "/tmp/x"] and rm.wrappers == [["busybox"]]


def test_placeholders_are_words_whatever_they_hold():
    [ls, wc] = parse("ls {{a|b}} | wc -l")
    assert ls.argv == ["ls", "{{a|b}}"] and wc.argv == ["wc", "-l"]
    assert placeholders("cp {{src}} {{path/to/dest}}") == ["{{src}}", "{{path/to/dest}}"]
    assert parse("grep '{{pattern}}' {{file}}")[0].argv == ["grep", "{{pattern}}", "{{file}}"]


def test_flags_used_splits_bundles_only_when_each_letter_is_defined():
    assert flags_used(["tar", "-xzvf", "a.tgz", "--directory=/tmp"], TAR) == [
        "-x",
        "-z",
        "-v",
        "-f",
        "--directory",
    ]
    assert flags_used(["find", ".", "-name", "x", "-mtime", "-7"], FIND) == ["-name", "-mtime"]
    assert flags_used(["head", "-n5"], {"-n"}) == ["-n"]
    assert flags_used(["grep", "--", "-v"], {"-v"}) == []
    assert flags_used(["tar", "xzf", "a.tgz"], TAR) == ["-x", "-z", "-f"]  # old-style bundle
    assert flags_used(["find", ".", "-name", "x"]) == ["-name"]  # unknown: kept whole
    assert flags_used(["cp", "{{[-r|--recursive]}}", "a", "b"]) == ["-r", "--recursive"]


def test_subcommand_pages():
    [git] = parse("git commit-graph write --reachable")
    assert git.page_candidates() == ["git-commit-graph", "git"]
    assert git.words_for("git-commit-graph") == ["commit-graph", "write", "--reachable"]
    assert parse("ls -l /tmp")[0].page_candidates() == ["ls"]


@pytest.mark.parametrize(
    "reply", ["", "[1] tar(1) — -x", "•", "-i", "--separator", "tar(1) — --extract", "1. ls -l",
              "Note: use tar", "This command lists all the files in the current directory and more"],
)  # fmt: skip
def test_replies_that_are_not_commands(reply):
    assert malformed(reply)


@pytest.mark.parametrize(
    "command",
    ["du -sh ./*/", "tar xzf {{archive}}", "./run.sh", "{{cmd}} --help", "ls", '[ ! -d "{{path}}" ]',
     "[[ -f {{file}} ]] && echo yes"],
)  # fmt: skip
def test_commands_are_not_malformed(command):
    assert malformed(command) is None


def test_the_request_written_after_the_command_is_cut():
    ask = "list all available zfs filesystems"
    assert echo_cut("zfs list all available zfs filesystems", ask) == "zfs list"
    assert echo_cut("echo hello big world", "print hello big world") == "echo hello big world"
    assert echo_cut("git commit -m fix all bugs", "commit: fix all bugs") == "git commit -m fix all bugs"
    assert echo_cut("zfs list -H all filesystems", ask) == "zfs list -H all filesystems"  # 2 words
    mixed = 'mailx -s "list all available zfs filesystems" {{to}}'
    assert echo_cut(mixed, ask) == mixed  # quoted, and not at the end
