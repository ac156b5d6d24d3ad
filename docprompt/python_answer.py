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

from .cards import api_card, first_sentences, import_line, param_notes, short_signature, signature_args
from .models import Hit
from .verify import Issue

FENCE = "```python\n"
SYSTEM = (
    "You write short Python code that uses the library documented below. Import what you use as "
    "the import lines show, and call functions, classes and methods exactly as the API lines show; "
    "never write your own versions of them. Reply with code only."
)
_STORE_VERB = re.compile(r"\b(?:stor|sav|put|keep|kept|assign|record|collect|gather|bind|set)\w*\b", re.I)
_INTO = re.compile(
    r"\b(?:in|into|as|to)\s+(?:(?:a|an|the)\s+(?:new\s+)?(?:variable|list|dict|set|name)\s+(?:called\s+)?)?"
    r"`([A-Za-z_]\w*)`",
    re.I,
)
_NAMED = re.compile(r"\b(?:called|named)\s+`([A-Za-z_]\w*)`", re.I)
_BASE_FORMS = {"store", "save", "put", "keep", "assign", "record", "collect", "gather", "bind", "set"}
_METHODS = ("method", "property", "attribute", "classmethod", "staticmethod")


def requested_variables(request: str) -> list[str]:
    """The variables a request asks the code to assign (``store it in `w```, ``a list called
    `out```), in order; names it only mentions (``dataframe `df```) are inputs, not asked for."""
    found = [m.group(1) for m in _NAMED.finditer(request)]
    names = re.findall(r"`([A-Za-z_]\w*)`", request)
    last = names[-1] if names else ""
    for sentence in re.split(r"[.;?]\s", request):
        for verb in _STORE_VERB.finditer(sentence):  # "store the counts in `counts`"
            imperative = verb.group(0).lower() in _BASE_FORMS
            for m in _INTO.finditer(sentence, verb.end()):
                # "seed stored in `bank`" describes an input; "a new catalogue stored in `copy`",
                # last in the request, is what is asked for
                if imperative or m.group(1) == last:
                    found.append(m.group(1))
    return sorted(dict.fromkeys(found), key=lambda v: request.index(f"`{v}`"))


@dataclass
class Context:
    imports: list[str] = field(default_factory=list)
    cards: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)  # what the prompt shows, for citations


class PythonPrompt:
    """Builds the prompt for a request from an index's API entries, examples and docs."""

    def __init__(self, index, retriever, *, k: int = 6, examples: int = 2, prose: int = 1,
                 max_cards: int = 10, max_example_chars: int = 500, symbols=None,
                 given_values_only: bool = False) -> None:  # fmt: skip
        self.index, self.retriever = index, retriever
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
            members = self._members(symbol)
            if not members:  # a class the docs say nothing more of (a PosixPath): no help, only noise
                continue
            seen.add(symbol)
            self._append(ctx, owner, Hit(chunk=owner, score=0.0), members=members)
            inside = [h for h in r.retrieve(request, k=40, filters={"kind": "doc"})
                      if h.chunk.metadata.get("symbol", "").startswith(symbol + ".")]  # fmt: skip
            for hit in inside[:3]:
                self._add_card(ctx, hit, seen)
        for hit in api:
            self._add_card(ctx, hit, seen)
        for hit in prose[: self.n_prose]:
            ctx.prose.append(first_sentences(hit.chunk.text, 500))
            ctx.hits.append(hit)
        shown = [h for h in hits if h.chunk.kind == "example"]
        if self.given_values_only:  # the next examples stand in for those left out
            shown = [h for h in shown if asks_its_values(_runnable(h.chunk.text), request)]
        for hit in shown[: self.n_examples]:
            code = _runnable(hit.chunk.text)
            if code and len(code) <= self.max_example_chars and code not in ctx.examples:
                ctx.examples.append(code)
                ctx.hits.append(hit)
        return ctx

    def _add_card(self, ctx: Context, hit: Hit, seen: set[str]) -> None:
        chunk = hit.chunk
        symbol = chunk.metadata.get("symbol", "")
        if symbol in seen or len(ctx.cards) >= self.max_cards:
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
        self._append(ctx, chunk, hit)

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
        notes = ([members] if members else []) + param_notes(chunk) + self._syntax(chunk)
        ctx.cards.append("\n    ".join([api_card(chunk), *notes]))
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

    def _syntax(self, chunk) -> list[str]:
        """For a parameter typed with a documented class that a function makes from text
        (``query: str | Sieve``), the syntax that function's docs give for the text."""
        import ast

        a = signature_args(chunk.metadata.get("signature") or "")
        if a is None:
            return []
        out = []
        for arg in a.posonlyargs + a.args + a.kwonlyargs:
            annotation = ast.unparse(arg.annotation) if arg.annotation else ""
            if not re.search(r"\bstr\b", annotation):  # only a value that may be given as text
                continue
            for cls in re.findall(r"\b[A-Z]\w*", annotation):
                made = next((s for s in self.symbols.named(cls) if self.symbols.is_class(s)), None)
                factory = self.symbols.factory(made) if made else None
                if factory and factory != chunk.metadata.get("symbol"):
                    entry = self.symbols.entries[factory]
                    said = "; ".join(n.split(": ", 1)[-1] for n in param_notes(entry, 400))
                    out.append(f"{arg.arg} syntax: {said}")
                    break
        return out

    def messages(
        self, request: str, ctx: Context, *, context: str = "", imports: bool = True
    ) -> list[dict[str, str]]:
        """The prompt; ``imports``: list the import lines in it (not when they open the reply)."""
        parts = []
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
        wanted = requested_variables(request)
        ask = f"Task: {request.strip()}"
        if wanted:
            ask += "\nThe code must assign " + ", ".join(f"`{v}`" for v in wanted) + "."
        parts.append(ask)
        return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]


