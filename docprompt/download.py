"""What fetching a corpus needs, whatever the corpus (tldr pages, DevDocs): a download to a
file, a file's sha256, and a fetched folder published whole with its ``release.json``.

Only the standard library is imported here.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import urllib.request
from pathlib import Path


def get(url: str, out: Path, timeout: float) -> str:
    """Download ``url`` into ``out``; returns the final URL (after redirects). Raises what
    urllib raises (URLError, HTTPError, OSError, TimeoutError)."""
    request = urllib.request.Request(url, headers={"User-Agent": "docprompt"})
    with urllib.request.urlopen(request, timeout=timeout) as reply, out.open("wb") as f:
        shutil.copyfileobj(reply, f)
        return reply.geturl()


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def publish(folder: Path, dest: Path, record: dict) -> None:
    """Write ``record`` (and when it was fetched) as ``folder/release.json``, then put ``folder``
    at ``dest``, replacing what was there: a reader sees the old folder or the new one."""
    stamped = {**record, "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    (folder / "release.json").write_text(json.dumps(stamped, indent=2))
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    folder.rename(dest)
    shutil.rmtree(old, ignore_errors=True)
