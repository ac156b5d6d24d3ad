"""The Python answer stage: a prompt a 0.5-1.5B model can use, built from API cards.

Instead of whole documentation paragraphs, the prompt shows

- the import lines of the names it documents (``from seedloft import Ledger``): the single most
  common mistake of small models was importing a class as if it were a module;
- one **card** per retrieved API entry (``seedloft.Ledger.pluck(code: str) -> Accession: Look a
  lot up by its accession code.``), with the owning class's card and its members' names when a
  method or attribute is retrieved;
- at most two runnable examples of those names, and the best prose paragraph of a docs folder;
- the request last, with the variables it asks for said again.

The reply starts inside a ```python block (an assistant prefix), so it is code every time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .cards import api_card, first_sentences, import_line, param_notes, short_signature, signature_args
from .models import Hit
from .pystub import Entry, stub
from .request_steps import steps, with_steps
from .verify.request import asks_its_values, given_variables, requested_variables

ApiStyle = Literal["cards", "stub"]  # the API in a prompt: a line per entry, or a Python stub

FENCE = "```python\n"
SYSTEM = (
    "You write short Python code that uses the library documented below. Import what you use as "
    "the import lines show, and call functions, classes and methods exactly as the API lines show; "
    "never write your own versions of them. Reply with code only."
)
# For the entries of a reference (DevDocs: many libraries, retrieved by the request's words):
# most shown are not what the task needs, and a small model told to use them does so anyway.
SYSTEM_REFERENCE = (
    "You write short Python code that does what the user asks. The reference entries below may "
    "help: use one where it does what the task needs, exactly as it shows; they may also be "
    "unrelated to the task. Reply with code only."
)
_METHODS = ("method", "property", "attribute", "classmethod", "staticmethod")
_CALLED = ("function", "method", "classmethod", "staticmethod")


@dataclass
class Context:
    imports: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)  # what the prompt shows, for citations
    entries: list[Entry] = field(default_factory=list)  # the API entries shown, as cards or a stub
    hints: list[str] = field(default_factory=list)  # what the docs write of the request (its filter)

    @property
    def cards(self) -> list[str]:
        """The entries as cards: a line each, then its members and the notes on its values."""
        return ["\n    ".join([api_card(e.chunk), *([e.members] if e.members else []), *e.notes])
                for e in self.entries]  # fmt: skip


class PythonPrompt:
    """Builds the prompt for a request from an index's API entries, examples and docs."""

    def __init__(self, index, retriever, *, k: int = 6, examples: int = 2, prose: int = 1,
                 max_cards: int = 10, max_example_chars: int = 500, symbols=None,
                 given_values_only: bool = False, card_examples: bool = True,
                 class_members: bool = False, steps: bool = True, filters: bool = True,
                 lookups: bool = True, builder_chains: bool = True,
                 file_cards: bool = True, maker_cards: bool = True) -> None:  # fmt: skip
        self.index, self.retriever = index, retriever
        self.filters, self.lookups = filters, lookups
        self.file_cards, self.maker_cards = file_cards, maker_cards
        self.steps = steps
        self.class_members, self.builder_chains = class_members, builder_chains
        self.card_examples = card_examples
        self.given_values_only = given_values_only
        self.k, self.n_examples, self.n_prose = k, examples, prose
        self.max_cards, self.max_example_chars = max_cards, max_example_chars
        self._symbols = symbols

    @property
    def symbols(self):
        """The index's API (:class:`~docprompt.verify.api.IndexSymbols`), shared with the verifier."""
        if self._symbols is None:
            from .verify.api import IndexSymbols

            self._symbols = IndexSymbols(self.index)
        return self._symbols

    def context(self, request: str, hits: list[Hit] | None = None,
                namespace: Mapping[str, str] | None = None) -> Context:  # fmt: skip
        """What the prompt shows for ``request``; ``namespace`` (variable -> dotted class, as a
        notebook holds them): the documented class of each variable the request names comes
        first, with its members and the ones the request is about."""
        r = self.retriever
        if hits is None:
            docs = r.retrieve(request, k=self.k, filters={"kind": "doc"}) if self.k else []
            if self.steps and self.k:
                best = [r.retrieve(step, k=1, filters={"kind": "doc"}) for step in steps(request)]
                docs = with_steps(docs, best)
            exs = (
                r.retrieve(request, k=self.n_examples + 2, filters={"kind": "example"})
                if self.n_examples
                else []
            )
            hits = docs + exs
        ctx = Context()
        api = [h for h in hits if h.chunk.kind == "doc" and h.chunk.metadata.get("symbol")]
        prose = [h for h in hits if h.chunk.kind == "doc" and not h.chunk.metadata.get("symbol")]
        seen: set[str] = set()
        for owner in self._typed_inputs(request, namespace or {}):
            symbol = owner.metadata["symbol"]
            if symbol in seen:  # two variables of one class (`bank`, `other`): one card
                continue
            members = self._members(symbol)
            if not members:  # a class the docs say nothing more of (a PosixPath): no help, only noise
                continue
            seen.add(symbol)
            self._append(ctx, owner, Hit(chunk=owner, score=0.0), members=members)
            inside = [h for h in r.retrieve(request, k=40, filters={"kind": "doc"})
                      if h.chunk.metadata.get("symbol", "").startswith(symbol + ".")]  # fmt: skip
            for hit in inside[:3]:
                self._add_card(ctx, hit, seen)
        if self.lookups:
            self._lookups(ctx, request, namespace or {}, seen)
        if self.filters:
            self._filter(ctx, request, namespace or {}, seen)
        if self.file_cards:  # `field.loft`: read_loft(path), "Load a ledger from a ``.loft`` file"
            from .lookups import request_files

            for symbol in request_files(request, self.symbols):
                self._add_card(ctx, Hit(chunk=self.symbols.entries[symbol], score=0.0), seen)
        for hit in api:
            self._add_card(ctx, hit, seen)
        if self.maker_cards:  # what the carded calls take, where one function makes it: germ_count
            from .lookups import param_makers

            carded = [e.chunk.metadata.get("symbol", "") for e in ctx.entries]
            for symbol in [m for c in carded if c for m in param_makers(c, self.symbols)]:
                self._add_card(ctx, Hit(chunk=self.symbols.entries[symbol], score=0.0), seen)
            # "stopping once the lot can no longer spare 150 g": the failure the carded calls raise
            from .verify.failures import meant_failure

            carded = [e.chunk.metadata.get("symbol", "") for e in ctx.entries]
            failure = meant_failure(request, [c for c in carded if c], self.symbols)
            if failure in self.symbols.entries:
                self._add_card(ctx, Hit(chunk=self.symbols.entries[failure], score=0.0), seen)
        for hit in prose[: self.n_prose]:
            ctx.prose.append(first_sentences(hit.chunk.text, 500))
            ctx.hits.append(hit)
        shown = self._card_examples(ctx) + [h for h in hits if h.chunk.kind == "example"]
        if self.given_values_only:  # the next examples stand in for those left out
            shown = [h for h in shown if asks_its_values(_runnable(h.chunk.text), request)]
        for hit in shown[: self.n_examples]:
            code = _runnable(hit.chunk.text)
            if code and len(code) <= self.max_example_chars and code not in ctx.examples:
                ctx.examples.append(code)
                ctx.hits.append(hit)
        return ctx

    def _lookups(self, ctx: Context, request: str, namespace: Mapping[str, str], seen: set[str]) -> None:
        """The things the request names by key, as the docs look them up (``bank.pluck('SL-0007')``
        for "lot SL-0007 of `bank`"), with the card of the call."""
        from .lookups import request_lookups

        for found in request_lookups(request, self.symbols, namespace):
            entry = self.symbols.entries.get(found.symbol)
            if entry is not None:
                self._add_card(ctx, Hit(chunk=entry, score=0.0), seen)
            ctx.hints.append(f"{found.noun.capitalize()} {found.key}: `{found.call}`.")

    def _filter(self, ctx: Context, request: str, namespace: Mapping[str, str], seen: set[str]) -> None:
        """The request's conditions in the docs' filter language (``bank.sift('keep=deep')`` for
        "lots in the freezer"), with the card of the call that takes them."""
        from .conditions import request_filter

        found = request_filter(request, self.symbols, namespace)
        if found is None:
            return
        owner = found.symbol.rsplit(".", 1)[0]
        names = [n for n, d in namespace.items() if not d.startswith("module:")
                 and self.symbols.locate(d) == owner]  # fmt: skip
        entry = self.symbols.entries.get(found.symbol)
        if entry is not None:
            self._add_card(ctx, Hit(chunk=entry, score=0.0), seen)
        cls = owner.rsplit(".", 1)[-1]
        first, *more = found.calls(names[0] if names else cls.lower())
        line = f"The {found.noun} the task is about: `{first}`"
        line += "" if names else f" (`{cls.lower()}` a `{cls}`)"
        if more:
            line += f"; `{more[0]}` takes the same filter"
        ctx.hints.append(line + ".")

    def _card_examples(self, ctx: Context) -> list[Hit]:
        """The documented examples of the carded functions and methods, in card order: what
        shows how to call the API lines (``stock(where="genus=Allium")`` shows the filter's
        syntax), before the examples retrieval ranks by the request's words."""
        if not self.card_examples:
            return []
        out = []
        for hit in ctx.hits:
            meta = hit.chunk.metadata
            if meta.get("kind_of_symbol") in _CALLED and meta.get("symbol"):
                out += [Hit(chunk=c, score=0.0) for _, c in self.index.store.chunks(symbol=meta["symbol"])
                        if c.kind == "example"]  # fmt: skip
        return out

    def _add_card(self, ctx: Context, hit: Hit, seen: set[str]) -> None:
        chunk = hit.chunk
        symbol = chunk.metadata.get("symbol", "")
        if symbol in seen or len(ctx.entries) >= self.max_cards:
            return
        seen.add(symbol)
        kind = chunk.metadata.get("kind_of_symbol", "")
        if kind in _METHODS and "." in symbol:
            owner = symbol.rsplit(".", 1)[0]
            for _, entry in self.index.store.chunks(symbol=owner):
                if owner not in seen and entry.kind == "doc":
                    seen.add(owner)
                    self._append(ctx, entry, hit, members=self._members(owner))
                break
        if kind == "class" and self.class_members:
            self._append(ctx, chunk, hit, members=self._members(symbol))
        elif kind == "module":
            self._append(ctx, chunk, hit, members=self._functions_of(symbol))
        else:
            chain = self._chain(symbol) if kind in _CALLED and self.builder_chains else ""
            self._append(ctx, chunk, hit, members=chain)
        made = self.symbols.returns(symbol) if kind in _CALLED and self.class_members else None
        if made and made not in seen and made in self.symbols.entries:
            # a factory's product (``draft(taxon) -> AccessionDraft``): what can be called on it
            # next (``.from_site(...)``, ``.germinating(...)``) is on no card otherwise
            seen.add(made)
            self._append(ctx, self.symbols.entries[made], hit, members=self._members(made))

    def _typed_inputs(self, request: str, namespace: Mapping[str, str]) -> list:
        """The API entries of the documented classes of the variables ``request`` names."""
        found = []
        for name, dotted in namespace.items():
            if dotted.startswith("module:") or not re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", request):
                continue
            symbol = self.symbols.locate(dotted)
            if symbol and symbol in self.symbols.entries:
                found.append(self.symbols.entries[symbol])
        return found

    def _append(self, ctx: Context, chunk, hit: Hit, members: str = "") -> None:
        # a long entry is split in chunks: the card comes from its first (the signature line's)
        chunk = self.symbols.entries.get(chunk.metadata.get("symbol", ""), chunk)
        line = import_line(chunk)
        if line and line not in ctx.imports:
            ctx.imports.append(line)
        ctx.entries.append(Entry(chunk, param_notes(chunk) + self._syntax(chunk), members))
        if hit not in ctx.hits:
            ctx.hits.append(hit)

    def _members(self, owner: str) -> str:
        """``members: pluck(code), sift(query), stock(*, where), codes, ...``."""
        names = []
        for name in self.symbols.member_list(owner):
            if name.startswith("_"):
                continue
            entry = self.symbols.entries.get(f"{owner}.{name}")
            kind = entry.metadata.get("kind_of_symbol", "") if entry else ""
            call = kind in ("method", "function", "classmethod", "staticmethod")
            names.append(name + (short_signature(entry.metadata.get("signature") or "") if call else ""))
        return f"members: {', '.join(names)}" if names else ""

    def _chain(self, symbol: str) -> str:
        """``then: .coded(code), .harvested(year), ..., .seal()`` for a function that returns a
        builder (a documented class two or more of whose methods return the class itself): the
        setters it is finished with, which no card shows otherwise (``draft(taxon)`` alone)."""
        made = self.symbols.returns(symbol)
        if not made or made == symbol or not self.symbols.is_class(made):
            return ""
        def called(name: str) -> str:
            entry = self.symbols.entries.get(f"{made}.{name}")
            return f".{name}{short_signature((entry.metadata.get('signature') or '') if entry else '')}"

        setters = [called(n) for n in self.symbols.setters(made) if not n.startswith("_")]
        finish = []
        for n in self.symbols.member_list(made):
            method = self.symbols.kind(f"{made}.{n}") == "method" and not n.startswith("_")
            if method and self.symbols.returns(f"{made}.{n}") not in (None, made) and called(n) == f".{n}()":
                finish.append(f".{n}()")  # ``.seal()``: what finishes it
        return f"then: {', '.join(setters[:12] + finish[:2])}" if len(setters) >= 2 else ""

    def _functions_of(self, module: str) -> str:
        """``functions: read_loft(path), render_loft(ledger), ...`` under a module's card: its
        one-line summary ("Reading and writing ledgers: the .loft text format") says what it is
        for, not which function does each part."""
        names = []
        for symbol, entry in self.symbols.entries.items():
            m = entry.metadata
            home = m.get("defined_in", symbol.rsplit(".", 1)[0])
            if m.get("kind_of_symbol") == "function" and home == module:
                names.append(symbol.rsplit(".", 1)[-1] + short_signature(m.get("signature") or ""))
        return f"functions: {', '.join(names[:12])}" if names else ""

    def _syntax(self, chunk) -> list[str]:
        """For a parameter that takes text in a filter language the docs give (``query: str |
        Sieve``, ``where: str`` documented as "a sieve filter" or passed one in an example), the
        syntax the function that reads such text documents (what its text parameter accepts)."""
        from .verify.pyfilters import languages

        a = signature_args(chunk.metadata.get("signature") or "")
        if a is None:
            return []
        symbol = chunk.metadata.get("symbol", "")
        known = languages(self.symbols)
        out = []
        for arg in a.posonlyargs + a.args + a.kwonlyargs:
            lang = known.get((symbol, arg.arg))
            factory = lang.factory if lang else None
            if factory is None or factory == symbol:
                continue
            text = self.symbols.text_param(factory)
            notes = param_notes(self.symbols.entries[factory], 400)
            said = [n for n in notes if text and n.startswith(f"{text}: ")]
            if said:
                out.append(f"{arg.arg} syntax: {said[0].split(': ', 1)[1]}")
        return out

    def messages(
        self, request: str, ctx: Context, *, context: str = "", imports: bool = True,
        style: ApiStyle = "cards",
    ) -> list[dict[str, str]]:
        """The prompt; ``imports``: list the import lines in it (not when they open the reply);
        ``style``: the API as ``cards`` (a line each) or as a Python ``stub``."""
        parts = []
        # a stub is written from a package's own API (the python indexer's entries say their
        # module); a reference's entries (DevDocs) keep their own signature lines, as cards
        if style == "stub" and ctx.entries and all(e.chunk.metadata.get("module") for e in ctx.entries):
            head = "\n".join(ctx.imports) + "\n\n" if ctx.imports and imports else ""
            parts.append(f"API:\n```python\n{head}{stub(ctx.entries)}\n```")
        else:
            if ctx.imports and imports:
                parts.append("Imports:\n" + "\n".join(ctx.imports))
            if ctx.cards:
                parts.append("API:\n" + "\n".join(ctx.cards))
        if ctx.examples:
            parts.append("Examples:\n" + "\n\n".join(ctx.examples))
        if ctx.prose:
            parts.append("From the docs:\n" + "\n\n".join(ctx.prose))
        if context.strip():
            parts.append(context.strip())
        if ctx.hints:
            parts.append("\n".join(ctx.hints))
        parts.append(f"Task: {task(request)}")
        # a package's own API (the python indexer says its module) is what the task is about
        library = any(h.chunk.metadata.get("module") for h in ctx.hits) or not ctx.hits
        system = SYSTEM if library else SYSTEM_REFERENCE
        return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(parts)}]


