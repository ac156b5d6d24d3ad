from __future__ import annotations

import json
import socket
import sys

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
    assert report["embedded"]["model"] == "qwen2.5-coder-1.5b"  # the default; a setting may name another
    by_name = {ix["name"]: ix for ix in report["indexes"]}
    assert by_name["good"]["chunks"] > 0 and "error" in by_name["broken"]
    text = CliRunner().invoke(main, ["doctor"])
    assert text.exit_code == 0 and "no Ollama server" in text.output and "index good" in text.output
    assert "qwen2.5-coder-1.5b (in use): " in text.output
    if report["embedded"]["llama_cpp"]:
        from docprompt.generate import embedded

        monkeypatch.setattr(embedded, "amx_build", lambda: True)
        text = CliRunner().invoke(main, ["doctor"])
        assert "built with AMX" in text.output and "--no-cache-dir" in text.output


def _sources(report: dict, name: str) -> list[dict]:
    return next(ix for ix in report["indexes"] if ix["name"] == name)["sources"]


def _doctor(*args: str):
    result = CliRunner().invoke(main, ["doctor", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if args else result.output


def test_doctor_says_each_source_is_up_to_date_or_changed_and_names_the_fix(docs, home, monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port()}")
    built = CliRunner().invoke(main, ["index", "build", "t", str(docs), "--embedder", "hash:64"])
    assert built.exit_code == 0, built.output
    (src,) = _sources(_doctor("--json"), "t")
    assert src["name"] == "files" and src["state"] == "up to date" and "fix" not in src
    assert src["roots"] == [str(docs.resolve())] and src["age_s"] is not None and src["age_s"] < 600
    assert "source files (files: " in _doctor() and "up to date" in _doctor()

    (docs / "tar.md").write_text((docs / "tar.md").read_text() + "\n- list an archive: `tar tf a.tar`\n")
    (src,) = _sources(_doctor("--json"), "t")
    assert src["state"] == "changed" and src["fix"] == "docprompt index update t"
    assert "changed since: files modified" in _doctor() and "run `docprompt index update t`" in _doctor()

    updated = CliRunner().invoke(main, ["index", "update", "t"])
    assert updated.exit_code == 0, updated.output
    assert _sources(_doctor("--json"), "t")[0]["state"] == "up to date"

    (docs / "sub" / "new.md").write_text("# new\n\nA new page.\n")
    assert _sources(_doctor("--json"), "t")[0]["detail"] == "1 file added"


def test_doctor_ignores_what_the_indexer_does_not_read(docs, home, monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port()}")
    built = CliRunner().invoke(main, ["index", "build", "t", str(docs), "--embedder", "hash:64"])
    assert built.exit_code == 0, built.output
    (docs / ".hidden.md").write_text("not read")
    (docs / "__pycache__").mkdir()
    (docs / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (docs / "image.png").write_bytes(b"\x89PNG")  # not one of the files indexer's extensions
    assert _sources(_doctor("--json"), "t")[0]["state"] == "up to date"


def test_doctor_judges_an_index_without_file_records_by_mtimes(docs, home, monkeypatch):
    """An index built before sources were recorded (or by build_index directly): a file newer
    than the build is a change; a root that is gone is one too."""
    import os
    import time

    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port()}")
    build("old", docs)
    (src,) = _sources(_doctor("--json"), "old")
    assert src["state"] == "up to date"
    later = time.time() + 60
    os.utime(docs / "tar.md", (later, later))
    (src,) = _sources(_doctor("--json"), "old")
    assert src["state"] == "changed" and src["fix"] == "docprompt index update old"
    for f in sorted(docs.rglob("*"), reverse=True):
        f.rmdir() if f.is_dir() else f.unlink()
    docs.rmdir()
    (src,) = _sources(_doctor("--json"), "old")
    assert src["state"] == "changed" and src["detail"].endswith("is gone")


def test_a_package_indexed_by_import_name_is_checked_where_it_is_installed(tmp_path, home, monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", f"http://127.0.0.1:{closed_port()}")
    pkg = tmp_path / "site" / "acmetool"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text('def greet(name):\n    """Say hello to ``name``."""\n')
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    built = CliRunner().invoke(
        main, ["index", "build", "t", "--source", "python:acmetool", "--embedder", "hash:64"]
    )
    assert built.exit_code == 0, built.output
    (src,) = _sources(_doctor("--json"), "t")
    assert src["roots"] == ["acmetool"] and src["state"] == "up to date", src

    (pkg / "extra.py").write_text("def wave():\n    pass\n")
    (src,) = _sources(_doctor("--json"), "t")
    assert src["state"] == "changed" and src["detail"] == "1 file added"

    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(tmp_path / "site")])
    monkeypatch.delitem(sys.modules, "acmetool", raising=False)  # uninstalled
    (src,) = _sources(_doctor("--json"), "t")
    assert src["state"] == "changed" and src["detail"] == "module acmetool is gone"


def test_a_module_that_is_not_installed_is_not_checked():
    from datetime import datetime, timezone

    from docprompt.freshness import check
    from docprompt.models import IndexSource

    source = IndexSource(name="python", indexer="python", paths=["no_such_mod"], roots=["no_such_mod"])
    f = check(source, datetime.now(timezone.utc))
    assert f.state == "unknown" and f.detail == "module no_such_mod not found here" and not f.changed
