"""OllamaGenerator: unit tests against a fake Ollama at the HTTP boundary, integration tests
(marked ``ollama``) against a real server with SmolLM2-135M (see tests/ollama_server.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from docprompt.generate import Generator, GeneratorError
from docprompt.generate.ollama import (
    DEFAULT_NUM_CTX,
    OllamaGenerator,
    list_models,
    resolve_host,
    server_available,
)
from tests.ollama_server import OllamaServer, free_port

MODEL = "qwen2.5-coder:0.5b"


def chat_reply(content: str | None = "hello", **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant"}
    if content is not None:
        message["content"] = content
    return {"model": MODEL, "created_at": "2026-01-01T00:00:00Z", "message": message, "done": True, **extra}


def ndjson(*parts: dict[str, Any]) -> str:
    return "".join(json.dumps(p) + "\n" for p in parts)


def chunk(text: str, done: bool = False) -> dict[str, Any]:
    return {"model": MODEL, "message": {"role": "assistant", "content": text}, "done": done}


SHOW = {"model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768}, "parameters": ""}


@pytest.fixture(scope="module")
def fake_server() -> Iterator[HTTPServer]:
    # threaded: a handler that sleeps (timeout tests) must not hold up the next test
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture
def fake(fake_server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[HTTPServer]:
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    fake_server.clear()
    yield fake_server
    fake_server.check_assertions()
    fake_server.clear()


def host_of(srv: HTTPServer) -> str:
    return f"http://127.0.0.1:{srv.port}"


def gen(srv: HTTPServer, **kw: Any) -> OllamaGenerator:
    return OllamaGenerator(MODEL, host=host_of(srv), **kw)


def chat_bodies(srv: HTTPServer) -> list[dict[str, Any]]:
    return [json.loads(req.get_data()) for req, _ in srv.log if req.path == "/api/chat"]


def closed_port_host() -> str:
    return f"http://127.0.0.1:{free_port()}"  # bound then closed: nothing listens there


# -- unit: the happy paths -------------------------------------------------------------------------


def test_chat_returns_the_reply_text(fake: HTTPServer) -> None:
    fake.expect_request("/api/show", method="POST").respond_with_json(SHOW)
    fake.expect_request("/api/chat", method="POST").respond_with_json(chat_reply("print('hi')"))
    g = gen(fake)
    assert isinstance(g, Generator) and g.backend == "ollama" and g.model == MODEL
    assert g.generate("write hi") == "print('hi')"
    (body,) = chat_bodies(fake)
    assert body["model"] == MODEL and body["stream"] is False
    assert body["messages"] == [{"role": "user", "content": "write hi"}]


def test_chat_passes_messages_through(fake: HTTPServer) -> None:
    fake.expect_request("/api/show").respond_with_json(SHOW)
    fake.expect_request("/api/chat").respond_with_json(chat_reply("ok"))
    messages = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]
    assert gen(fake).generate(messages) == "ok"
    assert chat_bodies(fake)[0]["messages"] == messages


def test_streaming_yields_the_ndjson_pieces(fake: HTTPServer) -> None:
    fake.expect_request("/api/show").respond_with_json(SHOW)
    body = ndjson(chunk("tar "), chunk("xzf "), chunk("a.tgz"), chunk("", done=True))
    fake.expect_request("/api/chat").respond_with_data(body, content_type="application/x-ndjson")
    pieces = gen(fake).generate("extract", stream=True)
    assert not isinstance(pieces, str)
    assert list(pieces) == ["tar ", "xzf ", "a.tgz"]
    assert chat_bodies(fake)[0]["stream"] is True


def test_options_are_forwarded_with_ollama_names(fake: HTTPServer) -> None:
    fake.expect_request("/api/show").respond_with_json(SHOW)
    fake.expect_request("/api/chat").respond_with_json(chat_reply())
    g = gen(fake, options={"temperature": 0.7, "seed": 1, "top_p": 0.9})
    g.generate("x", temperature=0.0, max_tokens=64, stop=["```"], num_ctx=2048, seed=7, timeout=30)
    g.generate("x", stop="\n\n")
    first, second = (b["options"] for b in chat_bodies(fake))
    # per-call options override the constructor's; timeout is the client's, not the server's
    assert first == {
        "temperature": 0.0,
        "num_predict": 64,
        "stop": ["```"],
        "num_ctx": 2048,
        "seed": 7,
        "top_p": 0.9,
    }
    # defaults kept, a lone stop string becomes a list, num_ctx is always sent
    assert second == {
        "temperature": 0.7,
        "seed": 1,
        "top_p": 0.9,
        "stop": ["\n\n"],
        "num_ctx": DEFAULT_NUM_CTX,
    }


def test_context_length_from_show_is_capped_and_cached(fake: HTTPServer) -> None:
    fake.expect_request("/api/show").respond_with_json(SHOW)
    g = gen(fake)
    assert g.max_context_length == 32768
    assert g.context_length == DEFAULT_NUM_CTX  # the default window, not the model's 32k
    assert g.context_length == DEFAULT_NUM_CTX
    assert json.loads(fake.log[0][0].get_data()) == {"model": MODEL}
    assert len(fake.log) == 1  # asked once


@pytest.mark.parametrize(
    ("model_info", "num_ctx", "expected"),
    [
        ({"llama.context_length": 8192}, 16384, 8192),  # never more than the model has
        ({"llama.context_length": 8192}, 2048, 2048),
        ({"llama.context_length": 2048}, None, 2048),
        ({"general.architecture": "llama"}, None, DEFAULT_NUM_CTX),  # the model does not say
        ({"general.architecture": "llama"}, 6000, 6000),
    ],
)
def test_context_length_rules(
    fake: HTTPServer, model_info: dict[str, Any], num_ctx: int | None, expected: int
) -> None:
    fake.expect_request("/api/show").respond_with_json({"model_info": model_info})
    assert gen(fake, options={"num_ctx": num_ctx}).context_length == expected


def test_count_tokens_is_an_estimate() -> None:
    g = OllamaGenerator(MODEL, host="127.0.0.1:1")
    assert g.count_tokens("") == 0
    assert g.count_tokens("a" * 35) == 10
    assert g.count_tokens("abc") == 1


def test_server_available_and_list_models(fake: HTTPServer) -> None:
    fake.expect_request("/api/version").respond_with_json({"version": "0.9.3"})
    models = [{"model": "qwen2.5-coder:1.5b", "name": "qwen2.5-coder:1.5b"}, {"model": "a:latest"}]
    fake.expect_request("/api/tags").respond_with_json({"models": models})
    assert server_available(host_of(fake)) is True
    assert list_models(host_of(fake)) == ["a:latest", "qwen2.5-coder:1.5b"]


def test_host_from_argument_env_or_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    assert resolve_host() == "http://127.0.0.1:11434"
    assert OllamaGenerator(MODEL).host == "http://127.0.0.1:11434"
    monkeypatch.setenv("OLLAMA_HOST", "0.0.0.0:11500")
    assert OllamaGenerator(MODEL).host == "http://127.0.0.1:11500"
    assert OllamaGenerator(MODEL, host="https://gpu.example.com/").host == "https://gpu.example.com:443"
    assert resolve_host("localhost") == "http://localhost:11434"


def test_importing_the_module_does_not_import_the_client() -> None:
    code = "import sys, docprompt.generate.ollama; print(sorted({'ollama', 'httpx'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- unit: errors, one line each, the same whether streaming or not -------------------------------


def one_line(e: pytest.ExceptionInfo[GeneratorError]) -> str:
    msg = str(e.value)
    assert "\n" not in msg and msg
    return msg


@pytest.mark.parametrize("stream", [False, True])
def test_server_down_says_how_to_start_one(stream: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    host = closed_port_host()
    g = OllamaGenerator(MODEL, host=host)
    t = time.perf_counter()
    with pytest.raises(GeneratorError) as e:
        out = g.generate("x", stream=stream)
        list(out)
    assert time.perf_counter() - t < 2  # refused at once, no waiting for the timeout
    assert one_line(e) == (
        f"no Ollama server at {host}: start it with `ollama serve` or set OLLAMA_HOST, "
        "or use --backend embedded"
    )


def test_server_down_for_the_module_helpers() -> None:
    host = closed_port_host()
    t = time.perf_counter()
    assert server_available(host) is False
    assert time.perf_counter() - t < 0.5
    with pytest.raises(GeneratorError, match="no Ollama server at"):
        list_models(host)


def test_model_not_pulled_on_show(fake: HTTPServer) -> None:
    fake.expect_request("/api/show").respond_with_json({"error": f"model '{MODEL}' not found"}, status=404)
    with pytest.raises(GeneratorError) as e:
        _ = gen(fake).context_length
    assert one_line(e) == f"model {MODEL} is not available on {host_of(fake)}: run `ollama pull {MODEL}`"


@pytest.mark.parametrize("stream", [False, True])
def test_model_not_pulled_on_chat(fake: HTTPServer, stream: bool) -> None:
    err = {"error": f'model "{MODEL}" not found, try pulling it first'}
    fake.expect_request("/api/chat").respond_with_json(err, status=404)
    with pytest.raises(GeneratorError) as e:
        gen(fake, options={"num_ctx": 2048}).generate("x", stream=stream)  # raises before any piece
    assert one_line(e) == f"model {MODEL} is not available on {host_of(fake)}: run `ollama pull {MODEL}`"


def slow(seconds: float, body: str = "") -> Any:
    def handler(_: Request) -> Response:
        time.sleep(seconds)
        return Response(body, content_type="application/json")

    return handler


def test_timeout_names_the_limit_and_how_to_raise_it(fake: HTTPServer) -> None:
    fake.expect_request("/api/chat").respond_with_handler(slow(1.0, json.dumps(chat_reply())))
    g = gen(fake, timeout=0.2, options={"num_ctx": 2048})
    t = time.perf_counter()
    with pytest.raises(GeneratorError) as e:
        g.generate("x")
    assert time.perf_counter() - t < 0.9
    msg = one_line(e)
    assert msg.startswith(f"Ollama at {host_of(fake)} did not answer within 0.2 s (model {MODEL})")
    assert "timeout=SECONDS" in msg


def test_timeout_option_per_call(fake: HTTPServer) -> None:
    fake.expect_request("/api/chat").respond_with_handler(slow(1.0, json.dumps(chat_reply())))
    with pytest.raises(GeneratorError, match=r"within 0\.3 s"):
        gen(fake, options={"num_ctx": 2048}).generate("x", timeout=0.3)


def streamed(*lines: str, pause: float = 0.0) -> Any:
    """A handler streaming ``lines`` one at a time, sleeping ``pause`` before the last one."""

    def body() -> Iterator[bytes]:
        for i, line in enumerate(lines):
            if i == len(lines) - 1 and pause:
                time.sleep(pause)
            yield (line + "\n").encode()

    return lambda _: Response(body(), content_type="application/x-ndjson")


def test_streaming_timeout_mid_reply(fake: HTTPServer) -> None:
    lines = (json.dumps(chunk("echo ")), json.dumps(chunk("hi", done=True)))
    fake.expect_request("/api/chat").respond_with_handler(streamed(*lines, pause=1.0))
    it = gen(fake, timeout=0.2, options={"num_ctx": 2048}).generate("x", stream=True)
    assert isinstance(it, Iterator)
    assert next(it) == "echo "
    with pytest.raises(GeneratorError, match=r"did not answer within 0\.2 s"):
        next(it)


@pytest.mark.parametrize(
    ("stream", "body"),
    [
        (False, "this is not json"),
        (False, json.dumps({"model": MODEL, "done": True})),  # no message at all
        (False, json.dumps(chat_reply(content=None))),  # a message without content
        (False, json.dumps(["a", "list"])),
        (True, json.dumps(chunk("ok ")) + "\n{not json"),
        (True, json.dumps(chunk("ok ")) + "\n" + json.dumps({"model": MODEL, "done": False})),
        (True, json.dumps(chunk("ok ")) + "\n" + json.dumps(chat_reply(content=None, done=False))),
    ],
)
def test_malformed_reply(fake: HTTPServer, stream: bool, body: str) -> None:
    fake.expect_request("/api/chat").respond_with_data(body, content_type="application/json")
    g = gen(fake, options={"num_ctx": 2048})
    with pytest.raises(GeneratorError) as e:
        out = g.generate("x", stream=stream)
        if isinstance(out, Iterator):
            assert next(out) == "ok "  # the good piece arrives, then the bad one raises
            next(out)
    assert one_line(e).startswith(f"malformed reply from Ollama at {host_of(fake)}")


@pytest.mark.parametrize("stream", [False, True])
def test_server_error_gives_status_and_detail(fake: HTTPServer, stream: bool) -> None:
    err = {"error": "llama runner process has\nterminated"}
    fake.expect_request("/api/chat").respond_with_json(err, status=500)
    with pytest.raises(GeneratorError) as e:
        gen(fake, options={"num_ctx": 2048}).generate("x", stream=stream)
    assert one_line(e) == (
        f"Ollama at {host_of(fake)} failed (HTTP 500): llama runner process has terminated; "
        "see the server log"
    )


def test_other_client_errors_give_status(fake: HTTPServer) -> None:
    fake.expect_request("/api/chat").respond_with_json({"error": "invalid options"}, status=400)
    with pytest.raises(GeneratorError, match=r"refused the request \(HTTP 400\): invalid options$"):
        gen(fake, options={"num_ctx": 2048}).generate("x")


def test_error_line_mid_stream(fake: HTTPServer) -> None:
    lines = (json.dumps(chunk("ls ")), json.dumps({"error": "out of memory"}))
    fake.expect_request("/api/chat").respond_with_handler(streamed(*lines))
    it = gen(fake, options={"num_ctx": 2048}).generate("x", stream=True)
    assert isinstance(it, Iterator) and next(it) == "ls "
    with pytest.raises(GeneratorError, match=r"failed mid-reply: out of memory; see the server log$"):
        next(it)


# -- integration: a real Ollama server with SmolLM2-135M ------------------------------------------

ASK = [{"role": "user", "content": "Say hello."}]
DETERMINISTIC: dict[str, Any] = {"temperature": 0.0, "seed": 1, "max_tokens": 8, "num_ctx": 1024}


@pytest.mark.ollama
def test_real_server_chat(ollama_server: OllamaServer) -> None:
    g = OllamaGenerator(ollama_server.model, host=ollama_server.host, timeout=120)
    assert server_available(ollama_server.host)
    assert f"{ollama_server.model}:latest" in list_models(ollama_server.host)
    assert g.max_context_length == 8192  # SmolLM2's llama.context_length
    reply = g.generate(ASK, **DETERMINISTIC)
    assert isinstance(reply, str) and reply.strip()
    assert "<|im_end|>" not in reply and "<|im_start|>" not in reply  # the ChatML stop works


@pytest.mark.ollama
def test_real_server_streaming_matches_the_whole_reply(ollama_server: OllamaServer) -> None:
    g = OllamaGenerator(ollama_server.model, host=ollama_server.host, timeout=120)
    whole = g.generate(ASK, **DETERMINISTIC)
    pieces = list(g.generate(ASK, stream=True, **DETERMINISTIC))
    assert len(pieces) > 1  # really streamed, piece by piece
    assert "".join(pieces) == whole  # same seed, temperature 0: same text


@pytest.mark.ollama
@pytest.mark.parametrize("stream", [False, True])
def test_real_server_model_not_pulled(ollama_server: OllamaServer, stream: bool) -> None:
    missing = "docprompt-no-such-model:7b"
    g = OllamaGenerator(missing, host=ollama_server.host)
    with pytest.raises(GeneratorError) as e:
        g.generate("x", stream=stream, num_ctx=1024)  # straight to /api/chat
    msg = f"model {missing} is not available on {ollama_server.host}: run `ollama pull {missing}`"
    assert one_line(e) == msg
    with pytest.raises(GeneratorError, match="ollama pull"):
        _ = g.context_length


@pytest.mark.ollama
def test_real_server_continues_a_prefix_and_chooses_from_options(ollama_server: OllamaServer) -> None:
    """The answer stage's two needs: a reply that continues the assistant's opened code block (what
    comes back is what follows the prefix), and a choice held to given names (JSON-schema enum)."""
    g = OllamaGenerator(ollama_server.model, host=ollama_server.host, timeout=120)
    messages = [{"role": "user", "content": "Write a bash command that lists files."}]
    reply = g.generate(messages, prefix="```bash\nls", stop=["\n", "```"], **DETERMINISTIC)
    assert isinstance(reply, str) and not reply.startswith("```bash")
    assert g.choose(messages, ["ls", "tar", "grep"]) in ("ls", "tar", "grep")