def api_style(setting: str, model: str | None) -> ApiStyle:
    """``auto``: the API as a stub, except for a 0.5B model (on the private library's 52 tuning
    tasks the 1.5B passed 5 more with the stub, the 0.5B one fewer and slower; docs/benchmarks.md)."""
    if setting in ("cards", "stub"):
        return "cards" if setting == "cards" else "stub"
    return "cards" if re.search(r"(?<![\d.])0\.5b", model or "", re.I) else "stub"


def task(request: str) -> str:
    """The request, with the variables it asks for and the ones it gives said again: small models
    otherwise leave the first unassigned and overwrite the second with made-up data."""
    out = request.strip()
    wanted, given = requested_variables(request), given_variables(request)
    if wanted:
        out += "\nThe code must assign " + ", ".join(f"`{v}`" for v in wanted) + "."
    if given:
        names, one = ", ".join(f"`{v}`" for v in given), len(given) == 1
        it = "it" if one else "them"
        out += f"\n{names} already exist{'s' * one}: use {it} as given; do not define {it}."
    return out


def _runnable(text: str) -> str:
    """An example's code without doctest prompts and outputs (``>>> x`` -> ``x``)."""
    lines = text.strip().splitlines()
    if any(ln.lstrip().startswith(">>> ") for ln in lines):
        out = [ln.lstrip()[4:] for ln in lines if ln.lstrip().startswith((">>> ", "... "))]
        return "\n".join(out).strip()
    body = [ln for ln in lines if not ln.startswith("```")]
    return "\n".join(body).strip()
