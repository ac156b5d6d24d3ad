"""The chunk store: one SQLite table; the row number is the chunk's id in FAISS and BM25.

Only this module knows the schema. ``command`` (a man page's or tldr page's command) and
``symbol`` (a Python API entry's dotted name) are typed, indexed columns written at build time,
so looking up one command's paragraphs or one symbol reads only their rows. Stores written
before those columns existed are read through their JSON metadata instead.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import IndexCorrupt
from ..models import Chunk

SCHEMA = """
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    uri TEXT NOT NULL,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vec_key TEXT NOT NULL,
    metadata TEXT NOT NULL,
    page INTEGER NOT NULL,
    command TEXT NOT NULL DEFAULT '',
    symbol TEXT NOT NULL DEFAULT ''
);
CREATE TABLE pages (
    row INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL
);
CREATE INDEX chunks_page ON chunks(page);
CREATE INDEX chunks_doc ON chunks(doc_id);
CREATE INDEX chunks_vec_key ON chunks(vec_key);
CREATE INDEX chunks_command ON chunks(command) WHERE command != '';
CREATE INDEX chunks_symbol ON chunks(symbol) WHERE symbol != '';
"""

COLUMNS = "id, doc_id, position, source, kind, language, title, uri, text, content_hash, metadata"
FILTER_COLUMNS = {"kind", "language", "source", "doc_id", "title", "uri", "command", "symbol"}


def create(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    return con


def insert(con: sqlite3.Connection, rows: Iterable[tuple[int, Chunk, str, int]]) -> None:
    con.executemany(
        "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            (
                row,
                c.id,
                c.doc_id,
                c.position,
                c.source,
                c.kind,
                c.language,
                c.title,
                c.uri,
                c.text,
                c.content_hash,
                vec_key,
                json.dumps(c.metadata, ensure_ascii=False, sort_keys=True),
                page,
                _text(c.metadata.get("command")),
                _text(c.metadata.get("symbol")),
            )
            for row, c, vec_key, page in rows
        ),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def insert_pages(con: sqlite3.Connection, pages: Iterable[tuple[int, str, str]]) -> None:
    con.executemany("INSERT INTO pages VALUES (?,?,?)", pages)


def page_key(chunk: Chunk) -> str:
    """The page a chunk belongs to: its indexer's ``page`` metadata, else its Document."""
    page = chunk.metadata.get("page")
    return str(page) if page else chunk.doc_id


def _chunk(r: tuple) -> Chunk:
    try:
        metadata = json.loads(r[10])
    except (TypeError, ValueError):
        raise IndexCorrupt(
            f"chunk {r[0]!r} has metadata that is not JSON: the chunk store is damaged; rebuild the index "
            "with `docprompt index build`"
        ) from None
    if not isinstance(metadata, dict):
        raise IndexCorrupt(f"chunk {r[0]!r} has metadata that is not an object: rebuild the index")
    return Chunk(
        id=r[0],
        doc_id=r[1],
        position=r[2],
        source=r[3],
        kind=r[4],
        language=r[5],
        title=r[6],
        uri=r[7],
        text=r[8],
        content_hash=r[9],
        metadata=metadata,
    )


