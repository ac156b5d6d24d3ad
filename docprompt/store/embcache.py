"""The embedding cache: vectors saved as a build computes them, so no paragraph is embedded twice.

``$DOCPROMPT_HOME/cache/embeddings/<identity-hash>.sqlite``: one SQLite file per embedder identity
(the model's name, its files' fingerprint and the graph that ran it, e.g. the int8 ONNX export),
each row a chunk's content hash and its float32 vector. WAL journal, one commit per embedded
batch: a build killed at any moment keeps every batch it finished (a ``kill -9`` loses at most
the batch in flight), and the next build of any index with the same embedder takes them from
here. SQLite was measured against numpy shards (benchmarks/embcache_formats.py): both survive
``kill -9`` with every saved batch intact; shards write faster (2 s against 12 s for 113,000
vectors, noise beside the 40 minutes of embedding) and read all back faster, but leave a file
per batch (1,767 for the man-page pool), need their own index to look up a subset, and cannot
be trimmed by use or shared by two builds without more machinery: SQLite does all three.

The cache is capped (``DOCPROMPT_EMBED_CACHE_MB``, default 4096; 0 turns it off): past the cap the
files of embedders used least recently go first, then the rows of the current one not used the
longest. ``docprompt cache clear`` (or deleting the folder) empties it; nothing else depends on
it: an index never reads the cache, only builds do.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import home
from ..errors import BadInput

CACHE_VERSION = 2  # 2: int8 vectors made one text per run
DEFAULT_MAX_MB = 4096
SUFFIX = ".sqlite"


def cache_dir() -> Path:
    return home() / "cache" / "embeddings"


def max_bytes() -> int:
    """The cap from ``DOCPROMPT_EMBED_CACHE_MB`` (MB; 0 turns the cache off)."""
    raw = os.environ.get("DOCPROMPT_EMBED_CACHE_MB", "").strip()
    if not raw:
        return DEFAULT_MAX_MB * 1_000_000
    if not raw.isdigit():
        raise BadInput(f"DOCPROMPT_EMBED_CACHE_MB={raw!r}: write a whole number of MB (0: no cache)")
    return int(raw) * 1_000_000


def file_for(identity: str) -> Path:
    digest = hashlib.sha256(f"v{CACHE_VERSION}|{identity}".encode()).hexdigest()[:24]
    return cache_dir() / f"{digest}{SUFFIX}"


class EmbeddingCache:
    """One embedder's vectors by content hash. Every failure of the file (corrupt, disk full,
    locked for too long) turns the cache off for this build instead of failing the build."""

    def __init__(self, path: Path, identity: str, dim: int):
        self.path = path
        self.identity = identity
        self.dim = dim
        self.stamp = int(time.time())
        self.broken: str | None = None
        self.con: sqlite3.Connection | None = None
        for attempt in range(2):
            try:
                self.con = self._open()
                break
            except (sqlite3.Error, OSError, ValueError) as e:
                self._fail(e)
                if not _not_a_cache(e) or attempt:
                    break  # locked, disk full...: no cache this time; a bad file: start a new one

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            con.execute("PRAGMA auto_vacuum=INCREMENTAL")  # on a new file only: trims shrink the file
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")  # WAL: a killed process loses no commit
            # A rowid table: 1.5 kB rows in a WITHOUT ROWID b-tree spill into overflow pages,
            # 2.8x the size and 4x slower to write (benchmarks/embcache_formats.py).
            con.execute(
                "CREATE TABLE IF NOT EXISTS vectors "
                "(key TEXT PRIMARY KEY, vec BLOB NOT NULL, used INTEGER NOT NULL)"
            )
            con.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
            con.execute(
                "INSERT OR IGNORE INTO meta VALUES ('identity', ?), ('dim', ?), ('version', ?)",
                (self.identity, str(self.dim), str(CACHE_VERSION)),
            )
            meta = dict(con.execute("SELECT k, v FROM meta"))
            if meta.get("identity") != self.identity or meta.get("dim") != str(self.dim):
                raise ValueError(f"holds {meta.get('identity')!r}, dim {meta.get('dim')}")
        except BaseException:
            con.close()
            raise
        with contextlib.suppress(OSError):
            os.utime(self.path)  # its mtime says when the embedder was last used (for trimming)
        return con

    def _fail(self, e: BaseException) -> None:
        """Give up on the cache for this build; a file that is not a cache is moved out of the way."""
        self.broken = f"{type(e).__name__}: {e}"
        if self.con is not None:
            with contextlib.suppress(sqlite3.Error):
                self.con.close()
            self.con = None
        if _not_a_cache(e):
            for p in (self.path, *_sidecars(self.path)):
                with contextlib.suppress(OSError):
                    os.replace(p, p.with_name(p.name + ".bad"))

    @property
    def enabled(self) -> bool:
        return self.con is not None

    def get_many(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``keys``; those found are marked used by this build."""
        if self.con is None:
            return {}
        want = list(dict.fromkeys(keys))
        out: dict[str, np.ndarray] = {}
        size = self.dim * 4
        try:
            con = self.con
            con.execute("CREATE TEMP TABLE IF NOT EXISTS want (key TEXT PRIMARY KEY) WITHOUT ROWID")
            with _transaction(con):
                con.execute("DELETE FROM want")
                con.executemany("INSERT OR IGNORE INTO want VALUES (?)", ((k,) for k in want))
            rows = con.execute("SELECT v.key, v.vec FROM vectors v JOIN want w ON v.key = w.key")
            for k, blob in rows:
                if len(blob) == size:  # a row of another size is ignored (and overwritten later)
                    out[k] = np.frombuffer(blob, dtype=np.float32)
            with _transaction(con):
                con.execute(
                    "UPDATE vectors SET used = ? WHERE used < ? AND key IN (SELECT key FROM want)",
                    (self.stamp, self.stamp),
                )
                con.execute("DELETE FROM want")
        except sqlite3.Error as e:
            self._fail(e)
            return {}
        return out

    def put_many(self, keys: list[str], vectors: np.ndarray) -> None:
        """Save one batch, committed before this returns."""
        if self.con is None or not keys:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        try:
            with _transaction(self.con):
                self.con.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                    ((k, v.tobytes(), self.stamp) for k, v in zip(keys, vectors)),
                )
        except sqlite3.Error as e:
            self._fail(e)

    def count(self) -> int:
        if self.con is None:
            return 0
        return int(self.con.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        if self.con is not None:
            with contextlib.suppress(sqlite3.Error):
                self.con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            self.con.close()
            self.con = None


def _not_a_cache(e: BaseException) -> bool:
    """A file that is no cache of this embedder (corrupt, or another's), not a passing trouble."""
    if isinstance(e, sqlite3.OperationalError):
        return "malformed" in str(e) or "not a database" in str(e)
    return isinstance(e, (sqlite3.DatabaseError, ValueError))


@contextlib.contextmanager
def _transaction(con: sqlite3.Connection) -> Iterator[None]:
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm")]


@contextlib.contextmanager
def opened(identity: str | None, dim: int) -> Iterator[EmbeddingCache | None]:
    """The cache of the embedder ``identity`` (None: no cache, e.g. turned off), trimmed to the
    cap after use."""
    if identity is None or max_bytes() == 0:
        yield None
        return
    cache = EmbeddingCache(file_for(identity), identity, dim)
    try:
        yield cache
    finally:
        cache.close()
        with contextlib.suppress(OSError, sqlite3.Error):
            trim(max_bytes(), keep=cache.path)


def embed_missing(
    embedder,
    texts: Mapping[str, str],
    cache: EmbeddingCache | None,
    *,
    batch_size: int,
    progress: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Embed ``texts`` (content hash -> text) batch by batch, shortest first, saving each batch in
    ``cache`` before the next starts: a build killed here resumes from the batches it saved."""
    order = sorted(texts, key=lambda k: len(texts[k]))
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(order), batch_size):
        keys = order[start : start + batch_size]
        vecs = np.asarray(embedder.embed([texts[k] for k in keys], batch_size=batch_size), dtype=np.float32)
        if cache is not None:
            cache.put_many(keys, vecs)
        out.update(zip(keys, vecs))
        if progress is not None:
            progress(len(keys))
        if on_batch is not None:
            on_batch(len(out))
    return out


# -- looking after the folder ------------------------------------------------------------------------


@dataclass
class CacheFile:
    path: Path
    identity: str
    dim: int
    vectors: int
    bytes: int
    last_used: float


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, *_sidecars(path)) if p.exists())


def files() -> list[CacheFile]:
    """The cache's files, most recently used first (unreadable ones listed with 0 vectors)."""
    out: list[CacheFile] = []
    folder = cache_dir()
    if not folder.is_dir():
        return out
    for path in folder.glob(f"*{SUFFIX}"):
        identity, dim, n = "?", 0, 0
        try:
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as con:
                meta = dict(con.execute("SELECT k, v FROM meta"))
                identity, dim = meta.get("identity", "?"), int(meta.get("dim", 0))
                n = int(con.execute("SELECT count(*) FROM vectors").fetchone()[0])
        except (sqlite3.Error, ValueError):
            pass
        out.append(CacheFile(path, identity, dim, n, _size(path), path.stat().st_mtime))
    return sorted(out, key=lambda f: -f.last_used)


def clear(identity_contains: str | None = None) -> list[CacheFile]:
    """Delete the cache's files (those whose embedder identity contains the given text); returns
    what was deleted."""
    gone = []
    for f in files():
        if identity_contains is None or identity_contains in f.identity:
            for p in (f.path, *_sidecars(f.path)):
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
            gone.append(f)
    if identity_contains is None and cache_dir().is_dir():
        for p in cache_dir().glob("*.bad"):
            p.unlink(missing_ok=True)
    return gone


def trim(limit: int, keep: Path | None = None) -> int:
    """Bring the folder under ``limit`` bytes (to 80% of it, so every build does not trim again):
    whole files of the embedders used least recently first, then the oldest rows of ``keep``.
    Returns the bytes freed."""
    folder = cache_dir()
    if not folder.is_dir():
        return 0
    paths = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
    total = sum(_size(p) for p in paths)
    if total <= limit:
        return 0
    target = int(limit * 0.8)
    freed = 0
    for p in paths:
        if total - freed <= target:
            return freed
        if keep is not None and p == keep:
            continue
        size = _size(p)
        for q in (p, *_sidecars(p)):
            with contextlib.suppress(FileNotFoundError):
                q.unlink()
        freed += size
    if keep is not None and keep.exists() and total - freed > target:
        freed += _trim_rows(keep, total - freed - target)
    return freed


def _trim_rows(path: Path, excess: int) -> int:
    before = _size(path)
    with contextlib.closing(sqlite3.connect(path, timeout=60, isolation_level=None)) as con:
        n = int(con.execute("SELECT count(*) FROM vectors").fetchone()[0])
        if n == 0:
            return 0
        drop = min(n, excess * n // max(before, 1) + 1)
        con.execute("BEGIN IMMEDIATE")
        con.execute(
            "DELETE FROM vectors WHERE key IN (SELECT key FROM vectors ORDER BY used, key LIMIT ?)", (drop,)
        )
        con.execute("COMMIT")
        if con.execute("PRAGMA auto_vacuum").fetchone()[0] == 2:
            con.executescript("PRAGMA incremental_vacuum;")  # steps until every free page is gone
        else:  # a file made before auto_vacuum was set
            con.execute("VACUUM")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return max(0, before - _size(path))


def describe(f: CacheFile) -> dict:
    return {
        "file": str(f.path),
        "embedder": f.identity,
        "dim": f.dim,
        "vectors": f.vectors,
        "MB": round(f.bytes / 1e6, 1),
        "last_used": time.strftime("%Y-%m-%d %H:%M", time.localtime(f.last_used)),
    }


__all__ = [
    "CacheFile", "EmbeddingCache", "cache_dir", "clear", "describe", "embed_missing", "file_for", "files",
    "max_bytes", "opened", "trim",
]  # fmt: skip
