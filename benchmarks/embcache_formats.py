"""How to persist embeddings as a build computes them: SQLite (WAL, one commit per batch) against
numpy shards (one ``.npy`` pair per batch, written to a temporary name and renamed).

Measures writing N vectors batch by batch, reading them all back by key, and what a ``kill -9``
at a random moment of the writing leaves: every batch the writer reported as saved must read back
bit for bit, and nothing unreadable may remain.

    python benchmarks/embcache_formats.py --n 113084 --kills 20

Figures are in docs/benchmarks.md ("Embedding cache: SQLite or numpy shards").
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DIM = 384
BATCH = 64


def key(i: int) -> str:
    return hashlib.sha256(str(i).encode()).hexdigest()[:32]


def vector(i: int) -> np.ndarray:
    return np.random.default_rng(i).standard_normal(DIM).astype(np.float32)


class Sqlite:
    """What docprompt/store/embcache.py does: a rowid table, the key a unique index."""

    SCHEMA = "CREATE TABLE IF NOT EXISTS v (key TEXT PRIMARY KEY, vec BLOB NOT NULL)"

    def __init__(self, folder: Path):
        self.con = sqlite3.connect(folder / "cache.sqlite", timeout=30)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=NORMAL")
        self.con.execute(self.SCHEMA)

    def put(self, keys: list[str], vecs: np.ndarray) -> None:
        with self.con:
            self.con.executemany(
                "INSERT OR REPLACE INTO v VALUES (?, ?)", zip(keys, (v.tobytes() for v in vecs))
            )

    def get_all(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        self.con.execute("CREATE TEMP TABLE IF NOT EXISTS want (key TEXT PRIMARY KEY) WITHOUT ROWID")
        self.con.execute("DELETE FROM want")
        self.con.executemany("INSERT OR IGNORE INTO want VALUES (?)", ((k,) for k in keys))
        for k, blob in self.con.execute("SELECT v.key, v.vec FROM v JOIN want USING (key)"):
            out[k] = np.frombuffer(blob, dtype=np.float32)
        return out


class SqliteWithoutRowid(Sqlite):
    """The first try: 1.5 kB rows in a WITHOUT ROWID b-tree go to overflow pages."""

    SCHEMA = "CREATE TABLE IF NOT EXISTS v (key TEXT PRIMARY KEY, vec BLOB NOT NULL) WITHOUT ROWID"


class Shards:
    def __init__(self, folder: Path):
        self.folder = folder
        self.seq = 0

    def put(self, keys: list[str], vecs: np.ndarray) -> None:
        stem = f"s-{os.getpid()}-{self.seq:06d}"
        self.seq += 1
        tmp = self.folder / f".{stem}.tmp.npy"
        # one file per batch: keys (32 bytes each) and vectors side by side in one array
        rec = np.empty(len(keys), dtype=[("k", "S32"), ("v", np.float32, DIM)])
        rec["k"] = [k.encode() for k in keys]
        rec["v"] = vecs
        with open(tmp, "wb") as f:
            np.save(f, rec, allow_pickle=False)
        os.replace(tmp, self.folder / f"{stem}.npy")

    def get_all(self, keys: list[str]) -> dict[str, np.ndarray]:
        want = set(keys)
        out: dict[str, np.ndarray] = {}
        for f in sorted(self.folder.glob("s-*.npy")):
            rec = np.load(f, allow_pickle=False)
            for k, v in zip(rec["k"].tolist(), rec["v"]):
                k = k.decode()
                if k in want:
                    out[k] = v
        return out


FORMATS = {"sqlite": Sqlite, "sqlite-without-rowid": SqliteWithoutRowid, "shards": Shards}


def write(fmt: str, folder: Path, n: int, start: int = 0, report=None) -> None:
    store = FORMATS[fmt](folder)
    for lo in range(start, n, BATCH):
        ids = range(lo, min(n, lo + BATCH))
        store.put([key(i) for i in ids], np.stack([vector(i) for i in ids]))
        if report:
            print(lo + len(ids), flush=True)


def timed(fmt: str, n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        vecs = {i: vector(i) for i in range(n)}  # not timed: the embedder's part
        store = FORMATS[fmt](folder)
        t = time.perf_counter()
        for lo in range(0, n, BATCH):
            ids = range(lo, min(n, lo + BATCH))
            store.put([key(i) for i in ids], np.stack([vecs[i] for i in ids]))
        t_write = time.perf_counter() - t
        if isinstance(store, Sqlite):  # the size of the data, not of a WAL still to be checkpointed
            store.con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        keys = [key(i) for i in range(n)]
        random.Random(0).shuffle(keys)
        t = time.perf_counter()
        got = FORMATS[fmt](folder).get_all(keys)
        t_read = time.perf_counter() - t
        assert len(got) == n
        size = sum(f.stat().st_size for f in folder.iterdir())
        files = len(list(folder.iterdir()))
    return {"write_s": t_write, "read_s": t_read, "MB": size / 1e6, "files": files}


def kill_trials(fmt: str, trials: int, n: int, seed: int) -> tuple[int, int]:
    """(trials where every reported batch read back exactly, trials)."""
    rng = random.Random(seed)
    ok = 0
    for _ in range(trials):
        with tempfile.TemporaryDirectory() as d:
            proc = subprocess.Popen(
                [sys.executable, __file__, "--child", fmt, d, str(n)], stdout=subprocess.PIPE, text=True
            )
            assert proc.stdout is not None
            deadline = time.monotonic() + rng.uniform(0.05, 1.5)
            saved = 0
            os.set_blocking(proc.stdout.fileno(), False)
            while time.monotonic() < deadline and proc.poll() is None:
                line = proc.stdout.readline()
                if line.strip():
                    saved = int(line)
                else:
                    time.sleep(0.001)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            try:
                got = FORMATS[fmt](Path(d)).get_all([key(i) for i in range(n)])
                exact = all(np.array_equal(got[key(i)], vector(i)) for i in range(saved))
                exact = exact and all(np.array_equal(v, vector(int(_index(k, n)))) for k, v in got.items())
            except Exception as e:  # noqa: BLE001 - an unreadable store is the failure counted
                print(f"  {fmt}: unreadable after kill: {type(e).__name__}: {e}")
                exact = False
            ok += exact
    return ok, trials


_INDEX: dict[str, int] = {}


def _index(k: str, n: int) -> int:
    if not _INDEX:
        _INDEX.update({key(i): i for i in range(n)})
    return _INDEX[k]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=113_084, help="vectors (the man-page pool's chunks)")
    ap.add_argument("--kills", type=int, default=20, help="kill -9 trials per format")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        fmt, folder, n = args.child
        write(fmt, Path(folder), int(n), report=True)
        return
    print(f"load average {os.getloadavg()[0]:.2f}")
    for fmt in FORMATS:
        r = timed(fmt, args.n)
        print(
            f"{fmt:20s} write {args.n} in batches of {BATCH}: {r['write_s']:.1f} s; read all back: "
            f"{r['read_s']:.2f} s; {r['MB']:.0f} MB in {r['files']} files"
        )
    for fmt in FORMATS:
        ok, trials = kill_trials(fmt, args.kills, 20_000, seed=0)
        print(f"{fmt:20s} kill -9 while writing: {ok}/{trials} trials read back every saved batch exactly")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