class ChunkStore:
    def __init__(self, path: Path):
        # Read-only, so a reader can never alter an index another process is using.
        self.con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.count = self.con.execute("SELECT count(*) FROM chunks").fetchone()[0]
        columns = {r[1] for r in self.con.execute("PRAGMA table_info(chunks)")}
        self._col = {
            name: name if name in columns else f"ifnull(json_extract(metadata, '$.{name}'), '')"
            for name in ("command", "symbol")
        }

    def get(self, rows: list[int]) -> list[Chunk]:
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        found = {
            r[0]: _chunk(r[1:])
            for r in self.con.execute(f"SELECT row, {COLUMNS} FROM chunks WHERE row IN ({marks})", rows)
        }
        return [found[r] for r in rows]

    def chunks(self, **where: Any) -> list[tuple[int, Chunk]]:
        """(row, chunk) of the chunks whose columns equal ``where`` (``command="tar"``,
        ``kind="doc"``, ``position=0``, ``doc_id=[...]``; a list matches any of its items), in
        row order."""
        sql, args = self._where(where)
        return [
            (r[0], _chunk(r[1:]))
            for r in self.con.execute(f"SELECT row, {COLUMNS} FROM chunks{sql} ORDER BY row", args)
        ]

    def values(self, *columns: str, **where: Any) -> list[tuple]:
        """Just some columns (``row``, ``id``, ``doc_id``, ``title``, ``text``, ``kind``, ``command``,
        ``symbol``, ...) of the matching chunks, in row order: cheap scans of a large store."""
        bad = [c for c in columns if c not in _READABLE]
        if bad:
            raise ValueError(f"no column {bad[0]!r}")
        sql, args = self._where(where)
        cols = ", ".join(self._col.get(c, c) for c in columns)
        return list(self.con.execute(f"SELECT {cols} FROM chunks{sql} ORDER BY row", args))

    def under(self, column: str, prefix: str, **where: Any) -> list[tuple[int, Chunk]]:
        """(row, chunk) whose ``column`` starts with ``prefix`` (``symbol``, "seedloft.Ledger.")."""
        if column not in _READABLE:
            raise ValueError(f"no column {column!r}")
        sql, args = self._where(where)
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        cond = f"{self._col.get(column, column)} LIKE ? ESCAPE '\\'"
        sql = f"{sql} AND {cond}" if sql else f" WHERE {cond}"
        query = f"SELECT row, {COLUMNS} FROM chunks{sql} ORDER BY row"
        return [(r[0], _chunk(r[1:])) for r in self.con.execute(query, [*args, escaped + "%"])]

    def has(self, **where: Any) -> bool:
        sql, args = self._where(where)
        return self.con.execute(f"SELECT 1 FROM chunks{sql} LIMIT 1", args).fetchone() is not None

    def _where(self, where: dict[str, Any]) -> tuple[str, list]:
        parts, args = [], []
        for key, value in where.items():
            if key not in _READABLE:
                raise ValueError(f"no column {key!r}")
            expr = self._col.get(key, key)
            if value is ANY:
                parts.append(f"{expr} != ''")
                continue
            values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
            if not values:
                return " WHERE 0", []
            parts.append(f"{expr} IN ({','.join('?' * len(values))})")
            args.extend(values)
        return (" WHERE " + " AND ".join(parts) if parts else ""), args

    def vec_keys(self) -> dict[str, int]:
        return {k: r for r, k in self.con.execute("SELECT row, vec_key FROM chunks")}

    def rows_matching(self, filters: Mapping[str, Any]) -> np.ndarray:
        """Rows whose columns (kind, language, source, command, ...) or metadata keys equal the
        filters. A list value matches any of its items."""
        where, args = [], []
        for key, value in filters.items():
            column = self._col.get(key, key) if key in FILTER_COLUMNS else None
            expr = column or "json_extract(metadata, ?)"
            values = value if isinstance(value, (list, tuple, set)) else [value]
            if column is None:
                args.append(f'$."{key}"')
            where.append(f"{expr} IN ({','.join('?' * len(values))})")
            args.extend(values)
        sql = "SELECT row FROM chunks" + (" WHERE " + " AND ".join(where) if where else "")
        return np.fromiter((r[0] for r in self.con.execute(sql, args)), dtype=np.int64)

    def rows_of_pages(self, pages: list[int]) -> np.ndarray:
        marks = ",".join("?" * len(pages))
        sql = f"SELECT row FROM chunks WHERE page IN ({marks})"
        return np.fromiter((r[0] for r in self.con.execute(sql, pages)), dtype=np.int64)

    def close(self) -> None:
        self.con.close()


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()  # ``chunks(command=ANY)``: any non-empty value
_READABLE = {
    "row", "id", "doc_id", "position", "source", "kind", "language", "title", "uri", "text",
    "content_hash", "metadata", "page", "command", "symbol", "vec_key",
}  # fmt: skip
