"""Check generated code against the docs: the flags of a Bash command, the APIs of Python code.

A ``Report`` says what was checked, what was wrong, and for each problem the paragraph that
shows the right usage (used by the repair round and shown to the user).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Issue:
    """One problem: ``kind`` is unknown-command, unknown-flag, missing-operand, unknown-api, unknown-module,
    import-path, unknown-argument, missing-argument, bad-arguments, unknown-member,
    variable-missing, replaced-input, unbound-method, reimplemented, copied-value,
    handwritten-value, bad-value, bad-type, undefined-name, bad-filter, meant-member,
    meant-value, unused-input, unused-value, unhandled-failure, dropped-result, element-field,
    unasked-field, wrong-kind, made-by, never-raised, not-callable, frozen, not-indexable,
    iterated-strings, iterated-others, undone-action or syntax."""

    kind: str
    name: str  # the command, flag or dotted API at fault
    message: str  # one line for the user and the model; it names the fix
    command: str = ""  # for flags: the command they were given to
    suggestions: list[str] = field(default_factory=list)
    line: int = 0  # where in the code (Python), 1-based; 0: not known
    card: str = ""  # the card of the symbol that fixes it
    fix: tuple[int, str, str] | None = None  # (line, old line, new line): a fix the docs determine


@dataclass
class Report:
    language: str
    checked: list[str] = field(default_factory=list)  # what was verified ("tar -x", "json.loads")
    issues: list[Issue] = field(default_factory=list)
    unverifiable: list[str] = field(default_factory=list)  # known to neither the docs nor the machine
    sources: dict[str, str] = field(default_factory=dict)  # name -> where it was verified ("index", "man")
    evidence: dict[str, str] = field(default_factory=dict)  # "tar -x" -> the doc line that defines it

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def verified(self) -> bool:
        """No problem found, and nothing left unchecked."""
        return self.ok and not self.unverifiable

    def summary(self) -> str:
        if not self.ok:
            return "; ".join(i.message for i in self.issues)
        what = ", ".join(self.checked) or "nothing to check"
        if self.unverifiable:
            return f"checked against the docs: {what}; not checked (no docs define them): " + ", ".join(
                self.unverifiable
            )
        return f"verified against the docs: {what}"

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok, "verified": self.verified}


def span_fix(node, lines: list[str], text: str) -> tuple[int, str, str] | None:
    """The fix that writes ``text`` in place of ``node`` (an AST node on one line of ``lines``;
    its columns count UTF-8 bytes), or None for a node over several lines."""
    at = getattr(node, "lineno", 0)
    if at != getattr(node, "end_lineno", None) or not 0 < at <= len(lines):
        return None
    b = lines[at - 1].encode()
    return at, lines[at - 1], (b[: node.col_offset] + text.encode() + b[node.end_col_offset :]).decode()


def block_fix(node, lines: list[str], text: str) -> tuple[int, str, str] | None:
    """``span_fix``, for a node over several lines too: the lines it spans are the old text."""
    at, end = getattr(node, "lineno", 0), getattr(node, "end_lineno", None)
    if at == end or end is None:
        return span_fix(node, lines, text)
    if not 0 < at <= end <= len(lines):
        return None
    first, last = lines[at - 1].encode(), lines[end - 1].encode()
    new = (first[: node.col_offset] + text.encode() + last[node.end_col_offset :]).decode()
    return at, "\n".join(lines[at - 1 : end]), new


def call_name(call) -> str:
    """The last name a call calls: ``sift`` for ``bank.sift(...)``, ``draft`` for ``draft(...)``
    ('' for ``f()()``)."""
    import ast

    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def one_symbol(call, api) -> str | None:
    """The one documented symbol a call's name can be (``plan`` -> ``plots.plan``); None when it
    is none or several."""
    symbols = {api.resolve(s) for s in api.named(call_name(call))} - {None}
    return next(iter(symbols)) if len(symbols) == 1 else None


def package_tree(code: str, api):
    """The code's syntax tree, for the checks that read a request against a package's own API;
    None when the API is a reference of many libraries (or none) or the code does not parse."""
    import ast

    if api is None or getattr(api, "reference", True):
        return None
    try:
        return ast.parse(code)
    except SyntaxError:
        return None


def asked_assignments(code: str, request: str, api) -> list:
    """(name, statement) for each top-level ``name = value`` of the code that binds a variable
    the request asks for; [] where :func:`package_tree` gives no tree."""
    import ast

    from .request import requested_variables

    wanted = set(requested_variables(request))
    tree = package_tree(code, api) if wanted else None
    found = []
    for node in tree.body if tree is not None else []:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id in wanted:
            found.append((target.id, node))
    return found


__all__ = ["Issue", "Report", "asked_assignments", "call_name", "package_tree", "span_fix"]
