from __future__ import annotations

import hashlib

import pytest

from docprompt.generate import GeneratorError, embedded, get_generator, holds
from docprompt.generate.embedded import EmbeddedGenerator, PackagedModel, assemble, resolve_model


def fake_model(tmp_path, monkeypatch, chunks: list[bytes], sha: str | None = None) -> PackagedModel:
    files = {}
    for i, data in enumerate(chunks):
        f = tmp_path / f"part{i}.bin"
        f.write_bytes(data)
        files[f"dist{i}"] = f
    monkeypatch.setattr(embedded, "_chunk_file", lambda dist, model: files[dist])
    whole = b"".join(chunks)
    return PackagedModel(
        "tiny", tuple(files), "1", len(whole), sha or hashlib.sha256(whole).hexdigest()
    )


def test_chunks_are_concatenated_once_and_hash_checked(tmp_path, monkeypatch):
    model = fake_model(tmp_path, monkeypatch, [b"GGUF" + b"a" * 10, b"b" * 5])
    out = assemble(model, tmp_path / "cache")
    assert out.read_bytes() == b"GGUF" + b"a" * 10 + b"b" * 5
    mtime = out.stat().st_mtime_ns
    assert assemble(model, tmp_path / "cache").stat().st_mtime_ns == mtime  # reused, not rebuilt


def test_a_wrong_hash_leaves_no_file_behind(tmp_path, monkeypatch):
    model = fake_model(tmp_path, monkeypatch, [b"GGUFxx"], sha="0" * 64)
    with pytest.raises(GeneratorError, match="reinstall"):
        assemble(model, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_missing_packages_say_what_to_install(monkeypatch):
    model = PackagedModel("m", ("no-such-dist-docprompt",), "1", 1, "0" * 64)
    with pytest.raises(GeneratorError, match=r"pip install 'docprompt\[local\]'"):
        assemble(model)


def test_model_names_and_paths(tmp_path):
    with pytest.raises(GeneratorError, match="unknown embedded model"):
        resolve_model("gpt-17")
    with pytest.raises(GeneratorError, match="no GGUF file"):
        resolve_model(str(tmp_path / "nope.gguf"))
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a model")
    assert resolve_model(str(bogus)) == bogus
    if embedded.available():
        with pytest.raises(GeneratorError, match="not a GGUF file"):
            EmbeddedGenerator(str(bogus)).generate("hi")


def test_an_amx_build_is_refused_before_it_can_crash_the_process(tmp_path, monkeypatch):
    if not embedded.available():
        pytest.skip("llama-cpp-python not installed")
    monkeypatch.setattr(embedded, "amx_build", lambda: True)
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 16)
    with pytest.raises(GeneratorError, match="uses AMX.*--no-cache-dir llama-cpp-python"):
        EmbeddedGenerator(str(model)).generate("hi")
    monkeypatch.setenv("DOCPROMPT_LLAMA_AMX", "1")  # past the check: llama.cpp itself reads the file
    with pytest.raises(GeneratorError, match="could not load"):
        EmbeddedGenerator(str(model)).generate("hi")


def test_unknown_backend():
    with pytest.raises(GeneratorError, match="unknown backend"):
        get_generator("openai")


def qwen_or_skip() -> EmbeddedGenerator:
    """The fast packaged model (the 0.5B): these tests check the plumbing, not the answers."""
    if not embedded.available():
        pytest.skip("llama-cpp-python not installed: pip install 'docprompt[local]'")
    try:
        resolve_model(embedded.FAST_MODEL)
    except GeneratorError as e:
        pytest.skip(str(e))
    return EmbeddedGenerator(embedded.FAST_MODEL, n_ctx=2048)


@pytest.mark.embedded
def test_real_qwen_answers_and_streams():
    gen = qwen_or_skip()
    assert gen.count_tokens("hello world") == 2
    reply = gen.generate("Reply with the single word: yes", max_tokens=8)
    assert isinstance(reply, str) and "yes" in reply.lower()
    pieces = list(gen.generate("Count: 1, 2, 3,", stream=True, max_tokens=8))
    assert len(pieces) > 1 and "".join(pieces).strip()


