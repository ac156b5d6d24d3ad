from __future__ import annotations

import contextlib
import functools
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

from docprompt.config import BuildSettings
from docprompt.indexers.files import FilesIndexer
from docprompt.store.build import build_index
from docprompt.store.registry import path_of


def build(name: str, *paths: Path, embedder: str = "hash:64", **settings):
    idx = FilesIndexer(paths)
    return build_index(
        path_of(name),
        idx.iter_documents(),
        name=name,
        indexer="files",
        roots=idx.roots,
        skipped=idx.skipped,
        settings=BuildSettings(embedder=embedder, **settings),
    )


def module_api(folder: Path, name: str, source: str):
    """The API a one-module package documents, as the verifier reads it: ``source`` written to
    ``folder/name.py``, indexed by the python indexer into the index ``name``."""
    from docprompt.indexers import make_indexer
    from docprompt.store.registry import open_index
    from docprompt.verify.api import IndexSymbols

    (folder / f"{name}.py").write_text(source)
    ix = make_indexer("python", [str(folder / f"{name}.py")], {}, max_file_bytes=1_000_000)
    build_index(path_of(name), ix.iter_documents(), settings=BuildSettings(embedder="hash:64"))
    return IndexSymbols(open_index(name))


class Scripted:
    """A generator that replies from a script (an Exception is raised), recording its prompts."""

    backend, model, context_length = "fake", "scripted", 4096

    def __init__(self, *replies: str | Exception):
        self.replies = list(replies)
        self.prompts: list[list[dict[str, str]]] = []
        self.options: list[dict] = []  # the options of each call (temperature, seed, prefix, ...)

    @property
    def calls(self) -> int:
        return len(self.prompts)

    @property
    def user(self) -> str:
        """The last user message it was sent."""
        return self.prompts[-1][-1]["content"]

    def count_tokens(self, text: str) -> int:
        return len(text) // 4 + 1

    def generate(self, prompt, *, stream=False, **options):
        self.prompts.append(prompt)
        self.options.append(options)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply if not stream else iter([w + " " for w in reply.split(" ")])


class Model(Scripted):
    """A scripted model that honours the answer stage's options: ``prefix`` is remembered (replies
    are what follows it) and ``choose`` picks from ``choices`` (else the first option)."""

    def __init__(self, *replies: str | Exception, choices: list[str] | None = None):
        super().__init__(*replies)
        self.choices = list(choices or [])
        self.chose_among: list[list[str]] = []

    def choose(self, prompt, options, *, prefix="", **settings):
        self.prompts.append(prompt)
        self.chose_among.append(list(options))
        wanted = self.choices.pop(0) if self.choices else options[0]
        return wanted if wanted in options else options[0]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request lines in the test output
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 serving ``folder``; yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def refused_url() -> str:
    """An http URL on 127.0.0.1 whose port nothing listens on."""
    with socket.socket() as s:  # free once this socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
