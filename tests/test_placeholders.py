"""Filling a command's placeholders with the values its request gives."""

from __future__ import annotations

import pytest

from docprompt.placeholders import fill, remaining, request_values, unsaid


@pytest.mark.parametrize(
    ("request_text", "command", "filled"),
    [
        ("show which process is listening on port 8080", "lsof -i :{{port}}", "lsof -i :8080"),
        (
            "find files larger than 1G in the current directory",
            "find {{path/to/directory}} -size {{size}}",
            "find . -size +1G",
        ),
        (
            "show disk usage of each folder in the current directory",
            "du -sh {{path/to/directory}}/*/",
            "du -sh ./*/",
        ),
        (
            "extract archive.tar.gz into /tmp",
            "tar xzf {{archive.tar.gz}} -C {{path/to/directory}}",
            "tar xzf archive.tar.gz -C /tmp",
        ),
        ("search for 'TODO' in all python files", "grep -r {{pattern}} {{*.py}}", "grep -r TODO {{*.py}}"),
        ("download https://example.com/a.zip", "wget {{url}}", "wget https://example.com/a.zip"),
        ("kill the process with pid 1234", "kill {{pid}}", "kill 1234"),
        (
            "extract a gzipped archive",
            "tar xzf {{path/to/archive.tar.gz}}",
            "tar xzf {{path/to/archive.tar.gz}}",
        ),
        ("search for 'two words' in notes.txt", "grep {{pattern}} {{file}}", "grep 'two words' notes.txt"),
    ],
)
def test_values_the_request_gives_go_into_the_placeholders_that_ask_for_them(request_text, command, filled):
    assert fill(command, request_text) == filled


def test_what_the_request_does_not_give_stays_a_placeholder():
    command = fill("cp {{path/to/source}} {{path/to/destination}}", "copy report.pdf somewhere safe")
    assert command == "cp report.pdf {{path/to/destination}}"
    assert remaining(command) == ["{{path/to/destination}}"]


def test_request_values_in_order_and_kinds():
    values = request_values("copy 'a b.txt' from /tmp to ~/backup over port 22 with https://x.org/y")
    assert [(v.kind, v.text) for v in values] == [
        ("text", "a b.txt"),
        ("path", "/tmp"),
        ("path", "~/backup"),
        ("port", "22"),
        ("url", "https://x.org/y"),
    ]


@pytest.mark.parametrize(
    ("request_text", "command", "written"),
    [
        ("show the first lines of a file", "head -n 10 notes.txt", "head -n {{10}} {{notes.txt}}"),
        ("show the first 10 lines of notes.txt", "head -n 10 notes.txt", "head -n 10 notes.txt"),
        ("connect to a host", "ssh admin@example.com -p 2222", "ssh {{admin@example.com}} -p {{2222}}"),
        ("compress a folder", "tar -czf backup.tar.gz ~/docs", "tar -czf {{backup.tar.gz}} {{~/docs}}"),
        ("print the first characters of each line", "cut -c 1-16 {{file}}", "cut -c {{1-16}} {{file}}"),
        ("files larger than 1G here", "find . -size +1G", "find . -size +1G"),
        ("files changed in the last week", "find . -mtime -7", "find . -mtime -7"),
        ("discard the output", "make > /dev/null 2>&1", "make > /dev/null 2>&1"),
        ("list the users", "cat /etc/passwd", "cat /etc/passwd"),
        ("list files one per line", "ls -1", "ls -1"),
        ("show the size of each folder", "du -h --max-depth=1 .", "du -h --max-depth=1 ."),
        ("set the output file", "gcc --output=app main.c", "gcc --output=app {{main.c}}"),
        ("save a page", "curl -o page.html https://example.com", "curl -o {{page.html}} {{https://example.com}}"),
    ],
)
def test_values_the_answer_makes_up_become_placeholders(request_text, command, written):
    """What the request does not give is the user's to give (``dp`` asks before it runs): a
    made-up file, host, number or URL is written as a placeholder; the request's own values,
    system paths, flags and the command's words stay."""
    assert unsaid(command, request_text) == written
