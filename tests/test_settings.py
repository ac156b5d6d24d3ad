from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from docprompt.cli import main
from docprompt.config import Settings, settings
from docprompt.errors import BadInput
from docprompt.generate import get_generator
from tests.helpers import build


def write(home, text: str):
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text)


def test_no_file_means_defaults(home):
    (home / "config.toml").unlink()  # the test session's (samples = 1)
    assert settings() == Settings()


def test_search_defaults_come_from_the_file(home, docs):
    build("t", docs)
    write(home, '[search]\nk = 2\nmode = "dense"\n')
    hits = json.loads(CliRunner().invoke(main, ["search", "t", "archive", "--json"]).stdout)
    assert len(hits) == 2 and all(h["sparse_rank"] is None for h in hits)
    hits = json.loads(CliRunner().invoke(main, ["search", "t", "archive", "--json", "-k", "3"]).stdout)
    assert len(hits) == 3  # the command line wins


def test_build_defaults_come_from_the_file(home, docs):
    write(home, '[build]\nembedder = "hash:32"\nchunk_size = 300\n')
    assert CliRunner().invoke(main, ["index", "build", "t", str(docs)]).exit_code == 0
    info = json.loads(CliRunner().invoke(main, ["index", "info", "t", "--json"]).stdout)
    assert info["embedder"]["name"] == "hash:32" and info["settings"]["chunk_size"] == 300


def test_generate_defaults_and_env_precedence(home, monkeypatch):
    monkeypatch.delenv("DOCPROMPT_BACKEND", raising=False)
    write(home, '[generate]\nbackend = "embedded"\nmodel = "/models/mine.gguf"\n')
    gen = get_generator()
    assert gen.backend == "embedded" and gen.model == "/models/mine.gguf"
    monkeypatch.setenv("DOCPROMPT_BACKEND", "ollama")
    monkeypatch.setenv("DOCPROMPT_OLLAMA_MODEL", "qwen2.5-coder:7b")
    gen = get_generator(model=None)
    assert gen.backend == "ollama" and gen.model == "qwen2.5-coder:7b"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[search]\nkk = 2\n", "search.kk: Extra inputs are not permitted"),
        ('[generate]\nbackend = "gpt"\n', "generate.backend"),
        ("[search\n", "not a valid TOML file"),
        ("[colour]\nx = 1\n", "colour: Extra inputs are not permitted"),
    ],
)
def test_bad_settings_are_one_line_errors(home, docs, text, message):
    write(home, text)
    with pytest.raises(BadInput, match="config.toml"):
        settings()
    result = CliRunner().invoke(main, ["search", "t", "x"])
    assert result.exit_code == 2 and message in result.output and len(result.output.strip().splitlines()) == 1


def test_docprompt_config_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCPROMPT_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(BadInput, match="does not exist"):
        settings()
