"""A request that says what to do when a step fails ("if the lot cannot be used, store its
state"; "abort if both hold a lot with the same code"), answered by code that handles no
failure: the docs of the functions it calls say what they raise, and which of those the
request's words describe."""

from __future__ import annotations

import ast
import re

from . import Issue, call_name, package_tree, span_fix
from .pyvalues import alike, stem, stems

# "if it is not a valid query", "if the file is malformed", "abort if both hold ..."
_FAILURE = re.compile(
    r"\b(?:abort|fail|refuse|stop)\w*\s+(?:if|when|once|as soon as|because)\b([^.;]*)"
    r"|\b(?:if|when|in case|unless)\b([^.;]*?\b(?:not|no|\w+n't|cannot|fails?|invalid|malformed|broken|"
    r"errors?|missing|unknown|wrong|bad|too (?:little|few|many|much))\b[^.;,]*)",
    re.I,
)
# words of any failure ("cannot"), not of which one
_PLAIN = {"the", "and", "for", "its", "has", "are", "was", "how", "any", "than", "that", "this", "with"}
_PLAIN |= {"can", "cannot", "not"}
_RAISES = re.compile(r"^Raises:\n((?:[ \t]+\S.*\n?)+)", re.M)


def unhandled_failures(code: str, request: str, api) -> list[Issue]:
    """The request says what to do when a step fails and the code catches nothing: the issue
    names what the called functions raise, the one the request's words describe first, with
    that exception's card. Only against a package's own API."""
    said = _FAILURE.search(request)
    tree = package_tree(code, api) if said else None
    if tree is None or any(isinstance(n, ast.Try) and n.handlers for n in ast.walk(tree)):
        return []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    called = [s for call in calls for s in api.named(call_name(call))[:1]]
    raised, ranked = ranked_failures(said, called, api)  # type: ignore[arg-type]
    if not ranked:
        return []
    best = api.class_named(ranked[0].rsplit(".", 1)[-1])
    listed = "; ".join(f"`{raised[e][0]}` raises {e} ({raised[e][1].rstrip('.')})" for e in ranked[:3])
    message = (
        f"the task says what to do {said.group(0).strip()!r} and the code handles no failure: "  # type: ignore[union-attr]
        f"{listed}: catch the one the task means (try/except {ranked[0]})"
    )
    fix = _fallback(tree, code, request[said.end() :], ranked[0], api)  # type: ignore[union-attr]
    if fix is None and re.match(r"(?:abort|stop)", said.group(0), re.I):  # type: ignore[union-attr]
        fix = _stop(tree, code, ranked[0], api)
    return [Issue("unhandled-failure", ranked[0], message, card=api.card(best) if best else "", fix=fix)]


def ranked_failures(said: re.Match, symbols: list[str], api) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """(exception -> (the function, when its docs say it raises), the exceptions ``symbols``
    raise, the ones the request's failure clause ``said`` describes best first)."""
    raised, scores = failure_scores(said, symbols, api)
    return raised, sorted(raised, key=lambda e: -scores[e])


def failure_scores(
    said: re.Match, symbols: list[str], api
) -> tuple[dict[str, tuple[str, str]], dict[str, int]]:
    """(what ``ranked_failures`` gives first, exception -> how many of the clause's words its
    docs share)."""
    clause = next(g for g in said.groups() if g is not None).strip()
    raised: dict[str, tuple[str, str]] = {}
    for symbol in symbols:
        for exc, why in raised_by(api, symbol):
            raised.setdefault(exc, (symbol.rsplit(".", 1)[-1], why))
    wanted = stems(clause, shortest=3) - _PLAIN
    spelled = set(re.findall(r"[a-z]{5,}", clause.lower())) - _PLAIN

    def overlap(exc: str) -> int:
        cls = api.class_named(exc.rsplit(".", 1)[-1])
        text = f"{raised[exc][1]} {api.card(cls) if cls else ''}".lower()
        found = stems(text, shortest=3) - _PLAIN
        words = re.findall(r"[a-z]{5,}", text)  # "spare" and "spared", whose stems differ
        alike_too = {w for w in spelled if stem(w) not in found and any(alike(w, s) for s in words)}
        return len(wanted & found) + len(alike_too)

    return raised, {e: overlap(e) for e in raised}


