"""IPython / Jupyter magics: ask for code in a notebook and get it as a new cell, not run.

>>> %load_ext docprompt                                                  # doctest: +SKIP
>>> %dp_use pystd                                                        # doctest: +SKIP
>>> %%dp --lang python -k 5                                              # doctest: +SKIP
... write {records} to a CSV file with a header row

``%dp_use [NAME] [options]`` picks the index (alone: lists them); ``%%dp [options]`` (the cell
body is the request) and ``%dp [options] request`` put the generated code in a new cell below,
with the cited docs and the verification result as comments at its top. ``{name}`` in a request
is replaced by the notebook variable's value, and the names and shapes of the notebook's
variables are given to the model (not to retrieval) so the code uses them.

Loading the extension imports IPython and nothing heavy: the index, the embedder and the model
load on the first ``%dp_use`` or ``%dp``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from .errors import BadInput, DocpromptError
from .notebook import VARS_HEADER as VARS_HEADER  # noqa: F401 - re-exported for tests
from .notebook import _short, describe, describe_variables, interpolate, namespace_of  # noqa: F401

try:
    from IPython.core.error import UsageError
    from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class, no_var_expand
except ImportError as e:  # pragma: no cover - only without IPython
    raise ImportError("the docprompt magics need IPython: pip install 'docprompt[jupyter]'") from e

if TYPE_CHECKING:
    from .pipeline import Answer, DocPrompt

# -- options ------------------------------------------------------------------------------------


@dataclass
class Options:
    index: str | None = None
    language: str | None = None
    backend: str | None = None
    model: str | None = None
    k: int | None = None
    verify: bool | None = None
    variables: bool | None = None
    stream: bool | None = None

    def over(self, base: Options) -> Options:
        """These options, with ``base``'s where these are unset."""
        given = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        return replace(base, **given)


def _switch(name: str, what: str, dest: str | None = None) -> list:
    from IPython.core.magic_arguments import argument

    dest = dest or name
    return [
        argument(f"--{name}", dest=dest, action="store_const", const=True, help=what),
        argument(f"--no-{name}", dest=dest, action="store_const", const=False, help="the opposite"),
    ]


def _arguments(func):
    """The options ``%dp`` and ``%dp_use`` take, declared once with IPython's magic_arguments."""
    from IPython.core.magic_arguments import argument, magic_arguments

    decorators = [
        magic_arguments(),
        argument("--index", "-i", dest="index", help="the index to answer from"),
        argument("--lang", "--language", "-l", dest="language", help="python or bash"),
        argument("--backend", "-b", dest="backend", help="auto, ollama, embedded, or a plugin's"),
        argument("--model", "-m", dest="model", help="Ollama model, embedded model name or .gguf path"),
        argument("-k", "--k", dest="k", help="docs to retrieve"),
        *_switch("verify", "check the code against the docs (default)"),
        *_switch("vars", "show the model the notebook's variables (default)", dest="variables"),
        *_switch("stream", "print the reply as it comes"),
    ]
    for deco in reversed(decorators):
        func = deco(func)
    return func


@_arguments
def _options_spec(line: str) -> None:
    """The options of the docprompt magics (parsed by :func:`parse_line`)."""


_TOKEN = re.compile(r"\s*(\S+)")


def parse_line(line: str) -> tuple[Options, str]:
    """The leading options of a magic's line, and the rest of it (the request) verbatim.

    Options (declared with magic_arguments) end at the first word not starting with ``-``, or
    at ``--``. Raises UsageError.
    """
    from .generate import BACKENDS

    parser = _options_spec.parser
    takes_value = {s: a.nargs != 0 for a in parser._actions for s in a.option_strings}
    words: list[str] = []
    pos = 0
    while m := _TOKEN.match(line, pos):
        word = m.group(1)
        if not word.startswith("-"):
            break
        pos = m.end()
        if word == "--":
            break
        name, eq, _ = word.partition("=")
        if name not in takes_value:
            raise UsageError(
                f"unknown option {name}; options: --index -i, --lang -l, --backend -b, --model -m, -k, "
                "--no-verify, --no-vars, --stream"
            )
        if not takes_value[name] and eq:
            raise UsageError(f"option {name} takes no value")
        words.append(word)
        if takes_value[name] and not eq:
            nxt = _TOKEN.match(line, pos)
            if not nxt:
                raise UsageError(f"option {name} needs a value")
            words.append(nxt.group(1))
            pos = nxt.end()
    try:
        args = parser.parse_args(words)
    except SystemExit:  # argparse's way of saying no
        raise UsageError(f"bad options: {' '.join(words)}") from None
    opts = {k: v for k, v in vars(args).items() if v is not None}
    if "language" in opts and opts["language"] not in ("python", "bash"):
        raise UsageError(f"unknown language {opts['language']!r}: use python or bash")
    if "backend" in opts and opts["backend"] not in BACKENDS:
        raise UsageError(f"unknown backend {opts['backend']!r}: use one of {', '.join(BACKENDS)}")
    if "k" in opts:
        if not str(opts["k"]).isdigit():
            raise UsageError(f"-k needs a whole number of docs, not {opts['k']!r}")
        opts["k"] = int(opts["k"])
    return Options(**opts), line[pos:].strip()


