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


def _entry(text, position=0, kind="doc", **meta):
    from docprompt.models import Chunk

    return Chunk(id=f"py/pkg.f#{position}", doc_id="py/pkg.f", position=position, text=text, content_hash="",
                 kind=kind, title="pkg.f", metadata={"symbol": "pkg.f", **meta})  # fmt: skip


def test_an_api_entry_is_embedded_as_its_name_and_first_sentence():
    from docprompt.chunking import dense_text

    text = (
        "pkg.f(path: str, *, keep: bool = False) -> int\n\nCount the lines of a file. Blank ones too."
        "\n\nArgs:\n    path: where."
    )
    chunk = _entry(text, signature="(path: str, *, keep: bool = False) -> int")
    assert dense_text(chunk, "summary") == "pkg.f\nCount the lines of a file. Blank ones too."
    assert dense_text(chunk) == search_text("pkg.f", text)  # the default: the whole text
    # a later chunk of the entry, an example, a page without a symbol: their own text
    for other in (_entry("Raises: OSError", position=1), _entry(">>> f('a')", kind="example")):
        assert dense_text(other, "summary") == search_text("pkg.f", other.text)
    from docprompt.models import Chunk

    plain = Chunk(id="man/tar#0", doc_id="man/tar", position=0, text="tar - an archiver", content_hash="")
    assert dense_text(plain, "summary") == "tar - an archiver"


def test_a_devdocs_entry_summary_skips_its_signature_lines():
    from docprompt.chunking import dense_text

    text = "freetype.Font.get_rect\nget_rect()\nReturn the size of rendered text\nget_rect(text) -> rect"
    chunk = _entry(text, symbol="freetype.Font.get_rect")
    assert dense_text(chunk, "summary").startswith("freetype.Font.get_rect\nReturn the size of rendered text")
