"""Where tldr pages come from on a user's machine: clients' caches, archives, a fetch."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from docprompt import tldrpages
from docprompt.cli import main
from docprompt.errors import BadInput
from indexers.tldr import TldrIndexer
from tests.helpers import refused_url, serve

ROOT = Path(__file__).resolve().parent.parent
TAR = "# tar\n\n> Archiving utility.\n\n- E[x]tract an archive:\n\n`tar xf {{source.tar}}`\n"


@pytest.fixture(autouse=True)
def caches(tmp_path, monkeypatch) -> Path:
    """No real client cache leaks in: XDG_CACHE_HOME and HOME point into tmp_path."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    for var in ("TLDR_CACHE_DIR", "TEALDEER_CACHE_DIR"):
        monkeypatch.delenv(var, raising=False)
    return cache


def _page(folder: Path, name: str = "tar", text: str = TAR) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(text)
    return folder


def _zip_of(pages: list[Path], out: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(out, "w") as z:
        for page in pages:
            z.write(page, f"{prefix}pages/{page.parent.name}/{page.name}")
        z.writestr(f"{prefix}LICENSE.md", "CC-BY 4.0")
    return out


@pytest.fixture
def release_zip(shared_data, tmp_path) -> Path:
    """A tldr.zip shaped like the official release, of 40 real pages from ../shared/data."""
    pages = sorted((shared_data / "tldr" / "pages" / "common").glob("*.md"))[:30]
    pages += sorted((shared_data / "tldr" / "pages" / "linux").glob("*.md"))[:10]
    out = tmp_path / "serve" / "download" / "v2.3" / "tldr.zip"
    out.parent.mkdir(parents=True)
    return _zip_of(pages, out)


@pytest.fixture
def server(release_zip):
    """A local HTTP server on 127.0.0.1 serving ``release_zip`` at /download/v2.3/tldr.zip."""
    with serve(release_zip.parents[2]) as url:
        yield url


def _refused_url() -> str:
    return f"{refused_url()}/tldr.zip"


# -- clients' caches -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layout",
    [
        "tldr/pages/common",  # the official Python client
        "tealdeer/tldr-pages/pages/common",  # tealdeer before 1.7
        "tealdeer/tldr-pages/pages.en/common",  # tealdeer 1.7+
        "tlrc/pages.en/common",  # tlrc
    ],
)
def test_pages_found_in_each_clients_cache(caches, layout):
    folder = _page(caches / layout)
    assert tldrpages.find_pages() == folder.parent.resolve()
    docs = list(TldrIndexer([tldrpages.FOUND]).iter_documents())
    assert "tldr/common/tar" in {d.id for d in docs}


def test_cache_dir_variables_are_read(tmp_path, monkeypatch):
    python = _page(tmp_path / "py-cache" / "pages" / "linux")
    monkeypatch.setenv("TLDR_CACHE_DIR", str(tmp_path / "py-cache"))
    assert tldrpages.find_pages() == python.parent.resolve()
    monkeypatch.delenv("TLDR_CACHE_DIR")
    teal = _page(tmp_path / "teal" / "tldr-pages" / "pages.en" / "common")
    monkeypatch.setenv("TEALDEER_CACHE_DIR", str(tmp_path / "teal"))
    assert tldrpages.find_pages() == teal.parent.resolve()


def test_no_pages_anywhere_is_one_line_naming_the_fetch():
    assert tldrpages.find_pages() is None
    with pytest.raises(BadInput, match=r"^no tldr pages on this machine: run `docprompt corpora fetch tldr`"):
        TldrIndexer([tldrpages.FOUND])
    r = CliRunner().invoke(main, ["index", "build", "t", "--corpus", "tldr", "--embedder", "hash:32"])
    assert r.exit_code == 2 and "docprompt corpora fetch tldr" in r.output
    assert len(r.output.strip().splitlines()) == 1


# -- archives ---------------------------------------------------------------------------------------


