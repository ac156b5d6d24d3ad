"""Fault injection for builds: ``kill -9`` a build at a random moment of one of its phases
(reading, embedding, writing, swap) and check that the index answers exactly as one complete
build does, never half of one; and the resume check (kill while embedding, rebuild, count what
is embedded again). Shared by tests/test_faults.py (a few trials in CI) and
benchmarks/fault_injection.py (many).

The build runs in a child process whose phases are slowed (a sleep per document, per embedded
batch, per written part and per fsync of the swap), so that a kill drawn uniformly within a
phase's span lands inside it; the child prints ``phase NAME`` as each phase starts.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PHASES = ("reading", "embedding", "writing", "swap")
QUERIES = [
    "extract a gzipped archive",
    "search files for a pattern",
    "download a file over http",
    "disk usage of a folder",
    "pretty print json",
    "compress with xz",
]
MODES = ("sparse", "dense", "hybrid")
BATCH = 4

CHILD = textwrap.dedent(
    """
    import sys, time
    from contextlib import contextmanager
    from pathlib import Path
    from docprompt.config import BuildSettings
    from docprompt.embed.hashing import HashingEmbedder
    from docprompt.indexers.files import FilesIndexer
    from docprompt.store import build as B, dense, embcache, layout, sparse
    from docprompt.store.registry import path_of

    folder, name, slow = sys.argv[1], sys.argv[2], float(sys.argv[3])

    def mark(what):
        print(what, flush=True)

    class Reporter:
        @contextmanager
        def task(self, description, total=None):
            mark("phase " + description.split()[0])
            yield lambda n=1: None

    class Slow(HashingEmbedder):
        def embed(self, texts, **kw):
            time.sleep(slow)
            return super().embed(texts, **kw)

    put = embcache.EmbeddingCache.put_many
    def put_many(self, keys, vectors):
        put(self, keys, vectors)
        mark(f"saved {len(keys)}")
    embcache.EmbeddingCache.put_many = put_many

    def slowed(fn, pause):
        def run(*a, **kw):
            time.sleep(pause)
            return fn(*a, **kw)
        return run

    for mod, attr in ((dense, "save"), (sparse, "build_bm25s"), (B, "_write_pages")):
        setattr(mod, attr, slowed(getattr(mod, attr), 2 * slow))
    layout._fsync = slowed(layout._fsync, slow / 3)
    swap = layout.swap_in
    def swap_in(build, path):
        mark("phase swap")
        return swap(build, path)
    layout.swap_in = swap_in

    def documents(indexer):
        for doc in indexer.iter_documents():
            time.sleep(slow / 3)
            yield doc

    idx = FilesIndexer([folder])
    B.build_index(
        path_of(name), documents(idx), name=name, indexer="files", roots=idx.roots, skipped=idx.skipped,
        settings=BuildSettings(embedder="hash:64", batch_size=BATCH), embedder=Slow(64), reporter=Reporter(),
    )
    mark("done")
    """
).replace("BATCH", str(BATCH))


def write_corpus(folder: Path, seed: int, n: int = 24) -> Path:
    """``n`` small Markdown pages of shell-ish prose (seeded), a few paragraphs each."""
    rng = random.Random(seed)
    words = (  # noqa: SIM905
        "archive extract gzip tar file folder search pattern grep download http curl wget disk usage "
        "size json pretty print compress xz bzip list process kill signal network port socket user "
        "permission owner copy move rename link symbolic hard date time zone format print column"
    ).split()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        paras = [
            " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))) for _ in range(rng.randint(2, 4))
        ]
        (folder / f"page{i:03d}.md").write_text(f"# page {i}\n\n" + "\n\n".join(paras) + "\n")
    return folder


def answers(name: str) -> dict:
    """What index ``name`` answers: the hits (chunk id, score) of every query in every mode."""
    from docprompt.retrieve import search
    from docprompt.store.registry import open_index

    idx = open_index(name)
    try:
        out: dict = {"documents": idx.manifest.counts["documents"]}
        for mode in MODES:
            for q in QUERIES:
                out[mode, q] = [
                    (h.chunk.id, round(float(h.score), 5)) for h in search(idx, q, k=5, mode=mode)
                ]
        return out
    finally:
        idx.close()


def build(name: str, folder: Path) -> None:
    from docprompt.config import BuildSettings
    from docprompt.indexers.files import FilesIndexer
    from docprompt.store.build import build_index
    from docprompt.store.registry import path_of

    idx = FilesIndexer([folder])
    build_index(
        path_of(name), idx.iter_documents(), name=name, indexer="files", roots=idx.roots,
        skipped=idx.skipped, settings=BuildSettings(embedder="hash:64", batch_size=BATCH),
    )  # fmt: skip


@dataclass
class Trial:
    phase: str  # the phase the kill was aimed at
    landed: str  # the last phase the child had started when it died
    delay: float
    outcome: str  # "old" or "new": which complete build answered after the kill
    saved: int  # vectors the child had saved in the embedding cache


@dataclass
class Report:
    trials: list[Trial] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        aimed = Counter(t.phase for t in self.trials)
        landed = Counter(t.landed for t in self.trials)
        outcome = Counter(t.outcome for t in self.trials)
        return (
            f"{len(self.trials)} kills (aimed {dict(aimed)}; landed {dict(landed)}); index answered as "
            f"the old build {outcome['old']}x, as the new complete build {outcome['new']}x; "
            f"{len(self.failures)} failures"
        )


def _child_env() -> dict:
    env = os.environ.copy()
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_child(folder: Path, name: str, slow: float, kill_phase: str | None, rng: random.Random):
    """Run the slowed build; kill it -9 a random moment into ``kill_phase`` (None: let it finish).
    Returns (the phase it had reached, the delay drawn, vectors reported saved)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), name, str(slow)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_child_env(),
    )
    assert proc.stdout is not None
    reached, saved, delay = "start", 0, 0.0
    # the swap's span reaches past its rename: some kills land after it, and the new build answers
    span = {"reading": 8 * slow, "embedding": 10 * slow, "writing": 7 * slow, "swap": 20 * slow}
    for line in proc.stdout:
        line = line.strip()
        if line.startswith("saved "):
            saved += int(line.split()[1])
        elif line.startswith("phase "):
            reached = line.split()[1]
            if reached == kill_phase:
                delay = rng.uniform(0, span[reached])
                time.sleep(delay)
                proc.send_signal(signal.SIGKILL)
                break
    rest, err = proc.communicate(timeout=120)
    for line in rest.splitlines():  # what it printed before the signal arrived
        if line.startswith("saved "):
            saved += int(line.split()[1])
        elif line.startswith("phase "):
            reached = line.split()[1]
        elif line == "done":
            reached = "done"
    if kill_phase is None and proc.returncode != 0:
        raise RuntimeError(f"build failed: {err[-2000:]}")
    return reached, delay, saved