@pytest.mark.embedded
def test_real_qwen_writes_a_verified_tar_command(home):
    from tests.test_pipeline import TAR_PARAS  # noqa: F401  (same tiny man index)

    gen = qwen_or_skip()
    from docprompt.config import BuildSettings
    from docprompt.models import Document
    from docprompt.pipeline import DocPrompt
    from docprompt.store.build import build_index
    from docprompt.store.registry import open_index, path_of

    docs = [
        Document(id=f"tar.1#{i}", text=t, title="tar(1)", metadata={"command": "tar", "flags": f})
        for i, (t, _, f) in enumerate(TAR_PARAS)
    ]
    build_index(path_of("man"), docs, name="man", indexer="manpages", roots=[], skipped={},
                settings=BuildSettings(embedder="hash:64"))  # fmt: skip
    answer = DocPrompt(open_index("man"), generator=gen).ask("extract the gzipped archive a.tgz into /tmp")
    assert answer.code.startswith("tar ") and answer.backend == "embedded"
    assert answer.verification is not None and answer.timings["generate_s"] > 0


def test_a_model_that_is_fastest_as_packaged_is_used_as_packaged(tmp_path, monkeypatch):
    """The 1.5B reads a prompt slower as Q8_0 (docs/benchmarks.md): nothing is written for it."""
    model = fake_model(tmp_path, monkeypatch, [b"GGUF" + b"x" * 8])
    monkeypatch.setitem(embedded.PACKAGED, "tiny", model)
    path = resolve_model("tiny")
    assert path.name == "tiny.gguf" and [p.name for p in path.parent.glob("tiny*")] == ["tiny.gguf"]
    packaged = embedded.PACKAGED
    assert packaged["qwen2.5-coder-1.5b"].fastest == "" and packaged["qwen2.5-coder-0.5b"].fastest == "q8_0"


def test_a_file_llama_cpp_cannot_re_encode_is_a_one_line_error(tmp_path):
    if not embedded.available():
        pytest.skip("llama-cpp-python not installed")
    (tmp_path / "models").mkdir()
    bogus = tmp_path / "models" / "m.gguf"
    bogus.write_bytes(b"GGUF and then nothing a model holds")
    with pytest.raises(GeneratorError, match="could not re-encode m.gguf as q8_0; .*weights = 'packaged'"):
        embedded.requantized(bogus)
    assert [p.name for p in bogus.parent.iterdir()] == ["m.gguf"]  # no half-written file left


@pytest.mark.embedded
def test_the_packaged_model_is_re_encoded_as_q8_0_once(home):
    """The default weights: the packaged Q4_K_M file written once as Q8_0 beside it (faster
    prompts on CPUs, docs/benchmarks.md), reused after; "packaged" keeps the file as shipped."""
    qwen_or_skip()
    packaged = resolve_model(embedded.FAST_MODEL, "packaged")
    q8 = resolve_model(embedded.FAST_MODEL)  # "fastest": the 0.5B as Q8_0
    assert q8 == packaged.with_name("qwen2.5-coder-0.5b.q8_0.gguf") and q8.read_bytes()[:4] == b"GGUF"
    assert q8.stat().st_size > packaged.stat().st_size
    stamp = q8.stat().st_mtime_ns
    assert resolve_model(embedded.FAST_MODEL).stat().st_mtime_ns == stamp  # not made again
    assert EmbeddedGenerator(embedded.FAST_MODEL, n_ctx=512).generate("Say hi.", max_tokens=4).strip()