def failure_clause(request: str, *, only: bool = False) -> re.Match | None:
    """Where the request says what to do when a step fails ("if the file is malformed"); with
    ``only``, None where it says so of more than one failure ("skip unknown codes; stop if ...")."""
    found = list(_FAILURE.finditer(request))
    return found[0] if found and (len(found) == 1 or not only) else None


def meant_failure(request: str, symbols: list[str], api) -> str:
    """The documented exception class ``symbols`` raise that the request's words for a failing
    step describe best ("stopping once the lot can no longer spare 150 g": ``ShortOfSeed``);
    '' where the request says nothing of a failure."""
    said = _FAILURE.search(request)
    ranked = ranked_failures(said, symbols, api)[1] if said else []
    return (api.class_named(ranked[0].rsplit(".", 1)[-1]) or "") if ranked else ""


_INSTEAD = re.compile(r"\b(?:take|use|pick|get|read|load|open|try)\b([^.;]*?)\binstead\b", re.I)


def _fallback(tree: ast.Module, code: str, rest: str, exc: str, api) -> tuple[int, str, str] | None:
    """ "if the bank has no such lot, take lot SL-0001 instead" after ``lot = bank.pluck('SL-0999')``:
    the statement again with the value the request gives in place of the one that failed, in the
    ``except`` of a ``try`` around it. Only for a one-line top-level statement that passes one
    string of the same shape (letters, digits) as that value."""
    from .pyshapes import shape

    instead = _INSTEAD.search(rest)
    words = re.findall(r"[\w./:-]+", instead.group(1)) if instead else []
    values = [w for w in words if any(c.isdigit() or c in "./" for c in w)]  # a code, a file name
    lines = code.split("\n")
    for stmt in tree.body if len(values) == 1 else []:
        if not isinstance(stmt, ast.Assign) or stmt.lineno != stmt.end_lineno:
            continue
        calls = [n for n in ast.walk(stmt) if isinstance(n, ast.Call) and exc in _raises(api, n)]
        strings = [a for c in calls for a in c.args if isinstance(a, ast.Constant) and type(a.value) is str]
        old = lines[stmt.lineno - 1]
        if len(strings) != 1 or shape(strings[0].value) != shape(values[0]) or old[:1].isspace():
            continue
        again = span_fix(strings[0], lines, repr(values[0]))
        if again is None or strings[0].value == values[0]:
            continue
        return stmt.lineno, old, f"try:\n    {old}\nexcept {exc.rsplit('.', 1)[-1]}:\n    {again[2]}"
    return None


def _stop(tree: ast.Module, code: str, exc: str, api) -> tuple[int, str, str] | None:
    """ "Send ... to each institution in `partners`, stopping once the lot can no longer spare
    150 g": the loop's one-line statement whose call raises ``exc``, in a ``try`` whose
    ``except`` leaves the loop (``break``)."""
    lines = code.split("\n")
    loops = [n for n in ast.walk(tree) if isinstance(n, ast.For)]
    found = [s for loop in loops for s in loop.body if s.lineno == s.end_lineno
             and any(isinstance(n, ast.Call) and exc in _raises(api, n) for n in ast.walk(s))]  # fmt: skip
    if len(found) != 1:
        return None
    old = lines[found[0].lineno - 1]
    at = old[: len(old) - len(old.lstrip())]
    cls = api.class_named(exc.rsplit(".", 1)[-1]) or exc
    roots = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    short, root = exc.rsplit(".", 1)[-1], cls.split(".")[0]
    name = f"{root}.{short}" if root in roots else short
    return found[0].lineno, old, f"{at}try:\n{at}    {old.lstrip()}\n{at}except {name}:\n{at}    break"