def format_cell(answer: Answer) -> str:
    """The new cell: ``%%bash`` for Bash, the cited docs and the verification as comments, the code."""
    head = ["%%bash"] if answer.language == "bash" else []
    number = {id(h): i for i, h in enumerate(answer.hits, 1)}
    for j, hit in enumerate(answer.cited):
        c = hit.chunk
        where = f" — {c.uri}" if c.uri else ""
        n = number.get(id(hit))
        tag = f"[{n}] " if n else ""
        head.append(("# docs: " if j == 0 else "#       ") + _short(f"{tag}{c.title or c.id}{where}", 150))
    report = answer.verification
    if report is None:
        head.append("# not verified (--no-verify)")
    elif report.ok:
        checked = _short(", ".join(report.checked), 120) or "nothing to check"
        label = "verified" if report.verified else "checked"
        head.append(f"# {label}: {checked}" + (" (after one repair)" if answer.repaired else ""))
    else:
        head += [f"# ✗ {_short(issue.message, 150)}" for issue in report.issues[:5]]
    if report is not None and report.unverifiable:
        head.append(f"# unverified: {_short(', '.join(report.unverifiable), 120)}")
    return "\n".join([*head, answer.code.rstrip()]) + "\n"


# -- the magics ------------------------------------------------------------------------------------


