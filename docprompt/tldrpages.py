"""Where tldr pages are on a machine, and how to get them when they are not.

- The caches of tldr clients: the official Python client (``$TLDR_CACHE_DIR``, else
  ``$XDG_CACHE_HOME/tldr``: ``pages/<platform>/*.md``, other languages in ``pages.<lang>/``),
  tealdeer (``$TEALDEER_CACHE_DIR``, else ``~/.cache/tealdeer``: ``tldr-pages/pages[.en]/...``)
  and tlrc (``~/.cache/tlrc``: ``pages.en/<platform>/*.md``).
- A tldr-pages release archive (``tldr.zip``, or a ``.tar.gz`` of a checkout) given as a file
  or an http(s) URL: unpacked once under ``$DOCPROMPT_HOME/corpora/tldr/``.
- ``docprompt corpora fetch tldr``: the official release archive, its version and sha256
  recorded in ``release.json`` beside the unpacked pages.

Only the standard library is imported here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
import urllib.error
import zipfile
from pathlib import Path

from .download import get, publish, sha256_of
from .errors import BadInput

RELEASE_URL = "https://github.com/tldr-pages/tldr/releases/latest/download/tldr.zip"
FOUND = "TLDR"  # the path that stands for "the tldr pages found on this machine"
OFFLINE = (
    "offline? give a tldr-pages archive or folder instead: "
    "`docprompt corpora fetch tldr --from tldr.zip` or `--source tldr:PATH`"
)
_ARCHIVE = (".zip", ".tar.gz", ".tgz", ".tar.xz", ".tar")


def corpora_dir() -> Path:
    """Where ``docprompt corpora fetch tldr`` unpacks the release: ``pages/`` and ``release.json``."""
    from .config import home

    return home() / "corpora" / "tldr"


def archives_dir() -> Path:
    """Where archives given by file or URL are unpacked, one folder per archive."""
    return corpora_dir().with_name("tldr-archives")


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache").expanduser()


def client_caches() -> list[Path]:
    """The folders tldr clients keep their pages in, most specific first (existing or not)."""
    cache = _cache_home()
    python = Path(os.environ["TLDR_CACHE_DIR"]).expanduser() if os.environ.get("TLDR_CACHE_DIR") else None
    tealdeer = os.environ.get("TEALDEER_CACHE_DIR")
    roots = [
        corpora_dir(),  # what `docprompt corpora fetch tldr` unpacked
        *([python] if python else []),
        cache / "tldr",
        (Path(tealdeer).expanduser() if tealdeer else cache / "tealdeer") / "tldr-pages",
        cache / "tlrc",
        Path("~/.tldr/cache").expanduser(),  # the Node client
    ]
    return [r / sub for r in roots for sub in ("pages.en", "pages")]


def _has_pages(folder: Path) -> bool:
    try:
        return folder.is_dir() and any(folder.glob("*/*.md"))
    except OSError:
        return False


def find_pages() -> Path | None:
    """The first tldr pages folder (``pages/`` or ``pages.en/``) a client or a fetch left here."""
    return next((p.resolve() for p in client_caches() if _has_pages(p)), None)


def is_archive(ref: str) -> bool:
    return ref.lower().endswith(_ARCHIVE)


def is_url(ref: str) -> bool:
    return ref.startswith(("http://", "https://"))


def resolve(ref: str) -> Path:
    """A pages folder for ``ref``: ``TLDR`` (found here), an archive file or URL (unpacked), or
    a folder (as given)."""
    if ref == FOUND:
        found = find_pages()
        if found is None:
            raise BadInput(
                "no tldr pages on this machine: run `docprompt corpora fetch tldr`, "
                "or give a tldr-pages archive or folder (`--source tldr:PATH`)"
            )
        return found
    if is_url(ref):
        return fetch(ref, archives_dir() / "url" / hashlib.sha256(ref.encode()).hexdigest()[:16])
    path = Path(ref).expanduser()
    if path.is_file() and is_archive(path.name):
        digest = sha256_of(path)
        return unpack(path, archives_dir() / digest[:16], {"archive": str(path), "sha256": digest})
    return path


def _version(url: str) -> str:
    m = re.search(r"/download/([^/]+)/", url)
    return m.group(1) if m else "unknown"


def fetch(url: str = RELEASE_URL, dest: Path | None = None, *, timeout: float = 30) -> Path:
    """Download a tldr-pages release archive and unpack it into ``dest``; returns its pages folder.
    When the network does not answer: one line naming the offline way."""
    dest = dest or corpora_dir()
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".tldr-", suffix=".zip", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        final = get(url, tmp, timeout)
        record = {"url": url, "final_url": final, "version": _version(final), "sha256": sha256_of(tmp)}
        return unpack(tmp, dest, record)
    except (urllib.error.URLError, OSError, TimeoutError) as e:
        reason = getattr(e, "reason", None) or e
        raise BadInput(f"cannot download the tldr pages from {url} ({reason}); {OFFLINE}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _safe_members(names: list[str]) -> None:
    for name in names:
        parts = Path(name).parts
        if Path(name).is_absolute() or ".." in parts:
            raise BadInput(f"tldr archive member {name!r} leaves the archive's folder; not unpacked")


def unpack(archive: Path, dest: Path, record: dict) -> Path:
    """Unpack a tldr-pages archive into ``dest`` (swapped in whole) with ``release.json``; the
    pages folder in it (``pages/``, else ``pages.en/``, else the archive's one top folder's)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".unpack-", dir=dest.parent))
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as z:
                _safe_members(z.namelist())
                z.extractall(stage)
        else:
            try:
                with tarfile.open(archive) as t:
                    _safe_members(t.getnames())
                    if hasattr(tarfile, "data_filter"):
                        t.extractall(stage, filter="data")
                    else:  # pragma: no cover - Pythons before the extraction filters
                        t.extractall(stage)
            except tarfile.TarError:
                raise BadInput(f"{archive} is not a zip or tar archive of tldr pages") from None
        top = [p for p in stage.iterdir() if p.is_dir()]
        base = stage if not (len(top) == 1 and top[0].name not in ("pages", "pages.en")) else top[0]
        pages = next((base / s for s in ("pages", "pages.en") if _has_pages(base / s)), None)
        if pages is None:
            what = record.get("archive") or record.get("url")
            raise BadInput(f"{what} holds no tldr pages (pages/<platform>/*.md)")
        publish(base, dest, record)
        return (dest / pages.name).resolve()
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def release(folder: Path | None = None) -> dict | None:
    """What ``release.json`` recorded for a fetched or unpacked archive (None: not recorded)."""
    try:
        return json.loads(((folder or corpora_dir()) / "release.json").read_text())
    except (OSError, ValueError):
        return None
