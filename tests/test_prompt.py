import pytest

from docprompt.errors import BadInput
from docprompt.models import Chunk, Hit
from docprompt.prompt import PromptBuilder, load_template


def hit(i, text, kind="doc", title=None):
    chunk = Chunk(
        id=f"d{i}#0",
        doc_id=f"d{i}",
        position=0,
        text=text,
        content_hash="x",
        kind=kind,
        title=title or f"doc {i}",
    )
    return Hit(chunk=chunk, score=1.0 / (i + 1))


HITS = [
    hit(0, "-x, --extract  extract files from an archive", title="tar(1) --extract"),
    hit(1, "tar xzf archive.tar.gz", kind="example", title="Extract a gzipped archive"),
    hit(2, "-z, --gzip  filter the archive through gzip", title="tar(1) --gzip"),
    hit(3, "word " * 300, title="a long page"),
]


def test_docs_come_in_rank_order_and_examples_follow():
    p = PromptBuilder("bash").build("extract a tar.gz", HITS)
    user = p.messages[1]["content"]
    assert user.index("- tar(1) --extract") < user.index("- tar(1) --gzip") < user.index("- a long page")
    assert "Examples:\n- tar xzf archive.tar.gz" in user
    assert user.rstrip().endswith("Request: extract a tar.gz")
    assert p.cited[2].chunk.id == "d2#0" and p.dropped == 0
    assert "[1]" not in user  # no numbered citations: the answer stage computes them


def test_budget_drops_lowest_ranked_first():
    full = PromptBuilder("bash").build("extract a tar.gz", HITS)
    small = PromptBuilder("bash", context_length=full.tokens + 256 + 32 - 50, max_new_tokens=256)
    p = small.build("extract a tar.gz", HITS)
    assert p.tokens <= p.budget and p.dropped == 1
    assert [h.chunk.id for h in p.docs] == ["d0#0", "d2#0"]  # the long page, ranked last, went


def test_counts_with_the_given_tokenizer():
    words = PromptBuilder(
        "python", count_tokens=lambda s: len(s.split()), context_length=400, max_new_tokens=100
    )
    p = words.build("sum a list", HITS)
    assert p.tokens <= 400 - 100 - 32 and len(p.docs) == 2


def test_request_too_long_and_empty():
    with pytest.raises(BadInput, match="the request alone needs"):
        PromptBuilder("bash", context_length=300, max_new_tokens=100).build("x " * 2000, HITS)
    with pytest.raises(BadInput, match="the request is empty"):
        PromptBuilder("bash").build("  ", HITS)


def test_templates_can_be_overridden(tmp_path, home):
    (home / "templates").mkdir(parents=True)
    (home / "templates" / "bash.toml").write_text('system = "SYS"\nuser = "D:$docs R:$request"\n')
    p = PromptBuilder("bash").build("go", HITS[:1])
    assert p.messages[0]["content"] == "SYS" and p.messages[1]["content"].startswith("D:[1]")
    bad = tmp_path / "bad.toml"
    bad.write_text('system = "x"\nuser = "y"\ncolour = 1\n')
    with pytest.raises(BadInput, match="template .*bad.toml is invalid"):
        load_template("bash", bad)
    with pytest.raises(BadInput, match="unknown language 'ruby'"):
        load_template("ruby")