_WORD = re.compile(r"[^\W_]+")


def copied_values(code: str, request: str, examples: list[str]) -> list[Issue]:
    """String values the code takes word for word from an example the prompt showed, when the
    request does not give them: small models copy an example's ``"tag:heirloom and year>=2018"``
    into whatever they were asked. A value counts as given when each of its words is in the
    request."""
    import ast

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    issues: list[Issue] = []
    for node in _unasked_strings(tree, request):
        value = node.value
        if any(i.name == value for i in issues):
            continue
        if any(f'"{value}"' in ex or f"'{value}'" in ex for ex in examples):
            message = (
                f"{value!r} is the docs example's value, and the task does not ask for it: "
                "use the values the task gives"
            )
            issues.append(Issue("copied-value", value, message, line=node.lineno))
    return issues


def _unasked_strings(tree, request: str) -> list:
    """The string constants of ``tree`` (4 characters or more) with a word the request lacks."""
    import ast

    asked = {w.casefold() for w in _WORD.findall(request)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 4:
            words = {w.casefold() for w in _WORD.findall(node.value)}
            if words and not words <= asked:
                found.append(node)
    return found


def asks_its_values(example: str, request: str) -> bool:
    """Whether every string value of ``example`` (4 characters or more) is one the request
    gives: a 0.5B model copies an example's ``"tag:heirloom and year>=2018"`` into whatever it
    is asked, so a small model is shown only the examples whose values it may copy."""
    import ast

    try:
        return not _unasked_strings(ast.parse(example), request)
    except SyntaxError:
        return False


def meant_members(code: str, request: str, api) -> list[Issue]:
    """An enum member other than the one the request names by the docs' word for it: "the
    coldroom" where the docs say "``CHILL`` the 4 °C coldroom", and the code says
    ``Keeping.CRYO``. Only where the request's words point to one member of that enum and the
    code uses one other member of it once; the fix writes the member meant."""
    import ast

    from .verify.pycalls import meanings

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    used: dict[str, list[ast.Attribute]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.isupper()
            and isinstance(node.value, (ast.Name, ast.Attribute))
        ):
            owner = node.value.id if isinstance(node.value, ast.Name) else node.value.attr
            used.setdefault(owner, []).append(node)
    words = {w.casefold() for w in _WORD.findall(request) if len(w) >= 4}
    issues = []
    lines = code.splitlines()
    for owner, nodes in used.items():
        for symbol in [s for s in api.named(owner) if api.is_class(s)][:1]:
            said = meanings(api, symbol)
            named: set[str] = set()
            for w in words:  # a word of one member's description only ("coldroom", not "from")
                has = [
                    m for m, text in said.items() if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)
                ]
                named.update(has if len(has) == 1 else [])
            if len(named) != 1 or len(nodes) != 1 or nodes[0].attr not in said:
                continue
            (meant,), node = named, nodes[0]
            if node.attr == meant:
                continue
            line = lines[node.lineno - 1]
            written = f"{owner}.{node.attr}"
            fix = (
                (node.lineno, line, line.replace(written, f"{owner}.{meant}", 1)) if written in line else None
            )
            message = f"the task means `{owner}.{meant}` ({said[meant].strip(' ()')}), not `{written}`"
            issues.append(
                Issue("meant-member", written, message, line=node.lineno, card=api.card(symbol), fix=fix)
            )
    return issues


def handwritten_values(code: str, request: str) -> list[Issue]:
    """A variable the request asks for, set to a number the request does not give
    (``years = 2026``): the answer was meant to come from the library, not be written by hand."""
    import ast

    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    given = set(re.findall(r"\d+(?:\.\d+)?", request))
    wanted = set(requested_variables(request))
    issues = []
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            continue
        name, value = node.targets[0].id, node.value
        if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
            value = value.operand
        number = value.value if isinstance(value, ast.Constant) else None
        if not (name in wanted and isinstance(number, (int, float)) and not isinstance(number, bool)):
            continue
        if f"{number:g}" not in given and str(number) not in given:
            message = (
                f"`{name}` is set to {number!r}, a number the task does not give: "
                "get it from the library's API shown above instead of writing it by hand"
            )
            issues.append(Issue("handwritten-value", name, message, line=node.lineno))
    return issues


def _runnable(text: str) -> str:
    """An example's code without doctest prompts and outputs (``>>> x`` -> ``x``)."""
    lines = text.strip().splitlines()
    if any(ln.lstrip().startswith(">>> ") for ln in lines):
        out = [ln.lstrip()[4:] for ln in lines if ln.lstrip().startswith((">>> ", "... "))]
        return "\n".join(out).strip()
    body = [ln for ln in lines if not ln.startswith("```")]
    return "\n".join(body).strip()