def test_an_archive_file_is_read_as_its_pages(tmp_path):
    page = _page(tmp_path / "src" / "common") / "tar.md"
    archive = _zip_of([page], tmp_path / "tldr.zip", prefix="tldr-main/")  # one top folder, as GitHub's
    docs = list(TldrIndexer([archive]).iter_documents())
    assert {d.id for d in docs} >= {"tldr/common/tar", "tldr/common/tar#ex1"}
    unpacked = tldrpages.archives_dir() / tldrpages.sha256_of(archive)[:16]
    assert json.loads((unpacked / "release.json").read_text())["sha256"] == tldrpages.sha256_of(archive)


def test_an_archive_without_pages_is_refused(tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("README.md", "hello")
    with pytest.raises(BadInput, match="holds no tldr pages"):
        TldrIndexer([bad])


def test_an_archive_leaving_its_folder_is_refused(tmp_path):
    bad = tmp_path / "evil.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("../pages/common/x.md", TAR)
    with pytest.raises(BadInput, match="leaves the archive's folder"):
        TldrIndexer([bad])


def test_fetch_from_an_archive_file_offline(tmp_path):
    page = _page(tmp_path / "src" / "linux") / "tar.md"
    archive = _zip_of([page], tmp_path / "tldr.zip")
    r = CliRunner().invoke(main, ["corpora", "fetch", "tldr", "--from", str(archive)])
    assert r.exit_code == 0, r.output
    assert tldrpages.find_pages() == (tldrpages.corpora_dir() / "pages").resolve()
    r = CliRunner().invoke(main, ["corpora", "fetch", "tldr", "--from", str(tmp_path / "nope.zip")])
    assert r.exit_code == 2 and "no archive file" in r.output


# -- fetching ---------------------------------------------------------------------------------------


@pytest.mark.data
def test_fetch_downloads_records_and_indexes_the_release(server, release_zip):
    url = f"{server}/download/v2.3/tldr.zip"
    r = CliRunner().invoke(main, ["corpora", "fetch", "tldr", "--url", url])
    assert r.exit_code == 0, r.output
    assert "tldr pages v2.3 (40 pages" in r.output
    record = tldrpages.release()
    assert record is not None and record["version"] == "v2.3" and record["url"] == url
    assert record["sha256"] == hashlib.sha256(release_zip.read_bytes()).hexdigest()
    assert tldrpages.find_pages() == (tldrpages.corpora_dir() / "pages").resolve()
    # the shipped recipe now finds them, as dp's first-use offer does
    r = CliRunner().invoke(main, ["index", "build", "t", "--corpus", "tldr", "--embedder", "hash:32"])
    assert r.exit_code == 0, r.output
    info = json.loads(CliRunner().invoke(main, ["index", "info", "t", "--json"]).output)
    assert info["roots"] == [str((tldrpages.corpora_dir() / "pages").resolve())]
    assert info["counts"]["documents"] > 40  # 40 pages, their cards and examples


@pytest.mark.data
def test_a_url_source_is_fetched_once(server):
    docs = list(TldrIndexer([f"{server}/download/v2.3/tldr.zip"]).iter_documents())
    assert len({d.metadata["page"] for d in docs}) == 40


def test_refused_connection_is_one_line_naming_the_offline_way():
    url = _refused_url()
    with pytest.raises(BadInput, match=r"cannot download the tldr pages from .*offline\? give a tldr-pages"):
        tldrpages.fetch(url, timeout=5)
    r = CliRunner().invoke(main, ["corpora", "fetch", "tldr", "--url", url])
    assert r.exit_code == 2
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "--from tldr.zip" in errors[0]
    assert not tldrpages.corpora_dir().exists()  # nothing half-written


def test_package_names_no_development_data():
    """The package refers to no ../shared data: a user's machine has none."""
    for folder in ("docprompt", "indexers", "corpora"):
        for f in (ROOT / folder).rglob("*"):
            if f.suffix in {".py", ".toml", ".json", ".md", ".j2", ".txt"}:
                assert "shared/data" not in f.read_text(errors="replace"), f
