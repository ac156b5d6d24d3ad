"""DevDocs by slug: fetched from DevDocs' published JSON (index.json + db.json), served here from
../shared/data by a local server on 127.0.0.1, and read as the bundle's own pages are."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from docprompt import devdocsfetch
from docprompt.cli import main
from docprompt.errors import BadInput
from docprompt.indexers.devdocs import DevDocsIndexer
from tests.helpers import refused_url, serve
from tests.test_indexer_devdocs import API_ENTRIES, API_PAGE, TARBALL, make_library

SLUG = "flask~2.0"


@pytest.fixture(scope="module")
def flask_bundle(tmp_path_factory) -> Path:
    """flask~2.0's folder as the bundle holds it (index.json and HTML pages), from the tarball."""
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    root = tmp_path_factory.mktemp("bundle")
    seen = False
    with tarfile.open(SHARED_DATA.joinpath(*TARBALL), mode="r|xz") as tar:
        for member in tar:
            name = member.name.removeprefix("./")
            if not name.startswith(f"{SLUG}/"):
                if seen:
                    break  # the library's members are contiguous: the rest is other libraries
                continue
            seen = True
            if member.isfile():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(tar.extractfile(member).read())
    return root / SLUG


def publish(lib: Path, site: Path, slug: str, **listed) -> Path:
    """The site DevDocs serves for a library folder: docs.json, SLUG/index.json and SLUG/db.json."""
    (site / slug).mkdir(parents=True)
    (site / slug / "index.json").write_bytes((lib / "index.json").read_bytes())
    pages = {
        p.relative_to(lib).as_posix()[: -len(".html")]: p.read_text() for p in sorted(lib.rglob("*.html"))
    }
    (site / slug / "db.json").write_text(json.dumps(pages))
    docs = [{"name": "Flask", "slug": slug, **listed}, {"name": "Python", "slug": "python~3.12"}]
    (site / "docs.json").write_text(json.dumps(docs))
    return site


@pytest.fixture
def site(flask_bundle, tmp_path, monkeypatch) -> str:
    publish(flask_bundle, tmp_path / "site", SLUG, version="2.0", release="2.0.1", mtime=1700000000)
    with serve(tmp_path / "site") as url:
        monkeypatch.setenv("DOCPROMPT_DEVDOCS_URL", url)
        yield url


@pytest.mark.data
def test_fetch_by_slug_records_the_release_and_reads_as_the_bundle_does(site, flask_bundle):
    r = CliRunner().invoke(main, ["corpora", "fetch", "devdocs", SLUG])
    assert r.exit_code == 0, r.output
    folder = devdocsfetch.corpora_dir() / SLUG
    assert f"DevDocs {SLUG} (2.0.1, " in r.output and str(folder) in r.output
    record = devdocsfetch.release(SLUG)
    assert record["release"] == "2.0.1" and record["files"]["db.json"]["url"].endswith("db.json?1700000000")
    assert (
        record["files"]["index.json"]["sha256"]
        == hashlib.sha256((folder / "index.json").read_bytes()).hexdigest()
    )
    fetched = {d.id: d.text for d in DevDocsIndexer([SLUG]).iter_documents()}
    bundled = {d.id: d.text for d in DevDocsIndexer([flask_bundle]).iter_documents()}
    assert len(fetched) > 100 and fetched == bundled
    assert "flask.api.index#flask.Flask" in fetched


@pytest.mark.data
def test_a_slug_source_is_fetched_by_the_build_and_searched(site):
    r = CliRunner().invoke(
        main, ["index", "build", "fl", "--source", f"devdocs:{SLUG}", "--embedder", "hash:32"]
    )
    assert r.exit_code == 0, r.output
    assert devdocsfetch.fetched(SLUG) is not None
    hits = CliRunner().invoke(main, ["search", "fl", "Flask application object", "--json", "-k", "3"])
    assert hits.exit_code == 0 and "flask" in hits.output


@pytest.mark.data
def test_an_unknown_slug_names_the_nearest_ones(site):
    r = CliRunner().invoke(main, ["corpora", "fetch", "devdocs", "flask~2"])
    assert r.exit_code == 2
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "did you mean flask~2.0" in errors[0], r.output
    assert not (devdocsfetch.corpora_dir() / "flask~2").exists()


def test_refused_connection_is_one_line_naming_the_offline_way(monkeypatch):
    monkeypatch.setenv("DOCPROMPT_DEVDOCS_URL", refused_url())
    with pytest.raises(
        BadInput, match=r"cannot download DevDocs' numpy~2.0 .*offline\? give a DevDocs bundle"
    ):
        devdocsfetch.fetch("numpy~2.0", timeout=5)
    r = CliRunner().invoke(
        main, ["index", "build", "np", "--source", "devdocs:numpy~2.0", "--embedder", "hash:32"]
    )
    assert r.exit_code == 2 and "--source devdocs:PATH" in r.output
    assert not list(devdocsfetch.corpora_dir().glob("*"))  # nothing half-written


def test_what_is_not_devdocs_json_is_not_kept(tmp_path, monkeypatch):
    lib = make_library(tmp_path / "lib", "mylib~1", {"api": API_PAGE}, API_ENTRIES)
    site = publish(lib, tmp_path / "site", "mylib~1")
    (site / "mylib~1" / "db.json").write_text("<html>a proxy's error page</html>")
    with serve(site) as url:
        monkeypatch.setenv("DOCPROMPT_DEVDOCS_URL", url)
        with pytest.raises(BadInput, match="db.json for 'mylib~1' is not what DevDocs publishes"):
            devdocsfetch.fetch("mylib~1")
    assert devdocsfetch.fetched("mylib~1") is None


def test_db_json_reads_as_the_html_pages_do(tmp_path):
    lib = make_library(tmp_path / "lib", "mylib~1", {"api": API_PAGE}, API_ENTRIES)
    site = publish(lib, tmp_path / "site", "mylib~1")
    from_db = {d.id: d.text for d in DevDocsIndexer([site / "mylib~1"]).iter_documents()}
    from_pages = {d.id: d.text for d in DevDocsIndexer([lib]).iter_documents()}
    assert from_db == from_pages and "mylib.api#mylib.add" in from_db
    (site / "mylib~1" / "db.json").write_text("[1, 2]")
    idx = DevDocsIndexer([site / "mylib~1"])
    assert not list(idx.iter_documents()) and idx.skipped["invalid db.json"] == 1


def test_usage_errors_are_one_line():
    for args, message in [
        (["corpora", "fetch", "devdocs"], "give the DevDocs slugs"),
        (["corpora", "fetch", "tldr", "numpy~2.0"], "tldr takes no slug"),
        (["corpora", "fetch", "devdocs", "numpy~2.0", "--from", "x.zip"], "--url and --from are for tldr"),
        (["corpora", "fetch", "devdocs", "../etc"], "is not a DevDocs slug"),
    ]:
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 2 and message in r.output, (args, r.output)