def kill_trials(work: Path, trials: int, seed: int = 0, slow: float = 0.03, log=None) -> Report:
    """``trials`` kills, aimed at the phases in turn. Before each, index ``t`` holds the old
    corpus; after each it must answer exactly as the old build or (a kill after the swap's rename)
    as the complete new build, and every vector in the embedding cache must be right."""
    from docprompt.store import embcache

    rng = random.Random(seed)
    old_dir = write_corpus(work / "old", seed)
    new_dir = write_corpus(work / "new", seed + 1, n=30)  # other pages, and more of them
    build("ref-new", new_dir)
    build("t", old_dir)
    want_old, want_new = answers("t"), answers("ref-new")
    assert want_old != want_new
    expected_vectors = _vectors_of(new_dir) | _vectors_of(old_dir)
    report = Report()
    for i in range(trials):
        phase = PHASES[i % len(PHASES)]
        embcache.clear()  # so that every build embeds, and the embedding phase exists
        landed, delay, saved = run_child(new_dir, "t", slow, phase, rng)
        got = answers("t")
        outcome = "old" if got == want_old else "new" if got == want_new else "mixed"
        trial = Trial(phase, landed, round(delay, 3), outcome, saved)
        report.trials.append(trial)
        if outcome == "mixed":
            report.failures.append(f"trial {i}: killed in {landed}: answers match neither build")
        if outcome == "new" and landed not in ("swap", "done"):
            report.failures.append(f"trial {i}: the new build answered after a kill in {landed}")
        bad = _wrong_cache_rows(expected_vectors)
        if bad:
            report.failures.append(f"trial {i}: {bad} wrong vectors in the embedding cache")
        if log:
            log(f"trial {i}: aimed {phase}, landed {landed} after {delay:.3f}s: {outcome}; saved {saved}")
        if outcome != "old":
            build("t", old_dir)
    build("t", new_dir)  # a plain build after all that cleans up and succeeds
    if answers("t") != want_new:
        report.failures.append("the final build does not answer as the new corpus")
    from docprompt.store.registry import path_of

    stale = [p.name for p in path_of("t").parent.iterdir() if p.name.startswith(".t.b-")]
    if len(stale) != 1:
        report.failures.append(f"stale build folders left: {stale}")
    return report


