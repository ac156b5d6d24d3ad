"""DevDocs documentation by slug (``python~3.12``, ``numpy~2.0``), fetched from the JSON DevDocs
publishes for its offline mode: ``documents.devdocs.io/SLUG/index.json`` (the entries) and
``db.json`` (every page's HTML by path), with ``devdocs.io/docs.json`` listing the slugs, their
release and mtime. A fetch lands in ``$DOCPROMPT_HOME/corpora/devdocs/SLUG/`` beside a
``release.json`` (urls, release, sha256 of each file); the devdocs indexer reads that folder as
it reads a bundle's. ``$DOCPROMPT_DEVDOCS_URL`` points both at another server (a mirror, tests).

Only the standard library is imported here.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import tempfile
import urllib.error
from pathlib import Path

from .download import get, publish, sha256_of
from .errors import BadInput

DOCUMENTS_URL = "https://documents.devdocs.io"
LIST_URL = "https://devdocs.io/docs.json"
SLUG = re.compile(r"[a-z][a-z0-9_.+-]*(?:~[a-z0-9_.+-]+)?")
FILES = ("index.json", "db.json")


def offline(slug: str) -> str:
    return (
        f"offline? give a DevDocs bundle instead (a folder of SLUG/index.json + pages or db.json, "
        f"or a .tar.xz): `--source devdocs:PATH`, or fetch {slug} where the network answers"
    )


def corpora_dir() -> Path:
    from .config import home

    return home() / "corpora" / "devdocs"


def urls() -> tuple[str, str]:
    """(documents base, docs list) — DevDocs' own, or ``$DOCPROMPT_DEVDOCS_URL``'s."""
    base = os.environ.get("DOCPROMPT_DEVDOCS_URL", "").rstrip("/")
    return (base, f"{base}/docs.json") if base else (DOCUMENTS_URL, LIST_URL)


def is_slug(text: str) -> bool:
    """A DevDocs slug, and not a path that exists here (a folder named ``pandas`` is a folder)."""
    return bool(SLUG.fullmatch(text)) and not Path(text).expanduser().exists()


def fetched(slug: str) -> Path | None:
    folder = corpora_dir() / slug
    return folder if all((folder / f).is_file() for f in FILES) else None


def resolve(slug: str) -> Path:
    """The folder of ``slug``'s docs: fetched before, else fetched now."""
    return fetched(slug) or fetch(slug)


def release(slug: str) -> dict | None:
    try:
        return json.loads((corpora_dir() / slug / "release.json").read_text())
    except (OSError, ValueError):
        return None


def _listed(slug: str, list_url: str, stage: Path, timeout: float) -> dict:
    """DevDocs' record of ``slug`` (release, mtime); {} when the list cannot be read. A slug the
    list does not have is refused with the nearest ones it does."""
    try:
        get(list_url, stage / "docs.json", timeout)
        docs = json.loads((stage / "docs.json").read_text())
        known = {d["slug"]: d for d in docs if isinstance(d, dict) and isinstance(d.get("slug"), str)}
    except (urllib.error.URLError, OSError, TimeoutError, ValueError, TypeError):
        return {}
    if slug not in known:
        near = difflib.get_close_matches(slug, list(known), n=4, cutoff=0.5)
        hint = f"; did you mean {', '.join(near)}?" if near else f"; see {list_url}"
        raise BadInput(f"DevDocs has no documentation {slug!r}{hint}")
    return {k: known[slug][k] for k in ("name", "version", "release", "mtime") if k in known[slug]}


def fetch(slug: str, *, timeout: float = 60) -> Path:
    """Download ``slug``'s index.json and db.json into ``corpora_dir()/slug`` (swapped in whole,
    with ``release.json``). When the network does not answer: one line naming the offline way."""
    if not SLUG.fullmatch(slug):
        raise BadInput(f"{slug!r} is not a DevDocs slug (like python~3.12, numpy~2.0, flask)")
    base, list_url = urls()
    dest = corpora_dir() / slug
    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{slug}-", dir=dest.parent))
    try:
        listed = _listed(slug, list_url, stage, timeout)
        record: dict = {"slug": slug, **listed, "files": {}}
        for name in FILES:
            url = f"{base}/{slug}/{name}" + (f"?{listed['mtime']}" if "mtime" in listed else "")
            try:
                get(url, stage / name, timeout)
            except urllib.error.HTTPError as e:
                if e.code == 404:
                    raise BadInput(f"DevDocs has no {name} for {slug!r} at {url}") from None
                raise
            _check(stage / name, name, slug)
            record["files"][name] = {"url": url, "sha256": sha256_of(stage / name)}
        (stage / "docs.json").unlink(missing_ok=True)
        publish(stage, dest, record)
        return dest
    except (urllib.error.URLError, OSError, TimeoutError) as e:
        reason = getattr(e, "reason", None) or e
        raise BadInput(f"cannot download DevDocs' {slug} from {base} ({reason}); {offline(slug)}") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _check(path: Path, name: str, slug: str) -> None:
    """index.json must hold entries, db.json a page-to-HTML object: else nothing is kept."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ok = isinstance(data.get("entries"), list) if name == "index.json" else isinstance(data, dict)
    except (ValueError, UnicodeDecodeError, AttributeError):
        ok = False
    if not ok:
        raise BadInput(f"DevDocs' {name} for {slug!r} is not what DevDocs publishes; nothing was kept")