@pytest.mark.embedded
def test_real_qwen_first_token_is_held_to_the_pattern(home):
    """``first``: asked for a bare flag, the reply still starts as a command line."""
    from docprompt.bash_answer import first_token

    gen = qwen_or_skip()
    ask = "Which flag of grep ignores case? Answer with the flag alone, e.g. -x"
    prompt = [{"role": "user", "content": ask}]
    free = gen.generate(prompt, prefix="```bash\n", stop=["\n", "```"], max_tokens=8)
    held = gen.generate(prompt, prefix="```bash\n", stop=["\n", "```"], max_tokens=8,
                        first=first_token("```bash\n"))  # fmt: skip
    assert free.startswith("-")  # what the model does unheld
    assert held.strip() and not held.startswith(("-", " ", "[", "#"))
    assert list((home / "models" / "masks").glob("*.npy"))  # the mask is kept for the next process


@pytest.mark.embedded
def test_real_qwen_chooses_one_of_the_options_only():
    """Held to the options' tokens: a name and its extension (host, hostname) both stay possible,
    and the reply is never a name outside them, nor more than one."""
    gen = qwen_or_skip()
    ask = "Request: show the fully qualified domain name of this machine. Which command does it?"
    listed = "Commands:\n- ls\n- hostname: show the host name\n- host\n\n"
    prompt = [{"role": "user", "content": listed + ask}]
    assert gen.choose(prompt, ["ls", "hostname", "host"]) in ("hostname", "host")
    assert gen.choose(prompt, ["tar", "gzip"]) in ("tar", "gzip")
    assert gen.choose(prompt, ["only"]) == "only"


@pytest.mark.embedded
def test_real_qwen_scores_a_continuation_and_its_cache_stays_sound():
    """log P(continuation | text): a likely continuation scores higher than an unlikely one, a
    longer one sums its tokens, and a completion after scoring is the one it was before."""
    gen = qwen_or_skip()
    before = gen.generate("Reply with the single word: yes", max_tokens=8)
    paris = gen.score("The capital of France is", " Paris")
    assert paris > gen.score("The capital of France is", " Tokyo")
    assert paris < 0 and gen.score("The capital of France is", " Paris, the city of light") < paris
    assert gen.score("tar: an archiving utility.\nA task it does:", "") == 0.0
    assert gen.generate("Reply with the single word: yes", max_tokens=8) == before
    with pytest.raises(GeneratorError, match="do not fit the model's context"):
        gen.score("word " * 3000, " more")


def test_after_a_known_variable_only_its_members_can_be_written():
    """The members processor: after ``bank.`` only tokens that spell a member of ``bank``'s class
    (or end one) stay; elsewhere, in a string or a comment, nothing is held."""
    import numpy as np

    vocab = [b"bank", b".", b"total", b"_grams", b"st", b"ock", b"stock", b"(", b"pl", b"uck", b"x", b"#"]
    vocab += [b" ", b"'", b".total", b".stock", b".st", b".__"]
    ids = {t: i for i, t in enumerate(vocab)}

    def allowed(*written: bytes) -> set[bytes]:
        proc = holds.Members({"bank": ["stock", "pluck"]}, vocab)
        prompt = [ids[b"x"]] * 3
        proc(np.array(prompt), np.zeros(len(vocab), dtype=np.float32))  # the first call marks the start
        out = proc(np.array(prompt + [ids[w] for w in written]), np.zeros(len(vocab), dtype=np.float32))
        return {vocab[i] for i in np.flatnonzero(out > float("-inf"))}

    assert allowed(b"bank", b".") == {b"st", b"stock", b"pl"}
    assert allowed(b"bank", b".", b"st") == {b"ock"}
    assert allowed(b"bank", b".", b"stock") == {b"(", b" ", b"."}  # a member written: what may follow
    assert allowed(b"x", b".") == set(vocab)  # not a known variable
    assert allowed(b"'", b"bank", b".") == set(vocab)  # in a string: 'bank.loft'
    assert allowed(b"#", b" ", b"bank", b".") == set(vocab)  # in a comment
    # the dot glued to a name (Qwen writes `.total` as one token): only members' names stay
    assert set(vocab) - allowed(b"bank") == {b".total", b".__"}