def _texts_of(folder: Path) -> list[str]:
    from docprompt.chunking import Chunker, search_text
    from docprompt.config import BuildSettings
    from docprompt.indexers.files import FilesIndexer

    s = BuildSettings()
    chunker = Chunker(s.chunk_size, s.chunk_overlap)
    docs = FilesIndexer([folder]).iter_documents()
    return [search_text(c.title, c.text) for d in docs for c in chunker.chunks(d)]


def _vectors_of(folder: Path) -> dict[str, np.ndarray]:
    from docprompt.embed.hashing import HashingEmbedder
    from docprompt.models import content_hash

    texts = list(dict.fromkeys(_texts_of(folder)))
    return dict(zip((content_hash(t) for t in texts), HashingEmbedder(64).embed(texts)))


def cache_rows() -> dict[str, np.ndarray]:
    """Every vector in the embedding cache's files."""
    import sqlite3

    from docprompt.store import embcache

    out = {}
    for f in embcache.files():
        con = sqlite3.connect(f.path)
        out.update(
            {k: np.frombuffer(v, dtype=np.float32) for k, v in con.execute("SELECT key, vec FROM vectors")}
        )
        con.close()
    return out


def _wrong_cache_rows(expected: dict[str, np.ndarray]) -> int:
    rows = cache_rows()
    return sum(1 for k, v in rows.items() if k not in expected or not np.array_equal(v, expected[k]))


@dataclass
class Resume:
    chunks: int  # distinct paragraphs of the corpus
    saved: int  # vectors in the cache after the kill
    embedded_again: int  # paragraphs the rebuild embedded
    same_index: bool  # the resumed build answers as a build from scratch


def resume_trial(work: Path, seed: int = 0, slow: float = 0.03) -> Resume:
    """Kill a build after a random number of embedded batches, rebuild with a counting embedder,
    and count what the rebuild embeds."""
    from docprompt.config import BuildSettings
    from docprompt.embed.hashing import HashingEmbedder
    from docprompt.indexers.files import FilesIndexer
    from docprompt.store import embcache
    from docprompt.store.build import build_index
    from docprompt.store.registry import path_of

    rng = random.Random(seed)
    folder = write_corpus(work / f"corpus-{seed}", seed, n=30)
    chunks = len(set(_texts_of(folder)))
    embcache.clear()
    want_batches = rng.randint(2, max(2, chunks // BATCH - 2))
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), "r", str(slow)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_child_env(),
    )
    assert proc.stdout is not None
    batches = 0
    for line in proc.stdout:
        if line.startswith("saved "):
            batches += 1
            if batches == want_batches:
                time.sleep(rng.uniform(0, slow))  # often in the middle of the next batch
                proc.send_signal(signal.SIGKILL)
                break
    proc.communicate(timeout=60)
    saved = len(cache_rows())

    class Counting(HashingEmbedder):
        seen = 0

        def embed(self, texts, **kw):
            Counting.seen += len(texts)
            return super().embed(texts, **kw)

    idx = FilesIndexer([folder])
    settings = BuildSettings(embedder="hash:64", batch_size=BATCH)
    build_index(path_of("r"), idx.iter_documents(), name="r", settings=settings, embedder=Counting(64))
    before = os.environ.get("DOCPROMPT_EMBED_CACHE_MB")
    os.environ["DOCPROMPT_EMBED_CACHE_MB"] = "0"  # the reference: built from scratch, no cache
    try:
        build("r-scratch", folder)
    finally:
        if before is None:
            del os.environ["DOCPROMPT_EMBED_CACHE_MB"]
        else:
            os.environ["DOCPROMPT_EMBED_CACHE_MB"] = before
    same = answers("r") == answers("r-scratch")
    return Resume(chunks, saved, Counting.seen, same)
