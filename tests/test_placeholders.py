"""Filling a command's placeholders with the values its request gives."""

from __future__ import annotations

import pytest

from docprompt.placeholders import fill, remaining, request_values


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