@magics_class
class DocPromptMagics(Magics):
    """``%dp_use`` and ``%dp`` / ``%%dp``; state (the index, option defaults) lives per shell."""

    def __init__(self, shell: Any):
        super().__init__(shell)
        self.index: str | None = None
        self.defaults = Options()
        self.last: Answer | None = None
        self._cache: dict[tuple[Any, ...], DocPrompt] = {}

    def _warn(self, message: str) -> None:
        print(f"docprompt: {message}", file=sys.stderr)

    def _docprompt(self, name: str, opts: Options) -> DocPrompt:
        """The DocPrompt for an index, or several (``man,acme``: their hits fused, verified
        against all), reopened when one was rebuilt, and backend/model."""
        from .multi import index_names
        from .pipeline import DocPrompt
        from .store.index import read_manifest
        from .store.registry import resolve

        try:
            names = index_names(name)
        except BadInput as e:
            raise UsageError(str(e)) from None
        built = tuple(read_manifest(resolve(n)).built_at for n in names)
        key = (name, built, opts.backend, opts.model, opts.k)
        if key not in self._cache:
            for old in [k for k in self._cache if k[0] == name and k[1] != built]:
                del self._cache[old]
            self._cache[key] = DocPrompt.load(names, backend=opts.backend, model=opts.model, k=opts.k)
        return self._cache[key]

    @line_magic
    @no_var_expand
    @_arguments
    def dp_use(self, line: str) -> None:
        """``%dp_use NAME [options]``: answer from index NAME (or several: ``NAME,NAME``, their
        hits fused and the code verified against all); the options become the defaults.

        ``%dp_use`` alone lists the indexes and marks the one in use. Options: ``--lang
        python|bash``, ``--backend auto|ollama|embedded``, ``--model NAME``, ``-k N``,
        ``--no-verify``, ``--no-vars``, ``--stream``.
        """
        from .config import indexes_dir
        from .store import registry

        opts, rest = parse_line(line)
        first, after, *_ = [*rest.split(None, 1), "", ""]
        if after:  # options may follow the name too
            more, extra = parse_line(after)
            if extra:
                raise UsageError(f"one index name, not {rest!r}")
            opts = more.over(opts)
        name = first or opts.index
        if not name and opts == Options():
            listing = registry.describe_all()
            if not listing:
                print(f"no indexes in {indexes_dir()}: build one with `docprompt index build NAME PATH...`")
                return
            for n, m in listing:
                mark = "*" if n == self.index else " "
                if isinstance(m, DocpromptError):
                    print(f"{mark} {n}  (unreadable: {m})")
                else:
                    print(f"{mark} {n}  {m.indexer}, {m.counts.get('chunks', 0)} chunks, {m.embedder.name}")
            print(f"in use: {self.index}" if self.index else "none in use: %dp_use NAME picks one")
            return
        defaults = replace(opts, index=None).over(self.defaults)
        target = name or self.index
        try:
            dp = self._docprompt(target, defaults) if target else None
        except DocpromptError as e:
            raise UsageError(str(e)) from None
        self.defaults = defaults
        if dp is None:
            print("docprompt: defaults set; no index in use yet: %dp_use NAME picks one")
        else:
            self.index = target
            lang = defaults.language or dp.language
            parts = getattr(dp.index, "indexes", [dp.index])
            sizes = [f"{ix.manifest.indexer}, {ix.manifest.counts.get('chunks', 0)} chunks" for ix in parts]
            about = (
                sizes[0] if len(parts) == 1 else "; ".join(f"{ix.name}: {z}" for ix, z in zip(parts, sizes))
            )
            print(f"docprompt: using {target!r} ({about}); answers in {lang}")

    @line_cell_magic
    @no_var_expand
    @_arguments
    def dp(self, line: str, cell: str | None = None) -> None:
        """``%%dp [options]`` (the cell is the request) or ``%dp [options] request``: write the code
        into a new cell below, not run, with its cited docs and verification as comments.

        ``{name}`` in the request is replaced by the variable's value. Options: ``--index NAME``
        (or ``NAME,NAME``),
        ``--lang python|bash``, ``--backend auto|ollama|embedded``, ``--model NAME``, ``-k N`` (docs
        to retrieve), ``--no-verify``, ``--no-vars`` (do not show the notebook's variables to the
        model), ``--stream`` (print the reply as it comes). The Answer is kept in ``_dp``.
        """
        opts, rest = parse_line(line)
        opts = opts.over(self.defaults)
        request = "\n".join(p for p in (rest, (cell or "").strip()) if p)
        shell = self.shell
        assert shell is not None
        ns = shell.user_ns
        raw, request = request, interpolate(request, ns, self._warn).strip()
        if not request:
            raise UsageError(
                "the request is empty: write what the code should do after %dp, or in the %%dp cell"
            )
        name = opts.index or self.index or self._only_index()
        context = ""
        if opts.variables is not False:
            hidden = getattr(shell, "user_ns_hidden", {})
            context = describe_variables(ns, hidden=hidden, request=f"{raw} {request}")
        on_token = (lambda piece: print(piece, end="", flush=True)) if opts.stream else None
        try:
            dp = self._docprompt(name, opts)
            answer = dp.ask(
                request,
                context=context,
                namespace=namespace_of(ns),
                language=opts.language,
                verify=opts.verify is not False,
                on_token=on_token,
            )
        except DocpromptError as e:
            raise UsageError(str(e)) from None
        if on_token:
            print()
        self.last = answer
        ns["_dp"] = answer
        if not answer.code.strip():
            self._warn(f"the model wrote no code; its reply was:\n{answer.reply.strip()}")
            return
        shell.set_next_input(format_cell(answer), replace=False)
        report = answer.verification
        verdict = (
            "not verified" if report is None
            else "verified" if report.verified
            else report.summary() if report.ok
            else "✗ " + report.summary()
        )  # fmt: skip
        seconds = answer.timings.get("total_s", 0.0)
        print(
            f"docprompt: {answer.language} code in a new cell below, from {len(answer.cited)} cited docs "
            f"of {name!r} ({answer.backend} {answer.model}, {seconds:.1f} s); {_short(verdict, 160)}"
        )

    def _only_index(self) -> str:
        from .store.registry import names

        known = names()
        if len(known) == 1:
            self.index = known[0]
            return known[0]
        listing = ", ".join(known) or "none yet: build one with `docprompt index build NAME PATH...`"
        raise UsageError(f"no index chosen: run %dp_use NAME first (indexes: {listing})")


def load_ipython_extension(ip: Any) -> None:
    """``%load_ext docprompt`` (through ``docprompt.load_ipython_extension``)."""
    ip.register_magics(DocPromptMagics)


def unload_ipython_extension(ip: Any) -> None:
    """``%unload_ext docprompt``: the magics go away with their state."""
    magics = ip.magics_manager.magics
    for kind, names in (("line", ("dp_use", "dp")), ("cell", ("dp",))):
        for name in names:
            magics[kind].pop(name, None)
    ip.magics_manager.registry.pop("DocPromptMagics", None)
