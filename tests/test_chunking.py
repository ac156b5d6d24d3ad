from docprompt.chunking import Chunker, search_text
from docprompt.models import Document


def test_paragraphs_kept_whole_when_they_fit():
    paras = ["-f, --file=ARCHIVE\n    use archive file", "x" * 50, "word " * 400]
    doc = Document(id="man/tar", text="\n\n".join(paras), paragraphs=paras)
    pieces = Chunker(900, 100).pieces(doc)
    assert pieces[0] == paras[0] and pieces[1] == paras[1]
    assert len(pieces) > 3 and all(len(p) <= 900 for p in pieces[2:])


def test_python_split_on_definitions_and_stable_ids():
    code = "\n\n".join(f"def f{i}(x):\n    return x + {i}\n" * 8 for i in range(6))
    doc = Document(id="pkg/mod.py", text=code, language="python")
    chunks = list(Chunker(300, 30).chunks(doc))
    assert len(chunks) > 1
    assert [c.id for c in chunks] == [f"pkg/mod.py#{i}" for i in range(len(chunks))]
    assert all(c.text.lstrip().startswith("def ") for c in chunks)
    again = list(Chunker(300, 30).chunks(doc))
    assert [c.content_hash for c in chunks] == [c.content_hash for c in again]


def test_search_text_adds_title_once():
    assert search_text("tar", "E[x]tract") == "tar\nExtract"
    assert search_text("tar", "tar x") == "tar x"
