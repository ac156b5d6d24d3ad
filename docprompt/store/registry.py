"""Named indexes under ``$DOCPROMPT_HOME/indexes``."""

from __future__ import annotations

import re
from pathlib import Path

from ..config import indexes_dir
from ..errors import BadInput, DocpromptError, IndexNotFound
from ..models import Manifest
from . import layout
from .index import Index, open_path, read_manifest

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise BadInput(
            f"bad index name {name!r}: use letters, digits, '.', '_' or '-' (max 64), "
            "starting with a letter or digit"
        )
    return name


def names() -> list[str]:
    root = indexes_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".") and NAME.match(p.name))


def path_of(name: str) -> Path:
    return indexes_dir() / check_name(name)


def resolve(name: str) -> Path:
    """The index's path; a dangling link counts (``index rm`` removes it, opening it explains)."""
    path = path_of(name)
    if not path.exists() and not path.is_symlink():
        known = names()
        listing = (
            ", ".join(known) if known else "none yet; build one with `docprompt index build NAME PATH...`"
        )
        raise IndexNotFound(f"no index named {name!r}; known indexes: {listing}")
    return path


def open_index(name: str, **kwargs) -> Index:
    """The index ``name``, local or in Milvus (its manifest says which)."""
    return open_path(resolve(name), **kwargs)


def describe_all() -> list[tuple[str, Manifest | DocpromptError]]:
    """(name, manifest or the error that makes it unreadable), one per index."""
    out: list[tuple[str, Manifest | DocpromptError]] = []
    for name in names():
        try:
            out.append((name, read_manifest(path_of(name))))
        except DocpromptError as e:
            out.append((name, e))
    return out


def remove(name: str) -> None:
    path = resolve(name)
    try:
        with layout.writer_lock(path):
            layout.remove(path)
    except layout.Busy as e:
        raise BadInput(e.message(name)) from None
