import json

import pytest
from click.testing import CliRunner

from docprompt.cli import main
from docprompt.errors import BadInput
from docprompt.recipes import load, shipped


def test_shipped_recipes_are_valid():
    names = set(shipped())
    assert {"tldr", "linux-man", "manpages", "devdocs", "python-stdlib"} <= names
    for name in names:
        recipe = load(name)
        assert recipe.indexer
        assert not any("shared" in p for p in recipe.paths)  # only what a user's machine has
    assert load("tldr").paths == ["TLDR"] and load("linux-man").paths == ["MANPATH"]
    assert load("devdocs").paths == [] and load("manpages").paths == []  # the user names them
    assert "{stdlib}" not in load("python-stdlib").expanded_paths()[0]


@pytest.mark.parametrize(
    "text, message",
    [
        ('indexer = "files"\npaths = ["."]\ncolour = "red"\n', "colour: Extra inputs are not permitted"),
        ('paths = ["."]\n', "name an indexer, or give \\[\\[source\\]\\] tables"),
        ('indexer = "files"\npaths = ["."]\n[build]\nchunk_size = 3\n', "build.chunk_size"),
        ("indexer = [", "is not valid TOML"),
    ],
)
def test_bad_recipes_are_refused(tmp_path, text, message):
    f = tmp_path / "r.toml"
    f.write_text(text)
    with pytest.raises(BadInput, match=message):
        load(str(f))


def test_unknown_recipe_lists_shipped():
    with pytest.raises(BadInput, match="no corpus recipe 'nope'.*tldr"):
        load("nope")


def test_build_from_recipe_and_update(tmp_path, docs):
    f = tmp_path / "mine.toml"
    f.write_text(
        f'indexer = "files"\npaths = ["{docs}"]\n[options]\nextensions = ["md"]\n'
        '[build]\nembedder = "hash:32"\n'
    )
    r = CliRunner().invoke(main, ["index", "build", "mine", "--corpus", str(f)])
    assert r.exit_code == 0, r.output
    info = json.loads(CliRunner().invoke(main, ["index", "info", "mine", "--json"]).output)
    assert info["counts"]["documents"] == 2  # only the .md files
    assert info["indexer_options"] == {"extensions": ["md"]}
    assert info["embedder"]["name"] == "hash:32"
    r = CliRunner().invoke(main, ["index", "update", "mine"])
    assert r.exit_code == 0 and "2 documents" in r.output and "0 embedded" in r.output


def test_unknown_indexer_option_is_one_line(tmp_path, docs):
    f = tmp_path / "bad.toml"
    f.write_text(f'indexer = "files"\npaths = ["{docs}"]\n[options]\ncolour = 1\n')
    r = CliRunner().invoke(main, ["index", "build", "x", "--corpus", str(f)])
    assert r.exit_code == 2
    assert "indexer 'files' takes no option 'colour'; its options: extensions" in r.output


def test_corpora_list():
    r = CliRunner().invoke(main, ["corpora", "list"])
    assert r.exit_code == 0 and "python-stdlib" in r.output and "manpages" in r.output


def test_recipe_without_paths_asks_for_them():
    r = CliRunner().invoke(main, ["index", "build", "py", "--corpus", "devdocs", "--embedder", "hash:32"])
    assert r.exit_code == 2
    assert r.output.strip() == (
        "error: recipe 'devdocs' names no paths: give them, "
        "e.g. docprompt index build py --corpus devdocs PATH"
    )