# "a code clashes and ``clash`` is ``Clash.REFUSE``", "the code is taken and ``overwrite`` is false"
_WHEN = re.compile(r"``(\w+)``\s+is\s+(``[\w.'\"]+``|(?:true|false|none)\b)", re.I)


def never_raised(tree: ast.AST, api, lines: list[str], env=None) -> list[Issue]:
    """``try: bank.absorb(other, clash=Clash.OURS) except DuplicateLot:`` where ``absorb``'s docs
    say it raises DuplicateLot when ``clash`` is ``Clash.REFUSE``: the handler never runs, and the
    failure the code means to catch goes unseen. The fix passes the value the docs name (an enum
    member or a truth value, where the call passes another). ``env``: what the code's names hold
    (the call's own class is found through it; else the first documented function so named)."""
    from . import span_fix
    from .pyvalues import passed_args

    out = []
    for t in (n for n in ast.walk(tree) if isinstance(n, ast.Try)):
        caught = {
            getattr(e, "attr", getattr(e, "id", ""))
            for h in t.handlers
            for e in (h.type.elts if isinstance(h.type, ast.Tuple) else [h.type])
        }
        for call in (n for s in t.body for n in ast.walk(s) if isinstance(n, ast.Call)):
            for symbol in called_symbols(call, api, env):
                params = api.signature(symbol)
                for exc, why in raised_by(api, symbol) if params else []:
                    when = _WHEN.search(why)
                    if exc.rsplit(".", 1)[-1] not in caught or when is None:
                        continue
                    param, value = when.group(1), when.group(2).strip("`")
                    if value.casefold() in ("true", "false", "none"):
                        value = value.capitalize()
                    given = {a.arg: v for a, v in passed_args(params, call)}
                    if param not in given:
                        continue
                    written = ast.unparse(given[param])
                    if _last(written) == _last(value):
                        continue
                    node = given[param]
                    if isinstance(node, ast.Attribute) and "." in value:
                        fix = span_fix(node, lines, f"{ast.unparse(node.value)}.{value.rsplit('.', 1)[1]}")
                    elif isinstance(node, ast.Constant) and isinstance(node.value, bool) and "." not in value:
                        fix = span_fix(node, lines, value)
                    else:
                        fix = None
                    short = symbol.rsplit(".", 1)[-1]
                    message = (
                        f"`{short}` raises {exc} only when {param} is {value}, and this call passes "
                        f"{param}={written}: the `except {exc}` never runs; pass {param}={value}"
                    )
                    out.append(Issue("never-raised", f"{symbol}({param}=)", message, line=call.lineno,
                                     card=api.card(symbol), fix=fix))  # fmt: skip
    return out


def called_symbols(call: ast.Call, api, env=None) -> list[str]:
    """The documented function a call calls, as a one-item list: found through what the code's
    names hold (``bank.absorb``: ``Ledger``'s, by ``bank``), else the first so named; [] for none."""
    from .pyexpr import dotted

    target = dotted(call.func, env) if env else None
    known = api.resolve(target[1]) if target and target[0] in ("symbol", "instance-attr") else None
    return [known] if known else api.named(call_name(call))[:1]


def _raises(api, call: ast.Call) -> set[str]:
    """What the first documented function named as the call calls raises, by its docs."""
    return {e for s in api.named(call_name(call))[:1] for e, _ in raised_by(api, s)}


def raised_by(api, symbol: str) -> list[tuple[str, str]]:
    """(exception, when the docs say it is raised) for each line of an entry's ``Raises:``."""
    m = _RAISES.search(api.entries[symbol].text) if symbol in api.entries else None
    out = []
    for line in m.group(1).splitlines() if m else []:
        exc, _, why = line.strip().partition(":")
        if re.fullmatch(r"[\w.]+", exc):
            out.append((exc, why.strip()))
    return out


def _last(value: str) -> str:
    """``refuse`` for ``Clash.REFUSE``, ``'refuse'`` and ``"refuse"``; ``false`` for ``False``."""
    return value.rsplit(".", 1)[-1].strip("'\"").casefold()
