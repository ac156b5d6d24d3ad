from __future__ import annotations

import json
import socket

from click.testing import CliRunner

from docprompt.cli import main
from tests.helpers import build


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_doctor_reports_server_models_and_indexes(docs, home, monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port()}")
    build("good", docs)
    build("broken", docs)
    (home / "indexes" / "broken" / "manifest.json").write_text("{not json")
    result = CliRunner().invoke(main, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ollama"]["up"] is False
    assert set(report["embedded"]["models"]) == {"qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"}
    by_name = {ix["name"]: ix for ix in report["indexes"]}
    assert by_name["good"]["chunks"] > 0 and "error" in by_name["broken"]
    text = CliRunner().invoke(main, ["doctor"])
    assert text.exit_code == 0 and "no Ollama server" in text.output and "index good" in text.output
